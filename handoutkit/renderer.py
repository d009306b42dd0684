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
from .editions import DUPLEX, LANDSCAPE_POINTS, Edition
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

DOCUMENTS = (
    "sheet",
    "fillable",
    "avery",
    "booklet",
    "booklet-small",
    "booklet-print",
    "personal",
)
BOOKLET_ID = "booklet"
# The booklet to fold and staple: its half-size pages (tagged, to read on a phone), and those
# pages imposed two to a side of the edition's paper (print-only). Each is its own document.
SMALL_ID = "booklet-small"
PRINT_ID = "booklet-print"
BOOKLETS = (BOOKLET_ID, SMALL_ID)  # laid out from every sheet in the booklet
# Office staplers and folding by hand: at most 12 sheets of paper (research, next-features A5).
MAX_FOLDED_PAGES = 48
FILL_MODE = {"sheet": "blank", "fillable": "fillable", "avery": "blank", "personal": "personal"}
# A twin of a sheet is named after it: <id>-fillable.pdf, and a card's <id>-avery.pdf.
TWINS = ("fillable", "avery")


@dataclass(frozen=True)
class Job:
    """One output to make: which document, of which sheet, in which edition and language."""

    document: str  # sheet | fillable | avery | booklet | booklet-small | booklet-print | personal
    id: str  # the sheet's id, or the document's for the booklets
    edition: Edition
    lang: str = DEFAULT_LANG
    key: str = ""  # fingerprint of everything it is made from (incremental builds)
    # Booklets only: whether a notes page will be needed, guessed from the sheets' budgets.
    notes_page: bool = False
    # The print layout only: which edge the printer flips on (long-edge turns the backs).
    duplex: str = DUPLEX[0]
    # The print layout only: the small booklet's PDF, once it is made. Not part of a key.
    pages_pdf: bytes | None = field(default=None, compare=False, repr=False)
    # The region whose crisis lines, law and date style it is made in; None: the clinic's.
    region: str | None = None
    # Letters for many patients: the CSV's data row it is for, so a result finds its patient.
    row: int = 0
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
        # A sheet's body is the same in every edition: converted once (never a person's).
        self._bodies: dict[tuple[str, str], SheetBody] = {}

    def close(self) -> None:
        """Remove what rendering left in the temporary directory; the renderer stays usable."""
        if self._pdf is not None:
            self._pdf.close()

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def source(self, job: Job) -> str:
        if job.document in (*BOOKLETS, PRINT_ID):
            return f"{job.id} ({job.edition.name})"
        return self.library.by_id(job.id).source

    @staticmethod
    def edition(job: Job) -> Edition:
        """The edition the job's pages are laid out in: the small booklet's are half-size."""
        return job.edition.folded() if job.document == SMALL_ID else job.edition

    def html(self, job: Job, notes: int | None = None, preview: bool = False) -> str:
        """The job's complete HTML page (for a --html preview, with its footer as text).

        notes: how many notes pages the booklet ends with (the job's guess when None).
        """
        if job.document in BOOKLETS:
            if self._booklet_bodies is None:  # Converted once, for every edition.
                self._booklet_bodies = [self.templates.body(h) for h in self.library.booklet]
            notes = int(job.notes_page) if notes is None else notes
            edition = self.edition(job)
            return self.templates.booklet(self._booklet_bodies, edition, notes, preview)
        return self.templates.sheet(self._body(job), job.edition, preview, job.document)

    def _body(self, job: Job) -> SheetBody:
        handout, mode = self.library.by_id(job.id), FILL_MODE[job.document]
        if job.values is not None:
            return self.templates.body(handout, mode, job.values)
        key = (job.id, mode)
        if key not in self._bodies:
            self._bodies[key] = self.templates.body(handout, mode)
        return self._bodies[key]

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
            job.edition.name if job.document != SMALL_ID else f"{job.edition.name}, small pages",
            booklet=job.document in BOOKLETS,
            back_cover=job.document == SMALL_ID,
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
                html = self.html(job, notes=int(not job.notes_page))
                out = self.pdfs.render(html, job.edition, language, source, expect=expect)
            return out.data, out.pages, None, None
        if job.document == SMALL_ID:
            return (*self._folded(job), None, None)
        if job.document == PRINT_ID:
            return (*self._imposed(job), None, None)
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

    def _folded(self, job: Job) -> tuple[bytes, int]:
        """The small booklet, padded to whole folded sheets (a multiple of 4 pages) with notes
        pages before its back cover. Its sheets have no page budget of their own (a page is
        half the size); the booklet as a whole must still fold and staple by hand.

        It is laid out without notes pages and counted; when the count is not a multiple of 4,
        that layout is set aside unwritten and the booklet laid out again with the notes pages
        it needs (each is a page of its own, so the count is then exact).
        """
        language, source = self.library.language, self.source(job)
        edition = self.edition(job)
        expect = self.expect(job, self.library.handouts)
        html = self.html(job, notes=0)
        out = self.pdfs.render(html, edition, language, source, expect=expect, accept=_folds)
        if not out.data:
            html = self.html(job, notes=-out.pages % 4)
            out = self.pdfs.render(html, edition, language, source, expect=expect)
        if not _folds(out.pages) or out.pages > MAX_FOLDED_PAGES:
            raise BuildError(
                Problem(
                    source,
                    f"the booklet to fold has {out.pages} pages; it must be a multiple of 4 "
                    f"and at most {MAX_FOLDED_PAGES} ({MAX_FOLDED_PAGES // 4} sheets of paper) "
                    "to fold and staple by hand",
                )
            )
        return out.data, out.pages

    def _imposed(self, job: Job) -> tuple[bytes, int]:
        """The small booklet's pages two to a side, in the order that folds (impose.py)."""
        from .impose import impose  # pypdf's writer: only when there is a booklet to impose

        if job.pages_pdf is None:
            raise BuildError(Problem(self.source(job), "the small booklet was not made"))
        words = self.library.language.strings["booklet_print"]
        title = words["title"].format(title=self.library.language.strings["booklet"]["title"])
        note = (words["long_edge" if job.duplex == "long-edge" else "short_edge"], words["fold"])
        sheet = LANDSCAPE_POINTS[job.edition.paper]
        return impose(job.pages_pdf, note, title, job.duplex, self.source(job), sheet)


def _folds(pages: int) -> bool:
    """Whether a page count makes whole folded sheets of paper: 4 pages each."""
    return pages % 4 == 0
