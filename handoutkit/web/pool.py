"""A bounded pool of warm render processes: a full queue or a stuck render is a 503, not a pile-up.

concurrent.futures cannot stop one task that hangs, so each worker is a process of its own with
a pipe: a render that runs past the timeout has its process killed and a fresh one started, while
the others keep serving. Workers are started with "spawn": WeasyPrint's libraries are not safe to
use in a forked copy of a process that has threads (WeasyPrint #167, #684).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

log = logging.getLogger("handoutkit.web")

START_TIMEOUT = 120.0  # seconds a new worker may take to import WeasyPrint and render once
STOP_GRACE = 3.0  # seconds an idle worker gets to exit by itself when the app stops


class Unavailable(Exception):
    """The render could not be done now; the answer is 503 with Retry-After."""

    reason = "unavailable"


class Busy(Unavailable):
    """Every worker is rendering and the queue is full."""

    reason = "busy"


class TimedOut(Unavailable):
    """The render ran past the timeout; its worker was replaced."""

    reason = "timeout"


class Crashed(Unavailable):
    """The worker died mid-render (out of memory, a crash in a C library); it was replaced."""

    reason = "crashed"


class WorkerError(Exception):
    """The task raised an unexpected exception in the worker; carries its type name only.

    Never the message: it may quote what a person typed, and this may be logged.
    """


def _serve(conn, factory: Callable[[Any], Callable[[Any], Any]], setup: Any, tmp: str) -> None:
    """A worker process: build the handler once (warm), then answer tasks until the pipe closes."""
    # Ctrl-C in the terminal reaches the whole process group; the parent decides when we stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # WeasyPrint copies @font-face fonts into a temporary folder it removes only on a clean
    # exit; a worker killed for running too long cannot clean up, so its parent does.
    os.environ["TMPDIR"] = tempfile.tempdir = tmp
    # Nothing a worker logs may reach a terminal or a file: log records can quote the input.
    logging.getLogger().handlers[:] = [logging.NullHandler()]
    try:
        handler = factory(setup)
    except BaseException as exc:  # Reported to the parent, which fails to start.
        conn.send(("failed", type(exc).__name__))
        return
    conn.send(("ready", os.getpid()))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return  # The parent went away.
        try:
            result = ("ok", handler(task))
        except Exception as exc:
            result = ("error", type(exc).__name__)
        try:
            conn.send(result)
        except (BrokenPipeError, OSError):
            return


class _Worker:
    """One process and the parent's end of its pipe."""

    def __init__(self, context, factory, setup):
        self.tmp = tempfile.mkdtemp(prefix="handouts-render-")
        self.conn, child = context.Pipe()
        self.process = context.Process(
            target=_serve,
            args=(child, factory, setup, self.tmp),
            daemon=True,
            name="handouts-render",
        )
        self.process.start()
        child.close()
        self.pid: int | None = None
        self.tasks = 0  # tasks answered, for retiring it after `max_tasks`

    def wait_ready(self, timeout: float) -> None:
        if not self.conn.poll(timeout):
            raise TimeoutError("render worker did not start")
        status, detail = self.conn.recv()
        if status != "ready":
            raise RuntimeError(f"render worker failed to start: {detail}")
        self.pid = detail

    def exchange(self, task: Any, timeout: float) -> tuple[str, Any]:
        """Runs in a thread: send one task, wait for its answer at most `timeout` seconds."""
        self.conn.send(task)
        if not self.conn.poll(timeout):
            raise TimeoutError
        return self.conn.recv()

    def stop(self, grace: float = 0.0) -> None:
        """Close the pipe (a idle worker then exits by itself), kill it if it has not, tidy up."""
        with contextlib.suppress(OSError):
            self.conn.close()
        self.process.join(grace)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5)
        shutil.rmtree(self.tmp, ignore_errors=True)


