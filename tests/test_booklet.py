"""The booklet: cover, contents with real page numbers, bookmarks, even page count."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from handoutkit import load_handouts

from .conftest import ROOT, text_runs

HANDOUTS = [h for h in load_handouts(ROOT / "handouts", ROOT) if h.booklet]


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module", params=["letter", "a4", "letter-large", "a4-large"])
def booklet(real_build: Path, request) -> PdfReader:
    reader = PdfReader(real_build / request.param / "booklet.pdf")
    reader.large_print = request.param.endswith("-large")
    return reader


def sheet_bookmarks(reader: PdfReader) -> dict[str, int]:
    titles = {h.title for h in HANDOUTS}
    return {
        item.title: reader.get_destination_page_number(item) + 1
        for item in reader.outline
        if not isinstance(item, list) and item.title in titles
    }


def test_every_sheet_has_a_bookmark_on_the_page_where_its_title_is(booklet: PdfReader):
    marks = sheet_bookmarks(booklet)
    assert set(marks) == {h.title for h in HANDOUTS}
    for title, number in marks.items():
        page_text = flat(booklet.pages[number - 1].extract_text())
        assert title in page_text
        assert f"Page {number} of {len(booklet.pages)}" in page_text


def test_sheets_appear_in_file_order(booklet: PdfReader):
    marks = sheet_bookmarks(booklet)
    assert [marks[h.title] for h in HANDOUTS] == sorted(marks.values())


def test_contents_page_prints_the_bookmarked_page_numbers(booklet: PdfReader):
    contents = flat(booklet.pages[1].extract_text())
    assert contents.startswith("Contents")
    for title, number in sheet_bookmarks(booklet).items():
        match = re.search(re.escape(title) + r"[ .]*?(\d+)\b", contents)
        assert match, title
        assert int(match.group(1)) == number, title


def test_cover_has_title_and_review_date_and_no_page_number(booklet: PdfReader):
    cover = flat(booklet.pages[0].extract_text())
    assert "Benzodiazepine tapering and withdrawal" in cover
    latest = max(h.reviewed for h in HANDOUTS)
    assert f"Reviewed {latest.day} {latest:%B %Y}" in cover
    assert "Page 1 of" not in cover


def test_page_count_is_even_for_duplex(booklet: PdfReader):
    assert len(booklet.pages) % 2 == 0
    last = flat(booklet.pages[-1].extract_text())
    marks = sorted(sheet_bookmarks(booklet).values())
    if last.startswith("Notes"):
        assert marks[-1] < len(booklet.pages), "the notes page comes after the last sheet"


def test_contents_page_numbers_are_right_aligned_inside_the_margin(booklet: PdfReader):
    contents = booklet.pages[1]
    right = float(contents.mediabox.width) - (0.6 if booklet.large_print else 0.7) * 72
    numbers = [r for r in text_runs(contents) if r.text.strip().isdigit()]
    assert len(numbers) == len(HANDOUTS)
    ends = [round(r.x1, 1) for r in numbers]
    assert max(ends) <= right + 0.5, f"a page number ends past the margin ({right:.1f} pt)"
    assert max(ends) - min(ends) < 0.5, f"page numbers not right-aligned: {ends}"
