"""Incremental and parallel builds: what is reused, what is rendered; bytes never differ."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from handoutkit import Edition, Project, build, load_handouts
from handoutkit.build import withdrawn
from handoutkit.kinds import KINDS
from handoutkit.library import load_library
from handoutkit.output import read_manifest
from make_handouts import main

from .conftest import ROOT, copy_project

EDITIONS = [Edition("letter")]
HANDOUTS = load_handouts(ROOT / "handouts", ROOT)


def outputs(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.pdf"))}


def rendered(built) -> list[str]:
    return [b.output.path for b in built if not b.reused]


def test_a_second_build_reuses_everything(tmp_path: Path):
    project = Project(copy_project(tmp_path / "p"))
    first = build(project, EDITIONS, tmp_path / "out", jobs=1)
    before = outputs(tmp_path / "out")
    second = build(project, EDITIONS, tmp_path / "out", jobs=1)
    assert rendered(first) and rendered(second) == []
    assert [b.output for b in second] == [b.output for b in first]
    assert outputs(tmp_path / "out") == before


def test_editing_one_sheet_renders_only_it_and_the_booklets(tmp_path: Path):
    project = Project(copy_project(tmp_path / "p"))
    build(project, EDITIONS, tmp_path / "out", jobs=1)
    sheet = project.handouts / "03-supporting-someone.md"
    sheet.write_text(sheet.read_text().replace("Take breaks,", "Take short breaks,"))
    again = build(project, EDITIONS, tmp_path / "out", jobs=1)
    assert rendered(again) == [
        "letter/supporting-someone.pdf",
        "letter/booklet.pdf",
        "letter/booklet-small.pdf",
        "letter/booklet-print.pdf",
    ]


def test_a_style_change_renders_everything(tmp_path: Path):
    project = Project(copy_project(tmp_path / "p"))
    build(project, EDITIONS, tmp_path / "out", jobs=1)
    css = project.styles / "handout.css"
    css.write_text(css.read_text() + "\n.sheet-foot { color: #222; }\n")
    again = build(project, EDITIONS, tmp_path / "out", jobs=1)
    assert all(not b.reused for b in again)


def test_force_and_a_damaged_output_are_rendered_again(tmp_path: Path):
    project = Project(copy_project(tmp_path / "p"))
    out = tmp_path / "out"
    build(project, EDITIONS, out, jobs=1)
    (out / "letter" / "taper-diary.pdf").write_bytes(b"not a pdf")
    (out / "letter" / "for-employers.pdf").unlink()
    again = build(project, EDITIONS, out, jobs=1)
    assert rendered(again) == ["letter/for-employers.pdf", "letter/taper-diary.pdf"]
    forced = build(project, EDITIONS, out, jobs=1, force=True)
    assert all(not b.reused for b in forced)


def test_output_is_identical_for_any_number_of_jobs(tmp_path: Path):
    editions = [Edition("a4"), Edition("letter", large_print=True)]
    build(Project(ROOT), editions, tmp_path / "one", jobs=1)
    build(Project(ROOT), editions, tmp_path / "two", jobs=2)
    one, two = outputs(tmp_path / "one"), outputs(tmp_path / "two")
    made = sum(len(KINDS[h.kind].documents(large)) for h in HANDOUTS for large in (False, True))
    # A booklet in each; A4 also folds one (small pages, print layout); large print has none.
    assert one.keys() == two.keys() and len(one) == made + 2 + 2
    for name in one:
        assert one[name] == two[name], name
    manifest = (tmp_path / "one" / "manifest.json").read_text()
    assert manifest == (tmp_path / "two" / "manifest.json").read_text()


def test_a_build_with_nothing_to_do_never_imports_weasyprint(tmp_path: Path):
    out = tmp_path / "out"
    build(Project(ROOT), EDITIONS, out, jobs=1)
    script = (
        "import sys\n"
        "from handoutkit.cli import main\n"
        f"code = main(['--out', {str(out)!r}])\n"
        "print('weasyprint' in sys.modules, code)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "False 0"
    outputs = sum(len(KINDS[h.kind].documents(False)) for h in HANDOUTS)
    outputs += 3  # the booklet, and the booklet to fold: its small pages and its print layout
    assert f"0 rendered, {outputs} unchanged and reused" in result.stdout


def test_html_previews_are_standalone(tmp_path: Path):
    from make_handouts import main

    out = tmp_path / "out"
    assert main(["--out", str(out), "--html", "--only", "taper-diary", "--jobs", "1"]) == 0
    html = (out / "letter" / "taper-diary.html").read_text()
    assert "<style>" in html and "@font-face" in html and "My taper diary" in html
    assert (out / "letter" / "taper-diary.pdf").exists()


def test_a_withdrawn_sheets_outputs_are_removed_and_nothing_else(
    mini_project: Path, tmp_path: Path, capsys
):
    out = tmp_path / "out"
    for paper in ("letter", "a4"):
        assert main(["--project", str(mini_project), "--out", str(out), "--paper", paper]) == 0
    mine = {
        out / "personal" / "second-sheet.pdf": b"a person's own letter",
        out / "letter" / "second-sheet-notes.pdf": b"not the build's",
        out / "letter" / "second-sheet.html": b"<p>a preview</p>",
        tmp_path / "secret.pdf": b"outside the build folder",
    }
    for path, data in mine.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    manifest = json.loads((out / "manifest.json").read_text())
    tampered = {**manifest["outputs"][0], "id": "gone", "path": "../secret.pdf"}
    manifest["outputs"].append(tampered)
    (out / "manifest.json").write_text(json.dumps(manifest))
    capsys.readouterr()

    (mini_project / "handouts" / "02-second-sheet.md").unlink()
    assert main(["--project", str(mini_project), "--out", str(out)]) == 0
    stdout = capsys.readouterr().out
    assert "  removed out/letter/second-sheet.pdf: no sheet in handouts/ makes it any more" in (
        stdout.replace(str(tmp_path) + "/", "")
    )
    assert ", 2 withdrawn outputs removed; list: " in stdout
    assert not (out / "letter" / "second-sheet.pdf").exists()
    assert not (out / "a4" / "second-sheet.pdf").exists()
    listed = {e["path"] for e in json.loads((out / "manifest.json").read_text())["outputs"]}
    assert listed == {
        "letter/first-sheet.pdf",
        "letter/booklet.pdf",
        "letter/booklet-small.pdf",
        "letter/booklet-print.pdf",
        "a4/first-sheet.pdf",
        "a4/booklet.pdf",
        "a4/booklet-small.pdf",
        "a4/booklet-print.pdf",
        "../secret.pdf",  # not the build's to judge: left listed, never deleted
    }
    for path, data in mine.items():
        assert path.read_bytes() == data, path
    cache = json.loads((out / ".build-cache.json").read_text())
    assert not any("second-sheet" in path for path in cache)


def test_a_fillable_twin_goes_when_its_sheet_stops_being_a_letter(tmp_path: Path):
    project = Project(copy_project(tmp_path / "p"))
    out = tmp_path / "out"
    build(project, EDITIONS, out, only=["employer-accommodation"], jobs=1)
    assert (out / "letter" / "employer-accommodation-fillable.pdf").exists()
    sheet = project.handouts / "08-employer-accommodation.md"
    sheet.write_text(sheet.read_text().replace("kind: letter", "kind: handout"))
    stale = withdrawn(load_library(project), read_manifest(out))
    assert [e["path"] for e in stale] == ["letter/employer-accommodation-fillable.pdf"]
