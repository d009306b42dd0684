"""Nothing left behind: no font folder in the temporary directory, no orphaned worker, and a
Ctrl-C that stops cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from handoutkit import Edition, Project, build
from handoutkit.personal import build_letters

from .conftest import ROOT, copy_project

DETAILS = ROOT / "tests" / "data" / "details-full.toml"


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch) -> Path:
    """A temporary directory of our own, so other programs' files do not count."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", None)  # gettempdir() reads TMPDIR again
    return folder


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_build_leaves_no_folder_in_the_temporary_directory(
    mini_project: Path, tmp_path: Path, private_tmp: Path, jobs: int
):
    built = build(Project(mini_project), [Edition("letter")], tmp_path / "out", jobs=jobs)
    assert len(built) == 5 and all(not b.reused for b in built)  # 2 sheets, 3 booklets
    assert sorted(p.name for p in private_tmp.iterdir()) == []


def test_personal_letters_leave_nothing_in_the_temporary_directory(
    tmp_path: Path, private_tmp: Path
):
    made = build_letters(Project(ROOT), DETAILS, tmp_path / "personal", paper="letter")
    assert len(made.written) == 4  # two letters, the how-to sheet and the wallet card
    assert sorted(p.name for p in private_tmp.iterdir()) == []


def session_processes(session: int) -> list[int]:
    """Every process in a session (Linux /proc): the build and its workers."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[3]) == session and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def start_build(tmp_path: Path, private_tmp: Path) -> tuple[subprocess.Popen, Path]:
    """A --jobs 2 build of the real sheets in its own session; returns once workers run."""
    project = copy_project(tmp_path / "p")
    out = tmp_path / "out"
    command = [sys.executable, str(ROOT / "make_handouts.py"), "--project", str(project)]
    command += ["--out", str(out), "--jobs", "2", "--paper", "a4"]
    env = {**os.environ, "TMPDIR": str(private_tmp)}
    child = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        start_new_session=True,
    )  # fmt: skip
    for line in child.stdout:
        if "wrote" in line:
            break
    assert len(session_processes(child.pid)) == 3, "the build and its two workers"
    return child, out


def wait_until_gone(session: int, seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while (left := session_processes(session)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
def test_workers_of_a_killed_build_exit_by_themselves(tmp_path: Path, private_tmp: Path):
    child, _ = start_build(tmp_path, private_tmp)
    os.kill(child.pid, signal.SIGKILL)  # the build only: its workers are orphaned
    child.wait()
    left = wait_until_gone(child.pid, 5)
    for pid in left:  # do not leave them running if the test fails
        os.kill(pid, signal.SIGKILL)
    assert left == [], "workers still running 5 s after their parent died"
    assert sorted(p.name for p in private_tmp.iterdir()) == []


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
def test_ctrl_c_exits_130_with_one_line_and_leaves_nothing(tmp_path: Path, private_tmp: Path):
    child, out = start_build(tmp_path, private_tmp)
    os.killpg(child.pid, signal.SIGINT)  # as a terminal does: the whole foreground group
    try:
        _, stderr = child.communicate(timeout=30)
    finally:
        child.kill()
    assert child.returncode == 130
    assert stderr == ("interrupted: files already written are complete; nothing is half-written\n")
    assert wait_until_gone(child.pid, 5) == []
    assert sorted(p.name for p in private_tmp.iterdir()) == []
    assert [p.name for p in out.rglob("*.tmp")] == []
