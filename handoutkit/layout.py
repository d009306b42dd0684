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
    longest: int = 0  # characters on its fullest line: about what a line holds


@dataclass
class PageLayout:
    """One page: the answers on it (by field key) and the height its content takes."""

    answers: dict[str, Answer] = field(default_factory=dict)
    used: float = 0.0
    capacity: float = 0.0  # the height its content area holds


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
                into.longest = max(into.longest, answer.longest)
        return total

    def overflow(self, budget: int) -> float:
        """The height that must go for everything to fit the first `budget` pages: what is laid
        out after them, less the room left at the foot of the last of them."""
        spilled = sum(page.used for page in self.pages[budget:])
        if not spilled or not budget:
            return spilled
        last = self.pages[budget - 1]
        return max(spilled - max(last.capacity - last.used, 0.0), 0.0)

    def shorten_by(self, key: str, budget: int) -> int | None:
        """About how many characters `key` must lose for the document to fit `budget` pages.

        Every line of the overflow must come out of this answer: its height over the answer's
        line height gives the lines, and a full line of the answer the characters per line. One
        line more is counted, because cutting an answer written as a list removes its last
        line only once the cut covers it; so the figure errs long, and shortening by it is
        enough.
        """
        answer = self.totals().get(key)
        if answer is None or not answer.lines or not answer.height:
            return None
        lines = math.ceil(self.overflow(budget) / (answer.height / answer.lines))
        return (lines + 1) * max(answer.longest, 1)
