"""Running jobs in this process or in a pool of processes, each with one warm Renderer."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed

from .config import Clinic
from .project import Project
from .renderer import Job, Rendered, Renderer

# One job gains nothing from a pool; from two on, workers import WeasyPrint side by side.
MIN_JOBS_FOR_POOL = 2

_renderer: Renderer | None = None


def _start(project: Project, clinic: Clinic | None, lang: str) -> None:
    global _renderer
    _renderer = Renderer(project, clinic, lang)


def _run(job: Job) -> Rendered:
    assert _renderer is not None
    return _renderer.run(job)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def run_jobs(
    project: Project,
    clinic: Clinic | None,
    jobs: Sequence[Job],
    processes: int,
    renderer: Renderer | None = None,
) -> Iterator[Rendered]:
    """Render every job; results come in completion order. The bytes never depend on order."""
    langs = {job.lang for job in jobs}
    if len(langs) > 1:
        raise ValueError(f"one language per run; got {sorted(langs)}")
    lang = langs.pop() if langs else "en"
    if processes <= 1 or len(jobs) < MIN_JOBS_FOR_POOL:
        renderer = renderer or Renderer(project, clinic, lang)
        for job in jobs:
            yield renderer.run(job)
        return
    # Longest first (booklets), so no worker is left with a big job at the end.
    ordered = sorted(jobs, key=lambda j: j.document != "booklet")
    with ProcessPoolExecutor(
        processes, initializer=_start, initargs=(project, clinic, lang)
    ) as pool:
        futures = [pool.submit(_run, job) for job in ordered]
        for future in as_completed(futures):
            yield future.result()
