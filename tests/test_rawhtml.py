"""A sheet's own HTML: only the allow-list, so no sheet can hide or fake the crisis box."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from handoutkit.rawhtml import ALLOWED, check_html
from make_handouts import main

from .conftest import ROOT, sheet_text

SHEET = "handouts/01-first-sheet.md"
# sheet_text puts the body on line 11 (front matter, a blank line, then the body).
BODY_LINE = 11


def refuse(mini_project: Path, capsys, body: str, *argv: str) -> list[str]:
    (mini_project / "handouts" / "01-first-sheet.md").write_text(
        sheet_text("first-sheet", body=body)
    )
    out = mini_project / "out"
    code = main(["--project", str(mini_project), "--out", str(out), *argv])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.out == "" and "Traceback" not in captured.err
    assert not out.exists(), "nothing is rendered when a sheet is refused"
    return captured.err.splitlines()


@pytest.mark.parametrize(
    "body",
    [
        "<style>.crisis{display:none}</style>\n",
        "<style>body{display:none}</style>\n",
        "Text.\n\n<style>\n.crisis { visibility: hidden }\n</style>\n",
    ],
)
def test_a_hiding_style_sheet_is_refused(mini_project: Path, capsys, body: str):
    line = BODY_LINE + body[: body.index("<style>")].count("\n")
    assert refuse(mini_project, capsys, body) == [
        f"error: {SHEET}:{line}: <style> is not allowed in a sheet: it could hide or change the "
        "crisis box"
    ]


def test_a_script_is_refused_and_never_reaches_the_preview(mini_project: Path, capsys):
    body = "## Hello\n\nText.\n\n<script>document.body.innerHTML = ''</script>\n"
    assert refuse(mini_project, capsys, body, "--html") == [
        f"error: {SHEET}:15: <script> is not allowed in a sheet: it could hide or change the "
        "crisis box"
    ]


def test_every_refusal_at_once_with_its_line(mini_project: Path, capsys):
    body = (
        "<iframe src='x.html'></iframe>\n"
        '<link rel="stylesheet" href="handouts/x.css">\n'
        '<div class="action crisis" onclick="go()" style="display:none" hidden>\n'
        "Text\n</div>\n"
        '<div class="acton">Text</div>\n'
        "## A heading {: .crisis style='color:white' }\n"
        "[Click](javascript:alert(1))\n"
    )
    assert refuse(mini_project, capsys, body) == [
        f"error: {SHEET}:11: <iframe> is not allowed in a sheet: it could hide or change the "
        "crisis box",
        f"error: {SHEET}:12: <link> is not allowed in a sheet: it could hide or change the "
        "crisis box",
        f"error: {SHEET}:13: <div>: class 'crisis' is not allowed; allowed: action, wide, two-col, "
        "checklist, blanks, cards, card-front, card-back",
        f"error: {SHEET}:13: <div>: attribute 'onclick' is not allowed: a sheet runs no scripts",
        f"error: {SHEET}:13: <div>: attribute 'style' is not allowed: a sheet's look comes from "
        "styles/",
        f"error: {SHEET}:13: <div>: attribute 'hidden' is not allowed; allowed: class, markdown, "
        "colspan, rowspan",
        f"error: {SHEET}:16: <div>: class 'acton' is not allowed; did you mean 'action'?",
        f"error: {SHEET}:17: attribute list {{: .crisis style='color:white' }}: class 'crisis' is "
        "not allowed; allowed: key-points, back",
        f"error: {SHEET}:17: attribute list {{: .crisis style='color:white' }}: attribute 'style' "
        "is not allowed: a sheet's look comes from styles/",
        f"error: {SHEET}:18: 'javascript:' links are not allowed: a sheet runs no scripts",
    ]


def test_shared_text_is_checked_in_its_own_file(mini_project: Path, capsys):
    partials = mini_project / "handouts" / "partials"
    partials.mkdir()
    (partials / "red-flags.md").write_text("Call for help.\n\n<span class=crisis>x</span>\n")
    body = "## Red flags\n\n[[include:red-flags]]\n"
    assert refuse(mini_project, capsys, body) == [
        "error: handouts/partials/red-flags.md:3: <span>: class 'crisis' is not allowed; "
        "allowed: write-in, blank, label"
    ]


def test_what_markdown_shows_as_text_is_not_html():
    text = (
        "Links: <https://example.org/a?b=c> and <help@example.org>.\n"
        "<!-- a note for editors -->\n"
        '<div class="action wide" markdown="1">\n\n### Do this\n</div>\n'
        '<table class="diary"><thead><tr><th class="day" colspan="2">Day</th></tr></thead>'
        "<tbody><tr><td>1</td></tr></tbody></table>\n"
        '<div class="blanks"><span class="blank"><span class="label">Me</span>'
        '<span class="write-in"></span></span><br/></div>\n'
        "## Heading {: #my-anchor }\n"
    )
    assert check_html(text, "x.md", skip_front_matter=False) == []


def test_a_comment_cannot_smuggle_a_tag():
    problems = check_html("<!--> <style>x</style> -->\n", "x.md", skip_front_matter=False)
    assert [p.message.split(" is ")[0] for p in problems] == ["<!...>", "<style>"]


def test_every_real_sheet_keeps_to_the_allow_list():
    for path in sorted((ROOT / "handouts").rglob("*.md")):
        assert check_html(path.read_text(), path.name, path.parent.name != "partials") == []


def test_the_readme_lists_the_allow_list():
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("### HTML in a sheet") :]
    section = section[: section.index("\n## ")]
    for tag, classes in ALLOWED.items():
        assert re.search(rf"`<{tag}>`|`{tag}\.", section), tag
        for name in classes:
            assert re.search(rf"`{tag}(\.[a-z-]+)*\.{name}(\.[a-z-]+)*`", section), name
