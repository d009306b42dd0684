"""Fixtures: copies of the real project, small throwaway projects, and one shared real build."""

from __future__ import annotations

import io
import os
import shutil
import textwrap
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

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


@pytest.fixture(scope="session")
def branded_build(tmp_path_factory) -> Path:
    """The real handouts built in all four editions with the test clinic, by the command line,
    in one run as `make` builds them."""
    from make_handouts import main

    out = tmp_path_factory.mktemp("branded")
    clinic = str(ROOT / "tests" / "data" / "clinic.toml")
    assert main(["--clinic", clinic, "--out", str(out), "--all-editions", "--jobs", "2"]) == 0
    return out


@dataclass(frozen=True)
class Run:
    """A run of text as drawn on a PDF page, in points from the page's bottom-left corner."""

    text: str
    x0: float
    x1: float
    y: float  # the baseline
    size: float


@lru_cache(maxsize=64)
def _advances(font_data: bytes) -> tuple[dict[int, str], dict[str, int], int]:
    font = TTFont(io.BytesIO(font_data))
    return (
        font.getBestCmap(),
        {k: v[0] for k, v in font["hmtx"].metrics.items()},
        font["head"].unitsPerEm,
    )


def text_runs(pdf_page) -> list[Run]:
    """Each run of text on a page, where it starts and ends (from the embedded fonts' widths)."""
    runs: list[Run] = []

    def visit(text, cm, tm, font, size):
        if not text.strip() or font is None:
            return
        scale = tm[0] * cm[0]
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        width = 0.0
        descendant = font.get("/DescendantFonts")
        if descendant:
            data = descendant[0].get_object()["/FontDescriptor"]["/FontFile2"].get_data()
            cmap, advances, units = _advances(data)
            width = sum(advances.get(cmap.get(ord(c), ".notdef"), 0) for c in text) / units
        runs.append(Run(text, x, x + width * size * scale, y, size * abs(scale)))

    pdf_page.extract_text(visitor_text=visit)
    return runs
