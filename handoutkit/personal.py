"""Personal letters: details in, filled letters out as bytes; the caller decides where they go."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .config import Clinic
from .details import load_details
from .editions import Edition
from .errors import InputError, PageBudgetError, Problem
from .fields import ON_REQUEST, field_for, lookup
from .kinds import KINDS
from .library import select
from .output import write_atomic
from .placeholders import PLACEHOLDER
from .project import Project
from .renderer import Job, Renderer

CHARACTERS_PER_LINE = 85


def render_letters(
    renderer: Renderer,
    values: Mapping[str, Any],
    edition: Edition,
    only: Sequence[str] | None = None,
    source: str = "details",
) -> list[tuple[str, bytes]]:
    """Every requested letter rendered in memory, as (file name, PDF bytes); nothing written.

    The taper plan and the clinician's note come only from details that have their section
    ([plan], [clinician_note]): without it they are left out, or refused when `only` names them.

    Raises InputError naming the field to shorten when a letter does not fit its budget.
    """
    letters = select(_letters(renderer), only, what="letter")
    missing = [h for h in letters if not _wanted(h, values)]
    if only and missing:
        raise InputError(
            [
                Problem(source, f"has no [{ON_REQUEST[h.id]}] section to make the {h.id} from")
                for h in missing
            ]
        )
    letters = [h for h in letters if h not in missing]
    rendered: list[tuple[str, bytes]] = []
    problems: list[Problem] = []
    for letter in letters:
        job = Job("personal", letter.id, edition, renderer.library.language.code, values=values)
        try:
            result = renderer.pdf(job)
        except PageBudgetError as exc:
            problems.append(_too_long(letter, values, exc, source))
            continue
        rendered.append((f"{letter.id}.pdf", result.data))
    if problems:
        raise InputError(problems)
    return rendered


def render_beside_letters(renderer: Renderer, edition: Edition) -> list[tuple[str, bytes]]:
    """The sheets printed beside a person's letters (how to use them, where to get urgent help).

    They hold no personal details; the web form shows the same sheet on its own page.
    """
    return [
        (
            f"{h.id}.pdf",
            renderer.pdf(Job("sheet", h.id, edition, renderer.library.language.code)).data,
        )
        for h in renderer.library.handouts
        if KINDS[h.kind].beside_letters
    ]


def _letters(renderer: Renderer):
    return [h for h in renderer.library.handouts if KINDS[h.kind].fields]


def _wanted(handout, values: Mapping[str, Any]) -> bool:
    section = ON_REQUEST.get(handout.id)
    return section is None or bool(values.get(section))


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

    Beside them goes the how-to sheet. Nothing else is written: no manifest entry, no cache, no
    temporary file left behind.
    """
    with Renderer(project, clinic) as renderer:
        letters = select(_letters(renderer), only, what="letter")
        shown = _shown(details_file)
        needs = {h.id for h in letters}
        values = load_details(details_file, shown, needs, today or dt.date.today())
        # `only` as given: a plan or a note asked for by name is refused without its section.
        rendered = render_letters(renderer, values, edition, only, shown)
        # A plan or a clinician's note made on its own is not one of the person's letters: the
        # how-to sheet goes only beside those.
        if any(name.removesuffix(".pdf") not in ON_REQUEST for name, _ in rendered):
            rendered += render_beside_letters(renderer, edition)
    for name, data in rendered:
        write_atomic(out / name, data)
    return [out / name for name, _ in rendered]


def _too_long(letter, values: Mapping[str, Any], exc: PageBudgetError, shown: str) -> Problem:
    """Name the field to shorten: the longest free text this letter prints.

    A plan is long because of its steps, not its words: a stop dose plans a first part.
    """
    if KINDS[letter.kind].steps:
        return Problem(
            shown,
            f"the {letter.id} does not fit on {_pages(exc.budget)}; "
            "set stop_mg to plan a first part",
            field="plan.stop_mg",
        )
    used = [f for name, _, _ in PLACEHOLDER.findall(letter.body) if (f := field_for(name))]
    texts = [f for f in used if f.type == "text"]
    candidates = [f for f in texts if f.multiline] or texts
    longest = max(candidates, key=lambda f: len(str(lookup(values, f.key) or "")))
    lines = max(exc.spilled_lines, 1)
    return Problem(
        shown,
        f"too long for the {letter.id} to fit on {_pages(exc.budget)}; "
        "shorten it by about "
        f"{lines} line{'s' if lines != 1 else ''} (about {lines * CHARACTERS_PER_LINE} characters)",
        field=longest.key,
    )


def _pages(count: int) -> str:
    return "one page" if count == 1 else f"{count} pages"


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()
