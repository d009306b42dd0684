"""Print editions: paper size and type scale, each one a set of stylesheets."""

from __future__ import annotations

from dataclasses import dataclass

PAPERS = ("letter", "a4")


@dataclass(frozen=True)
class Edition:
    """One printed edition; its name is the output folder (letter, a4, letter-large, a4-large)."""

    paper: str = "letter"
    large_print: bool = False

    def __post_init__(self) -> None:
        if self.paper not in PAPERS:
            raise ValueError(f"paper must be one of {', '.join(PAPERS)}; got {self.paper!r}")

    @property
    def name(self) -> str:
        return f"{self.paper}-large" if self.large_print else self.paper

    @property
    def stylesheets(self) -> tuple[str, ...]:
        """Stylesheets in cascade order; the edition's own sheets come last so they win."""
        sheets = [
            "print.css",
            f"paper-{self.paper}.css",
            "handout.css",
            "letter.css",
            "booklet.css",
            "card.css",
        ]
        if self.large_print:
            sheets.append("large-print.css")
        return tuple(sheets)


# Every edition a full build makes, in the order the build lists them.
ALL_EDITIONS = tuple(Edition(paper, large) for large in (False, True) for paper in PAPERS)
