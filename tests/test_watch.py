"""`watch`: a save triggers a rebuild of just what changed; a broken save is reported, not fatal."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from pypdf import PdfReader

from handoutkit import Edition, Project
from handoutkit.watch import Round, is_scratch, watch

from .conftest import copy_project, sheet_text


def wait_for(rounds: list[Round], count: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while len(rounds) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(rounds) >= count, f"only {len(rounds)} build(s) after {seconds} s"


def test_watch_rebuilds_what_was_saved(tmp_path: Path):
    root = copy_project(tmp_path / "p", with_handouts=False)
    sheet = root / "handouts" / "01-first-sheet.md"
    sheet.write_text(sheet_text("first-sheet", "First sheet"))
    (root / "handouts" / "02-second-sheet.md").write_text(sheet_text("second-sheet", "Second"))
    rounds: list[Round] = []
    stop = threading.Event()
    args = (Project(root), [Edition("letter")], tmp_path / "out", None, rounds.append)
    thread = threading.Thread(target=watch, args=args, kwargs={"stop": stop}, daemon=True)
    thread.start()
    try:
        wait_for(rounds, 1)
        assert rounds[0].errors == [] and all(not b.reused for b in rounds[0].built)
        time.sleep(0.5)
        sheet.write_text(sheet_text("first-sheet", "First sheet, edited"))
        wait_for(rounds, 2)
        assert rounds[1].changed == ["handouts/01-first-sheet.md"]
        remade = sorted(b.output.path for b in rounds[1].built if not b.reused)
        assert remade == [
            "letter/booklet-print.pdf",
            "letter/booklet-small.pdf",
            "letter/booklet.pdf",
            "letter/first-sheet.pdf",
        ]
        sheet.write_text(sheet_text("first-sheet", "First", audience="doctor"))
        wait_for(rounds, 3)
        assert rounds[2].errors and "front matter 'audience'" in rounds[2].errors[0]
        assert thread.is_alive(), "a broken save does not stop watching"
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()


def replace_save(path: Path, text: str) -> None:
    """Save as vim and many editors do: a scratch file, a new file, renamed over the old one."""
    probe = path.parent / "4913"
    probe.write_text("")
    probe.unlink()
    (path.parent / f".{path.name}.swp").write_text("swap")
    new = path.parent / f"{path.name}.tmp"
    new.write_text(text)
    new.replace(path)
    (path.parent / f"{path.name}~").write_text("backup")


def pdf_text(path: Path) -> str:
    return " ".join(p.extract_text() for p in PdfReader(path).pages)


def test_watch_follows_a_clinic_file_saved_by_renaming_twice(tmp_path: Path):
    root = copy_project(tmp_path / "p", with_handouts=False)
    (root / "handouts" / "01-first-sheet.md").write_text(sheet_text("first-sheet", "First"))
    clinic = tmp_path / "settings" / "clinic.toml"
    clinic.parent.mkdir()
    clinic.write_text('[clinic]\nname = "First Clinic"\n')
    out = tmp_path / "out"
    rounds: list[Round] = []
    stop = threading.Event()
    args = (Project(root), [Edition("letter")], out, clinic, rounds.append)
    thread = threading.Thread(target=watch, args=args, kwargs={"stop": stop}, daemon=True)
    thread.start()
    try:
        wait_for(rounds, 1)
        assert "First Clinic" in pdf_text(out / "letter" / "first-sheet.pdf")
        time.sleep(0.5)
        for count, name in ((2, "Second Clinic"), (3, "Third Clinic")):
            replace_save(clinic, f'[clinic]\nname = "{name}"\n')
            wait_for(rounds, count)
            latest = rounds[count - 1]
            assert (latest.changed, latest.errors) == (["clinic.toml"], [])
            assert name in pdf_text(out / "letter" / "first-sheet.pdf")
            time.sleep(0.5)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()


def test_editor_scratch_files_are_not_changes(tmp_path: Path):
    root = copy_project(tmp_path / "p", with_handouts=False)
    sheet = root / "handouts" / "01-first-sheet.md"
    sheet.write_text(sheet_text("first-sheet", "First"))
    rounds: list[Round] = []
    stop = threading.Event()
    args = (Project(root), [Edition("letter")], tmp_path / "out", None, rounds.append)
    thread = threading.Thread(target=watch, args=args, kwargs={"stop": stop}, daemon=True)
    thread.start()
    try:
        wait_for(rounds, 1)
        time.sleep(0.5)
        for name in (".01-first-sheet.md.swp", "4913", "01-first-sheet.md~", ".#01-first-sheet.md"):
            (root / "handouts" / name).write_text("scratch")
        time.sleep(2)
        assert len(rounds) == 1, "scratch files alone start no build"
        replace_save(sheet, sheet_text("first-sheet", "First, edited"))
        wait_for(rounds, 2)
        assert rounds[1].changed == ["handouts/01-first-sheet.md"]
        assert rounds[1].errors == []
    finally:
        stop.set()
        thread.join(timeout=10)


def test_scratch_names():
    for name in (".a.md.swp", ".a.md.swx", "4913", "a.md~", ".#a.md", "#a.md#", "a.md.tmp",
                 ".goutputstream-X1", ".~lock.a.md#", "a.md___jb_tmp___"):  # fmt: skip
        assert is_scratch(name), name
    for name in ("01-a.md", "clinic.toml", "regions.toml", "print.css", "swap.md"):
        assert not is_scratch(name), name
