"""After layout, before the PDF is written: each page shows what its kind must, on the paper.

The templates put the crisis box and the footer on every page, but the stylesheets, a clinic
file or a long title can still hide them, push them off the paper or clip them. So the laid-out
boxes are read back: text counts only if it is drawn, inside the paper and any box that clips
it, in a colour that shows, at a size that can be read.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from weasyprint.formatting_structure import boxes

from .errors import Problem
from .expect import Expect

# Said of text laid out past a wallet card's padding: it would be cut off, or print on the next
# card. The text itself is not named: on a personal card it is the person's own.
OFF_CARD = "runs off the wallet card"
CARD_SIDES = ("card-front", "card-back")

PX_PER_PT = 4 / 3
MIN_FONT_PX = 6 * PX_PER_PT  # smaller than 6 pt is not there for a reader
MIN_CONTRAST = 3.0
TOLERANCE_PX = 0.5  # rounding in layout
# Named pages with no footer (booklet.css, booklet-small.css): the covers.
NO_FOOTER = ("cover", "back-cover")
BACK_COVER = "back-cover"


@dataclass
class _Page:
    """What one laid-out page shows."""

    number: int
    name: str  # the named page (cover, contents, notes, back-cover, pages-only) or ""
    sheet: str | None = None  # the sheet whose article is on this page
    crisis: dict[str, list[str]] = field(default_factory=dict)  # sheet id -> visible lines
    footer: list[str] = field(default_factory=list)  # visible lines of the bottom margin boxes
    outside: list[str] = field(default_factory=list)  # problems: text beyond the paper
    body: list[str] = field(default_factory=list)  # visible lines outside the margin boxes
    off_card: dict[str, int] = field(default_factory=dict)  # card side -> lines past its edge


def check_pages(pages, expect: Expect) -> list[Problem]:
    """Every way the pages fail their kinds' rules, naming the sheet and the page."""
    read = [_read(page._page_box, number) for number, page in enumerate(pages, start=1)]
    total = len(read)
    problems: list[Problem] = []

    def problem(page: _Page, message: str) -> None:
        rule = expect.sheets.get(page.sheet or "")
        if expect.booklet:
            where = f"booklet ({expect.edition})"
            sheet = f", sheet {page.sheet}" if page.sheet else ""
            problems.append(Problem(where, f"page {page.number}{sheet}: {message}"))
        else:
            source = rule.source if rule else next(iter(expect.sheets.values())).source
            problems.append(Problem(source, f"{expect.edition}, page {page.number}: {message}"))

    for page in read:
        for message in page.outside:
            problem(page, message)
        for side, count in page.off_card.items():
            lines = f"{count} line{'s' if count != 1 else ''}"
            problem(page, f"{lines} of text {OFF_CARD}'s {side.removeprefix('card-')}")
        rule = expect.sheets.get(page.sheet or "")
        # A cover has no footer, nor does a sheet of wallet cards: its pages are cut apart.
        if page.name not in NO_FOOTER and not (rule and not rule.kind.page_numbers):
            _check_footer(page, expect, total, problem)
    if expect.back_cover and read:
        _check_back_cover(read[-1], expect, problem)
        # The folded booklet's covers are one page each: one that ran on would leave a page
        # without a footer and fold a page of it inside the booklet.
        for name in NO_FOOTER:
            covers = [page for page in read if page.name == name]
            if len(covers) > 1:
                problem(covers[1], f"the {name.replace('-', ' ')} runs onto a second page")
    for rule in expect.sheets.values():
        if not rule.kind.crisis:
            continue
        own = [page for page in read if page.sheet == rule.id]
        if not own:
            continue
        shown = " ".join(line for page in own for line in page.crisis.get(rule.id, []))
        missing = [text for text in expect.crisis if _flat(text) not in _flat(shown)]
        if missing:
            problem(
                own[-1],
                f"the crisis box is missing or cannot be read (no '{missing[0]}' in it); "
                f"every {rule.kind.name} must show it",
            )
    return problems


