"""What a render worker does: letters, previews and handouts, through the one Renderer.

Runs inside the pool's processes. Tasks and results are small frozen dataclasses (pickled over a
pipe); nothing here writes a file or logs a value.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..config import Clinic
from ..editions import Edition
from ..errors import HandoutError, Problem
from ..kinds import KINDS
from ..language import DEFAULT_LANG
from ..personal import render_letters
from ..project import Project
from ..renderer import BOOKLET_ID, Job, Renderer

PREVIEW_SCALE = 1.5  # 108 dpi: sharp at the preview's width on a high-density screen


@dataclass(frozen=True)
class Setup:
    """What every worker renders from; the same for all its tasks."""

    project: Project
    clinic: Clinic | None
    lang: str  # the default language, the one a worker warms up with
    region: str  # the default region (the clinic's), used for handouts
    # Per language, the sheets to read when its translation is still in progress (None: all).
    only: Mapping[str, tuple[str, ...] | None] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class LetterTask:
    """One personal letter from validated details; with preview, its pages as PNG images too."""

    letter: str
    values: Mapping[str, Any]
    edition: Edition
    region: str
    preview: bool = False
    lang: str = DEFAULT_LANG  # the letter's language, chosen apart from the page's


@dataclass(frozen=True)
class HandoutTask:
    """A blank handout, fillable letter or booklet, as `build` would write it."""

    name: str  # <id>, <id>-fillable, <id>-avery or booklet
    edition: Edition
    lang: str = DEFAULT_LANG


@dataclass(frozen=True)
class Result:
    """A PDF (and its page images for a preview), or the problems that stopped it."""

    name: str = ""
    pdf: bytes = b""
    pages: int = 0
    images: tuple[bytes, ...] = ()
    problems: tuple[Problem, ...] = ()
    # Not errors: a letter that runs onto a continuation page says which answer made it.
    warnings: tuple[Problem, ...] = ()


class Worker:
    """One Renderer per language and region, made on first use and kept warm."""

    def __init__(self, setup: Setup):
        self.setup = setup
        self._renderers: dict[tuple[str, str], Renderer] = {}

    def renderer(self, region: str, lang: str | None = None) -> Renderer:
        key = (lang or self.setup.lang, region)
        if key not in self._renderers:
            setup = self.setup
            only = setup.only.get(key[0])
            self._renderers[key] = Renderer(setup.project, setup.clinic, key[0], region, only)
        return self._renderers[key]

    def warm(self) -> None:
        """Import WeasyPrint and load the fonts now, so the first person does not wait for it."""
        renderer = self.renderer(self.setup.region)
        letter = next(h for h in renderer.library.handouts if KINDS[h.kind].fields)
        renderer.pdf(Job("sheet", letter.id, Edition(), self.setup.lang))

    def __call__(self, task: LetterTask | HandoutTask) -> Result:
        if isinstance(task, LetterTask):
            return self.letter(task)
        return self.handout(task)

    def letter(self, task: LetterTask) -> Result:
        renderer = self.renderer(task.region, task.lang)
        try:
            rendered = render_letters(renderer, task.values, task.edition, [task.letter])
        except HandoutError as exc:
            return Result(problems=tuple(exc.problems))
        # Only the letter asked for (render_letters names it, e.g. <id>-large-es.pdf).
        [(name, data)] = [(n, d) for n, d in rendered if n.startswith(task.letter)]
        pages, images = page_images(data, task.preview)
        warnings = tuple(getattr(rendered, "warnings", ()))
        return Result(name, data, pages, images, warnings=warnings)

    def handout(self, task: HandoutTask) -> Result:
        renderer = self.renderer(self.setup.region, task.lang)
        if task.name == BOOKLET_ID:
            handouts = renderer.library.booklet
            pages = 2 + sum(h.page_budget(task.edition.large_print) for h in handouts)
            job = Job("booklet", BOOKLET_ID, task.edition, task.lang, notes_page=pages % 2 == 1)
        elif task.name.endswith(("-fillable", "-avery")):
            id, document = task.name.rsplit("-", 1)
            job = Job(document, id, task.edition, task.lang)
        else:
            job = Job("sheet", task.name, task.edition, task.lang)
        result = renderer.run(job)
        return Result(task.name, result.data, result.pages, problems=result.problems)


def page_images(pdf: bytes, wanted: bool) -> tuple[int, tuple[bytes, ...]]:
    """The page count, and with `wanted` each page as a PNG (pypdfium2, in memory)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        count = len(document)
        if not wanted:
            return count, ()
        images = []
        for index in range(count):
            bitmap = document[index].render(scale=PREVIEW_SCALE)
            buffer = io.BytesIO()
            bitmap.to_pil().save(buffer, format="PNG", compress_level=3)
            images.append(buffer.getvalue())
        return count, tuple(images)
    finally:
        document.close()


def start(setup: Setup) -> Worker:
    """The pool's factory: runs once in each new worker process."""
    worker = Worker(setup)
    worker.warm()
    return worker
