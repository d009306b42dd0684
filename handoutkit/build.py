"""The build: validate every sheet, plan each output, reuse what is unchanged, render the rest."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from . import cache
from .config import Clinic
from .content import Handout
from .editions import Edition
from .errors import BuildError, ContentError, Problem
from .kinds import KINDS
from .language import DEFAULT_LANG
from .library import Library, load_library, select
from .output import (
    Output,
    describe,
    read_manifest,
    remove_listed,
    remove_stale_temporaries,
    update_manifest,
    write_atomic,
)
from .pool import default_jobs, run_jobs
from .project import Project
from .readability import SpanishScores
from .renderer import BOOKLET_ID, BOOKLETS, DUPLEX, PRINT_ID, SMALL_ID, TWINS, Job, Rendered

# Made from every sheet of the booklet rather than one: never withdrawn with a sheet.
WHOLE_BOOKLET_IDS = (BOOKLET_ID, SMALL_ID, PRINT_ID)


@dataclass(frozen=True)
class Built:
    """One output of a build: rendered now (with how long it took) or reused unchanged."""

    output: Output
    seconds: float = 0.0
    reused: bool = False
    grade: float | None = None  # sheets rendered now: the reading grade of their own words
    scores: SpanishScores | None = None  # Spanish sheets rendered now: INFLESZ, Fernández-Huerta


Progress = Callable[[Built], None]
Warn = Callable[[Problem], None]
Removed = Callable[[str], None]


def plan(
    library: Library,
    selected: Sequence[Handout],
    editions: Sequence[Edition],
    base: str,
    booklet: bool,
    duplex: str = DUPLEX[0],
) -> list[Job]:
    """Every output, in booklet order, each keyed by a fingerprint of all it is made from.

    Letter and A4 also get the booklet to fold and staple: its small pages, and those pages
    imposed for printing; the imposed file is made from the small one, so its key is too.
    """
    lang = library.language.code
    sheet_keys = {h.id: cache.handout_fingerprint(h) for h in library.handouts}
    jobs = []
    for edition in editions:
        for h in selected:
            for document in KINDS[h.kind].documents(edition.large_print):
                variant = "blank" if document == "sheet" else document
                key = cache.job_key(base, [sheet_keys[h.id]], edition.name, variant, lang)
                jobs.append(Job(document, h.id, edition, lang, key))
        if booklet:
            parts = [sheet_keys[h.id] for h in library.booklet]
            key = cache.job_key(base, parts, edition.name, "book", lang)
            # Cover and contents, then each sheet as long as its budget allows.
            pages = 2 + sum(h.page_budget(edition.large_print) for h in library.booklet)
            jobs.append(Job("booklet", BOOKLET_ID, edition, lang, key, notes_page=pages % 2 == 1))
            if edition.folds:
                small = cache.job_key(base, parts, edition.name, "folded", lang)
                jobs.append(Job(SMALL_ID, SMALL_ID, edition, lang, small))
                imposed = cache.job_key(base, [small], edition.name, f"print-{duplex}", lang)
                jobs.append(Job(PRINT_ID, PRINT_ID, edition, lang, imposed, duplex=duplex))
    return jobs


@dataclass
class _Part:
    """One language's share of a build: its sheets, its outputs and what the last build left."""

    library: Library
    planned: list[Job]
    gone: list[str]


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
    langs: Sequence[str] = (DEFAULT_LANG,),
    warn: Warn | None = None,
    strict: bool = False,
    today: dt.date | None = None,
    removed: Removed | None = None,
    duplex: str = DUPLEX[0],
) -> list[Built]:
    """Make every selected output; with out=None (`check`) render in memory and write nothing.

    Every edition in every language goes through one pool, so start-up is paid once. Unchanged
    outputs are reused without importing WeasyPrint. Every sheet is attempted even when one
    fails, so a run reports every problem; what rendered is written and listed in the manifest
    before the failures are raised. Warnings (numbers not checked for six months) go to warn,
    or, with strict, stop the build before anything is rendered. Outputs of sheets that no
    longer exist are deleted before anything renders, each path passed to removed. duplex is
    how the folded booklet's print file is laid out for the printer (impose.DUPLEX).
    """
    libraries = [load_library(project, clinic, lang, today=today, only=only) for lang in langs]
    warnings = [w for library in libraries for w in library.warnings]
    if strict and warnings:
        raise ContentError([_strict(w) for w in dict.fromkeys(warnings)])
    for warning in dict.fromkeys(warnings) if warn else ():
        warn(warning)
    base = cache.base_fingerprint(project, clinic)
    record = cache.load(out) if out is not None and not force else {}
    parts = [_prepare(library, editions, out, only, base, removed, duplex) for library in libraries]
    gone = {path for part in parts for path in part.gone}
    record = {path: entry for path, entry in record.items() if path not in gone}
    planned = [job for part in parts for job in part.planned]
    built: dict[str, Built] = {}
    by_lang = {part.library.language.code: part.library for part in parts}
    for job in planned:
        entry = record.get(job.path)
        if (
            entry
            and entry.get("key") == job.key
            and cache.file_matches(out / job.path, entry["sha256"])
        ):
            library = by_lang[job.lang]
            output = _output(library, job, entry["pages"], entry["bytes"], entry["sha256"])
            built[job.path] = Built(output, reused=True)
            if progress:
                progress(built[job.path])
    todo = [job for job in planned if job.path not in built]
    processes = jobs or default_jobs()
    problems = _render(project, clinic, by_lang, todo, out, processes, built, progress, only)
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

        pages = [j for j in planned if j.path in built and j.document != PRINT_ID]
        write_previews(project, clinic, pages, out, only)
    if problems:
        raise BuildError(problems)
    return ordered


