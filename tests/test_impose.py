"""The booklet to fold and staple: pages imposed two to a side in the order that folds, 1:1."""

from __future__ import annotations

import io
import re

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ContentStream, DictionaryObject, NameObject, StreamObject

from handoutkit.errors import BuildError
from handoutkit.impose import impose, sides

HALF_LETTER = (396.0, 612.0)
NOTE = ("Print on both sides, flip on short edge, actual size (100%).", "Fold and staple.")


def numbered_pdf(count: int, size: tuple[float, float] = HALF_LETTER, font_size: int = 12):
    """A PDF whose page k shows 'P<k>' once, near its top left corner."""
    writer = PdfWriter()
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    for number in range(1, count + 1):
        page = writer.add_blank_page(*size)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
        )
        stream = StreamObject()
        stream.set_data(f"BT /F1 {font_size} Tf 40 {size[1] - 60} Td (P{number}) Tj ET".encode())
        page.replace_contents(stream)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def halves(data: bytes) -> list[tuple[str, str]]:
    """The text of each side's left and right half, read back by position (pdfium)."""
    document = pdfium.PdfDocument(data)
    read = []
    for page in document:
        width, height = page.get_size()
        text = page.get_textpage()
        left = text.get_text_bounded(0, 0, width / 2, height)
        right = text.get_text_bounded(width / 2, 0, width, height)
        read.append((" ".join(left.split()), " ".join(right.split())))
    return read


def placements(side) -> list[tuple[str, list[float]]]:
    """Each form a side paints and the matrix it is painted with, from the content stream."""
    found, matrix = [], None
    for operands, operator in ContentStream(side.get_contents(), side.pdf).operations:
        if operator == b"cm":
            matrix = [float(v) for v in operands]
        elif operator == b"Do":
            found.append((str(operands[0]), matrix))
    return found


# The order itself -----------------------------------------------------------------------------


def test_sides_follow_the_saddle_stitch_formula():
    assert sides(8) == [(8, 1), (2, 7), (6, 3), (4, 5)]
    # The 16-page table every imposition tool prints (research A1).
    assert sides(16) == [
        (16, 1), (2, 15), (14, 3), (4, 13), (12, 5), (6, 11), (10, 7), (8, 9),
    ]  # fmt: skip
    for count in (4, 12, 32, 48):
        order = sides(count)
        assert len(order) == count // 2
        assert all(left + right == count + 1 for left, right in order)
        assert sorted(n for pair in order for n in pair) == list(range(1, count + 1))


@pytest.mark.parametrize("count", [0, 2, 6, 10, 33])
def test_sides_refuse_a_count_that_does_not_fold(count: int):
    with pytest.raises(ValueError, match="multiple of 4"):
        sides(count)


@pytest.mark.parametrize("count", [1, 2, 6, 7, 30])
def test_impose_refuses_a_page_count_that_is_not_a_multiple_of_4(count: int):
    with pytest.raises(BuildError) as caught:
        impose(numbered_pdf(count))
    assert caught.value.lines() == [
        f"booklet-print: {count} pages cannot be folded into a booklet: it takes a multiple of 4 "
        "(each sheet of paper carries 4 pages)"
    ]


def test_impose_refuses_pages_of_different_sizes():
    writer = PdfWriter(clone_from=io.BytesIO(numbered_pdf(4)))
    writer.pages[2].mediabox.upper_right = (419.53, 595.28)
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(BuildError, match="page 3 is not the size of page 1"):
        impose(buffer.getvalue())


@pytest.mark.parametrize("count", [4, 8, 12])
def test_each_half_shows_the_page_the_formula_puts_there(count: int):
    data, sides_made = impose(numbered_pdf(count))
    assert sides_made == count // 2
    assert halves(data) == [(f"P{left}", f"P{right}") for left, right in sides(count)]


def test_the_note_is_printed_on_the_first_side_only():
    data, _ = impose(numbered_pdf(8), NOTE)
    read = halves(data)
    assert NOTE[0] in read[0][0] and NOTE[1] in read[0][0]
    assert all("Print on both sides" not in left + right for left, right in read[1:])


def test_sides_are_twice_as_wide_as_a_page_and_pages_are_placed_unscaled():
    data, _ = impose(numbered_pdf(8))
    reader = PdfReader(io.BytesIO(data))
    for side in reader.pages:
        assert (float(side.mediabox.width), float(side.mediabox.height)) == (792.0, 612.0)
        found = placements(side)
        assert [matrix for _, matrix in found] == [[1, 0, 0, 1, 0, 0], [1, 0, 0, 1, 396, 0]]


