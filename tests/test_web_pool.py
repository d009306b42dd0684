"""The render pool on its own: bounded queue, time limit, crashed and failing workers."""

from __future__ import annotations

import asyncio
import os
import time

import pytest

from handoutkit.web.pool import Busy, Crashed, RenderPool, TimedOut, WorkerError


def sleeper(setup):
    """A worker whose task is a number of seconds to sleep; it answers with its pid."""

    def handle(task):
        if task == "crash":
            os._exit(3)
        if task == "raise":
            raise ValueError("secret words a person typed")
        time.sleep(task)
        return os.getpid()

    return handle


def broken(setup):
    raise RuntimeError("cannot start")


def run(coroutine):
    return asyncio.run(coroutine)


def test_tasks_run_in_warm_workers():
    async def go():
        pool = RenderPool(sleeper, None, workers=2, queue=4, timeout=5)
        await pool.start()
        try:
            pids = await asyncio.gather(*(pool.run(0.05) for _ in range(6)))
            assert set(pids) <= set(pool.pids) and len(pool.pids) == 2
        finally:
            await pool.close()

    run(go())


def test_a_full_queue_is_busy_at_once():
    async def go():
        pool = RenderPool(sleeper, None, workers=1, queue=1, timeout=5)
        await pool.start()
        try:
            first = asyncio.ensure_future(pool.run(0.5))  # rendering
            await asyncio.sleep(0.05)
            second = asyncio.ensure_future(pool.run(0.01))  # waiting
            await asyncio.sleep(0.05)
            started = time.monotonic()
            with pytest.raises(Busy):
                await pool.run(0.01)
            assert time.monotonic() - started < 0.1  # refused, not queued
            assert await first and await second
        finally:
            await pool.close()

    run(go())


def test_a_task_over_the_limit_times_out_and_its_worker_is_replaced():
    async def go():
        pool = RenderPool(sleeper, None, workers=1, queue=2, timeout=0.3)
        await pool.start()
        try:
            [old] = pool.pids
            with pytest.raises(TimedOut):
                await pool.run(30)
            assert pool.replaced == 1
            new = await pool.run(0.01)  # waits for the replacement, then runs
            assert new != old
            assert not _alive(old)
            assert await pool.run(5.0, timeout=10) == new  # a longer limit for this task
        finally:
            await pool.close()

    run(go())


def test_a_crashed_worker_is_replaced():
    async def go():
        pool = RenderPool(sleeper, None, workers=1, queue=2, timeout=5)
        await pool.start()
        try:
            with pytest.raises(Crashed):
                await pool.run("crash")
            assert await pool.run(0.01) in pool.pids
        finally:
            await pool.close()

    run(go())


def test_an_exception_in_a_task_reports_its_type_only():
    async def go():
        pool = RenderPool(sleeper, None, workers=1, queue=2, timeout=5)
        await pool.start()
        try:
            with pytest.raises(WorkerError) as caught:
                await pool.run("raise")
            assert str(caught.value) == "ValueError"
            assert await pool.run(0.01)  # the worker lives on
        finally:
            await pool.close()

    run(go())


def test_a_worker_is_retired_after_its_share_of_tasks_and_a_fresh_one_serves():
    async def go():
        pool = RenderPool(sleeper, None, workers=1, queue=4, timeout=5, max_tasks=2)
        await pool.start()
        try:
            first = [await pool.run(0.01) for _ in range(2)]
            # The third waits for the fresh worker rather than being refused or lost.
            later = [await pool.run(0.01) for _ in range(2)]
            return first, later, pool.retired, pool.replaced
        finally:
            await pool.close()

    first, later, retired, replaced = run(go())
    assert first[0] == first[1] and later[0] == later[1]
    assert later[0] != first[0]
    assert not _alive(first[0])
    assert (retired, replaced) == (2, 0)


def test_a_worker_that_cannot_start_stops_the_pool_starting():
    async def go():
        pool = RenderPool(broken, None, workers=1, queue=0, timeout=5)
        with pytest.raises(RuntimeError, match="RuntimeError"):
            await pool.start()
        assert pool.pids == []

    run(go())


def test_closing_stops_every_worker():
    async def go():
        pool = RenderPool(sleeper, None, workers=2, queue=0, timeout=5)
        await pool.start()
        pids = pool.pids
        await pool.close()
        return pids

    pids = run(go())
    assert pids and not any(_alive(pid) for pid in pids)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split()[2] != "Z"
    except FileNotFoundError:
        return False
