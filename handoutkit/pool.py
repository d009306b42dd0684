"""Running jobs in this process or in a pool of processes, each with warm Renderers.

Workers leave nothing behind: each removes its font folder when it ends, ignores Ctrl-C (the
parent stops them), and exits by itself within a second of its parent dying, even by SIGKILL.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import util

from .config import Clinic
from .project import Project
from .renderer import Job, Rendered, Renderer

# One job gains nothing from a pool; from two on, workers import WeasyPrint side by side.
MIN_JOBS_FOR_POOL = 2
PARENT_CHECK_SECONDS = 0.5

# A worker's renderers, one per language, made when its first job in that language arrives.
_renderers: dict[str, Renderer] = {}
_setup: tuple[Project, Clinic | None] | None = None


def _start(project: Project, clinic: Clinic | None, parent: int) -> None:
    global _setup
    # Ctrl-C reaches every process of the terminal's group; the parent alone answers it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _terminated)
    # A worker that ends normally runs multiprocessing's finalizers (not atexit) on the way out.
    util.Finalize(None, _clean_up, exitpriority=10)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    _setup = (project, clinic)


def _clean_up() -> None:
    for renderer in _renderers.values():
        renderer.close()


def _terminated(signum, frame) -> None:
    _clean_up()
    os._exit(128 + signum)


def _watch_parent(parent: int) -> None:
    """An orphan has no one to send its results to: clean up and go."""
    while True:
        time.sleep(PARENT_CHECK_SECONDS)
        if os.getppid() != parent:
            _clean_up()
            os._exit(1)


def _run(job: Job) -> Rendered:
    assert _setup is not None
    if job.lang not in _renderers:
        _renderers[job.lang] = Renderer(*_setup, job.lang)
    return _renderers[job.lang].run(job)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def run_jobs(
    project: Project,
    clinic: Clinic | None,
    jobs: Sequence[Job],
    processes: int,
    renderer: Renderer | None = None,
) -> Iterator[Rendered]:
    """Render every job, in any mix of editions and languages; results come in completion
    order. The bytes never depend on order. A given renderer serves jobs in its language."""
    if processes <= 1 or len(jobs) < MIN_JOBS_FOR_POOL:
        renderers = {renderer.library.language.code: renderer} if renderer else {}
        own = []
        try:
            for job in jobs:
                if job.lang not in renderers:
                    renderers[job.lang] = Renderer(project, clinic, job.lang)
                    own.append(renderers[job.lang])
                yield renderers[job.lang].run(job)
        finally:
            for made in own:
                made.close()
        return
    # Longest first (booklets), so no worker is left with a big job at the end.
    ordered = sorted(jobs, key=lambda j: (j.document != "booklet", not j.edition.large_print))
    pool = ProcessPoolExecutor(
        processes, initializer=_start, initargs=(project, clinic, os.getpid())
    )
    try:
        futures = [pool.submit(_run, job) for job in ordered]
        for future in as_completed(futures):
            yield future.result()
    except BaseException:
        # Ctrl-C or an error: stop the workers now rather than after their current page (a
        # booklet takes seconds); each removes its font folder as it goes.
        _stop(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _stop(pool: ProcessPoolExecutor) -> None:
    for process in list((pool._processes or {}).values()):
        if process.is_alive():
            process.terminate()
