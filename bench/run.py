"""Benchmark: cold build, naive per-sheet weasyprint baseline, no-op rebuild, one-sheet edit, and
`make`'s one pass over every edition and language against one build process per edition.

Run with `make bench`. Every figure is wall time of whole commands (interpreter start included),
measured on this machine in this one run, so the ratios compare like with like.
"""

from __future__ import annotations

import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path
from typing import NamedTuple

from handoutkit.editions import ALL_EDITIONS
from handoutkit.language import DEFAULT_LANG, LANGS

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, str(ROOT / "make_handouts.py")]
WEASYPRINT = Path(sys.executable).parent / "weasyprint"
REPEAT = 3


class Took(NamedTuple):
    """Wall time, and the CPU time of the commands run (user and system, every process).

    On a busy machine wall time counts what other programs took from us; CPU time does not,
    so its ratios hold when the wall-clock ones cannot be trusted.
    """

    wall: float
    cpu: float

    def __add__(self, other):
        return Took(self.wall + other.wall, self.cpu + other.cpu)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], **kwargs) -> Took:
    started, cpu = time.perf_counter(), _children_cpu()
    # The Spanish builds warn of crisis lines still to confirm (on purpose, every time): shown
    # only when a command fails, so the figures are not lost among them.
    kwargs.setdefault("stderr", subprocess.PIPE)
    done = subprocess.run(command, stdout=subprocess.DEVNULL, **kwargs)
    if done.returncode:
        sys.stderr.write((done.stderr or b"").decode(errors="replace"))
        done.check_returncode()
    return Took(time.perf_counter() - started, _children_cpu() - cpu)


def median_of(make_command, repeat: int = REPEAT) -> Took:
    runs = [make_command(i) for i in range(repeat)]
    return Took(statistics.median(r.wall for r in runs), statistics.median(r.cpu for r in runs))


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (
        f"{cpu}, {cores} CPUs; Python {platform.python_version()}; "
        f"WeasyPrint {version('weasyprint')}"
    )


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="handout-bench-"))
    try:
        project = work / "project"
        for name in ("handouts", "templates", "styles"):
            shutil.copytree(ROOT / name, project / name)
        base = [*CLI, "--project", str(project)]

        def cold(i: int) -> Took:
            return timed([*base, "--out", str(work / f"cold-{i}")])

        cold_time = median_of(cold)
        out = work / "cold-0"

        # The naive baseline: the same HTML, one `weasyprint` process per output.
        subprocess.run(
            [*base, "--out", str(work / "html"), "--html", "--force", "--jobs", "1"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        pages = sorted((work / "html" / "letter").glob("*.html"))

        def naive(i: int) -> Took:
            total = Took(0.0, 0.0)
            for page in pages:
                command = [
                    str(WEASYPRINT),
                    "--pdf-variant",
                    "pdf/ua-1",
                    str(page),
                    str(work / f"naive-{page.stem}.pdf"),
                ]
                if page.stem.endswith("-fillable"):
                    command.insert(1, "--pdf-forms")
                total += timed(command, stderr=subprocess.DEVNULL)
            return total

        naive_time = median_of(naive, repeat=1)
        noop_time = median_of(lambda i: timed([*base, "--out", str(out)]))

        sheet = project / "handouts" / "03-supporting-someone.md"
        original = sheet.read_text(encoding="utf-8")

        def edit(i: int) -> Took:
            sheet.write_text(original.replace("Take breaks,", f"Take breaks ({i}),"), "utf-8")
            return timed([*base, "--out", str(out)])

        edit_time = median_of(edit)
        sheet.write_text(original, "utf-8")

        # What `make` did before (one process per edition and language), then what it does now.
        def separate(i: int) -> Took:
            total = Took(0.0, 0.0)
            for lang in LANGS:
                for edition in ALL_EDITIONS:
                    command = [*base, "--out", str(work / f"each-{i}"), "--paper", edition.paper]
                    command += ["--large-print"] if edition.large_print else []
                    command += ["--lang", lang] if lang != DEFAULT_LANG else []
                    total += timed(command)
            return total

        separate_time = median_of(separate, repeat=1)
        one_pass_time = median_of(
            lambda i: timed([*base, "--out", str(work / f"all-{i}"), "--all-editions"]), repeat=1
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"machine: {machine()}")
    print(f"outputs: {len(pages)} PDFs (US Letter edition: sheets, fillable letters, booklet)\n")
    rows = [
        ("cold full build (make_handouts.py)", cold_time),
        (f"naive baseline ({len(pages)} x weasyprint command)", naive_time),
        ("no-op rebuild", noop_time),
        ("one-sheet edit (sheet + booklet)", edit_time),
        (f"make, {len(LANGS) * len(ALL_EDITIONS)} separate builds (before)", separate_time),
        ("make, build --all-editions (one pass)", one_pass_time),
    ]
    print(f"  {'':<44} {'wall':>9} {'CPU':>9}")
    for label, took in rows:
        print(f"  {label:<44} {took.wall:7.2f} s {took.cpu:7.2f} s")
    print("\n  ratios                         wall      CPU")
    ratios = [
        ("cold / naive (target: at most 0.15)", cold_time, naive_time),
        ("one pass / separate builds (at most 0.6)", one_pass_time, separate_time),
        ("edit / cold", edit_time, cold_time),
    ]
    for label, a, b in ratios:
        print(f"  {label:<42} {a.wall / b.wall:6.2f}   {a.cpu / b.cpu:6.2f}")
    print(f"  no-op rebuild (target: under 0.3 s)        {noop_time.wall:6.2f} s")
    ok = (
        cold_time.wall <= 0.15 * naive_time.wall
        and noop_time.wall < 0.3
        and one_pass_time.wall <= 0.6 * separate_time.wall
    )
    print(f"\ntargets (wall clock) {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
