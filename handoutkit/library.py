"""Everything checked before anything renders: sheets, region, language and clinic."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from .config import Clinic
from .content import Handout, load_handouts
from .errors import ContentError, InputError, Problem, did_you_mean
from .language import DEFAULT_LANG, Language, load_language
from .project import Project
from .regions import DEFAULT_REGION, load_regions, region_problems
from .translation import english_problems, load_translations


@dataclass(frozen=True)
class Library:
    """One project's validated inputs for one language and region."""

    project: Project
    handouts: tuple[Handout, ...]
    region: dict[str, Any]
    language: Language
    clinic: Clinic | None = None
    # What `check` and `build` print as warnings (and refuse with --strict): stale numbers, a
    # region without a law line.
    warnings: tuple[Problem, ...] = ()
    # Every sheet the language has, read or not: with --only a translation reads just some,
    # and the others are not withdrawn for that.
    sheet_ids: tuple[str, ...] = ()

    def by_id(self, id: str) -> Handout:
        return next(h for h in self.handouts if h.id == id)

    @property
    def booklet(self) -> tuple[Handout, ...]:
        """The sheets in the booklet, in file order; `booklet: false` leaves one out."""
        return tuple(h for h in self.handouts if h.booklet)


def load_library(
    project: Project,
    clinic: Clinic | None = None,
    lang: str = DEFAULT_LANG,
    region: str | None = None,
    today: dt.date | None = None,
    only: Collection[str] | None = None,
) -> Library:
    """Validate everything that can be validated without rendering; raise on any problem.

    Sheets and regions are both read first, so one run reports the problems of both. A
    translation's sheets come from handouts/<lang>/, one per English sheet (translation.py);
    `only` (sheet ids) reads just those, so a translation in progress can be built.
    """
    project.check_layout()
    problems: list[Problem] = []
    handouts, regions, stale, ids = [], None, [], []
    try:
        handouts = load_handouts(project.handouts, project.root)
        problems += english_problems(handouts)
        ids = [h.id for h in handouts if lang == DEFAULT_LANG or h.spanish]
        if lang != DEFAULT_LANG:
            handouts, stale = load_translations(project, lang, handouts, only)
    except ContentError as exc:
        problems += exc.problems
    try:
        regions = load_regions(project, today)
    except ContentError as exc:
        problems += exc.problems
    if problems:
        raise ContentError(problems)
    code = region or (clinic.region if clinic else DEFAULT_REGION)
    region_data = regions.region(code, lang)
    # Every [[region:NAME]] a sheet (or its sources) uses must be one the region data fills.
    texts = {h.source: "\n".join((h.body, *h.sources)) for h in handouts}
    problems = region_problems(texts, region_data)
    if problems:
        raise ContentError(problems)
    return Library(
        project,
        tuple(handouts),
        region_data,
        load_language(project.strings, lang),
        clinic,
        (*regions.warnings_for(code, lang), *stale),
        tuple(ids),
    )


def select(
    handouts: Sequence[Handout], only: Sequence[str] | None, what: str = "sheet"
) -> list[Handout]:
    """The handouts --only names, in file order; an unknown id is a usage error."""
    if not only:
        return list(handouts)
    ids = [h.id for h in handouts]
    problems = [
        Problem("--only", f"no {what} with id '{wanted}'{did_you_mean(wanted, ids, 'known ids:')}")
        for wanted in only
        if wanted not in ids
    ]
    if problems:
        raise InputError(problems)
    return [h for h in handouts if h.id in only]
