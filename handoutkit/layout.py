"""What a laid-out letter holds, measured: each answer's lines per page, and how full pages are.

pdf.py fills this in from WeasyPrint's boxes; personal.py reads it to say which answer made a
letter run onto another page, and by how much to shorten it. Nothing here imports WeasyPrint.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass
class Answer:
    """One field's value as laid out: how many lines and characters, and how tall its lines are."""

    lines: int = 0
    characters: int = 0
    height: float = 0.0  # of all its lines, in CSS pixels


@dataclass
class PageLayout:
    """One page: the answers on it (by field key) and the height its content takes."""

    answers: dict[str, Answer] = field(default_factory=dict)
    used: float = 0.0


@dataclass
class Layout:
    """Every page of a laid-out document."""

    pages: list[PageLayout] = field(default_factory=list)

    def totals(self) -> dict[str, Answer]:
        """Each answer over all pages, in the order the answers first appear."""
        total: dict[str, Answer] = {}
        for page in self.pages:
            for key, answer in page.answers.items():
                into = total.setdefault(key, Answer())
                into.lines += answer.lines
                into.characters += answer.characters
                into.height += answer.height
        return total

    def overflow(self, budget: int) -> float:
        """The height of everything laid out after the first `budget` pages."""
        return sum(page.used for page in self.pages[budget:])

    def shorten_by(self, key: str, budget: int) -> int | None:
        """About how many characters `key` must lose for the document to fit `budget` pages.

        Every line of the overflow must come out of this answer: its height divided by the
        answer's line height gives the lines, its characters per line the characters. It errs
        long (a page's unused foot is not counted), so shortening by it is enough.
        """
        answer = self.totals().get(key)
        if answer is None or not answer.lines or not answer.height:
            return None
        lines = math.ceil(self.overflow(budget) / (answer.height / answer.lines))
        per_line = answer.characters / answer.lines
        return max(1, math.ceil(lines * per_line))
