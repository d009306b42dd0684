"""handouts/regions.toml: each mistake one located line, stale numbers warned about, --strict."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pypdf import PdfReader

from handoutkit import Project
from handoutkit.errors import ContentError
from handoutkit.regions import REGIONS, _stale, load_regions
from handoutkit.tomllines import KeyLines
from make_handouts import main

from .conftest import ROOT, TODAY, copy_project

REAL = (ROOT / "handouts" / "regions.toml").read_text(encoding="utf-8")


def edit(project: Path, *changes: tuple[str, str]) -> Path:
    text = REAL
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = project / "handouts" / "regions.toml"
    path.write_text(text, encoding="utf-8")
    return path


def line_of(path: Path, fragment: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if fragment in line)


EMPTY = 'emergency = ""'
EMPTY_LAW = 'employment_law = ""'
SPAN = 'er = "<span'


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_issues_mistakes_are_one_line_each(mini_project: Path, capsys):
    path = edit(
        mini_project,
        ('number = "116 123"', 'nubmer = "116 123"'),
        ('emergency = "911"', 'emergency = ""'),
    )
    code, out, err = run(capsys, "check", "--project", str(mini_project))
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"error: handouts/regions.toml:{line_of(path, EMPTY)}: "
        "regions.us.emergency: must not be empty",
        f"error: handouts/regions.toml:{line_of(path, 'nubmer')}: "
        "regions.uk.lines[1].nubmer: unknown key; did you mean 'number'?",
    ]


def test_every_kind_of_mistake_at_once(mini_project: Path, capsys):
    path = edit(
        mini_project,
        ('reviewed = "2026-11-01"', 'reviewed = "2026-13-01"'),
        ('[regions.ca]\nname = "Canada"\nemergency = "911"\n', "[regions.ca]\nemergency = 911\n"),
        ('number = "HOME to 741741"', 'number = "HOME to 7417 41x"'),
        ('website = "https://988.ca"', 'website = "988.ca"'),
        ("[regions.au]", "[regions.aus]"),
        ("[regions.au.words]", "[regions.aus.words]"),
        ("[regions.au.es]", "[regions.aus.es]"),
        ("[regions.au.es.words]", "[regions.aus.es.words]"),
    )
    code, _, err = run(capsys, "check", "--project", str(mini_project))
    assert code == 1
    at = lambda fragment: f"error: handouts/regions.toml:{line_of(path, fragment)}: "  # noqa: E731
    assert err.splitlines() == [
        at("reviewed =") + "reviewed: must be a date written YYYY-MM-DD; got '2026-13-01'",
        at("HOME to") + "regions.us.lines[2].number: 'HOME to 7417 41x' is not a phone number; "
        'write digits with spaces or hyphens, like "988", "116 123", "HOME to 741741" or '
        '"AYUDA al 741741"',
        at("[regions.ca]") + "regions.ca.name: is required",
        at("emergency = 911") + "regions.ca.emergency: must be text in quotes; got 911",
        at("988.ca") + "regions.ca.lines[1].website: must be a web address starting "
        "https://; got '988.ca'",
        at("[regions.aus]") + "regions.aus: unknown region; did you mean 'au'?",
        "error: handouts/regions.toml: regions.au: is missing; every region (us, ca, uk, ie, au, "
        "spain, mexico) needs its crisis lines",
    ]
    assert "Traceback" not in err


def test_a_toml_syntax_error_names_its_line(mini_project: Path, capsys):
    path = edit(mini_project, ('name = "Canada"', 'name = "Canada'))
    code, _, err = run(capsys, "check", "--project", str(mini_project))
    assert code == 1
    line = line_of(path, 'name = "Canada')
    assert err.startswith(f"error: handouts/regions.toml:{line}: not valid TOML: ")
    assert len(err.splitlines()) == 1


def test_sheet_and_region_problems_are_reported_together(mini_project: Path, capsys):
    path = edit(mini_project, ('name = "Canada"', 'nmae = "Canada"'))
    (mini_project / "handouts" / "02-second-sheet.md").write_text("no front matter\n")
    code, _, err = run(capsys, "check", "--project", str(mini_project))
    assert code == 1
    assert err.splitlines() == [
        "error: handouts/02-second-sheet.md:1: must start with '---' and a YAML front matter block",
        f"error: handouts/regions.toml:{line_of(path, 'nmae')}: regions.ca.nmae: unknown key; "
        "did you mean 'name'?",
    ]


STALE = "2019-03-01"


def test_numbers_checked_long_ago_warn_in_build_and_check(mini_project: Path, capsys):
    path = edit(mini_project, ('reviewed = "2026-11-01"', f'reviewed = "{STALE}"'))
    out = mini_project / "out"
    code, _, err = run(
        capsys, "build", "--project", str(mini_project), "--out", str(out), "--only", "first-sheet"
    )
    assert code == 0 and (out / "letter" / "first-sheet.pdf").exists()
    expected = [
        f"warning: handouts/regions.toml:{line_of(path, f'[regions.{code}]')}: regions.{code}: "
        f"numbers last checked {STALE}, over 6 months ago (today is {TODAY}); check each one "
        "with its service, then update 'reviewed'"
        for code in REGIONS
    ]
    assert err.splitlines() == expected
    code, _, err = run(capsys, "check", "--project", str(mini_project), "--paper", "a4")
    assert (code, err.splitlines()) == (0, expected)


def test_strict_turns_the_warnings_into_errors_before_rendering(mini_project: Path, capsys):
    edit(mini_project, ('reviewed = "2026-11-01"', f'reviewed = "{STALE}"'))
    out = mini_project / "out"
    code, stdout, err = run(
        capsys, "build", "--strict", "--project", str(mini_project), "--out", str(out)
    )
    assert (code, stdout) == (1, "")
    lines = err.splitlines()
    assert len(lines) == len(REGIONS)
    assert all(line.startswith("error: handouts/regions.toml:") for line in lines)
    assert all(line.endswith("then update 'reviewed' (--strict)") for line in lines)
    assert not out.exists()
    code, _, err = run(capsys, "check", "--strict", "--project", str(mini_project))
    assert code == 1 and len(err.splitlines()) == len(REGIONS)


def test_today_is_injectable_and_six_months_is_calendar_months(mini_project: Path, monkeypatch):
    project = Project(mini_project)
    assert load_regions(project, dt.date(2027, 5, 1)).warnings == ()
    assert len(load_regions(project, dt.date(2027, 5, 2)).warnings) == len(REGIONS)
    monkeypatch.setenv("HANDOUTS_TODAY", "2027-05-02")
    assert len(load_regions(project).warnings) == len(REGIONS)
    assert not _stale(dt.date(2026, 8, 31), dt.date(2027, 2, 28))
    assert _stale(dt.date(2026, 8, 31), dt.date(2027, 3, 1))


def test_a_bad_today_setting_is_one_line(mini_project: Path, capsys, monkeypatch):
    monkeypatch.setenv("HANDOUTS_TODAY", "tomorrow")
    code, _, err = run(capsys, "check", "--project", str(mini_project))
    assert (code, err) == (
        2,
        "error: HANDOUTS_TODAY: must be a date written YYYY-MM-DD; got 'tomorrow'\n",
    )


def test_a_number_may_carry_its_own_checked_date(mini_project: Path):
    path = edit(
        mini_project,
        (
            'name = "Lifeline text" }',
            'name = "Lifeline text", checked = 2026-01-15 }',
        ),
    )
    (warning,) = load_regions(Project(mini_project), dt.date.fromisoformat(TODAY)).warnings
    assert str(warning) == (
        f"handouts/regions.toml:{line_of(path, 'Lifeline text')}: regions.au.lines[2].checked: "
        f"'0477 13 11 14' last checked 2026-01-15, over 6 months ago (today is {TODAY}); "
        "check it, then update its 'checked' date"
    )


@pytest.mark.parametrize("region", ["ca", "uk"])
def test_a_missing_law_line_warns_and_the_sheet_says_ask_hr(tmp_path: Path, capsys, region: str):
    project = copy_project(tmp_path / "p")
    # Canada has no law line today; make the UK's empty.
    path = edit(project, ('employment_law = "In Great Britain', 'employment_law = ""\nx = "'))
    path.write_text(path.read_text().replace('\nx = "', "\n# "))
    clinic = tmp_path / "clinic.toml"
    clinic.write_text(f'[clinic]\nname = "Test"\nregion = "{region}"\n')
    out = tmp_path / "out"
    code, _, err = run(
        capsys, "--project", str(project), "--clinic", str(clinic), "--out", str(out),
        "--only", "for-employers",
    )  # fmt: skip
    assert code == 0, err
    where = line_of(path, EMPTY_LAW) if region == "uk" else line_of(path, "[regions.ca]")
    assert err.splitlines() == [
        f"warning: handouts/regions.toml:{where}: regions.{region}.employment_law: no line the "
        "content brief can source; the employer sheet tells readers to ask HR or a local advice "
        "service"
    ]
    text = " ".join(
        " ".join(
            p.extract_text() for p in PdfReader(out / "letter" / "for-employers.pdf").pages
        ).split()
    )
    assert "Ask HR or a local advice service about rights at work." in text
    assert "Equality Act 2010 requires" not in text


def test_text_for_the_sheets_keeps_to_the_html_allow_list(mini_project: Path):
    path = edit(
        mini_project,
        (
            '"**Rights at work.** Ask HR or a local advice service.",',
            '"<style>.crisis{display:none}</style>",',
        ),
        ('er = "A&E"', 'er = "<span class=crisis>A&E</span>"'),
    )
    with pytest.raises(ContentError) as caught:
        load_regions(Project(mini_project))
    assert caught.value.lines() == [
        f"handouts/regions.toml:{line_of(path, '[regions.ca]') + 6}: regions.ca.help[2]: <style> "
        "is not allowed in a sheet: it could hide or change the crisis box",
        f"handouts/regions.toml:{line_of(path, SPAN)}: regions.uk.words.er: <span>: class "
        "'crisis' is not allowed; allowed: write-in, blank, label",
    ]


def test_the_real_file_is_valid_and_fresh():
    regions = load_regions(Project(ROOT), dt.date.fromisoformat(TODAY))
    assert regions.warnings == ()
    assert sorted(regions.regions) == ["au", "ca", "ie", "mexico", "spain", "uk", "us"]


def test_key_lines_finds_array_of_tables_and_inline_tables():
    text = (
        'reviewed = "2026-01-01"\n'
        "[regions.us]\n"
        'name = "US"\n'
        "lines = [\n"
        '  { action = "Call", number = "988", name = "a {b}" },\n'
        '  { action = "Text", nubmer = "1" },\n'
        "]\n"
        "[[regions.uk.lines]]\n"
        'number = "1"\n'
        "[[regions.uk.lines]]\n"
        "# a comment\n"
        'nmae = "x"\n'
    )
    lines = KeyLines(text)
    assert lines.line(("reviewed",)) == 1
    assert lines.line(("regions", "us")) == 2
    assert lines.line(("regions", "us", "name")) == 3
    assert lines.line(("regions", "us", "lines", 1, "number")) == 5
    assert lines.line(("regions", "us", "lines", 2, "nubmer")) == 6
    assert lines.line(("regions", "us", "missing")) == 2
    assert lines.line(("regions", "uk", "lines", 2, "nmae")) == 12
    assert lines.line(("regions", "au")) is None


def test_the_error_is_a_content_error_with_every_problem(mini_project: Path):
    edit(mini_project, ('emergency = "000"', 'emergency = "triple zero"'))
    with pytest.raises(ContentError) as caught:
        load_regions(Project(mini_project))
    assert [p.field for p in caught.value.problems] == ["regions.au.emergency"]


def test_each_region_needs_its_spanish_wording(mini_project: Path):
    path = edit(
        mini_project,
        ('[regions.ie.es]\nname = "Irlanda"\n', "[regions.ie.es]\n"),
        ('[regions.au.es.words]\ner = "urgencias"\n', "[regions.au.es.words]\n"),
        ('number = "AYUDA al 741741"', 'number = "AYUDA a 741741"'),
        ('[es]\nmissing_law = "Las leyes', '[es]\nmissing_lw = "Las leyes'),
    )
    with pytest.raises(ContentError) as caught:
        load_regions(Project(mini_project))
    at = lambda fragment: f"handouts/regions.toml:{line_of(path, fragment)}: "  # noqa: E731
    assert caught.value.lines() == [
        at("missing_lw") + "es.missing_lw: unknown key; did you mean 'missing_law'?",
        at("AYUDA a 741741") + "regions.us.es.lines[2].number: 'AYUDA a 741741' is not a phone "
        'number; write digits with spaces or hyphens, like "988", "116 123", "HOME to 741741" or '
        '"AYUDA al 741741"',
        at("[regions.ie.es]") + "regions.ie.es.name: is required",
        at("[regions.au.es.words]") + "regions.au.es.words: needs 'er', as every region has it",
    ]


def test_numbers_to_confirm_warn_where_they_are_printed(mini_project: Path):
    regions = load_regions(Project(mini_project), dt.date.fromisoformat(TODAY))
    assert regions.warnings == ()
    assert regions.warnings_for("us") == ()  # the English sheets print none of them
    spanish = [w.field for w in regions.warnings_for("us", "es")]
    assert spanish == [
        "regions.us.es.lines[1].to_confirm",
        "regions.us.es.lines[2].to_confirm",
        "regions.mexico.es.lines[1].to_confirm",
        "regions.spain.es.lines[1].to_confirm",
        "regions.spain.es.lines[2].to_confirm",
    ]
    # The help sheet lists each language's own regions, the reader's first.
    assert [r["code"] for r in regions.region("spain", "es")["all"]] == ["spain", "us", "mexico"]
    assert [r["code"] for r in regions.region("uk")["all"]] == ["uk", "us", "ca", "ie", "au"]
    assert regions.region("us", "es")["emergency"] == "911"
    assert regions.region("us", "es")["name"] == "Estados Unidos"