def _check_back_cover(page: _Page, expect: Expect, problem) -> None:
    """The folded booklet's last page is its back cover, and shows where to get help now."""
    if page.name != BACK_COVER:
        problem(page, "the last page is not the back cover; nothing may follow it")
        return
    shown = _flat(" ".join(page.body))
    missing = [text for text in expect.crisis if _flat(text) not in shown]
    if missing:
        problem(page, f"the back cover does not show '{missing[0]}'; it must show every line")


def _check_footer(page: _Page, expect: Expect, total: int, problem) -> None:
    footer = _flat(" ".join(page.footer))
    rule = expect.sheets.get(page.sheet or "")
    number = expect.page.format(n=page.number, total=total)
    wanted = [("page number", number)]
    if rule is None or rule.kind.running_footer:
        wanted += [("clinic's name", expect.clinic[0])] if expect.clinic else []
        wanted += [("clinic's phone", expect.clinic[1])] if expect.clinic[1:] else []
    if rule and rule.kind.running_footer:
        wanted += [("review date", rule.reviewed), ("title", rule.title)]
    for what, text in wanted:
        if text and _flat(text) not in footer:
            problem(page, f"the footer does not show the {what} '{text}'")
    if (
        rule
        and not rule.kind.running_footer
        and expect.clinic
        and _flat(expect.clinic[0]) in footer
    ):
        problem(page, "the footer names the clinic, but this page is a letter for someone else")


@dataclass(frozen=True)
class _State:
    """What a box inherits from the boxes around it that decides whether its text shows."""

    clip: tuple[float, float, float, float]
    opacity: float = 1.0
    background: object = None  # the nearest opaque background colour; None is the paper
    sheet: str | None = None
    crisis: bool = False
    card: tuple[str, tuple[float, float, float, float]] | None = None  # side, its text area


EVERYWHERE = (float("-inf"), float("-inf"), float("inf"), float("inf"))


def _read(page_box: boxes.PageBox, number: int) -> _Page:
    width, height = page_box.margin_width(), page_box.margin_height()
    page = _Page(number, page_box.page_type.name or "")
    right = width - page_box.margin_right
    for child in page_box.children:
        if not isinstance(child, boxes.MarginBox):
            _visit(child, _State((0.0, 0.0, width, height)), page, right)
            continue
        # Footer lines are read wherever they are drawn, then measured against the paper.
        lines: list[tuple[str, tuple]] = []
        _visit(child, _State(EVERYWHERE), page, None, lines)
        edge = min(child.position_x + child.margin_width(), width)
        for text, (x0, _, x1, y1) in lines:
            if child.at_keyword.startswith("@bottom"):
                page.footer.append(text)
            if y1 > height + TOLERANCE_PX:
                below = (y1 - height) / PX_PER_PT
                page.outside.append(
                    f"the footer runs off the paper: '{text}' ends {below:.1f} pt below its "
                    "bottom edge"
                )
            elif x1 > edge + TOLERANCE_PX or x0 < -TOLERANCE_PX:
                past = (x1 - edge) / PX_PER_PT
                page.outside.append(f"the footer line '{text}' runs {past:.1f} pt past its box")
    return page


