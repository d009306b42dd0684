"""The one place a job becomes HTML and a PDF: sheets, fillable twins, booklets, personal letters.

Build, --html previews, personal letters (and the web app and batches later) all go through
Renderer; the process pool runs one per process.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from .config import Clinic
from .editions import Edition
from .errors import BuildError, Problem
from .expect import Expect, SheetRule
from .kinds import KINDS
from .language import DEFAULT_LANG
from .layout import Layout
from .library import Library, load_library
from .project import Project
from .quality import Report, check_sheet
from .readability import SpanishScores
from .render import SheetBody, Templates

DOCUMENTS = ("sheet", "fillable", "avery", "booklet", "personal")
BOOKLET_ID = "booklet"
FILL_MODE = {"sheet": "blank", "fillable": "fillable", "avery": "blank", "personal": "personal"}
# A twin of a sheet is named after it: <id>-fillable.pdf, and a card's <id>-avery.pdf.
TWINS = ("fillable", "avery")


@dataclass(frozen=True)
class Job:
    """One output to make: which document, of which sheet, in which edition and language."""

    document: str  # sheet | fillable | avery | booklet | personal
    id: str  # the sheet's id, or "booklet"
    edition: Edition
    lang: str = DEFAULT_LANG
    key: str = ""  # fingerprint of everything it is made from (incremental builds)
    # Booklets only: whether a notes page will be needed, guessed from the sheets' budgets.
    notes_page: bool = False
    # Personal letters only: the person's validated details. Never part of a key or a path.
    values: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)

    @property
    def name(self) -> str:
        return f"{self.id}-{self.document}" if self.document in TWINS else self.id

    @property
    def path(self) -> str:
        """Where it goes under build/: <edition>/<name>.pdf, or <lang>/<edition>/ if not English."""
        folder = "" if self.lang == DEFAULT_LANG else f"{self.lang}/"
        return f"{folder}{self.edition.name}/{self.name}.pdf"


@dataclass(frozen=True)
class Rendered:
    """A finished PDF and what was learned making it."""

    job: Job
    data: bytes = b""
    pages: int = 0
    problems: tuple[Problem, ...] = ()
    seconds: float = 0.0
    grade: float | None = None  # sheets only: the reading grade of its own words
    scores: SpanishScores | None = None  # Spanish sheets only: INFLESZ and Fernández-Huerta
    layout: Layout | None = None  # personal letters only: where each answer was laid out


class Renderer:
    """Holds one project's validated inputs, templates and WeasyPrint set-up for one language."""

    def __init__(
        self,
        project: Project,
        clinic: Clinic | None = None,
        lang: str = DEFAULT_LANG,
        region: str | None = None,
        only: Collection[str] | None = None,
    ):
        # `only`: a build of some sheets reads just those (a translation may be in progress).
        self.library: Library = load_library(project, clinic, lang, region, only=only)
        self.templates = Templates(project, self.library.region, self.library.language, clinic)
        self._pdf = None  # WeasyPrint is imported only once there is a PDF to make.
        self._print_css = project.styles / "print.css"
        self._booklet_bodies: list[SheetBody] | None = None

    def close(self) -> None:
        """Remove what rendering left in the temporary directory; the renderer stays usable."""
        if self._pdf is not None:
            self._pdf.close()

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def source(self, job: Job) -> str:
        if job.document == "booklet":
            return f"{BOOKLET_ID} ({job.edition.name})"
        return self.library.by_id(job.id).source

    def html(self, job: Job, notes_page: bool | None = None, preview: bool = False) -> str:
        """The job's complete HTML page (for a --html preview, with its footer as text)."""
        if job.document == "booklet":
            if self._booklet_bodies is None:  # Converted once, for every edition.
                self._booklet_bodies = [self.templates.body(h) for h in self.library.booklet]
            notes = job.notes_page if notes_page is None else notes_page
            return self.templates.booklet(self._booklet_bodies, job.edition, notes, preview)
        return self.templates.sheet(self._body(job), job.edition, preview, job.document)

    def _body(self, job: Job) -> SheetBody:
        handout = self.library.by_id(job.id)
        return self.templates.body(handout, FILL_MODE[job.document], job.values)

    def run(self, job: Job) -> Rendered:
        """Render a job; problems come back in the result rather than raised, for the pool."""
        try:
            return self.pdf(job)
        except BuildError as exc:
            return Rendered(job, problems=tuple(exc.problems))

    def pdf(self, job: Job) -> Rendered:
        """Render a job; raise BuildError (PageBudgetError for a blown budget) on any problem."""
        started = time.perf_counter()
        data, pages, report, layout = self._render(job)
        took = time.perf_counter() - started
        grade, scores = (report.grade, report.scores) if report else (None, None)
        return Rendered(job, data, pages, seconds=took, grade=grade, layout=layout, scores=scores)

    def expect(self, job: Job, handouts) -> Expect:
        """What the job's pages must show, by the kinds registry: crisis box, footer, clinic."""
        language, crisis, clinic = self.library.language, self.library.region, self.library.clinic
        rules = {
            h.id: SheetRule(h.id, h.source, KINDS[h.kind], h.title, language.long_date(h.reviewed))
            for h in handouts
        }
        texts = [language.text("crisis.emergency", number=crisis["emergency"])]
        texts += [line["number"] for line in crisis["lines"]]
        footer = language.strings["footer"]
        return Expect(
            rules,
            tuple(texts),
            tuple(v for v in (clinic.name, clinic.phone) if v) if clinic else (),
            f"{footer['page']} {{n}} {footer['page_of']} {{total}}",
            job.edition.name,
            booklet=job.document == "booklet",
        )

    @property
    def pdfs(self):
        if self._pdf is None:
            from .pdf import PdfRenderer

            self._pdf = PdfRenderer(self.library.project, self.library.clinic)
        return self._pdf

    def budget(self, job: Job) -> int:
        """The most pages a job may take: a personal letter may run on (kinds.py); cards on
        card stock take a page of fronts and one of backs."""
        handout = self.library.by_id(job.id)
        if job.document == "avery":
            return 2
        large = job.edition.large_print
        runs_on = KINDS[handout.kind].personal_pages(large)
        if job.document == "personal" and runs_on:
            return max(runs_on, handout.page_budget(large))
        return handout.page_budget(large)

    def _render(self, job: Job) -> tuple[bytes, int, Report | None, Layout | None]:
        language = self.library.language
        source = self.source(job)
        if job.document == "booklet":
            # Duplex printing needs an even count, padded with a notes page when it is odd.
            # The guess is usually right, so the booklet is usually laid out only once.
            expect = self.expect(job, self.library.handouts)
            out = self.pdfs.render(self.html(job), job.edition, language, source, expect=expect)
            if out.pages % 2:
                html = self.html(job, notes_page=not job.notes_page)
                out = self.pdfs.render(html, job.edition, language, source, expect=expect)
            return out.data, out.pages, None, None
        handout = self.library.by_id(job.id)
        body = self._body(job)
        html = self.templates.sheet(body, job.edition, document=job.document)
        report = (
            check_sheet(handout, body.body_html, html, language.code, self._print_css)
            if job.document == "sheet"
            else None
        )
        try:
            out = self.pdfs.render(
                html,
                job.edition,
                language,
                source,
                budget=self.budget(job),
                forms=job.document == "fillable",
                measure=job.document == "personal",
                expect=self.expect(job, [handout]),
            )
        except BuildError as exc:
            if not (report and report.problems):
                raise
            # Report every problem with the sheet at once: its content and its layout.
            raise BuildError([*report.problems, *exc.problems]) from None
        if report and report.problems:
            raise BuildError(list(report.problems))
        return out.data, out.pages, report, out.layout
