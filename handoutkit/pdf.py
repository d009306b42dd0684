"""WeasyPrint: HTML to tagged PDF, one FontConfiguration, a confined fetcher, warnings as errors."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import CSS, HTML
from weasyprint.formatting_structure import boxes
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from .config import Clinic
from .editions import Edition
from .errors import BuildError, DoesNotFitError, PageBudgetError, Problem
from .expect import Expect
from .language import Language
from .layout import Answer, Layout, PageLayout
from .pagecheck import OFF_CARD, check_pages
from .project import Project
from .stylesheets import Stylesheet, resource_folders, stack

PDF_VARIANT = "pdf/ua-1"


@dataclass(frozen=True)
class Pdf:
    """A finished PDF and its page count; with measure=True, what each page holds."""

    data: bytes
    pages: int
    layout: Layout | None = None


class RefusedURL(Exception):
    """Raised inside WeasyPrint for a resource outside the project; we report it ourselves."""


class ProjectFetcher(URLFetcher):
    """Loads data: URLs and files inside the allowed folders; refuses anything else unrequested."""

    def __init__(self, allowed: list[Path]):
        super().__init__(allowed_protocols=("file", "data"))
        self.allowed = [p.resolve() for p in allowed]
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme == "file" and self._inside(Path(unquote(parts.path))):
            return super().fetch(url, headers)
        self.refused.append(url)
        raise RefusedURL(url)

    def _inside(self, path: Path) -> bool:
        resolved = path.resolve()
        return any(resolved.is_relative_to(root) for root in self.allowed)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage().splitlines()[0])


@contextmanager
def _weasyprint_warnings() -> Iterator[list[str]]:
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    logger.addHandler(handler)
    # WeasyPrint never raises on bad CSS or a missing glyph or image: it logs; we must listen.
    previous = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


@dataclass
class PdfRenderer:
    """Turns HTML pages into PDFs for one project; parsed stylesheets are reused per edition."""

    project: Project
    clinic: Clinic | None = None
    font_config: FontConfiguration = field(default_factory=FontConfiguration)

    def __post_init__(self) -> None:
        self.fetcher = ProjectFetcher(resource_folders(self.project, self.clinic))
        self._stylesheets: dict[tuple[str, str], list[CSS]] = {}
        self._base_url = self.project.root.resolve().as_uri() + "/"

    def close(self) -> None:
        """Remove the folder of fonts WeasyPrint copied into the temporary directory.

        WeasyPrint removes it only when its FontConfiguration is garbage-collected, which a
        process that exits (a pool worker) never does: each left one weasyprint-* folder.
        """
        folder = getattr(self.font_config, "_folder", None)
        if folder:
            shutil.rmtree(folder, ignore_errors=True)
            self.font_config._folder = None

    def stylesheets(self, edition: Edition, language: Language) -> list[CSS]:
        """Parsed once per edition and language, then reused for every page."""
        key = (edition, language.code)  # the folded booklet shares its paper's name
        if key not in self._stylesheets:
            sheets = stack(self.project, self.clinic, edition, language)
            self._stylesheets[key] = [self._css(sheet) for sheet in sheets]
        return self._stylesheets[key]

    def _css(self, sheet: Stylesheet) -> CSS:
        return CSS(
            string=sheet.text,
            base_url=sheet.path.resolve().as_uri() if sheet.path else None,
            url_fetcher=self.fetcher,
            font_config=self.font_config,
        )

    def render(
        self,
        html: str,
        edition: Edition,
        language: Language,
        source: str,
        budget: int | None = None,
        forms: bool = False,
        measure: bool = False,
        expect: Expect | None = None,
        accept: Callable[[int], bool] | None = None,
    ) -> Pdf:
        """Render one HTML page; raise BuildError on any warning, refusal or blown page budget.

        With forms=True, <input> and <textarea> become AcroForm fields a reader can fill in.
        With measure=True, the result (or the PageBudgetError) carries the measured layout of
        the answers ([data-field] values) on each page.
        With expect, the laid-out pages are checked for what they must show (pagecheck.py)
        before any PDF is written.
        With accept, a layout whose page count it refuses is neither checked nor written: the
        result has its page count and no data, for the caller to lay out again.
        """
        self.fetcher.refused.clear()
        with _weasyprint_warnings() as warnings:
            # Form fields are decided at layout time, so the options go to render() too.
            options = {"pdf_variant": PDF_VARIANT, "pdf_forms": forms}
            document = HTML(string=html, base_url=self._base_url, url_fetcher=self.fetcher).render(
                stylesheets=self.stylesheets(edition, language),
                font_config=self.font_config,
                **options,
            )
            pages = len(document.pages)
            if accept is not None and not accept(pages):
                return Pdf(b"", pages)
            layout = measure_layout(document) if measure else None
            if budget is not None and pages > budget:
                lines = sum(_line_count(page) for page in document.pages[budget:])
                raise PageBudgetError(source, pages, budget, lines, layout)
            missing = check_pages(document.pages, expect) if expect else []
            if any(OFF_CARD in p.message for p in missing):
                raise DoesNotFitError(missing)
            if missing:
                raise BuildError(missing)
            data = document.write_pdf(finisher=_shown_as_drawn if forms else None, **options)
        problems = [
            Problem(source, f"refused to load '{url}' (outside the project)")
            for url in dict.fromkeys(self.fetcher.refused)
        ]
        if not problems:
            problems = [Problem(source, f"WeasyPrint: {m}") for m in dict.fromkeys(warnings)]
        if problems:
            raise BuildError(problems)
        return Pdf(data, pages, layout)


def _shown_as_drawn(document, pdf) -> None:
    """Readers show each form field as WeasyPrint drew it, rather than redrawing it.

    WeasyPrint asks readers to redraw every field (NeedAppearances), but gives tick boxes no
    font to redraw with, so Poppler-based readers show a box ticked by default as empty. Every
    field here starts as drawn (boxes ticked or not, text fields empty); readers draw what is
    typed or ticked later themselves.
    """
    pdf.catalog["AcroForm"]["NeedAppearances"] = "false"


def measure_layout(document) -> Layout:
    """Each page's answers (text inside an element with data-field) and the height it uses."""
    layout = Layout()
    for page in document.pages:
        box = page._page_box
        measured = PageLayout()
        top, bottom = box.content_box_y(), box.content_box_y()
        for line in _lines(box):
            bottom = max(bottom, line.position_y + line.height)
            found: dict[str, int] = {}
            for text in _texts(line):
                element = text.element
                key = element.get("data-field") if element is not None else None
                if key:
                    found[key] = found.get(key, 0) + len(text.text)
            for key, characters in found.items():
                answer = measured.answers.setdefault(key, Answer())
                answer.lines += 1
                answer.characters += characters
                answer.height += line.height
                answer.longest = max(answer.longest, characters)
        measured.used = bottom - top
        measured.capacity = box.height
        layout.pages.append(measured)
    return layout


def _lines(box) -> Iterator[boxes.LineBox]:
    for child in getattr(box, "children", ()):
        if isinstance(child, boxes.MarginBox):
            continue
        if isinstance(child, boxes.LineBox):
            yield child
        else:
            yield from _lines(child)


def _texts(box) -> Iterator[boxes.TextBox]:
    for child in getattr(box, "children", ()):
        if isinstance(child, boxes.TextBox):
            yield child
        else:
            yield from _texts(child)


def _line_count(page) -> int:
    """Lines of text laid out on a page, margin boxes (footers) excluded."""

    def walk(box) -> Iterator[boxes.Box]:
        yield box
        for child in getattr(box, "children", ()):
            if not isinstance(child, boxes.MarginBox):
                yield from walk(child)

    return sum(1 for box in walk(page._page_box) if isinstance(box, boxes.LineBox))
