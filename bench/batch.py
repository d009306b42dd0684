"""Benchmark: letters for 200 patients (400 letters) from a CSV, from a cold start.

Run with `make bench-batch`. Each run is the whole command, `letters --batch` (interpreter
start, validation of every row, the pool's workers starting cold, every letter and how-to sheet
rendered, the folders and the combined print file written), timed as wall time divided by the
letters made, beside the CPU time of every process it ran. The target on a 2-core machine is
at most 100 ms per letter; it is reported, not asserted (a busy machine would fail it falsely).
The patients are made up: each has a physician letter and an employer request (and, beside them,
a wallet card), with answers of ordinary length that differ from row to row.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import Took, machine, timed  # noqa: E402
from handoutkit.pool import default_jobs  # noqa: E402

# Runs the command line as make_handouts.py does, then writes this process's own CPU time
# (not its workers') to the file named first.
MAIN_CPU = f"""
import resource, sys
sys.path.insert(0, {str(ROOT)!r})
from handoutkit.cli import main
code = main(sys.argv[2:])
usage = resource.getrusage(resource.RUSAGE_SELF)
open(sys.argv[1], "w").write(str(usage.ru_utime + usage.ru_stime))
sys.exit(code)
"""
PATIENTS = 200
TARGET_MS = 100
FIRST = ("Ana", "Sam", "Li", "Noor", "Tomás", "Jo", "Priya", "Kofi", "Mia", "Aleksander")
LAST = ("Pérez", "Rivera", "Wei", "Haddad", "O'Brien", "Nguyen", "Okafor", "Kowalski")
MEDICINES = ("clonazepam", "diazepam", "lorazepam", "alprazolam")
DOSES = ("0.5 mg twice a day", "10 mg at night", "1 mg three times a day", "2 mg at bedtime")
LIMITS = ("fatigue;sleep", "concentration-memory", "light-sound-sensitivity;anxiety-panic")
HELPS = ("flexible-hours;breaks", "remote-work;quiet-space", "written-instructions;check-ins")
SYMPTOMS = (
    "Poor sleep and a racing heart for a week after each cut.",
    "Ringing ears, and aching muscles in the evening.",
    "I feel on edge in shops, and I forget words at work.",
)


def patients_csv(path: Path, count: int) -> int:
    """Write `count` made-up patients, each with both letters; return the letters to make."""
    columns = [
        "person.name",
        "person.date_of_birth",
        "medication.name",
        "medication.dose",
        "medication.symptoms",
        "physician.name",
        "employer.organisation",
        "employer.limitations",
        "employer.accommodations",
        "settings.paper",
    ]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for n in range(count):
            writer.writerow(
                [
                    f"{FIRST[n % len(FIRST)]} {LAST[n % len(LAST)]} {n}",
                    f"19{50 + n % 50}-{1 + n % 12:02d}-{1 + n % 28:02d}",
                    MEDICINES[n % len(MEDICINES)],
                    DOSES[n % len(DOSES)],
                    SYMPTOMS[n % len(SYMPTOMS)],
                    f"Dr {LAST[(n + 3) % len(LAST)]}",
                    f"Employer {n % 17}",
                    LIMITS[n % len(LIMITS)],
                    HELPS[n % len(HELPS)],
                    "a4" if n % 5 == 0 else "",
                ]
            )
    return 2 * count


# The default makes each patient's wallet card beside their letters; --only leaves it out.
RUNS = {
    "letters and wallet cards (the default)": [],
    "letters only (--only both letters)": ["--only", "physician-letter", "employer-accommodation"],
}


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--patients", type=int, default=PATIENTS)
    options.add_argument("--repeat", type=int, default=1, help="runs; the median is reported")
    args = options.parse_args()
    print(f"machine: {machine()}")
    work = Path(tempfile.mkdtemp(prefix="handout-bench-batch-"))
    try:
        table = work / "patients.csv"
        letters = patients_csv(table, args.patients)
        for label, extra in RUNS.items():
            _report(label, _measure(table, extra, work, args.repeat), letters, args.repeat)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def _measure(table: Path, extra: list[str], work: Path, repeat: int):
    """The median wall and CPU time of `repeat` cold runs, the main process's own CPU, and
    the print file's pages and size."""
    runs: list[Took] = []
    own: list[float] = []
    for _ in range(repeat):
        out = Path(tempfile.mkdtemp(dir=work)) / "out"
        mine = out.parent / "main-cpu"
        command = [sys.executable, "-c", MAIN_CPU, str(mine)]
        command += ["letters", "--batch", str(table), "--out", str(out), *extra]
        runs.append(timed(command, stderr=subprocess.DEVNULL))
        own.append(float(mine.read_text()))
        pages, size = _pages(out / "letters.pdf"), (out / "letters.pdf").stat().st_size
    took = Took(statistics.median(r.wall for r in runs), statistics.median(r.cpu for r in runs))
    return took, statistics.median(own), pages, size


def _report(label: str, measured, letters: int, repeat: int) -> None:
    took, main_cpu, pages, size = measured
    per_letter = 1000 * took.wall / letters
    verdict = "met" if per_letter <= TARGET_MS else "NOT met"
    workers = took.cpu - main_cpu
    # The main process works alone before rendering (start-up, checks) and after (writing);
    # the workers share the CPUs meanwhile. On an idle machine that is the wall time.
    idle = main_cpu + workers / min(default_jobs(), 2)
    print(f"\n{label}: {letters} letters, letters.pdf {pages} pages, {size / 1e6:.1f} MB")
    print(f"  wall {took.wall:7.2f} s   CPU {took.cpu:7.2f} s (every process; median of {repeat})")
    print(f"  CPU of the main process {main_cpu:.2f} s, of the render workers {workers:.2f} s")
    print(
        f"  per letter: {per_letter:.0f} ms wall, {1000 * took.cpu / letters:.0f} ms CPU "
        f"(target: at most {TARGET_MS} ms wall): {verdict}"
    )
    print(
        f"  on an idle machine (main process + workers' CPU shared by 2 CPUs): about "
        f"{idle:.1f} s, {1000 * idle / letters:.0f} ms a letter (an estimate, not a measurement)"
    )


def _pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


if __name__ == "__main__":
    sys.exit(main())
