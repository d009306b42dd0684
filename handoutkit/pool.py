"""Rendering jobs, in this process or a pool of processes; each worker sets up WeasyPrint once."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass

from .config import Clinic, Project
from .editions import Edition
from .errors import BuildError, Problem

# One job gains nothing from a pool; from two on, workers import WeasyPrint side by side.
MIN_JOBS_FOR_POOL = 2


@dataclass(frozen=True)
class Job:
    """One output to make: a sheet, its fillable twin, or an edition's booklet."""

    edition: Edition
    name: str
    id: str
    kind: str
    audience: str
    variant: str
    source: str
    key: str = ""
    # Booklets only: whether a notes page will be needed, guessed from the sheets' page counts.
    notes: bool = False

    @property
    def path(self) -> str:
        return f"{self.edition.name}/{self.name}.pdf"


@dataclass(frozen=True)
class Result:
    """What a worker sends back: the PDF, or the problems that stopped it."""

    job: Job
    data: bytes = b""
    pages: int = 0
    problems: tuple[Problem, ...] = ()
    seconds: float = 0.0


class Worker:
    """Holds one project's parsed sheets, Jinja environment and WeasyPrint set-up."""

    def __init__(self, project: Project, clinic: Clinic | None):
        from .build import load_project
        from .pdf import PdfRenderer

        handouts, self.pages = load_project(project, clinic)
        self.handouts = {h.id: h for h in handouts}
        self._booklet_pages = None  # Converted once, on the first booklet job.
        self.pdf = PdfRenderer(project, clinic)

    def run(self, job: Job) -> Result:
        started = time.perf_counter()
        try:
            data, pages = self._render(job)
        except BuildError as exc:
            return Result(job, problems=tuple(exc.problems))
        return Result(job, data, pages, seconds=time.perf_counter() - started)

    def html(self, job: Job, notes_page: bool = False) -> str:
        if job.variant == "booklet":
            if self._booklet_pages is None:
                self._booklet_pages = [self.pages.page(h) for h in self.handouts.values()]
            return self.pages.booklet(self._booklet_pages, job.edition, notes_page)
        handout = self.handouts[job.id]
        return self.pages.sheet(self.pages.page(handout, job.variant), job.edition)

    def _render(self, job: Job) -> tuple[bytes, int]:
        if job.variant == "booklet":
            # Duplex printing needs an even count, padded with a notes page when it is odd.
            # The guess is usually right, so the booklet is usually laid out only once.
            rendered = self.pdf.render(self.html(job, job.notes), job.edition, job.source)
            if rendered.pages % 2:
                html = self.html(job, notes_page=not job.notes)
                rendered = self.pdf.render(html, job.edition, job.source)
            return rendered.data, rendered.pages
        handout = self.handouts[job.id]
        rendered = self.pdf.render(
            self.html(job),
            job.edition,
            job.source,
            budget=handout.page_budget(job.edition.large_print),
            forms=job.variant == "fillable",
        )
        return rendered.data, rendered.pages


_worker: Worker | None = None


def _start(project: Project, clinic: Clinic | None) -> None:
    global _worker
    _worker = Worker(project, clinic)


def _run(job: Job) -> Result:
    assert _worker is not None
    return _worker.run(job)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def run_jobs(
    project: Project, clinic: Clinic | None, jobs: Sequence[Job], processes: int
) -> Iterator[Result]:
    """Render every job; results come in completion order. The bytes never depend on order."""
    if processes <= 1 or len(jobs) < MIN_JOBS_FOR_POOL:
        worker = Worker(project, clinic)
        for job in jobs:
            yield worker.run(job)
        return
    # Longest first (booklets), so no worker is left with a big job at the end.
    ordered = sorted(jobs, key=lambda j: j.variant != "booklet")
    with ProcessPoolExecutor(processes, initializer=_start, initargs=(project, clinic)) as pool:
        futures = [pool.submit(_run, job) for job in ordered]
        for future in as_completed(futures):
            yield future.result()
