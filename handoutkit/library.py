"""Everything checked before anything renders: sheets, region, language and clinic."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .config import DEFAULT_REGION, Clinic, load_region, region_problems, region_warnings
from .content import Handout, load_handouts
from .errors import ContentError, InputError, Problem, did_you_mean
from .language import DEFAULT_LANG, Language, load_language
from .project import Project

SPANISH = "es"


@dataclass(frozen=True)
class Library:
    """One project's validated inputs for one language and region."""

    project: Project
    handouts: tuple[Handout, ...]
    region: dict[str, Any]
    language: Language
    clinic: Clinic | None = None

    def by_id(self, id: str) -> Handout:
        return next(h for h in self.handouts if h.id == id)

    @property
    def booklet(self) -> tuple[Handout, ...]:
        """The sheets in the booklet, in file order; `booklet: false` leaves one out."""
        return tuple(h for h in self.handouts if h.booklet)

    def warnings(self) -> list[Problem]:
        """What renders but should be fixed before printing: a region without a law line."""
        return region_warnings(self.region)


def load_library(
    project: Project,
    clinic: Clinic | None = None,
    lang: str = DEFAULT_LANG,
    region: str | None = None,
) -> Library:
    """Validate everything that can be validated without rendering; raise on any problem."""
    project.check_layout()
    handouts = load_handouts(project.handouts, project.root)
    if lang == SPANISH:  # A sheet with `spanish: false` has no Spanish edition.
        handouts = [h for h in handouts if h.spanish]
    region_data = load_region(project, region or (clinic.region if clinic else DEFAULT_REGION))
    # Every [[region:NAME]] a sheet (or its sources) uses must be one the region data fills.
    texts = {h.source: "\n".join((h.body, *h.sources)) for h in handouts}
    problems = region_problems(texts, region_data)
    if problems:
        raise ContentError(problems)
    return Library(
        project, tuple(handouts), region_data, load_language(project.strings, lang), clinic
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
