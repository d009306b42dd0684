"""Where the wallet cards sit on a sheet: plain paper to cut and fold, and business-card stock.

The sizes are the stock's own (research/next-features.md B2): a Letter edition's card is a US
business card, 3.5 x 2 in, on the Avery 5371 grid; an A4 edition's is 85 x 54 mm, on the Avery
C32011 grid. On plain paper each card is a strip, front and back side by side, folded in the
middle, so printing one-sided needs no registration between the two sides.

The positions become a generated stylesheet (stylesheets.py) that card.html's classes use, so
the template says what is on a card and this table says where the cards are.
"""

from __future__ import annotations

from dataclasses import dataclass

MM_PER_IN = 25.4
FOLD, AVERY = "fold", "avery"
# Cut marks stop this far short of a card, so a cut a little off the mark leaves no line on it.
MARK_GAP = 2.0
MARK_LENGTH = 6.0


@dataclass(frozen=True)
class Stock:
    """A sheet of cards: the paper, one card's size, the grid's first corner and its pitch (mm).

    On plain paper (fold) a slot holds a card's front and back side by side; on card stock
    (avery) a slot is one card, fronts on the first page and backs on the second.
    """

    name: str
    label: str  # what a clinic buys: printed in the margin of the stock's pages
    layout: str  # fold | avery
    paper: tuple[float, float]
    card: tuple[float, float]
    origin: tuple[float, float]  # top-left corner of the first slot
    pitch: tuple[float, float]
    columns: int
    rows: int

    @property
    def slot(self) -> tuple[float, float]:
        width, height = self.card
        return (2 * width if self.layout == FOLD else width, height)

    @property
    def pages(self) -> int:
        return 2 if self.layout == AVERY else 1

    def slots(self, back: bool = False) -> list[tuple[float, float]]:
        """Each slot's top-left corner, row by row. Backs mirror the columns, so that after a
        long-edge flip each back lands behind its own front."""
        corners = []
        for row in range(self.rows):
            for column in range(self.columns):
                shown = self.columns - 1 - column if back else column
                corners.append(
                    (self.origin[0] + shown * self.pitch[0], self.origin[1] + row * self.pitch[1])
                )
        return corners

    def marks(self) -> list[tuple[str, float, float, float]]:
        """Cut marks, each (direction, x, y, length), all in the paper's margins: never on a card.

        Horizontal marks at each row's edges in the side margins; vertical ones at the sheet's
        outer cuts in the top and bottom margins. Card stock is cut already: it has none.
        """
        if self.layout != FOLD:
            return []
        x0, y0 = self.origin
        width = self.slot[0]
        right, bottom = x0 + width, y0 + self.rows * self.pitch[1]
        marks = []
        for row in range(self.rows + 1):
            y = y0 + row * self.pitch[1]
            marks.append(("h", x0 - MARK_GAP - MARK_LENGTH, y, MARK_LENGTH))
            marks.append(("h", right + MARK_GAP, y, MARK_LENGTH))
        for x in (x0, right):
            marks.append(("v", x, y0 - MARK_GAP - MARK_LENGTH, MARK_LENGTH))
            marks.append(("v", x, bottom + MARK_GAP, MARK_LENGTH))
        return marks

    def note_at(self) -> tuple[float, float]:
        """Where the sheet's one line of instructions goes: in the bottom margin of a sheet to
        cut (clear of the marks), in the top margin of card stock."""
        x0, y0 = self.origin
        if self.layout == FOLD:
            return (x0 + MARK_GAP + 4, y0 + self.rows * self.pitch[1] + MARK_GAP)
        return (x0, y0 - 7)


LETTER = (8.5 * MM_PER_IN, 11 * MM_PER_IN)
A4 = (210.0, 297.0)
BUSINESS_CARD = (3.5 * MM_PER_IN, 2 * MM_PER_IN)
EU_CARD = (85.0, 54.0)

STOCKS: dict[tuple[str, str], Stock] = {
    # Two 3.5 in cards side by side, five rows: 0.75 in side margins, 0.5 in top and bottom.
    ("letter", FOLD): Stock(
        "fold-letter", "", FOLD, LETTER, BUSINESS_CARD, (0.75 * MM_PER_IN, 0.5 * MM_PER_IN),
        (7 * MM_PER_IN, 2 * MM_PER_IN), 1, 5,
    ),
    ("a4", FOLD): Stock(
        "fold-a4", "", FOLD, A4, EU_CARD, (20.0, 13.5), (170.0, 54.0), 1, 5,
    ),
    ("letter", AVERY): Stock(
        "avery-5371", "Avery 5371", AVERY, LETTER, BUSINESS_CARD,
        (0.75 * MM_PER_IN, 0.5 * MM_PER_IN), (3.5 * MM_PER_IN, 2 * MM_PER_IN), 2, 5,
    ),
    ("a4", AVERY): Stock(
        "avery-c32011", "Avery C32011", AVERY, A4, EU_CARD, (15.0, 13.5), (95.0, 54.0), 2, 5,
    ),
}  # fmt: skip


def stock(paper: str, layout: str) -> Stock:
    return STOCKS[(paper, layout)]


def page_css(paper: str) -> str:
    """The positions of the cards and marks of one paper's sheets, as CSS for card.html."""
    rules = []
    for layout in (FOLD, AVERY):
        s = stock(paper, layout)
        scope = f".stock-{s.name}"
        # A page a hair shorter than the paper, so rounding never starts a blank one.
        rules.append(
            f"{scope} .card-page {{ width: {_mm(s.paper[0])}; height: {_mm(s.paper[1] - 1)}; }}"
        )
        rules.append(f"{scope} .card {{ width: {_mm(s.card[0])}; height: {_mm(s.card[1])}; }}")
        rules.append(f"{scope} .slot {{ width: {_mm(s.slot[0])}; height: {_mm(s.slot[1])}; }}")
        for side, back in (("front", False), ("back", True)):
            for number, (x, y) in enumerate(s.slots(back), start=1):
                rules.append(
                    f"{scope} .slots-{side} .slot-{number} {{ left: {_mm(x)}; top: {_mm(y)}; }}"
                )
        for number, (direction, x, y, length) in enumerate(s.marks(), start=1):
            size = "width" if direction == "h" else "height"
            place = f"left: {_mm(x)}; top: {_mm(y)}; {size}: {_mm(length)};"
            rules.append(f"{scope} .mark-{number} {{ {place} }}")
        x, y = s.note_at()
        rules.append(f"{scope} .sheet-note {{ left: {_mm(x)}; top: {_mm(y)}; }}")
    return "\n".join(rules) + "\n"


def _mm(value: float) -> str:
    return f"{value:.3f}mm"
