"""The kinds of page and what each carries (design.md section 8): one table, read everywhere."""

from __future__ import annotations

from dataclasses import dataclass

# Reading-grade limits (Flesch-Kincaid) by audience; a sheet's front matter may set its own.
GRADE_LIMITS = {"patient": 6.0, "supporter": 6.0, "employer": 6.0, "physician": 12.0}
# Spanish sheets: the lowest INFLESZ score (Szigriszt-Pazos) by audience. 65 is "bastante
# fácil", the nearest band to grade 6; 50 sits in "algo difícil", as clinicians' texts do.
# Letters have the person's audience, so they keep 65 whoever reads them.
INFLESZ_MINIMUMS = {"patient": 65.0, "supporter": 65.0, "employer": 65.0, "physician": 50.0}


@dataclass(frozen=True)
class Kind:
    """What a page of this kind prints besides its own text, and the rules it must keep."""

    name: str
    crisis: bool = True  # the crisis box with the region's lines
    disclaimer: bool = True  # the audience's "not medical advice" line
    sources: bool = True  # the sources line, review date and large-print note
    running_footer: bool = True  # title, review date and clinic in the page footer
    action_boxes: int | None = 1  # how many `div.action` boxes it must have (None: no rule)
    fillable: bool = False  # also built as a fillable PDF form
    fields: bool = False  # has [[placeholders]] filled from a person's details
    qr_codes: bool = False  # web addresses get QR codes beside them
    steps: bool = False  # has the taper schedule block ([[steps]]), blank or from a [plan]
    # A personal letter may run on past its own budget, to this many pages (standard, large
    # print), so that a person's answers are never cut; more than its budget is a warning.
    runs_on: tuple[int, int] | None = None
    beside_letters: bool = False  # printed beside personal letters, in their region and paper
    page_numbers: bool = True  # its footer shows "Page x of y" (a card has no footer at all)
    template: str = "handout.html"  # the page it is laid out on (a card: a sheet of cards)
    large_print: bool = True  # made in the large-print editions too
    avery: bool = False  # also built on business-card stock (<id>-avery.pdf)
    # Made from a person's details only beside their own letters (or when asked for by name).
    with_letters: bool = False

    def personal_pages(self, large_print: bool) -> int | None:
        """The most pages a personal letter of this kind may take."""
        return self.runs_on[large_print] if self.runs_on else None

    def documents(self, large_print: bool) -> tuple[str, ...]:
        """What a build makes of a sheet of this kind in an edition (renderer.DOCUMENTS)."""
        if large_print and not self.large_print:
            return ()
        twins = (("fillable", self.fillable), ("avery", self.avery))
        return ("sheet", *(document for document, made in twins if made))

    @property
    def carries_safety(self) -> bool:
        """Handed to the reader it is for, so it must show where to get urgent help."""
        return self.crisis


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("handout"),
        Kind("diary", action_boxes=None),
        Kind("resources", action_boxes=None, qr_codes=True),
        # A letter is handed to someone else: it carries only what its writer means to say.
        Kind(
            "letter",
            crisis=False,
            disclaimer=False,
            sources=False,
            running_footer=False,
            action_boxes=None,
            fillable=True,
            fields=True,
            runs_on=(2, 4),
        ),
        # How to use the letters: the patient's own sheet, printed beside them.
        Kind("howto", sources=False, beside_letters=True),
        # The taper plan: the patient's own sheet, so it keeps the crisis box and the rest; a
        # table and blanks rather than a single action box; filled by hand, on screen or from
        # a prescriber's [plan].
        Kind("plan", action_boxes=None, fillable=True, fields=True, steps=True),
        # The wallet card: a sheet of cards to cut out and fold. It carries its own short safety
        # line (the sheet's words) instead of the crisis box, and no footer; its type is already
        # set for a card (9 pt and up), and no larger type fits one, so it has no large print.
        Kind(
            "card",
            crisis=False,
            disclaimer=False,
            sources=False,
            running_footer=False,
            page_numbers=False,
            action_boxes=None,
            fields=True,
            template="card.html",
            large_print=False,
            avery=True,
            with_letters=True,
        ),
    )
}


def kind_of(name: str) -> Kind:
    return KINDS[name]
