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


# The booklet to fold and staple: small pages, imposed for printing (impose.py) ---------------

HALF_SIZES = {"letter": (396.0, 612.0), "a4": (419.53, 595.28)}
SIDE_SIZES = {"letter": (792.0, 612.0), "a4": (841.89, 595.28)}


def size_of(page) -> tuple[float, float]:
    return (round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2))


@pytest.fixture(scope="module", params=["letter", "a4"])
def folded(real_build: Path, request) -> tuple[str, PdfReader, PdfReader]:
    folder = real_build / request.param
    return (
        request.param,
        PdfReader(folder / "booklet-small.pdf"),
        PdfReader(folder / "booklet-print.pdf"),
    )


def test_small_pages_are_half_the_paper_and_fold_into_whole_sheets(folded):
    edition, small, imposed = folded
    assert {size_of(page) for page in small.pages} == {HALF_SIZES[edition]}
    assert len(small.pages) % 4 == 0 and len(small.pages) <= 48
    assert {size_of(side) for side in imposed.pages} == {SIDE_SIZES[edition]}
    assert len(imposed.pages) == len(small.pages) // 2


def test_small_pages_keep_the_body_at_12_pt_and_nothing_under_10(folded):
    _, small, _ = folded
    sizes: dict[float, int] = {}
    for page in small.pages:
        for run in text_runs(page):
            sizes[round(run.size, 1)] = sizes.get(round(run.size, 1), 0) + len(run.text)
    body = max(sizes, key=sizes.get)
    assert body >= 12
    assert min(sizes) >= 10


def test_the_imposed_pages_are_not_scaled(folded):
    """Each page is painted 1:1 (or turned, for long edge), and the text inside it is drawn at
    the sizes of the small booklet's own pages."""
    from .test_impose import placements

    _, small, imposed = folded
    width = float(small.pages[0].mediabox.width)
    for side in imposed.pages:
        (_, left), (_, right) = placements(side)
        assert left[:4] == right[:4] == [1, 0, 0, 1]  # neither scaled nor turned
        assert right[4] - left[4] == pytest.approx(width, abs=0.001)  # side by side
        # The pair is centred: two A5 pages are 1 mm narrower than A4.
        spare = float(side.mediabox.width) - 2 * width
        assert left[4] == pytest.approx(spare / 2, abs=0.001) and spare < 3
    # The back of the outermost sheet: page 2 on its left, page n - 1 on its right.
    drawn = sorted(round(run.size, 1) for run in text_runs(imposed.pages[1]))
    own = sorted(
        round(run.size, 1)
        for n in (2, len(small.pages) - 1)
        for run in text_runs(small.pages[n - 1])
    )
    assert drawn == own


def test_the_small_booklet_ends_with_its_back_cover(folded):
    _, small, _ = folded
    back = flat(small.pages[-1].extract_text())
    assert back.startswith("Help, any time")
    for text in (
        "Emergency or seizure: call 911.",
        "988",
        "HOME to 741741",
        "Free, 24 hours a day.",
    ):
        assert text in back
    latest = max(h.reviewed for h in HANDOUTS)
    assert f"Reviewed {latest.day} {latest:%B %Y}" in back
    assert "Page" not in back  # no footer on a cover
    # Whatever pads it to whole sheets is notes pages, just before the back cover.
    pages = [flat(page.extract_text()) for page in small.pages]
    notes = [n for n, text in enumerate(pages, start=1) if text.startswith("Notes")]
    assert notes == list(range(len(pages) - len(notes), len(pages)))


def test_the_small_booklet_is_tagged_and_the_print_file_is_titled_for_print(folded):
    _, small, imposed = folded
    root = small.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert small.metadata.title == "Benzodiazepine tapering and withdrawal"
    assert imposed.metadata.title == (
        "Benzodiazepine tapering and withdrawal (print layout: fold and staple)"
    )
    first = flat(imposed.pages[0].extract_text())
    assert "Print on both sides, flip on short edge, actual size (100%)." in first


def test_large_print_has_no_booklet_to_fold(real_build: Path):
    for edition in ("letter-large", "a4-large"):
        assert not (real_build / edition / "booklet-small.pdf").exists()
        assert not (real_build / edition / "booklet-print.pdf").exists()


def test_notes_pages_pad_the_small_booklet_before_its_back_cover(mini_project, tmp_path):
    from handoutkit import Edition, Project, build
    from handoutkit.config import load_clinic

    clinic = load_clinic(ROOT / "tests" / "data" / "clinic.toml", "clinic.toml")
    built = build(Project(mini_project), [Edition("a4")], tmp_path / "out", jobs=1, clinic=clinic)
    kinds = {b.output.kind: b.output for b in built}
    assert kinds["booklet-small"].pages == 8 and kinds["booklet-print"].pages == 4
    small = PdfReader(tmp_path / "out" / "a4" / "booklet-small.pdf")
    pages = [flat(page.extract_text()) for page in small.pages]
    # Cover, contents, two one-page sheets, then three notes pages and the back cover.
    assert [text.split()[0] for text in pages[4:7]] == ["Notes"] * 3
    assert all(f"Page {n} of 8" in pages[n - 1] for n in (5, 6, 7))
    back = pages[7]
    assert back.startswith("Help, any time")
    assert "Harbour Lane Clinic" in back and "020 7946 0000" in back
    # One bookmark for the notes, not one per notes page.
    titles = [item.title for item in small.outline if not isinstance(item, list)]
    assert titles.count("Notes") == 1 and titles[-1] == "Help, any time"
