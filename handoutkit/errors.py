"""Exceptions the library raises; the CLI turns each problem into one `error:` line."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input, located as precisely as we can."""

    source: str
    message: str
    line: int | None = None
    field: str | None = None  # the details key (person.name) or setting it is about

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        what = f"{self.field}: {self.message}" if self.field else self.message
        return f"{where}: {what}"


class HandoutError(Exception):
    """Base class: a problem the user can fix; carries every problem found, not just the first."""

    exit_code = 1

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str | Problem):
            problems = [problems]
        self.problems = [p if isinstance(p, Problem) else Problem("", p) for p in problems]
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        return [str(p).lstrip(": ") for p in self.problems]


class ContentError(HandoutError):
    """A handout file (front matter or body) is invalid."""


class BuildError(HandoutError):
    """Rendering failed: a page budget was blown, WeasyPrint warned, or a resource was refused."""


class PageBudgetError(BuildError):
    """A sheet laid out to more pages than its budget; says by about how many lines."""

    def __init__(self, source: str, pages: int, budget: int, lines: int, layout=None):
        self.pages, self.budget, self.spilled_lines = pages, budget, lines
        self.layout = layout  # layout.Layout when the render was measured
        spill = f" (about {lines} line{'s' if lines != 1 else ''} spill over)" if lines else ""
        super().__init__(Problem(source, f"renders to {pages} pages, budget is {budget}{spill}"))


class DoesNotFitError(BuildError):
    """Text runs past the edge of a wallet card, where it would be cut off."""


class InputError(HandoutError):
    """A file the user passed on the command line (details, clinic config) is invalid."""

    exit_code = 2


def did_you_mean(
    word: str, known: Iterable[str], fallback: str = "expected one of", cutoff: float = 0.65
) -> str:
    """'; did you mean 'x'?' for a near miss, else the list of what is allowed."""
    known = list(known)
    match = difflib.get_close_matches(str(word), known, n=1, cutoff=cutoff)
    return f"; did you mean '{match[0]}'?" if match else f"; {fallback} {', '.join(known)}"


def toml_problem(exc: Exception, source: str) -> Problem:
    """A TOML syntax error as one located problem (Python 3.11 puts the line only in the text)."""
    text = str(exc)
    match = re.search(r"\(at line (\d+), column \d+\)", text)
    line = getattr(exc, "lineno", None) or (int(match.group(1)) if match else None)
    return Problem(source, f"not valid TOML: {text.split(' (at line')[0]}", line)