def _visit(box, state: _State, page: _Page, right: float | None, lines=None) -> None:
    """Walk the boxes carrying what decides visibility; record lines, crisis text, overhangs."""
    style = box.style
    if style["transform"]:
        return  # turned, scaled or moved by a transform: not what the page is meant to show
    state = _inherit(box, state, page)
    if isinstance(box, boxes.TextBox):
        if right is not None and box.text.strip() and box.position_x + box.width > right + 1:
            past = (box.position_x + box.width - right) / PX_PER_PT
            page.outside.append(f"'{box.text.strip()}' runs {past:.1f} pt past the right margin")
        return
    if isinstance(box, boxes.LineBox):
        shown = [t for t, child_state in _texts(box, state) if _visible(t, child_state)]
        if shown:
            text = " ".join("".join(t.text for t in shown).split())
            extent = (
                min(t.position_x for t in shown),
                min(t.position_y for t in shown),
                max(t.position_x + t.width for t in shown),
                max(t.position_y + t.height for t in shown),
            )
            if lines is not None:
                lines.append((text, extent))
            else:
                page.body.append(text)
            if state.crisis and state.sheet:
                page.crisis.setdefault(state.sheet, []).append(text)
            if state.card and not _within(extent, state.card[1]):
                side = state.card[0]
                page.off_card[side] = page.off_card.get(side, 0) + 1
    for child in getattr(box, "children", ()):
        _visit(child, state, page, right, lines)


def _inherit(box, state: _State, page: _Page) -> _State:
    style = box.style
    changes: dict = {}
    if style["opacity"] < 1:
        changes["opacity"] = state.opacity * style["opacity"]
    fill = style["background_color"]
    if fill.alpha > 0.5:
        changes["background"] = fill
    if style["overflow"] != "visible" and not isinstance(box, boxes.TextBox | boxes.LineBox):
        x, y = box.padding_box_x(), box.padding_box_y()
        own = (x, y, x + box.padding_width(), y + box.padding_height())
        changes["clip"] = _intersect(state.clip, own)
    element = box.element if box.element_tag else None
    if element is not None:
        classes = (element.get("class") or "").split()
        if box.element_tag == "article" and "sheet" in classes:
            changes["sheet"] = element.get("id")
            page.sheet = page.sheet or element.get("id")
        if box.element_tag == "aside" and "crisis" in classes:
            changes["crisis"] = True
        side = next((c for c in classes if c in CARD_SIDES), None)
        if side:
            x, y = box.content_box_x(), box.content_box_y()
            changes["card"] = (side, (x, y, x + box.width, y + box.height))
    return _State(**{**state.__dict__, **changes}) if changes else state


def _texts(box, state: _State) -> Iterator[tuple[boxes.TextBox, _State]]:
    """The text boxes inside a line, each with the state the inline boxes around it give."""
    for child in getattr(box, "children", ()):
        if child.style["transform"]:
            continue
        inner = _inherit(child, state, _Page(0, ""))
        if isinstance(child, boxes.TextBox):
            if child.text.strip():
                yield child, inner
        else:
            yield from _texts(child, inner)


def _visible(box: boxes.TextBox, state: _State) -> bool:
    style = box.style
    if style["visibility"] != "visible" or style["font_size"] < MIN_FONT_PX:
        return False
    if state.opacity < 0.5 or style["color"].alpha < 0.5:
        return False
    if _contrast(style["color"], state.background) < MIN_CONTRAST:
        return False
    x0, y0, x1, y1 = _rect(box)
    clip = state.clip
    return (
        x0 >= clip[0] - TOLERANCE_PX
        and y0 >= clip[1] - TOLERANCE_PX
        and x1 <= clip[2] + TOLERANCE_PX
        and y1 <= clip[3] + TOLERANCE_PX
    )


def _rect(box) -> tuple[float, float, float, float]:
    return (box.position_x, box.position_y, box.position_x + box.width, box.position_y + box.height)


def _within(inner, outer) -> bool:
    return (
        inner[0] >= outer[0] - TOLERANCE_PX
        and inner[1] >= outer[1] - TOLERANCE_PX
        and inner[2] <= outer[2] + TOLERANCE_PX
        and inner[3] <= outer[3] + TOLERANCE_PX
    )


def _intersect(a, b):
    return (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))


def _luminance(colour) -> float:
    if colour is None:
        return 1.0  # the paper
    channels = colour.to("srgb").coordinates
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(colour, background) -> float:
    light, dark = sorted((_luminance(colour), _luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _flat(text: str) -> str:
    return " ".join(text.split()).casefold()
