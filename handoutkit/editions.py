"""Print editions: paper size and type scale, each one a set of stylesheets."""

from __future__ import annotations

from dataclasses import dataclass, replace

PAPERS = ("letter", "a4")
# The folded booklet's page on each paper: half of it, so two pages print 1:1 on one side.
HALF_PAPER = {"letter": "half-letter", "a4": "a5"}
# Each paper in points, landscape (width, height): the side the folded booklet is printed on.
# Two A5 pages are 296 mm wide, 1 mm short of A4, so the pair is centred on the sheet.
LANDSCAPE_POINTS = {"letter": (792.0, 612.0), "a4": (841.8898, 595.2756)}
# How the printer turns the paper for the folded booklet's print file. Short edge needs nothing
# turned; long edge (printers that only do that) needs every back side upside down.
DUPLEX = ("short-edge", "long-edge")


@dataclass(frozen=True)
class Edition:
    """One printed edition; its name is the output folder (letter, a4, letter-large, a4-large).

    small: the pages of the booklet to fold and staple, half the paper's size; they are
    written into the paper's own folder, so the name does not change.
    """

    paper: str = "letter"
    large_print: bool = False
    small: bool = False

    def __post_init__(self) -> None:
        if self.paper not in PAPERS:
            raise ValueError(f"paper must be one of {', '.join(PAPERS)}; got {self.paper!r}")
        if self.small and self.large_print:
            raise ValueError("large print has no folded booklet (18 pt does not fit half a page)")

    @property
    def name(self) -> str:
        return f"{self.paper}-large" if self.large_print else self.paper

    @property
    def page_size(self) -> str:
        """The size of one page: the paper, or half of it for the folded booklet."""
        return HALF_PAPER[self.paper] if self.small else self.paper

    @property
    def folds(self) -> bool:
        """Whether this edition has a booklet to fold and staple (Letter and A4, not large)."""
        return not self.large_print

    def folded(self) -> Edition:
        """The edition of the booklet to fold: the same paper, half-size pages."""
        return replace(self, small=True)

    @property
    def stylesheets(self) -> tuple[str, ...]:
        """Stylesheets in cascade order; the edition's own sheets come last so they win."""
        sheets = [
            "print.css",
            f"paper-{self.page_size}.css",
            "handout.css",
            "letter.css",
            "booklet.css",
            "card.css",
        ]
        if self.large_print or self.small:
            sheets.append("one-column.css")
        if self.large_print:
            sheets.append("large-print.css")
        if self.small:
            sheets.append("booklet-small.css")
        return tuple(sheets)


# Every edition a full build makes, in the order the build lists them.
ALL_EDITIONS = tuple(Edition(paper, large) for large in (False, True) for paper in PAPERS)
