"""Where a project's content lives (the current folder, --project, or the bundled defaults)."""

from __future__ import annotations

import importlib.resources
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError, Problem
from .language import DEFAULT_LANG

# The folders a project is made of; the wheel bundles copies of them as handoutkit/project/.
CONTENT_FOLDERS = ("handouts", "templates", "styles")
CHECKOUT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Project:
    """A project's content, templates and styles; outputs and clinic files live elsewhere."""

    root: Path

    @property
    def handouts(self) -> Path:
        return self.root / "handouts"

    def sheets(self, lang: str) -> Path:
        """A language's sheets: handouts/ for English, handouts/<code>/ for a translation."""
        return self.handouts if lang == DEFAULT_LANG else self.handouts / lang

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def styles(self) -> Path:
        return self.root / "styles"

    @property
    def strings(self) -> Path:
        return self.templates / "strings"

    @property
    def regions(self) -> Path:
        return self.handouts / "regions.toml"

    def folders(self) -> list[Path]:
        return [self.root / name for name in CONTENT_FOLDERS]

    def check_layout(self) -> None:
        missing = [p for p in self.folders() if not p.is_dir()]
        if missing:
            names = ", ".join(p.name + "/" for p in missing)
            raise InputError(Problem(str(self.root), f"not a handout project: missing {names}"))


def is_project(folder: Path) -> bool:
    return all((folder / name).is_dir() for name in CONTENT_FOLDERS)


def bundled_project() -> Project:
    """The default content: bundled in the wheel, or this checkout in an editable install."""
    bundled = Path(str(importlib.resources.files("handoutkit") / "project"))
    return Project(bundled if is_project(bundled) else CHECKOUT)


def find_project(explicit: Path | None = None, cwd: Path | None = None) -> Project:
    """--project DIR, else the current folder when it holds handouts/, else the bundled one."""
    if explicit is not None:
        return Project(explicit.resolve())
    here = (cwd or Path.cwd()).resolve()
    if (here / "handouts").is_dir():
        return Project(here)
    return bundled_project()
