"""How letters are made (region, paper, language): one order, strongest first (design.md section 8).

A command-line flag (or a web form's choice), then the details file's [settings], then the
clinic file, then the defaults: region us, paper letter, language en.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .config import DEFAULT_REGION, Clinic
from .language import DEFAULT_LANG

DEFAULT_PAPER = "letter"


@dataclass(frozen=True)
class Settings:
    """The settings a set of letters is made with."""

    region: str = DEFAULT_REGION
    paper: str = DEFAULT_PAPER
    lang: str = DEFAULT_LANG


def resolve(
    region: str | None = None,
    paper: str | None = None,
    details: Mapping[str, Any] | None = None,
    clinic: Clinic | None = None,
    lang: str | None = None,
) -> Settings:
    """`region`, `paper` and `lang` are the flags (None when not given); `details` the checked
    values."""
    written = (details or {}).get("settings", {})
    return Settings(
        region=_first(region, written.get("region"), clinic and clinic.region, DEFAULT_REGION),
        paper=_first(paper, written.get("paper"), clinic and clinic.paper, DEFAULT_PAPER),
        lang=_first(lang, written.get("lang"), clinic and clinic.lang, DEFAULT_LANG),
    )


def _first(*choices: str | None) -> str:
    return next(choice for choice in choices if choice)
