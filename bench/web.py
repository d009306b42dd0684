"""Load run of the web app on loopback: one client, then N clients at once for a fixed time.

    .venv/bin/python bench/web.py [--clients 8] [--seconds 180] [--single 60] [--workers 2]
    (make bench-web)

Starts `handouts serve` as a person would, in a scratch folder with its own TMPDIR, and posts
real letter forms (both letters, in turn) with httpx. Reports, from POST to the last byte of the
PDF: p50 and p95 with one client; with N clients: throughput, p95, errors (anything but a PDF or
a deliberate 503), the share of 503s, the memory (RSS) of the app's processes in the first and
the last 30 seconds, and the temporary files left behind once it has stopped.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
import tomllib
from pathlib import Path

import httpx2 as httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from handoutkit.web.forms import answers_from_details  # noqa: E402
from tests.web_helpers import Served  # noqa: E402

LETTERS = ("physician-letter", "employer-accommodation")
WINDOW = 30.0  # seconds of memory samples compared, at the start and at the end


def form() -> dict:
    details = tomllib.loads((ROOT / "tests" / "data" / "details-full.toml").read_text("utf-8"))
    data = {}
    for key, value in answers_from_details(details).items():
        data[key] = ["", *value] if isinstance(value, list) else value
    return data


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def rss_kib(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time the processes have used (children they reaped included)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            continue
    return total / ticks


def post(client: httpx.Client, letter: str, data: dict, headers: dict) -> tuple[float, int, bool]:
    started = time.perf_counter()
    with client.stream("POST", f"/letters/{letter}.pdf", data=data, headers=headers) as response:
        body = b"".join(response.iter_bytes())  # to the last byte
    took = time.perf_counter() - started
    return took, response.status_code, body.startswith(b"%PDF")


def run(clients: int, seconds: float, single: int, workers: int) -> dict:
    data = form()
    results: dict = {}
    with tempfile.TemporaryDirectory() as scratch:
        cwd, tmp = Path(scratch) / "cwd", Path(scratch) / "tmp"
        cwd.mkdir()
        tmp.mkdir()
        with Served(cwd, "--workers", str(workers), env={"TMPDIR": str(tmp)}) as app:
            base = app.url.rstrip("/")
            headers = {"origin": base, "sec-fetch-site": "same-origin"}
            with httpx.Client(base_url=base, timeout=60) as client:
                for letter in LETTERS * 3:  # warm: each worker has laid out each letter
                    post(client, letter, data, headers)
                times = []
                cpu_before = cpu_seconds(app.pids())
                for i in range(single):
                    took, status, ok = post(client, LETTERS[i % 2], data, headers)
                    assert status == 200 and ok, status
                    times.append(took)
                results["single_cpu"] = (cpu_seconds(app.pids()) - cpu_before) / single
            results["single"] = times

            samples: list[tuple[float, int]] = []
            records: list[tuple[float, float, int, bool]] = []
            stop = threading.Event()
            started = time.monotonic()

            def sample() -> None:
                while not stop.is_set():
                    samples.append((time.monotonic() - started, rss_kib(app.pids())))
                    stop.wait(1.0)

            def client_loop(number: int) -> None:
                with httpx.Client(base_url=base, timeout=60) as client:
                    i = number
                    while time.monotonic() - started < seconds:
                        try:
                            took, status, ok = post(client, LETTERS[i % 2], data, headers)
                        except httpx.HTTPError:
                            took, status, ok = 0.0, 0, False
                        records.append((time.monotonic() - started, took, status, ok))
                        i += 1

            cpu_before = cpu_seconds(app.pids())
            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            threads = [threading.Thread(target=client_loop, args=(n,)) for n in range(clients)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - started
            results["cpu"] = cpu_seconds(app.pids()) - cpu_before
            stop.set()
            sampler.join()
            results.update(records=records, samples=samples, elapsed=elapsed, log=app.log)
        results["left"] = sorted(p.relative_to(tmp).as_posix() for p in tmp.rglob("*"))
    return results


def report(results: dict, clients: int, workers: int) -> str:
    single = results["single"]
    records = results["records"]
    ok = [took for _, took, status, good in records if status == 200 and good]
    busy = sum(1 for _, _, status, _ in records if status == 503)
    errors = len(records) - len(ok) - busy  # anything but a PDF or a deliberate 503
    samples = results["samples"]
    end = samples[-1][0] if samples else 0
    first = [kib for t, kib in samples if t <= WINDOW]
    last = [kib for t, kib in samples if t >= end - WINDOW]
    first_mib, last_mib = statistics.mean(first) / 1024, statistics.mean(last) / 1024
    load = os.getloadavg()
    p50, p95 = statistics.median(single) * 1000, percentile(single, 0.95) * 1000
    growth = 100 * (last_mib / first_mib - 1)
    # Wall times depend on what else the machine runs; CPU time per letter does much less.
    cpu_single = results["single_cpu"] * 1000
    cpu_many = results["cpu"] / max(1, len(ok)) * 1000
    cores = len(os.sched_getaffinity(0))
    lines = [
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}; load average {load[0]:.2f} {load[1]:.2f} "
        f"{load[2]:.2f} (other work on the machine counts too)",
        f"render workers: {workers}",
        "",
        "| run | figure |",
        "| --- | ---: |",
        f"| 1 client, {len(single)} letters: p50 POST to last byte | {p50:.0f} ms |",
        f"| 1 client: p95 | {p95:.0f} ms |",
        f"| {clients} clients for {results['elapsed']:.0f} s: letters made | {len(ok)} |",
        f"| {clients} clients: throughput | {len(ok) / results['elapsed']:.1f} letters/s |",
        f"| {clients} clients: p50 | {statistics.median(ok) * 1000:.0f} ms |",
        f"| {clients} clients: p95 | {percentile(ok, 0.95) * 1000:.0f} ms |",
        f"| {clients} clients: errors | {errors} |",
        f"| {clients} clients: 503 (busy) | {busy} ({100 * busy / max(1, len(records)):.2f} %) |",
        f"| memory of the app's processes, first {WINDOW:.0f} s | {first_mib:.0f} MiB |",
        f"| memory, last {WINDOW:.0f} s | {last_mib:.0f} MiB ({growth:+.1f} %) |",
        f"| temporary files left after it stopped | {len(results['left'])} |",
        f"| CPU time per letter, 1 client (server and workers) | {cpu_single:.0f} ms |",
        f"| CPU time per letter, {clients} clients | {cpu_many:.0f} ms |",
        f"| letters/s this CPU time allows on {cores} idle cores | {cores / cpu_many * 1000:.1f} |",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=180.0)
    parser.add_argument("--single", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    results = run(args.clients, args.seconds, args.single, args.workers)
    print(report(results, args.clients, args.workers))
    return 0


if __name__ == "__main__":
    sys.exit(main())
