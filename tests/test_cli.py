"""The command line, called in-process: exact exit codes and error lines, and what it writes."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

from handoutkit.cli import self_command
from make_handouts import main

from .conftest import ROOT, sheet_text


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_build_writes_sheets_booklet_and_manifest(mini_project: Path, capsys):
    out = mini_project / "out"
    code, stdout, stderr = run(capsys, "--project", str(mini_project), "--out", str(out))
    assert (code, stderr) == (0, "")
    assert sorted(p.name for p in (out / "letter").iterdir()) == [
        "booklet-print.pdf",
        "booklet-small.pdf",
        "booklet.pdf",
        "first-sheet.pdf",
        "second-sheet.pdf",
    ]
    assert "first-sheet" in stdout and "pages" in stdout and "size" in stdout
    manifest = json.loads((out / "manifest.json").read_text())
    assert {e["id"]: e["kind"] for e in manifest["outputs"]} == {
        "first-sheet": "handout",
        "second-sheet": "handout",
        "booklet": "booklet",
        "booklet-small": "booklet-small",
        "booklet-print": "booklet-print",
    }


def test_all_editions_in_one_run(mini_project: Path, capsys):
    # Every language: each sheet has its Spanish translation (test_spanish.py tests them).
    (mini_project / "handouts" / "es").mkdir()
    for sheet in (mini_project / "handouts").glob("*.md"):
        spanish = sheet.read_text().replace("## What this is", "## Qué es")
        spanish = spanish.replace("A short sheet used by the tests.", "Una hoja corta de prueba.")
        (mini_project / "handouts" / "es" / sheet.name).write_text(
            spanish.replace("Call us.", "Llámenos.")
        )
    out = mini_project / "out"
    code, stdout, stderr = run(
        capsys, "--project", str(mini_project), "--out", str(out), "--all-editions"
    )
    # Spanish numbers not yet confirmed on their services are warned of (test_spanish.py).
    assert code == 0
    assert all("to_confirm" in line for line in stderr.splitlines())
    folders = {"letter", "a4", "letter-large", "a4-large"}
    assert {p.parent.name for p in out.glob("*/*.pdf")} == folders
    assert {p.parent.name for p in out.glob("es/*/*.pdf")} == folders
    manifest = json.loads((out / "manifest.json").read_text())
    # Two sheets and the booklet in each edition and language; Letter and A4 also fold one
    # (small pages, print layout).
    assert len(manifest["outputs"]) == 2 * (4 * 3 + 2 * 2)
    assert {e["lang"] for e in manifest["outputs"]} == {"en", "es"}
    # Several editions: the summary names each output with its folder.
    assert "a4-large/first-sheet" in stdout and "32 PDFs in" in stdout
    assert "es/a4-large/first-sheet" in stdout
    assert "a4/booklet-print" in stdout and "es/a4/booklet-print" in stdout


def test_all_editions_refuses_a_paper(mini_project: Path, capsys):
    code, _, stderr = run(capsys, "--project", str(mini_project), "--all-editions", "--large-print")
    assert code == 2
    assert stderr == (
        "error: --all-editions: makes both papers in standard and large print; "
        "leave out --paper and --large-print\n"
    )


def test_broken_front_matter_gives_one_error_line_and_exit_1(mini_project: Path, capsys):
    (mini_project / "handouts" / "03-broken.md").write_text("---\nid: broken\ntitle: [oops\n---\n")
    out = mini_project / "out"
    code, _, stderr = run(capsys, "--project", str(mini_project), "--out", str(out))
    assert code == 1
    assert stderr.startswith("error: handouts/03-broken.md:4: front matter is not valid YAML")
    assert len(stderr.splitlines()) == 1
    assert "Traceback" not in stderr
    assert not out.exists(), "nothing is rendered when validation fails"


def test_unknown_key_error_line(mini_project: Path, capsys):
    (mini_project / "handouts" / "01-first-sheet.md").write_text(
        sheet_text("first-sheet", audiance="patient")
    )
    code, _, stderr = run(capsys, "check", "--project", str(mini_project))
    assert code == 1
    assert stderr == (
        "error: handouts/01-first-sheet.md:7: unknown front matter key 'audiance'; "
        "did you mean 'audience'?\n"
    )


def test_duplicate_id_error_line(mini_project: Path, capsys):
    (mini_project / "handouts" / "03-first-sheet.md").write_text(sheet_text("first-sheet"))
    code, _, stderr = run(capsys, "check", "--project", str(mini_project))
    assert code == 1
    assert stderr == (
        "error: handouts/03-first-sheet.md: id 'first-sheet' is already used by "
        "handouts/01-first-sheet.md\n"
    )


def test_overflowing_sheet_fails_and_names_the_spill(mini_project: Path, capsys):
    long_body = "## Too much\n\n" + "\n\n".join(f"Line {i} of the text." for i in range(30))
    (mini_project / "handouts" / "02-second-sheet.md").write_text(
        sheet_text("second-sheet", body=long_body)
    )
    out = mini_project / "out"
    code, _, stderr = run(capsys, "--project", str(mini_project), "--out", str(out))
    assert code == 1
    (line,) = stderr.splitlines()
    assert line.startswith(
        "error: handouts/02-second-sheet.md: renders to 2 pages, budget is 1 (about "
    )
    assert line.endswith(" lines spill over)")
    # The sheet that fitted is still written and listed; no booklet from a broken set.
    assert (out / "letter" / "first-sheet.pdf").exists()
    assert not (out / "letter" / "second-sheet.pdf").exists()
    for name in ("booklet", "booklet-small", "booklet-print"):
        assert not (out / "letter" / f"{name}.pdf").exists()
    manifest = json.loads((out / "manifest.json").read_text())
    assert [e["id"] for e in manifest["outputs"]] == ["first-sheet"]


def test_only_builds_the_named_sheet_and_no_booklet(mini_project: Path, capsys):
    out = mini_project / "out"
    code, _, _ = run(
        capsys,
        "--project",
        str(mini_project),
        "--out",
        str(out),
        "--paper",
        "a4",
        "--only",
        "second-sheet",
    )
    assert code == 0
    assert [p.name for p in (out / "a4").iterdir()] == ["second-sheet.pdf"]


def test_only_with_an_unknown_id_is_a_usage_error(mini_project: Path, capsys):
    code, _, stderr = run(capsys, "--project", str(mini_project), "--only", "frist-sheet")
    assert code == 2
    assert stderr == "error: --only: no sheet with id 'frist-sheet'; did you mean 'first-sheet'?\n"


def test_bad_paper_is_a_usage_error(mini_project: Path, capsys):
    try:
        code = main(["--project", str(mini_project), "--paper", "legal"])
    except SystemExit as exc:
        code = exc.code
    assert code == 2
    assert "invalid choice: 'legal'" in capsys.readouterr().err


def test_list_shows_every_sheet(mini_project: Path, capsys):
    code, stdout, _ = run(capsys, "list", "--project", str(mini_project))
    assert code == 0
    lines = stdout.splitlines()
    assert lines[0].split() == ["id", "audience", "title", "pages"]
    assert lines[2].split() == ["first-sheet", "patient", "First", "sheet", "1"]
    assert lines[3].split() == ["second-sheet", "supporter", "Second", "sheet", "1"]


def test_check_writes_nothing(mini_project: Path, capsys):
    before = sorted(p for p in mini_project.rglob("*"))
    code, stdout, stderr = run(capsys, "check", "--project", str(mini_project))
    assert (code, stderr) == (0, "")
    assert stdout.splitlines()[:4] == [
        "sheet         reading grade",
        "------------  -------------",
        "first-sheet   1.4",
        "second-sheet  1.5",
    ]
    assert "\nok: 2 sheets and the booklets fit their page budgets in letter, " in stdout
    assert sorted(p for p in mini_project.rglob("*")) == before


def test_help_explains_the_commands(capsys):
    try:
        main(["--help"])
    except SystemExit as exc:
        assert exc.code == 0
    text = capsys.readouterr().out
    for word in ("build", "list", "check", "--paper a4", "letters", "new", "init-details"):
        assert word in text
    # Each command is listed once, with its one-line help.
    assert text.count("  check ") == 1


def test_check_fails_a_sheet_above_its_reading_grade(mini_project: Path, capsys):
    hard = (
        "## Pharmacology\n\nBenzodiazepine discontinuation necessitates individualised "
        "pharmacological consideration, particularly regarding physiological dependence.\n"
    )
    (mini_project / "handouts" / "02-second-sheet.md").write_text(
        sheet_text("second-sheet", body=hard)
    )
    code, _, stderr = run(capsys, "check", "--project", str(mini_project), "--paper", "a4")
    assert code == 1
    assert stderr == (
        "error: handouts/02-second-sheet.md: reading grade 24.8 is above the limit of 6 for "
        "patient sheets; use shorter sentences and everyday words (or set max_grade)\n"
    )


def test_a_mistyped_command_gets_a_suggestion(capsys):
    assert main(["biuld"]) == 2
    assert capsys.readouterr().err == "error: unknown command 'biuld'; did you mean 'build'?\n"


def test_version(capsys):
    try:
        main(["--version"])
    except SystemExit as exc:
        assert exc.code == 0
    assert capsys.readouterr().out.startswith("handouts ")


def test_the_next_command_printed_is_one_that_works(tmp_path: Path):
    """init-details prints the letters command as this person ran the program; it runs."""
    made = subprocess.run(
        [sys.executable, str(ROOT / "make_handouts.py"), "init-details", "my details.toml",
         "--project", str(ROOT)],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    )  # fmt: skip
    command = made.stdout.splitlines()[1].strip()
    assert command == (
        f"{shlex.quote(sys.executable)} {shlex.quote(str(ROOT / 'make_handouts.py'))} "
        "letters --details 'my details.toml'"
    )
    details = tmp_path / "my details.toml"
    text = details.read_text(encoding="utf-8")
    assert f"#     {command}\n" in text, "the starter file says the same command"
    mine = text.replace("Jordan Lee", "Ana Pérez").replace("1980-04-02", "")
    mine = mine.replace('name = ""  ', 'name = "diazepam"', 1)
    mine = mine.replace("limitations = []", "limitations = [1]")
    details.write_text(mine.replace("accommodations = []", "accommodations = [3]"))
    argv = [*shlex.split(command), "--project", str(ROOT), "--out", "mine"]
    ran = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True)
    assert (ran.returncode, ran.stderr) == (0, "")
    assert sorted(p.name for p in (tmp_path / "mine").iterdir()) == [
        "employer-accommodation.pdf",
        "physician-letter.pdf",
        "using-your-letters.pdf",
        "wallet-card.pdf",
    ]


def test_self_command_names_how_the_program_was_run(monkeypatch):
    monkeypatch.chdir(ROOT)
    executable = Path(os.path.abspath(sys.executable))  # the venv's link, not what it points to
    inside = executable.is_relative_to(ROOT)
    python = shlex.quote(str(executable.relative_to(ROOT) if inside else executable))
    for argv0, expected in (
        ("/usr/local/bin/handouts", "handouts"),
        ("make_handouts.py", f"{python} make_handouts.py"),
        (str(ROOT / "handoutkit" / "__main__.py"), f"{python} -m handoutkit"),
    ):
        monkeypatch.setattr(sys, "argv", [argv0])
        assert self_command() == expected


def test_tests_run_away_from_the_users_files():
    # clinic.toml, my-details.toml and build/ are looked up in the current folder: a test that
    # ran in the checkout would read the user's own files and could overwrite their build.
    here = Path.cwd().resolve()
    assert not here.is_relative_to(ROOT)
    assert list(here.iterdir()) == []


def test_check_warns_when_the_region_has_no_law_line(mini_project: Path, capsys):
    clinic = mini_project / "clinic.toml"
    clinic.write_text('[clinic]\nname = "A"\nregion = "ca"\n', encoding="utf-8")
    args = ("check", "--project", str(mini_project), "--clinic", str(clinic), "--paper", "letter")
    code, stdout, stderr = run(capsys, *args)
    assert code == 0
    line = next(
        i
        for i, text in enumerate((ROOT / "handouts" / "regions.toml").read_text().splitlines(), 1)
        if text == "[regions.ca]"
    )
    assert stderr == (
        f"warning: handouts/regions.toml:{line}: regions.ca.employment_law: no line the content "
        "brief can source; the employer sheet tells readers to ask HR or a local advice service\n"
    )
    assert "ok: 2 sheets" in stdout
