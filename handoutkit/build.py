"""The build: validate every sheet, render each edition's sheets and booklet, write the manifest."""

from __future__ import annotations

import difflib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .config import Clinic, Project, load_region
from .content import Handout, load_handouts
from .editions import Edition
from .errors import BuildError, InputError, Problem
from .output import Output, describe, update_manifest, write_atomic
from .render import PageRenderer

BOOKLET_ID = "booklet"


@dataclass(frozen=True)
class Built:
    """One output of a build, with how long it took to render."""

    output: Output
    seconds: float


Progress = Callable[[Built], None]


def load_project(
    project: Project, clinic: Clinic | None = None
) -> tuple[list[Handout], PageRenderer]:
    """Validate everything that can be validated without rendering; raise on any problem."""
    project.check_layout()
    handouts = load_handouts(project.handouts, project.root)
    region = load_region(project, clinic.region if clinic else "us")
    return handouts, PageRenderer(project, region, clinic)


def select(handouts: list[Handout], only: Sequence[str] | None) -> list[Handout]:
    if not only:
        return handouts
    ids = [h.id for h in handouts]
    problems = []
    for wanted in only:
        if wanted not in ids:
            hint = difflib.get_close_matches(wanted, ids, n=1)
            suffix = f"; did you mean '{hint[0]}'?" if hint else f"; known ids: {', '.join(ids)}"
            problems.append(Problem("--only", f"no sheet with id '{wanted}'{suffix}"))
    if problems:
        raise InputError(problems)
    return [h for h in handouts if h.id in only]


def build(
    project: Project,
    editions: Sequence[Edition],
    out: Path | None,
    only: Sequence[str] | None = None,
    progress: Progress | None = None,
    clinic: Clinic | None = None,
) -> list[Built]:
    """Render and (unless out is None, as for `check`) write every selected output.

    Every sheet is attempted even when one fails, so one run reports every problem; what
    rendered is written and listed in the manifest before the failures are raised.
    """
    handouts, pages_renderer = load_project(project, clinic)
    selected = select(handouts, only)
    from .pdf import PdfRenderer  # WeasyPrint costs ~0.6 s to import: only when rendering.

    pdf = PdfRenderer(project, clinic)
    built: list[Built] = []
    problems: list[Problem] = []

    def done(item: Built) -> None:
        built.append(item)
        if progress:
            progress(item)

    for edition in editions:
        pages = {h.id: pages_renderer.page(h) for h in selected}
        for handout in selected:
            try:
                for item in _sheet_outputs(pages_renderer, pdf, pages[handout.id], edition, out):
                    done(item)
            except BuildError as exc:
                problems.extend(exc.problems)
        if only or problems:
            continue
        started = time.perf_counter()
        rendered = _render_booklet(pages_renderer, pdf, [pages[h.id] for h in selected], edition)
        output = _emit(out, edition, None, "booklet", BOOKLET_ID, rendered)
        done(Built(output, time.perf_counter() - started))
    if out is not None and built:
        update_manifest(out, [b.output for b in built])
    if problems:
        raise BuildError(problems)
    return built


def _sheet_outputs(pages_renderer, pdf, page, edition, out):
    """A sheet's PDF; a letter also gets a fillable twin whose blanks are AcroForm fields."""
    handout = page.handout
    variants = [(page, handout.kind, handout.id)]
    if handout.kind == "letter":
        variants.append(
            (pages_renderer.page(handout, "fillable"), "fillable", f"{handout.id}-fillable")
        )
    for variant, kind, name in variants:
        started = time.perf_counter()
        rendered = pdf.render(
            pages_renderer.sheet(variant, edition),
            edition,
            handout.source,
            budget=handout.page_budget(edition.large_print),
            forms=variant.mode == "fillable",
        )
        yield Built(
            _emit(out, edition, handout, kind, name, rendered), time.perf_counter() - started
        )


def _render_booklet(pages_renderer, pdf, pages, edition):
    source = f"{BOOKLET_ID} ({edition.name})"
    html = pages_renderer.booklet(pages, edition, notes_page=False)
    rendered = pdf.render(html, edition, source)
    if rendered.pages % 2:
        # An odd count would leave the back cover facing the wrong way in duplex printing.
        html = pages_renderer.booklet(pages, edition, notes_page=True)
        rendered = pdf.render(html, edition, source)
    return rendered


def _emit(out, edition, handout, kind, name, rendered) -> Output:
    """Describe the output and, unless this is a dry run (`check`), write it atomically."""
    relative = f"{edition.name}/{name}.pdf"
    if out is not None:
        write_atomic(out / relative, rendered.data)
    return describe(
        relative,
        rendered.data,
        id=handout.id if handout else name,
        edition=edition.name,
        kind=kind,
        audience=handout.audience if handout else "all",
        pages=rendered.pages,
    )
