"""`watch`: build once, then rebuild what a saved sheet, template, style or clinic file changed.

Folders are watched, not files: many editors save by writing a new file and renaming it over
the old one, and a watch on the old file would see only the first save. Editors' own scratch
files (swap files, backups, lock files) are not changes to build from.
"""

from __future__ import annotations

import queue
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .build import Built, Progress, build
from .config import CLINIC_FILE, Clinic, load_clinic
from .editions import Edition
from .errors import HandoutError, Problem
from .language import DEFAULT_LANG
from .project import Project

# Scratch files of vim (.x.swp, 4913, x~), emacs (.#x, #x#), gedit (.goutputstream-*), Kate,
# LibreOffice (.~lock.x#), JetBrains (x___jb_tmp___) and atomic savers (*.tmp), and macOS.
EDITOR_SCRATCH = re.compile(
    r"^\..*\.sw[a-z]$|^4913$|~$|^\.#|^#.*#$|^\.goutputstream-|\.kate-swp$|^\.~lock\.|"
    r"___jb_(?:tmp|old)___$|\.tmp$|^\.DS_Store$|\.crswap$"
)
DEBOUNCE_MS = 300


@dataclass
class Round:
    """One build in a watch session: what triggered it, and what came of it."""

    changed: list[str] = field(default_factory=list)
    built: list[Built] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def is_scratch(path: str | Path) -> bool:
    """An editor's temporary file, never a change to the content."""
    return bool(EDITOR_SCRATCH.search(Path(path).name))


def watch(
    project: Project,
    editions: Sequence[Edition],
    out: Path,
    clinic_file: Path | None,
    report: Callable[[Round], None],
    progress: Progress | None = None,
    stop: threading.Event | None = None,
    lang: str = DEFAULT_LANG,
    only: Sequence[str] | None = None,
) -> None:
    """Run until stop is set (or Ctrl-C); a failed round is reported and watching goes on.

    `lang` and `only` are build's: a translator can watch the sheet they are writing.

    Without a clinic file named, clinic.toml in the current folder is used whenever it exists,
    so one created while watching is picked up too.
    """
    clinic = (clinic_file or Path.cwd() / CLINIC_FILE).absolute()
    stop = stop or threading.Event()
    batches: queue.Queue[set] = queue.Queue()
    content = [project.handouts, project.templates, project.styles]
    watchers = [
        # The content folders with everything in them; of the clinic file's folder (often
        # the current folder, with build/ and a venv in it) only the file itself.
        (content, True, lambda change, path: _ordinary(change, path) and not is_scratch(path)),
        ([clinic.parent], False, lambda change, path: Path(path).name == clinic.name),
    ]
    threads = [
        threading.Thread(target=_listen, args=(*w, stop, batches), daemon=True) for w in watchers
    ]
    for thread in threads:
        thread.start()

    def round_of(changed: list[str]) -> None:
        explicit = clinic_file is not None or clinic.is_file()
        chosen = clinic if explicit else None
        report(_round(project, editions, out, chosen, changed, progress, lang, only))

    try:
        round_of([])
        while not stop.is_set():
            try:
                batch = batches.get(timeout=0.2)
            except queue.Empty:
                continue
            while not batches.empty():  # both watchers saw one save: build once
                batch |= batches.get_nowait()
            changed = sorted({_shown(Path(path), project.root, clinic) for _, path in batch})
            round_of(changed)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=5)


def _ordinary(change, path) -> bool:
    from watchfiles import DefaultFilter  # __pycache__, .git and the like

    return DefaultFilter()(change, path)


def _listen(paths, recursive, keep, stop, batches) -> None:
    from watchfiles import watch as changes

    folders = [str(p) for p in paths if Path(p).is_dir()]
    if not folders:
        return
    for batch in changes(
        *folders,
        watch_filter=keep,
        stop_event=stop,
        debounce=DEBOUNCE_MS,
        rust_timeout=500,
        recursive=recursive,
        raise_interrupt=False,
    ):
        batches.put(set(batch))


def _round(project, editions, out, clinic_file, changed, progress, lang, only) -> Round:
    result = Round(changed)

    def warn(problem: Problem) -> None:
        result.warnings.append(str(problem))

    try:
        clinic: Clinic | None = load_clinic(clinic_file, clinic_file.name) if clinic_file else None
        result.built = build(
            project,
            editions,
            out,
            progress=progress,
            clinic=clinic,
            warn=warn,
            removed=result.removed.append,
            langs=(lang,),
            only=only,
        )
    except HandoutError as exc:
        result.errors = exc.lines()
    return result


def _shown(path: Path, root: Path, clinic: Path) -> str:
    if path.absolute() == clinic:
        return clinic.name
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