def _prepare(
    library: Library,
    editions: Sequence[Edition],
    out: Path | None,
    only: Sequence[str] | None,
    base: str,
    removed: Removed | None,
    duplex: str,
) -> _Part:
    """Plan one language's outputs and remove those of its withdrawn sheets."""
    selected = select(library.handouts, only)
    planned = plan(library, selected, editions, base, booklet=not only, duplex=duplex)
    gone: list[str] = []
    if out is not None:
        remove_stale_temporaries(out, {str(Path(job.path).parent) for job in planned})
        gone = remove_listed(out, withdrawn(library, read_manifest(out)))
        for path in gone:
            if removed:
                removed(path)
    return _Part(library, planned, gone)


def _render(
    project, clinic, libraries, todo, out, processes, built, progress, only=None
) -> list[Problem]:
    """Render todo, writing each PDF as it arrives; a booklet is kept only if its sheets were.

    Each booklet waits for its sheets' page counts (reused ones are known at once), so it is
    laid out once: with a notes page exactly when cover, contents and sheets make an odd count.
    The print layout waits for the small booklet it imposes (read back when it was reused).
    """
    problems: list[Problem] = []
    failed: set[str] = set()  # failed sheets' paths
    booklets: list[Rendered] = []
    held = [job for job in todo if job.document in ("booklet", PRINT_ID)]
    small: dict[str, bytes] = {}  # the small booklets made now, by path

    def emit(result: Rendered) -> None:
        job = result.job
        if out is not None:
            write_atomic(out / job.path, result.data)
        item = describe(result.data, result.pages)
        output = _output(libraries[job.lang], job, item.pages, item.bytes, item.sha256)
        built[job.path] = Built(output, result.seconds, grade=result.grade, scores=result.scores)
        if progress:
            progress(built[job.path])

    def sheet_pages(booklet: Job, handout: Handout) -> int | None:
        path = Job("sheet", handout.id, booklet.edition, booklet.lang).path
        if path in built:
            return built[path].output.pages
        # A failed sheet's booklet is not kept; its budget is as good a guess as any.
        return handout.page_budget(booklet.edition.large_print) if path in failed else None

    def small_pdf(job: Job) -> bytes | None:
        path = Job(SMALL_ID, SMALL_ID, job.edition, job.lang).path
        if path in small:
            return small[path]
        reused = built.get(path)
        return (out / path).read_bytes() if reused and reused.reused and out else None

    def release() -> list[Job]:
        ready = []
        for job in list(held):
            if job.document == PRINT_ID:
                data = small_pdf(job)
                if data is not None:
                    held.remove(job)
                    ready.append(replace(job, pages_pdf=data))
                continue
            counts = [sheet_pages(job, h) for h in libraries[job.lang].booklet]
            if None not in counts:
                held.remove(job)
                ready.append(replace(job, notes_page=(2 + sum(counts)) % 2 == 1))
        return ready

    if not todo:
        return problems
    first = [job for job in todo if job not in held] + release()
    for result in run_jobs(project, clinic, first, processes, follow_up=release, only=only):
        if result.problems:
            problems.extend(result.problems)
            if result.job.document not in (*BOOKLETS, PRINT_ID):
                failed.add(result.job.path)
        elif result.job.document in (*BOOKLETS, PRINT_ID):
            if result.job.document == SMALL_ID:
                small[result.job.path] = result.data
            booklets.append(result)
        else:
            emit(result)
    broken = {(Path(path).parent) for path in failed}
    for result in booklets:
        if Path(result.job.path).parent not in broken:
            emit(result)
    # Workers finish in any order; report in file order, once per distinct problem.
    return list(dict.fromkeys(sorted(problems, key=lambda p: p.source)))


def withdrawn(library: Library, entries: list[dict]) -> list[dict]:
    """Manifest entries, in this build's language, that no sheet of the library makes any more:
    the sheet is gone, or it no longer has that twin (fillable, avery) or that edition (a card
    has no large print). A clinic must not print them."""
    lang = library.language.code
    kinds = {h.id: KINDS[h.kind] for h in library.handouts}
    known = set(library.sheet_ids) or set(kinds)
    return [
        entry
        for entry in entries
        if entry.get("lang", DEFAULT_LANG) == lang
        and entry.get("id") not in WHOLE_BOOKLET_IDS
        and (
            entry.get("id") not in known
            or (
                entry["id"] in kinds
                and _twin(entry) not in kinds[entry["id"]].documents(_large(entry))
            )
        )
    ]


def _twin(entry: dict) -> str:
    return entry.get("kind") if entry.get("kind") in TWINS else "sheet"


def _large(entry: dict) -> bool:
    return str(entry.get("edition", "")).endswith("-large")


def _strict(warning: Problem) -> Problem:
    return Problem(warning.source, f"{warning.message} (--strict)", warning.line, warning.field)


def _output(library: Library, job: Job, pages: int, size: int, sha256: str) -> Output:
    """The manifest entry: kind is the sheet's kind (handout, letter, card...), fillable, avery,
    booklet, booklet-small (the folded booklet's pages) or booklet-print (those pages imposed)
    (design.md section 3)."""
    if job.document in WHOLE_BOOKLET_IDS:
        kind, audience = job.document, "all"
    else:
        handout = library.by_id(job.id)
        kind = job.document if job.document in TWINS else handout.kind
        audience = handout.audience
    return Output(job.id, job.edition.name, kind, audience, job.path, pages, size, sha256, job.lang)