class RenderPool:
    """`workers` warm processes; at most `queue` requests wait; a render gets `timeout` seconds.

    `factory(setup)` runs once in each worker and returns the function that handles a task.
    Both must be picklable (module-level), as must tasks and results. A worker that has answered
    `max_tasks` tasks is retired and a fresh one started: WeasyPrint's C libraries keep about
    50 KB a letter that Python never sees, so a worker kept for ever grows without bound.
    """

    def __init__(
        self,
        factory: Callable[[Any], Callable[[Any], Any]],
        setup: Any,
        workers: int = 2,
        queue: int = 16,
        timeout: float = 10.0,
        max_tasks: int | None = 300,
    ):
        if workers < 1 or queue < 0:
            raise ValueError("a pool needs at least one worker and a queue of 0 or more")
        self.factory, self.setup = factory, setup
        self.size, self.queue, self.timeout = workers, queue, timeout
        self.max_tasks = max_tasks
        self._context = multiprocessing.get_context("spawn")
        self._idle: asyncio.Queue[_Worker] | None = None
        self._all: set[_Worker] = set()
        self._waiting = 0
        self._lock = threading.Lock()
        self._calls = ThreadPoolExecutor(workers, thread_name_prefix="render-call")
        self._spawner = ThreadPoolExecutor(1, thread_name_prefix="render-spawn")
        self._closed = False
        self.replaced = 0  # workers replaced after a timeout or crash, for monitoring and tests
        self.retired = 0  # workers replaced after max_tasks, likewise

    @property
    def pids(self) -> list[int]:
        return sorted(w.pid for w in self._all if w.pid is not None)

    @property
    def waiting(self) -> int:
        return self._waiting

    async def start(self) -> None:
        """Start every worker and wait until each is warm (a render done, fonts loaded)."""
        self._idle = asyncio.Queue()
        loop = asyncio.get_running_loop()
        started = await asyncio.gather(
            *(loop.run_in_executor(None, self._new_worker) for _ in range(self.size)),
            return_exceptions=True,
        )
        failures = [s for s in started if isinstance(s, BaseException)]
        if failures:
            await self.close()
            raise failures[0]
        for worker in started:
            self._idle.put_nowait(worker)

    def _new_worker(self) -> _Worker:
        worker = _Worker(self._context, self.factory, self.setup)
        with self._lock:
            self._all.add(worker)
        try:
            worker.wait_ready(START_TIMEOUT)
        except BaseException:
            self._discard(worker)
            raise
        return worker

    def _discard(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        worker.stop()

    async def run(self, task: Any, timeout: float | None = None) -> Any:
        """The task's result; raises Busy, TimedOut, Crashed (all Unavailable) or WorkerError.

        `timeout` overrides the pool's for this task (a whole booklet is no stuck letter).
        """
        if self._idle is None or self._closed:
            raise Busy
        if self._idle.empty() and self._waiting >= self.queue:
            raise Busy
        self._waiting += 1
        try:
            worker = await self._idle.get()
        finally:
            self._waiting -= 1
        # Shielded: a client that hangs up must not leave the worker lost or its pipe half-read.
        call = asyncio.ensure_future(self._call(worker, task, timeout or self.timeout))
        return await asyncio.shield(call)

    async def _call(self, worker: _Worker, task: Any, timeout: float) -> Any:
        loop = asyncio.get_running_loop()
        try:
            status, payload = await loop.run_in_executor(
                self._calls, worker.exchange, task, timeout
            )
        except TimeoutError:
            self._replace(worker, f"took longer than {timeout:.0f} s")
            raise TimedOut from None
        except (EOFError, OSError):
            self._replace(worker, "stopped")
            raise Crashed from None
        assert self._idle is not None
        worker.tasks += 1
        if self.max_tasks and worker.tasks >= self.max_tasks and not self._closed:
            self._retire(worker)
        else:
            self._idle.put_nowait(worker)
        if status == "error":
            raise WorkerError(payload)
        return payload

    def _replace(self, worker: _Worker, why: str) -> None:
        """Kill the worker and start a new one in the background; the others keep serving."""
        log.warning("render worker %s %s; starting a new one", worker.pid, why)
        self.replaced += 1
        self._discard(worker)
        if self._closed:
            return
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._spawner, self._new_worker)
        future.add_done_callback(self._arrived)

    def _retire(self, worker: _Worker) -> None:
        """Stop a worker that did its share and start a fresh one, off the event loop."""
        self.retired += 1
        with self._lock:
            self._all.discard(worker)

        def renew() -> _Worker:
            worker.stop(grace=STOP_GRACE)
            return self._new_worker()

        future = asyncio.get_running_loop().run_in_executor(self._spawner, renew)
        future.add_done_callback(self._arrived)

    def _arrived(self, future: asyncio.Future) -> None:
        if future.cancelled() or future.exception() is not None:
            if not self._closed:
                log.error("a new render worker failed to start; %d left", len(self._all))
            return
        worker = future.result()
        if self._closed or self._idle is None:
            self._discard(worker)
        else:
            self._idle.put_nowait(worker)

    async def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.stop(grace=STOP_GRACE)
        self._calls.shutdown(wait=False, cancel_futures=True)
        self._spawner.shutdown(wait=False, cancel_futures=True)
