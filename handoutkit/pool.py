"""Running jobs in this process or in a pool of processes, each with warm Renderers.

Workers leave nothing behind: each removes its font folder when it ends, ignores Ctrl-C (the
parent stops them), and exits by itself within a second of its parent dying, even by SIGKILL.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from multiprocessing import util

from .config import Clinic
from .project import Project
from .renderer import BOOKLETS, Job, Rendered, Renderer

# One job gains nothing from a pool; from two on, workers import WeasyPrint side by side.
MIN_JOBS_FOR_POOL = 2
PARENT_CHECK_SECONDS = 0.5

# A worker's renderers, one per language and region, made when its first job in them arrives.
_renderers: dict[tuple[str, str | None], Renderer] = {}
_setup: tuple[Project, Clinic | None, tuple[str, ...] | None] | None = None


def _start(
    project: Project, clinic: Clinic | None, parent: int, only: tuple[str, ...] | None = None
) -> None:
    global _setup
    # Ctrl-C reaches every process of the terminal's group; the parent alone answers it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _terminated)
    # A worker that ends normally runs multiprocessing's finalizers (not atexit) on the way out.
    util.Finalize(None, _clean_up, exitpriority=10)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    _setup = (project, clinic, only)


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
    made_in = (job.lang, job.region)
    if made_in not in _renderers:
        project, clinic, only = _setup
        _renderers[made_in] = Renderer(project, clinic, job.lang, job.region, only=only)
    return _renderers[made_in].run(job)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def run_jobs(
    project: Project,
    clinic: Clinic | None,
    jobs: Sequence[Job],
    processes: int,
    renderer: Renderer | None = None,
    follow_up: Callable[[], Sequence[Job]] | None = None,
    only: Sequence[str] | None = None,
) -> Iterator[Rendered]:
    """Render every job, in any mix of editions and languages; results come in completion
    order. The bytes never depend on order. A given renderer serves jobs in its language that
    name no region of their own.

    `only` (sheet ids) is the build's --only: renderers read just those sheets. After each
    result is consumed, follow_up (if given) may return more jobs; they go ahead of
    those still waiting (they are booklets, held back until their sheets' pages were known).
    """
    waiting = deque(sorted(jobs, key=_longest_first))

    def more() -> None:
        for job in sorted(follow_up() if follow_up else (), key=_longest_first, reverse=True):
            waiting.appendleft(job)

    if processes <= 1 or len(jobs) < MIN_JOBS_FOR_POOL:
        renderers = {(renderer.library.language.code, None): renderer} if renderer else {}
        own = []
        try:
            while waiting:
                job = waiting.popleft()
                made_in = (job.lang, job.region)
                if made_in not in renderers:
                    made = Renderer(project, clinic, job.lang, job.region, only=only)
                    renderers[made_in] = made
                    own.append(made)
                yield renderers[made_in].run(job)
                more()
        finally:
            for made in own:
                made.close()
        return
    setup = (project, clinic, os.getpid(), tuple(only) if only else None)
    pool = ProcessPoolExecutor(processes, initializer=_start, initargs=setup)
    running: set[Future] = set()
    try:
        # Only as many jobs in flight as workers, so a job released later can still go first.
        while waiting or running:
            while waiting and len(running) < processes:
                running.add(pool.submit(_run, waiting.popleft()))
            done, running = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()
                more()
    except BaseException:
        # Ctrl-C or an error: stop the workers now rather than after their current page (a
        # booklet takes seconds); each removes its font folder as it goes.
        _stop(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _longest_first(job: Job) -> tuple[bool, bool]:
    """Booklets, large print first, so no worker is left with a big job at the end."""
    return (job.document not in BOOKLETS, not job.edition.large_print)


def _stop(pool: ProcessPoolExecutor) -> None:
    for process in list((pool._processes or {}).values()):
        if process.is_alive():
            process.terminate()
