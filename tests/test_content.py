"""Front matter parsing and validation: every problem reported, with file and line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pypdf import PdfReader

from handoutkit import ContentError, Edition, Project, build, load_handouts, load_library
from handoutkit.content import parse_handout

from .conftest import ROOT, copy_project, sheet_text


def problems_for(text: str, name: str = "01-sample-sheet.md") -> list[str]:
    handout, problems = parse_handout(text, f"handouts/{name}", name)
    assert (handout is None) == bool(problems)
    return [str(p) for p in problems]


def test_a_valid_sheet_parses_with_defaults():
    handout, problems = parse_handout(
        sheet_text(), "handouts/01-sample-sheet.md", "01-sample-sheet.md"
    )
    assert problems == []
    assert handout.id == "sample-sheet"
    assert handout.reviewed == dt.date(2026, 11, 1)
    assert handout.pages == 1
    assert handout.sources == ("Test source (2025)",)
    assert handout.label is None and handout.max_grade is None


def test_unknown_key_suggests_the_right_one():
    text = sheet_text(audeince="patient")
    assert problems_for(text) == [
        "handouts/01-sample-sheet.md:7: unknown front matter key 'audeince'; "
        "did you mean 'audience'?"
    ]


def test_every_problem_in_a_file_is_reported_at_once():
    text = sheet_text(audience="doctor", pages=0, reviewed="2026-02-30")
    assert problems_for(text) == [
        "handouts/01-sample-sheet.md:4: front matter 'audience' must be one of patient, "
        "supporter, physician, employer; got 'doctor'",
        "handouts/01-sample-sheet.md:6: front matter 'reviewed' must be a real date written "
        "YYYY-MM-DD; got '2026-02-30'",
        "handouts/01-sample-sheet.md:7: front matter 'pages' must be a whole number of pages, "
        "1 or more; got 0",
    ]


def test_missing_keys_are_named():
    text = "---\nid: sample-sheet\ntitle: T\n---\nBody\n"
    found = problems_for(text)
    for key in ("audience", "kind", "reviewed", "sources"):
        assert (
            f"handouts/01-sample-sheet.md:2: front matter is missing required key '{key}'" in found
        )


def test_yaml_syntax_error_names_the_line():
    text = "---\nid: sample-sheet\ntitle: [unclosed\naudience: patient\n---\nBody\n"
    (line,) = problems_for(text)
    assert line.startswith("handouts/01-sample-sheet.md:4: front matter is not valid YAML")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no front matter\n", "must start with '---'"),
        ("---\nid: x\n", "front matter is not closed"),
        ("---\n- a list\n---\nBody\n", "must be a mapping"),
    ],
)
def test_malformed_files(text, expected):
    (line,) = problems_for(text)
    assert expected in line


def test_file_name_must_match_id():
    found = problems_for(sheet_text("other-id"), name="01-sample-sheet.md")
    assert found == [
        "handouts/01-sample-sheet.md: file name must be NN-other-id.md to match its id"
    ]


def test_duplicate_ids_across_files(tmp_path: Path):
    folder = tmp_path / "handouts"
    folder.mkdir()
    (folder / "01-same.md").write_text(sheet_text("same"))
    (folder / "02-same.md").write_text(sheet_text("same"))
    with pytest.raises(ContentError) as caught:
        load_handouts(folder, tmp_path)
    assert caught.value.lines() == [
        "handouts/02-same.md: id 'same' is already used by handouts/01-same.md"
    ]


def test_problems_from_several_files_come_together(tmp_path: Path):
    folder = tmp_path / "handouts"
    folder.mkdir()
    (folder / "01-a.md").write_text(sheet_text("a", kind="poster"))
    (folder / "02-b.md").write_text(sheet_text("b", colour="red"))
    with pytest.raises(ContentError) as caught:
        load_handouts(folder, tmp_path)
    assert len(caught.value.lines()) == 2
    assert caught.value.lines()[0].startswith("handouts/01-a.md:5: front matter 'kind'")
    assert caught.value.lines()[1].startswith(
        "handouts/02-b.md:7: unknown front matter key 'colour'"
    )


def test_the_real_handouts_are_valid():
    handouts = load_handouts(ROOT / "handouts", ROOT)
    assert [h.id for h in handouts] == sorted(
        {h.id for h in handouts}, key=[h.id for h in handouts].index
    )
    assert handouts


def test_shared_text_is_included_once_written(tmp_path: Path):
    folder = tmp_path / "handouts"
    (folder / "partials").mkdir(parents=True)
    (folder / "partials" / "red-flags.md").write_text("- A seizure\n- Confusion\n")
    body = "## Get help\n\n[[include:red-flags]]\n\nThen rest.\n"
    (folder / "01-sample-sheet.md").write_text(sheet_text(body=body))
    [handout] = load_handouts(folder, tmp_path)
    assert "- A seizure\n- Confusion\n\nThen rest." in handout.body


def test_an_unknown_include_names_the_file_and_line(tmp_path: Path):
    folder = tmp_path / "handouts"
    (folder / "partials").mkdir(parents=True)
    (folder / "partials" / "red-flags.md").write_text("- A seizure\n")
    (folder / "01-sample-sheet.md").write_text(sheet_text(body="Text.\n\n[[include:red-flag]]\n"))
    with pytest.raises(ContentError) as caught:
        load_handouts(folder, tmp_path)
    assert caught.value.lines() == [
        "handouts/01-sample-sheet.md:13: no shared text 'red-flag' in partials/ (known: red-flags)"
    ]


def test_booklet_and_spanish_default_to_true_and_must_be_true_or_false():
    handout, _ = parse_handout(sheet_text(), "handouts/01-sample-sheet.md", "01-sample-sheet.md")
    assert handout.booklet is True and handout.spanish is True
    handout, _ = parse_handout(
        sheet_text(booklet="false", spanish="false"),
        "handouts/01-sample-sheet.md",
        "01-sample-sheet.md",
    )
    assert handout.booklet is False and handout.spanish is False
    assert problems_for(sheet_text(booklet="no way")) == [
        "handouts/01-sample-sheet.md:7: front matter 'booklet' must be true or false; got 'no way'"
    ]


def test_a_sheet_left_out_of_the_booklet_is_still_built_on_its_own(mini_project: Path, tmp_path):
    (mini_project / "handouts" / "03-clinic-form.md").write_text(
        sheet_text("clinic-form", "A clinic form", booklet="false", audience="physician")
    )
    out = tmp_path / "out"
    built = build(Project(mini_project), [Edition("letter")], out, jobs=1)
    assert {b.output.path for b in built} == {
        "letter/first-sheet.pdf",
        "letter/second-sheet.pdf",
        "letter/clinic-form.pdf",
        "letter/booklet.pdf",
        "letter/booklet-small.pdf",
        "letter/booklet-print.pdf",
    }
    booklet = " ".join(p.extract_text() for p in PdfReader(out / "letter" / "booklet.pdf").pages)
    assert "First sheet" in booklet and "Second sheet" in booklet
    assert "A clinic form" not in booklet


def test_a_sheet_without_a_spanish_edition_is_left_out_of_spanish_libraries(tmp_path: Path):
    root = copy_project(tmp_path / "p", with_handouts=False)
    (root / "handouts" / "01-first-sheet.md").write_text(sheet_text("first-sheet"))
    (root / "handouts" / "02-us-form.md").write_text(sheet_text("us-form", spanish="false"))
    (root / "handouts" / "es").mkdir()
    (root / "handouts" / "es" / "01-first-sheet.md").write_text(sheet_text("first-sheet"))
    english = load_library(Project(root))
    spanish = load_library(Project(root), lang="es")
    assert [h.id for h in english.handouts] == ["first-sheet", "us-form"]
    assert [h.id for h in spanish.handouts] == ["first-sheet"]