def test_long_edge_turns_every_back_side_upside_down_and_nothing_else():
    short, _ = impose(numbered_pdf(8), duplex="short-edge")
    long, _ = impose(numbered_pdf(8), duplex="long-edge")
    reader = PdfReader(io.BytesIO(long))
    for index, side in enumerate(reader.pages):
        matrices = [matrix for _, matrix in placements(side)]
        if index % 2 == 0:  # fronts as they were
            assert matrices == [[1, 0, 0, 1, 0, 0], [1, 0, 0, 1, 396, 0]]
        else:  # each page turned 180 degrees about the side's centre: still 1:1
            assert matrices == [[-1, 0, 0, -1, 792, 612], [-1, 0, 0, -1, 396, 612]]
    # Read back, a turned back side shows its left page on the right, and the other way round.
    turned, upright = halves(long), halves(short)
    for index in range(len(upright)):
        expected = upright[index] if index % 2 == 0 else upright[index][::-1]
        assert turned[index] == expected


def fold(data: bytes, duplex: str) -> list[str]:
    """Print, fold and read: the text of each page of the finished booklet, in reading order.

    Each sheet of paper is a front side and the back side the printer put behind it. Short
    edge: the printer turns the sheet about its short (left or right) edge, so what lies behind
    the front's right half is the back side's left half as laid out. Long edge: it turns the
    sheet about its long edge, so behind the front's right half is the back side's right half
    as laid out (which long-edge lays out upside down, so it reads upright after the fold).
    Folded with the first sheet outside, the booklet reads: each sheet's front right half and
    what is behind it, outermost first; then, innermost first, what is behind each front's left
    half, and that left half.
    """
    read = halves(data)
    sheets = []
    for front, back in zip(read[::2], read[1::2], strict=True):
        behind_right, behind_left = back if duplex == "short-edge" else back[::-1]
        sheets.append({"left": front[0], "right": front[1], "behind_right": behind_right,
                       "behind_left": behind_left})  # fmt: skip
    pages = []
    for sheet in sheets:
        pages += [sheet["right"], sheet["behind_right"]]
    for sheet in reversed(sheets):
        pages += [sheet["behind_left"], sheet["left"]]
    return pages


@pytest.mark.parametrize("duplex", ["short-edge", "long-edge"])
@pytest.mark.parametrize("count", [4, 8, 16, 20])
def test_the_printed_sheets_fold_into_pages_1_to_n(count: int, duplex: str):
    data, _ = impose(numbered_pdf(count), duplex=duplex)
    assert fold(data, duplex) == [f"P{n}" for n in range(1, count + 1)]


def test_the_real_print_file_folds_into_the_small_booklet(real_build):
    for edition in ("letter", "a4"):
        small = PdfReader(real_build / edition / "booklet-small.pdf")
        data = (real_build / edition / "booklet-print.pdf").read_bytes()
        count = len(small.pages)
        folded = [_page_number(text, count) for text in fold(data, "short-edge")]
        assert folded == list(range(1, count + 1)), edition


def test_imposing_is_deterministic():
    source = numbered_pdf(12)
    assert impose(source, NOTE, "T")[0] == impose(source, NOTE, "T")[0]


def test_the_print_file_is_titled_as_the_print_layout_and_has_no_links_or_tags():
    data, _ = impose(numbered_pdf(4), NOTE, "Booklet (print layout)")
    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata.title == "Booklet (print layout)"
    assert "/StructTreeRoot" not in reader.trailer["/Root"]
    assert all("/Annots" not in side for side in reader.pages)


def test_a_note_in_a_letter_the_note_font_lacks_is_refused_by_name():
    with pytest.raises(BuildError, match="the printing note 'Print → here' has a letter"):
        impose(numbered_pdf(4), ("Print → here",))


def test_page_numbers_read_back_from_a_real_print_file(real_build):
    """Every half of booklet-print.pdf shows the page of the small booklet the formula puts
    there: read from its footer ('Page x of n'); the covers have none, so they are named."""
    for edition in ("letter", "a4"):
        data = (real_build / edition / "booklet-print.pdf").read_bytes()
        count = len(PdfReader(real_build / edition / "booklet-small.pdf").pages)
        shown = []
        for left, right in halves(data):
            shown.append(tuple(_page_number(text, count) for text in (left, right)))
        assert shown == sides(count), edition


