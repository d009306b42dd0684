"""Benchmark: cold build, naive per-sheet weasyprint baseline, no-op rebuild, one-sheet edit, and
`make`'s one pass over every edition and language against one build process per edition.

Run with `make bench`. Every figure is wall time of whole commands (interpreter start included),
measured on this machine in this one run, so the ratios compare like with like.
"""

from __future__ import annotations

import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

from handoutkit.editions import ALL_EDITIONS
from handoutkit.language import DEFAULT_LANG, LANGS

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, str(ROOT / "make_handouts.py")]
WEASYPRINT = Path(sys.executable).parent / "weasyprint"
REPEAT = 3


def timed(command: list[str], **kwargs) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, **kwargs)
    return time.perf_counter() - started


def median_of(make_command, repeat: int = REPEAT) -> float:
    return statistics.median(make_command(i) for i in range(repeat))


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

        def cold(i: int) -> float:
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

        def naive(i: int) -> float:
            started = time.perf_counter()
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
                subprocess.run(command, check=True, stderr=subprocess.DEVNULL)
            return time.perf_counter() - started

        naive_time = median_of(naive, repeat=1)
        noop_time = median_of(lambda i: timed([*base, "--out", str(out)]))

        sheet = project / "handouts" / "03-supporting-someone.md"
        original = sheet.read_text(encoding="utf-8")

        def edit(i: int) -> float:
            sheet.write_text(original.replace("Take breaks,", f"Take breaks ({i}),"), "utf-8")
            return timed([*base, "--out", str(out)])

        edit_time = median_of(edit)
        sheet.write_text(original, "utf-8")

        # What `make` did before (one process per edition and language), then what it does now.
        def separate(i: int) -> float:
            total = 0.0
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
    for label, seconds in rows:
        print(f"  {label:<44} {seconds:7.2f} s")
    print()
    print(f"  cold / naive      {cold_time / naive_time:6.2f}   (target: at most 0.15)")
    print(f"  no-op / naive     {noop_time / naive_time:6.3f}   (no-op target: under 0.3 s)")
    print(f"  edit / cold       {edit_time / cold_time:6.2f}")
    ratio = one_pass_time / separate_time
    print(f"  one pass / separate builds  {ratio:6.2f}   (target: at most 0.6)")
    ok = cold_time <= 0.15 * naive_time and noop_time < 0.3 and one_pass_time <= 0.6 * separate_time
    print(f"\ntargets {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
