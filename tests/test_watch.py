"""`watch`: a save triggers a rebuild of just what changed; a broken save is reported, not fatal."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from handoutkit import Edition, Project
from handoutkit.watch import Round, watch

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
        assert remade == ["letter/booklet.pdf", "letter/first-sheet.pdf"]
        sheet.write_text(sheet_text("first-sheet", "First", audience="doctor"))
        wait_for(rounds, 3)
        assert rounds[2].errors and "front matter 'audience'" in rounds[2].errors[0]
        assert thread.is_alive(), "a broken save does not stop watching"
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
