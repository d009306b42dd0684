"""`watch`: build once, then rebuild what a saved sheet, template, style or clinic file changed."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .build import Built, Progress, build
from .config import Clinic, find_clinic, load_clinic
from .editions import Edition
from .errors import HandoutError
from .project import Project


@dataclass
class Round:
    """One build in a watch session: what triggered it, and what came of it."""

    changed: list[str] = field(default_factory=list)
    built: list[Built] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def watch(
    project: Project,
    editions: Sequence[Edition],
    out: Path,
    clinic_file: Path | None,
    report: Callable[[Round], None],
    progress: Progress | None = None,
    stop: threading.Event | None = None,
) -> None:
    """Run until stop is set (or Ctrl-C); a failed round is reported and watching goes on."""
    from watchfiles import watch as changes

    clinic_file = find_clinic(clinic_file)
    paths = [project.handouts, project.templates, project.styles]
    if clinic_file:
        paths.append(clinic_file)
    report(_round(project, editions, out, clinic_file, [], progress))
    for batch in changes(*paths, stop_event=stop, debounce=300, rust_timeout=500):
        changed = sorted({_relative(Path(path), project.root) for _, path in batch})
        report(_round(project, editions, out, clinic_file, changed, progress))


def _round(project, editions, out, clinic_file, changed, progress) -> Round:
    result = Round(changed)
    try:
        clinic: Clinic | None = load_clinic(clinic_file, clinic_file.name) if clinic_file else None
        result.built = build(project, editions, out, progress=progress, clinic=clinic)
    except HandoutError as exc:
        result.errors = exc.lines()
    return result


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
