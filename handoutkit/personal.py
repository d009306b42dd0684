"""Personal letters: a details file in, filled one-page letters out, nothing kept elsewhere."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from .build import load_project, select
from .config import Clinic, Project
from .content import Handout
from .details import load_details
from .editions import Edition
from .errors import InputError, PageBudgetError, Problem
from .kinds import KINDS
from .letters import FIELDS, PLACEHOLDER, lookup
from .output import write_atomic

CHARACTERS_PER_LINE = 85


def build_letters(
    project: Project,
    details_file: Path,
    out: Path,
    edition: Edition,
    only: Sequence[str] | None = None,
    today: dt.date | None = None,
    clinic: Clinic | None = None,
) -> list[Path]:
    """Render every requested letter in memory; write them only once all of them fit.

    Nothing else is written: no manifest entry, no cache, no temporary file left behind.
    """
    handouts, pages = load_project(project, clinic)
    letters = select([h for h in handouts if KINDS[h.kind].fields], only, what="letter")
    shown = _shown(details_file)
    details = load_details(details_file, shown, {h.id for h in letters}, today or dt.date.today())
    from .pdf import PdfRenderer  # WeasyPrint is imported only once there is work for it.

    pdf = PdfRenderer(project, clinic)
    rendered: list[tuple[Path, bytes]] = []
    problems: list[Problem] = []
    for letter in letters:
        html = pages.sheet(pages.page(letter, "personal", details), edition)
        try:
            budget = letter.page_budget(edition.large_print)
            result = pdf.render(html, edition, letter.source, budget=budget)
        except PageBudgetError as exc:
            problems.append(_too_long(letter, details, exc, shown))
            continue
        rendered.append((out / f"{letter.id}.pdf", result.data))
    if problems:
        raise InputError(problems)
    for path, data in rendered:
        write_atomic(path, data)
    return [path for path, _ in rendered]


def _too_long(letter: Handout, details: dict, exc: PageBudgetError, shown: str) -> Problem:
    """Name the field to shorten: the longest free text this letter prints."""
    used = [FIELDS[name] for name, _, _ in PLACEHOLDER.findall(letter.body) if name in FIELDS]
    candidates = [f for f in used if f.multiline and f.key] or [f for f in used if f.key]
    longest = max(candidates, key=lambda f: len(str(lookup(details, f.key) or "")))
    lines = max(exc.spilled_lines, 1)
    return Problem(
        shown,
        f"{longest.key}: too long for the {letter.id} to fit on {_pages(exc.budget)}; "
        "shorten it by about "
        f"{lines} line{'s' if lines != 1 else ''} (about {lines * CHARACTERS_PER_LINE} characters)",
    )


def _pages(count: int) -> str:
    return "one page" if count == 1 else f"{count} pages"


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()
