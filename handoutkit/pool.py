"""Running jobs in this process or in a pool of processes, each with one warm Renderer.

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

_renderer: Renderer | None = None


def _start(project: Project, clinic: Clinic | None, lang: str, parent: int) -> None:
    global _renderer
    # Ctrl-C reaches every process of the terminal's group; the parent alone answers it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _terminated)
    # A worker that ends normally runs multiprocessing's finalizers (not atexit) on the way out.
    util.Finalize(None, _clean_up, exitpriority=10)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    _renderer = Renderer(project, clinic, lang)


def _clean_up() -> None:
    if _renderer is not None:
        _renderer.close()


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
        own = renderer is None
        renderer = renderer or Renderer(project, clinic, lang)
        try:
            for job in jobs:
                yield renderer.run(job)
        finally:
            if own:
                renderer.close()
        return
    # Longest first (booklets), so no worker is left with a big job at the end.
    ordered = sorted(jobs, key=lambda j: j.document != "booklet")
    pool = ProcessPoolExecutor(
        processes, initializer=_start, initargs=(project, clinic, lang, os.getpid())
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
