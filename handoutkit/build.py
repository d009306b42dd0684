"""The build: validate every sheet, plan each output, reuse what is unchanged, render the rest."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import cache
from .config import Clinic, Project, load_region
from .content import Handout, load_handouts
from .editions import Edition
from .errors import BuildError, InputError, Problem
from .kinds import KINDS
from .output import Output, describe, remove_stale_temporaries, update_manifest, write_atomic
from .pool import Job, Result, default_jobs, run_jobs
from .render import PageRenderer

BOOKLET_ID = "booklet"


@dataclass(frozen=True)
class Built:
    """One output of a build: rendered now (with how long it took) or reused unchanged."""

    output: Output
    seconds: float = 0.0
    reused: bool = False


Progress = Callable[[Built], None]


def load_project(
    project: Project, clinic: Clinic | None = None
) -> tuple[list[Handout], PageRenderer]:
    """Validate everything that can be validated without rendering; raise on any problem."""
    project.check_layout()
    handouts = load_handouts(project.handouts, project.root)
    region = load_region(project, clinic.region if clinic else "us")
    return handouts, PageRenderer(project, region, clinic)


def select(
    handouts: list[Handout], only: Sequence[str] | None, what: str = "sheet"
) -> list[Handout]:
    """The handouts --only names, in file order; an unknown id is a usage error."""
    if not only:
        return handouts
    ids = [h.id for h in handouts]
    problems = []
    for wanted in only:
        if wanted not in ids:
            hint = difflib.get_close_matches(wanted, ids, n=1)
            suffix = f"; did you mean '{hint[0]}'?" if hint else f"; known ids: {', '.join(ids)}"
            problems.append(Problem("--only", f"no {what} with id '{wanted}'{suffix}"))
    if problems:
        raise InputError(problems)
    return [h for h in handouts if h.id in only]


def plan(
    handouts: list[Handout],
    selected: list[Handout],
    editions: Sequence[Edition],
    base: str,
    booklet: bool,
) -> list[Job]:
    """Every output, in booklet order, each keyed by a fingerprint of all it is made from."""
    sheet_keys = {h.id: cache.handout_fingerprint(h) for h in handouts}
    jobs = []
    for edition in editions:
        for h in selected:
            variants = [(h.id, h.kind, "blank")]
            if KINDS[h.kind].fillable:
                variants.append((f"{h.id}-fillable", "fillable", "fillable"))
            for name, kind, variant in variants:
                key = cache.job_key(base, [sheet_keys[h.id]], edition.name, variant)
                jobs.append(Job(edition, name, h.id, kind, h.audience, variant, h.source, key))
        if booklet:
            key = cache.job_key(base, [sheet_keys[h.id] for h in handouts], edition.name, "book")
            source = f"{BOOKLET_ID} ({edition.name})"
            # Cover and contents, then each sheet as long as its budget allows.
            pages = 2 + sum(h.page_budget(edition.large_print) for h in handouts)
            jobs.append(
                Job(
                    edition,
                    BOOKLET_ID,
                    BOOKLET_ID,
                    "booklet",
                    "all",
                    "booklet",
                    source,
                    key,
                    notes=pages % 2 == 1,
                )
            )
    return jobs


def build(
    project: Project,
    editions: Sequence[Edition],
    out: Path | None,
    only: Sequence[str] | None = None,
    progress: Progress | None = None,
    clinic: Clinic | None = None,
    jobs: int | None = None,
    force: bool = False,
    html: bool = False,
) -> list[Built]:
    """Make every selected output; with out=None (`check`) render in memory and write nothing.

    Unchanged outputs are reused without importing WeasyPrint. Every sheet is attempted even
    when one fails, so a run reports every problem; what rendered is written and listed in the
    manifest before the failures are raised.
    """
    handouts, _ = load_project(project, clinic)
    selected = select(handouts, only)
    base = cache.base_fingerprint(project, clinic)
    planned = plan(handouts, selected, editions, base, booklet=not only)
    if out is not None:
        remove_stale_temporaries(out, editions)
    record = cache.load(out) if out is not None and not force else {}
    built: dict[str, Built] = {}
    for job in planned:
        entry = record.get(job.path)
        if (
            entry
            and entry.get("key") == job.key
            and cache.file_matches(out / job.path, entry["sha256"])
        ):
            built[job.path] = Built(_describe(job, entry["sha256"], entry), reused=True)
            if progress:
                progress(built[job.path])
    todo = [job for job in planned if job.path not in built]
    problems = _render(project, clinic, todo, out, jobs or default_jobs(), built, progress)
    ordered = [built[job.path] for job in planned if job.path in built]
    if out is not None and ordered:
        update_manifest(out, [b.output for b in ordered])
        fresh = {
            b.output.path: {
                "key": j.key,
                "sha256": b.output.sha256,
                "pages": b.output.pages,
                "bytes": b.output.bytes,
            }
            for j in planned
            if (b := built.get(j.path))
        }
        cache.save(out, {**record, **fresh})
    if html and out is not None:
        from .preview import write_previews

        write_previews(project, clinic, [j for j in planned if j.path in built], out)
    if problems:
        raise BuildError(problems)
    return ordered


def _render(project, clinic, todo, out, processes, built, progress) -> list[Problem]:
    """Render todo, writing each PDF as it arrives; a booklet is kept only if its sheets were."""
    problems: list[Problem] = []
    failed: set[str] = set()
    booklets: list[Result] = []

    def emit(result: Result) -> None:
        job = result.job
        if out is not None:
            write_atomic(out / job.path, result.data)
        output = describe(
            job.path,
            result.data,
            id=job.id,
            edition=job.edition.name,
            kind=job.kind,
            audience=job.audience,
            pages=result.pages,
        )
        built[job.path] = Built(output, result.seconds)
        if progress:
            progress(built[job.path])

    if not todo:
        return problems
    for result in run_jobs(project, clinic, todo, processes):
        if result.problems:
            problems.extend(result.problems)
            failed.add(result.job.edition.name)
        elif result.job.variant == "booklet":
            booklets.append(result)
        else:
            emit(result)
    for result in booklets:
        if result.job.edition.name not in failed:
            emit(result)
    # Workers finish in any order; report in file order, once per distinct problem.
    return list(dict.fromkeys(sorted(problems, key=lambda p: p.source)))


def _describe(job: Job, sha256: str, entry: dict) -> Output:
    return Output(
        job.id,
        job.edition.name,
        job.kind,
        job.audience,
        job.path,
        entry["pages"],
        entry["bytes"],
        sha256,
    )
