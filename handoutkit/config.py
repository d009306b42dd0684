"""Project layout and shared data files (crisis lines by region), validated before any rendering."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .content import parse_date
from .errors import ContentError, InputError, Problem

REGIONS = ("us", "ca", "uk", "au")
DEFAULT_REGION = "us"


@dataclass(frozen=True)
class Project:
    """Where a project's content, templates and styles live."""

    root: Path

    @property
    def handouts(self) -> Path:
        return self.root / "handouts"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def styles(self) -> Path:
        return self.root / "styles"

    @property
    def crisis_lines(self) -> Path:
        return self.handouts / "crisis-lines.toml"

    def check_layout(self) -> None:
        missing = [p for p in (self.handouts, self.templates, self.styles) if not p.is_dir()]
        if missing:
            names = ", ".join(p.name + "/" for p in missing)
            raise InputError(Problem(str(self.root), f"not a handout project: missing {names}"))


def load_crisis_lines(project: Project, region: str = DEFAULT_REGION) -> dict[str, Any]:
    """The crisis lines for one region, with the file's review date."""
    source = project.crisis_lines.relative_to(project.root).as_posix()
    try:
        data = tomllib.loads(project.crisis_lines.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContentError(Problem(source, "file is missing; it holds the crisis lines")) from None
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(Problem(source, f"is not valid TOML: {exc}")) from None
    regions = data.get("regions", {})
    if region not in regions:
        raise ContentError(Problem(source, f"has no [regions.{region}] table"))
    entry = regions[region]
    problems = [
        Problem(source, f"[regions.{region}] needs '{key}'")
        for key in ("name", "emergency", "lines")
        if key not in entry
    ]
    if problems:
        raise ContentError(problems)
    everywhere = [regions[key] for key in REGIONS if key in regions]
    reviewed = parse_date(data.get("reviewed"))
    if reviewed is None:
        raise ContentError(Problem(source, "'reviewed' must be a date written YYYY-MM-DD"))
    return {"region": region, "reviewed": reviewed, "all": everywhere, **entry}
