"""Every page's footer read back from the PDFs of every edition, with and without a clinic file:
all of it there, and all of it on the paper."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from handoutkit import load_handouts
from handoutkit.kinds import KINDS

from .conftest import ROOT, text_runs

HANDOUTS = {h.id: h for h in load_handouts(ROOT / "handouts", ROOT)}
BY_TITLE = {h.title: h for h in HANDOUTS.values()}
EDITIONS = ["letter", "a4", "letter-large", "a4-large"]
BOTTOM_MARGIN = {False: 0.7 * 72, True: 0.8 * 72}  # print.css, large-print.css (points)
SMALL_BOTTOM_MARGIN = 0.75 * 72  # booklet-small.css
BOOKLETS = ("booklet", "booklet-small")
CLINIC = ("Harbour Lane Clinic", "020 7946 0000")


def reviewed(handout) -> str:
    return f"Reviewed {handout.reviewed.day} {handout.reviewed:%B %Y}"


def footer_of(pdf_page, large: bool, small: bool = False) -> tuple[str, list[str]]:
    """The footer's text, and every way its runs leave the paper."""
    width = float(pdf_page.mediabox.width)
    bottom = SMALL_BOTTOM_MARGIN if small else BOTTOM_MARGIN[large]
    runs = [r for r in text_runs(pdf_page) if r.y < bottom]
    outside = [
        f"'{r.text}' at x {r.x0:.1f}-{r.x1:.1f}, baseline {r.y:.1f} pt"
        for r in runs
        # The descenders (about a quarter of the size) must be on the paper too.
        if r.y - 0.25 * r.size < 0 or r.x0 < 0 or r.x1 > width
    ]
    return " ".join(" ".join(r.text for r in runs).split()), outside


def sheet_of_each_page(reader: PdfReader, pdf: Path) -> list[str | None]:
    """Which sheet each page belongs to: the file's own, or, in a booklet, from its bookmarks;
    None for the cover, contents, notes pages and the back cover."""
    if pdf.stem not in BOOKLETS:
        return [pdf.stem.removesuffix("-fillable").removesuffix("-avery")] * len(reader.pages)
    marks = sorted(
        (reader.get_destination_page_number(item), BY_TITLE[item.title].id)
        for item in reader.outline
        if not isinstance(item, list) and item.title in BY_TITLE
    )
    pages: list[str | None] = [None] * len(reader.pages)
    ends = [start for start, _ in marks[1:]] + [len(reader.pages)]
    for (start, sheet), end in zip(marks, ends, strict=True):
        for index in range(start, end):
            pages[index] = sheet
    for index in range(len(pages) - 1, 0, -1):
        text = " ".join(reader.pages[index].extract_text().split())
        if not text.startswith(("Notes", "Help, any time")):
            break
        pages[index] = None
    return pages


def problems_in(folder: Path, large: bool, clinic: bool) -> list[str]:
    problems = []
    # The print layout's pages are booklet-small's, two to a side: read there.
    for pdf in sorted(p for p in folder.glob("*.pdf") if p.stem != "booklet-print"):
        reader = PdfReader(pdf)
        small = pdf.stem == "booklet-small"
        total = len(reader.pages)
        for index, (pdf_page, sheet) in enumerate(
            zip(reader.pages, sheet_of_each_page(reader, pdf), strict=True)
        ):
            where = f"{folder.name}/{pdf.name} page {index + 1}"
            footer, outside = footer_of(pdf_page, large, small)
            problems += [f"{where}: off the paper: {o}" for o in outside]
            if pdf.stem in BOOKLETS and (index == 0 or (small and index == total - 1)):
                if footer:
                    problems.append(f"{where}: a cover has a footer: {footer!r}")
                continue
            kind = KINDS[HANDOUTS[sheet].kind] if sheet else None
            if kind is not None and not kind.page_numbers:
                continue  # a sheet of wallet cards has no footer: it is cut apart
            wanted = [f"Page {index + 1} of {total}"]
            if kind is None or kind.running_footer:
                wanted += list(CLINIC) if clinic else []
            if kind is not None and kind.running_footer:
                wanted += [HANDOUTS[sheet].title, reviewed(HANDOUTS[sheet])]
            if kind is None:
                wanted.append("Contents" if index == 1 else "Notes")
            problems += [
                f"{where}: no {text!r} in {footer!r}" for text in wanted if text not in footer
            ]
            if kind is not None and not kind.running_footer and CLINIC[0] in footer:
                problems.append(f"{where}: a letter's footer names the clinic")
    return problems


@pytest.mark.parametrize("clinic", [False, True], ids=["no-clinic", "clinic"])
@pytest.mark.parametrize("edition", EDITIONS)
def test_every_footer_reads_back_whole_and_on_the_paper(request, edition: str, clinic: bool):
    out = request.getfixturevalue("branded_build" if clinic else "real_build")
    folder = out / edition
    # Every sheet, the fillable twin of each form, a card's Avery sheet, and the booklet; Letter
    # and A4 also have the booklet to fold (its small pages and its print layout).
    large = edition.endswith("-large")
    made = sum(len(KINDS[h.kind].documents(large)) for h in HANDOUTS.values()) + 1
    made += 0 if large else 2
    assert len(list(folder.glob("*.pdf"))) == made
    assert problems_in(folder, edition.endswith("-large"), clinic) == []
