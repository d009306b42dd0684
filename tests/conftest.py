"""Fixtures: copies of the real project, small throwaway projects, and one shared real build."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import pytest

from handoutkit import Edition, Project, build

ROOT = Path(__file__).resolve().parent.parent
# The day the tests run on, as far as the code can tell: region numbers checked "more than six
# months ago" are counted from it, so the suite gives the same answers next year.
TODAY = "2026-11-26"


@pytest.fixture(autouse=True, scope="session")
def _hermetic_session(tmp_path_factory):
    """The suite never reads the user's clinic.toml, my-details.toml or build/: clinic.toml and
    build/ are looked up in the current folder, so every test runs in a scratch folder, and the
    date the code sees is fixed."""
    previous, saved = Path.cwd(), os.environ.get("HANDOUTS_TODAY")
    os.chdir(tmp_path_factory.mktemp("session-cwd"))
    os.environ["HANDOUTS_TODAY"] = TODAY
    yield
    os.chdir(previous)
    if saved is None:
        os.environ.pop("HANDOUTS_TODAY", None)
    else:
        os.environ["HANDOUTS_TODAY"] = saved


@pytest.fixture(autouse=True)
def _scratch_folder(tmp_path_factory, monkeypatch):
    """Each test starts in its own empty current folder (tmp_path stays the test's own)."""
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))


def copy_project(dest: Path, with_handouts: bool = True) -> Path:
    for name in ("templates", "styles"):
        shutil.copytree(ROOT / name, dest / name)
    if with_handouts:
        shutil.copytree(ROOT / "handouts", dest / "handouts")
    else:
        (dest / "handouts").mkdir()
        shutil.copy(ROOT / "handouts" / "regions.toml", dest / "handouts")
    return dest


def sheet_text(
    id: str = "sample-sheet",
    title: str = "A sample sheet",
    body: str = "## What this is\n\nA short sheet used by the tests.\n",
    action: str = '\n<div class="action" markdown>\nCall us.\n</div>\n',
    **front: object,
) -> str:
    fields = {
        "id": id,
        "title": title,
        "audience": "patient",
        "kind": "handout",
        "reviewed": "2026-11-01",
        **front,
    }
    lines = [f"{key}: {value}" for key, value in fields.items()]
    lines += ["sources:", "  - Test source (2025)"]
    # Every handout needs its one action box (quality.py); tests that are about it pass action="".
    return "---\n" + "\n".join(lines) + "\n---\n\n" + textwrap.dedent(body) + action


@pytest.fixture
def mini_project(tmp_path: Path) -> Path:
    """A project with the real templates and styles and two tiny sheets."""
    root = copy_project(tmp_path / "project", with_handouts=False)
    (root / "handouts" / "01-first-sheet.md").write_text(sheet_text("first-sheet", "First sheet"))
    (root / "handouts" / "02-second-sheet.md").write_text(
        sheet_text("second-sheet", "Second sheet", audience="supporter")
    )
    return root


@pytest.fixture(scope="session")
def real_build(tmp_path_factory) -> Path:
    """The real handouts built once at Letter and A4; tests read the PDFs back."""
    out = tmp_path_factory.mktemp("build")
    editions = [Edition(paper, large) for paper in ("letter", "a4") for large in (False, True)]
    build(Project(ROOT), editions, out)
    return out
