"""Content checks a clinic runs on every sheet it renders: reading grade, boxes, banned claims."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from . import glyphs, spanish
from .content import Handout
from .errors import Problem
from .kinds import GRADE_LIMITS, INFLESZ_MINIMUMS, KINDS
from .language import DEFAULT_LANG, SPANISH
from .readability import SpanishScores, grade_of_blocks, spanish_scores

TAG = re.compile(r"<[^>]*>")

# From the content brief, section 7: claims no sheet may make, and words it never uses.
BANNED = (
    r"\baddicts?\b",
    r"success rate",
    r"completely free",
    r"rapid detox",
    r"ultra-rapid",
    r"flumazenil",
    r"brain damage",
    r"permanent (brain )?injury",
    r"25% every 1-2 weeks",
    r"25 percent every 1 to 2 weeks",
    r"(10|25)% (each|every) (1|one) week",
    r"functional medicine",
    r"\bcures?\b(?! for)",
    r"will (be over|end|stop) (in|within|after) \d",
)
# Texts that stand alone on a page end a sentence as a reader takes them, full stop or not.
BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "td", "th", "tr", "div", "br", "header", "aside"}


@dataclass(frozen=True)
class Report:
    """What the checks found on one sheet."""

    grade: float | None  # English: the Flesch-Kincaid grade; None for a Spanish sheet
    limit: float
    problems: tuple[Problem, ...] = ()
    scores: SpanishScores | None = None  # Spanish: INFLESZ (the gate) and Fernández-Huerta


def grade_limit(handout: Handout) -> float:
    return float(handout.max_grade or GRADE_LIMITS[handout.audience])


def check_sheet(
    handout: Handout,
    body_html: str,
    page_html: str,
    lang: str = DEFAULT_LANG,
    stylesheet: Path | None = None,
) -> Report:
    """Check one rendered sheet: its own words (title and body) and what its kind must carry.

    A Spanish sheet is held to INFLESZ rather than Flesch-Kincaid, and to Spanish's own checks
    (spanish.py); every character on a translated page must be in the fonts of `stylesheet`
    (print.css), since a translation brings characters the English sheets never had.
    """
    kind = KINDS[handout.kind]
    blocks = own_words(page_html)
    english = lang == DEFAULT_LANG
    grade, limit = (grade_of_blocks(blocks) if english else None), grade_limit(handout)
    scores = None if english else spanish_scores(blocks)
    problems = []

    def problem(message: str) -> None:
        problems.append(Problem(handout.source, message))

    if grade is not None and grade > limit:
        problem(
            f"reading grade {grade:.1f} is above the limit of {limit:g} for {handout.audience} "
            "sheets; use shorter sentences and everyday words (or set max_grade)"
        )
    lowest = INFLESZ_MINIMUMS[handout.audience]
    if scores is not None and scores.inflesz < lowest:
        problem(
            f"INFLESZ {scores.inflesz:.1f} ({scores.band}) is below {lowest:g} for "
            f"{handout.audience} sheets (Fernández-Huerta {scores.fernandez_huerta:.1f}); use "
            "shorter sentences and shorter, everyday words"
        )
    boxes = body_html.count('<div class="action')
    if kind.action_boxes is not None and boxes != kind.action_boxes:
        problem(f'needs exactly {kind.action_boxes} action box (<div class="action">); has {boxes}')
    if kind.crisis and '<aside class="crisis"' not in page_html:
        problem("the crisis box is missing; every handout must carry it")
    text = " ".join(blocks).lower()
    for pattern in BANNED if english else ():
        if found := re.search(pattern, text):
            problem(f"says '{found.group(0)}', which the content brief rules out (section 7)")
    if lang == SPANISH:
        for message in spanish.problems(blocks):
            problem(message)
    if not english:
        page_text = html.unescape(TAG.sub(" ", page_html))
        missing = glyphs.unprintable(page_text, stylesheet or glyphs.PRINT_CSS)
        if missing:
            shown = ", ".join(glyphs.describe(c) for c in missing)
            problem(f"has characters no font of the page has: {shown}")
    return Report(grade, limit, tuple(problems), scores)


class _OwnWords(HTMLParser):
    """Collects the text of the title band and the body, block by block."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.depth = 0  # > 0 while inside the title band or the body

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if self.depth:
            self.depth += tag not in VOID
            if tag in BLOCKS:
                self._end_block()
        elif (tag == "header" and "title-band" in classes) or (
            tag == "div" and {"content", "card-front", "card-back"} & set(classes)
        ):
            self.depth = 1

    def handle_endtag(self, tag):
        if not self.depth:
            return
        if tag in BLOCKS or tag == "span":
            self._end_block()
        self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.current.append(data)

    def _end_block(self) -> None:
        text = " ".join("".join(self.current).split())
        if text:
            self.blocks.append(text)
        self.current = []


VOID = {"br", "img", "input", "hr", "meta", "link"}


def own_words(page_html: str) -> list[str]:
    """The sheet's own words as blocks: headings, paragraphs, list items, cells, labels."""
    parser = _OwnWords()
    parser.feed(page_html)
    parser._end_block()
    return parser.blocks
