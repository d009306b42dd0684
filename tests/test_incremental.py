"""Incremental and parallel builds: what is reused, what is rendered; bytes never differ."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from handoutkit import Edition, Project, build, load_handouts
from handoutkit.kinds import KINDS

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


def test_editing_one_sheet_renders_only_it_and_the_booklet(tmp_path: Path):
    project = Project(copy_project(tmp_path / "p"))
    build(project, EDITIONS, tmp_path / "out", jobs=1)
    sheet = project.handouts / "03-supporting-someone.md"
    sheet.write_text(sheet.read_text().replace("Take breaks,", "Take short breaks,"))
    again = build(project, EDITIONS, tmp_path / "out", jobs=1)
    assert rendered(again) == ["letter/supporting-someone.pdf", "letter/booklet.pdf"]


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
    per_edition = len(HANDOUTS) + sum(KINDS[h.kind].fillable for h in HANDOUTS) + 1  # + booklet
    assert one.keys() == two.keys() and len(one) == 2 * per_edition
    for name in one:
        assert one[name] == two[name], name
    manifest = (tmp_path / "one" / "manifest.json").read_text()
    assert manifest == (tmp_path / "two" / "manifest.json").read_text()


def test_a_build_with_nothing_to_do_never_imports_weasyprint(tmp_path: Path):
    out = tmp_path / "out"
    build(Project(ROOT), EDITIONS, out, jobs=1)
    script = (
        "import sys, make_handouts\n"
        f"code = make_handouts.main(['--out', {str(out)!r}])\n"
        "print('weasyprint' in sys.modules, code)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "False 0"
    outputs = len(HANDOUTS) + sum(KINDS[h.kind].fillable for h in HANDOUTS) + 1  # + booklet
    assert f"0 rendered, {outputs} unchanged and reused" in result.stdout


def test_html_previews_are_standalone(tmp_path: Path):
    from make_handouts import main

    out = tmp_path / "out"
    assert main(["--out", str(out), "--html", "--only", "taper-diary", "--jobs", "1"]) == 0
    html = (out / "letter" / "taper-diary.html").read_text()
    assert "<style>" in html and "@font-face" in html and "My taper diary" in html
    assert (out / "letter" / "taper-diary.pdf").exists()