def _page_number(text: str, count: int) -> int:
    if "Help, any time" in text:
        return count  # the back cover
    if "Benzodiazepine tapering and withdrawal" in text and "Page" not in text:
        return 1  # the cover
    numbers = re.findall(rf"Page (\d+) of {count}\b", text)
    assert len(numbers) == 1, text[-200:]
    return int(numbers[0])


# Through the build and the command line -------------------------------------------------------


def test_duplex_long_edge_changes_only_the_print_file(mini_project, tmp_path, capsys):
    from make_handouts import main

    out = tmp_path / "out"
    base = ["--project", str(mini_project), "--out", str(out), "--jobs", "1"]
    assert main(base) == 0
    small = (out / "letter" / "booklet-small.pdf").read_bytes()
    short = (out / "letter" / "booklet-print.pdf").read_bytes()
    capsys.readouterr()
    assert main([*base, "--duplex", "long-edge"]) == 0
    # Only the print file is made again; the small booklet it imposes is reused.
    stdout = capsys.readouterr().out
    assert "wrote" in stdout and stdout.count("  wrote ") == 1
    assert "letter/booklet-print.pdf" in stdout.split("  wrote ")[1].split("\n")[0]
    assert (out / "letter" / "booklet-small.pdf").read_bytes() == small
    long = (out / "letter" / "booklet-print.pdf").read_bytes()
    assert long != short
    first, second = (PdfReader(io.BytesIO(long)).pages[i] for i in (0, 1))
    assert [m for _, m in placements(first)] == [[1, 0, 0, 1, 0, 0], [1, 0, 0, 1, 396, 0]]
    assert [m for _, m in placements(second)] == [
        [-1, 0, 0, -1, 792, 612],
        [-1, 0, 0, -1, 396, 612],
    ]
    assert "flip on long edge" in " ".join(first.extract_text().split())
    # The same choice again: nothing to do. Back to the default: the first bytes exactly.
    assert main([*base, "--duplex", "long-edge"]) == 0
    assert "0 rendered" in capsys.readouterr().out
    assert main(base) == 0
    assert (out / "letter" / "booklet-print.pdf").read_bytes() == short


def test_an_unknown_duplex_is_refused_by_the_command_line(capsys):
    from make_handouts import main

    with pytest.raises(SystemExit) as caught:
        main(["build", "--duplex", "sideways"])
    assert caught.value.code == 2
    assert "invalid choice: 'sideways'" in capsys.readouterr().err


def test_the_print_file_is_byte_identical_from_build_to_build(mini_project, tmp_path):
    from handoutkit import Edition, Project, build

    for name in ("one", "two"):
        build(Project(mini_project), [Edition("a4")], tmp_path / name, jobs=1)
    for name in ("booklet-small.pdf", "booklet-print.pdf"):
        one = (tmp_path / "one" / "a4" / name).read_bytes()
        assert one == (tmp_path / "two" / "a4" / name).read_bytes(), name


def test_a_booklet_too_thick_to_fold_by_hand_is_refused(mini_project, tmp_path, monkeypatch):
    from handoutkit import Edition, Project, build, renderer

    monkeypatch.setattr(renderer, "MAX_FOLDED_PAGES", 4)
    with pytest.raises(BuildError) as caught:
        build(Project(mini_project), [Edition("letter")], tmp_path / "out", jobs=1)
    assert caught.value.lines() == [
        "booklet-small (letter): the booklet to fold has 8 pages; it must be a multiple of 4 and "
        "at most 4 (1 sheets of paper) to fold and staple by hand"
    ]
    # Everything else was written; the booklet to read does not depend on it.
    assert (tmp_path / "out" / "letter" / "booklet.pdf").exists()
    assert not (tmp_path / "out" / "letter" / "booklet-print.pdf").exists()


def test_a5_pages_are_centred_on_an_a4_side_and_a_sheet_too_small_is_refused():
    a5, a4 = (419.5276, 595.2756), (841.8898, 595.2756)
    data, _ = impose(numbered_pdf(4, a5), sheet=a4)
    reader = PdfReader(io.BytesIO(data))
    assert [float(v) for v in reader.pages[0].mediabox[2:]] == list(a4)
    (_, left), (_, right) = placements(reader.pages[0])
    assert left == pytest.approx([1, 0, 0, 1, 1.4173, 0], abs=1e-4)  # 0.5 mm each side
    assert right == pytest.approx([1, 0, 0, 1, 1.4173 + a5[0], 0], abs=1e-4)
    assert halves(data)[0] == ("P4", "P1")
    with pytest.raises(BuildError, match="two pages do not fit side by side on the paper"):
        impose(numbered_pdf(4, a5), sheet=(612.0, 792.0))
