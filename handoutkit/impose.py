"""Imposition: the folded booklet's pages two to a landscape side, in saddle-stitch order.

The pages are already half the paper (half-Letter, A5), so they are placed 1:1, never scaled.
The file is for printing only: merged pages cannot keep the tagged structure (the accessible
booklet is booklet.pdf and booklet-small.pdf), and links and bookmarks would point nowhere.
"""

from __future__ import annotations

import io

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, StreamObject

from .editions import DUPLEX
from .errors import BuildError, Problem

NOTE_FONT_SIZE = 8
NOTE_MARGIN = 36  # pt from the left edge of the first side: the back cover's own margin
NOTE_BASELINES = (38, 27)  # pt above the bottom edge, clear of a desktop printer's border
SIZE_TOLERANCE = 0.01  # pt


def sides(pages: int) -> list[tuple[int, int]]:
    """(left, right) page numbers of each printed side, in print order: front and back of the
    outermost sheet of paper first. Both pages of a side add up to pages + 1."""
    if pages <= 0 or pages % 4:
        raise ValueError(f"a folded booklet needs a multiple of 4 pages, not {pages}")
    order = []
    for sheet in range(1, pages // 4 + 1):
        order.append((pages - 2 * sheet + 2, 2 * sheet - 1))  # front
        order.append((2 * sheet, pages - 2 * sheet + 1))  # back
    return order


def impose(
    data: bytes,
    note: tuple[str, ...] = (),
    title: str = "",
    duplex: str = DUPLEX[0],
    source: str = "booklet-print",
    sheet: tuple[float, float] | None = None,
) -> tuple[bytes, int]:
    """The PDF's pages two to a side, unscaled; note printed small at the foot of the first
    side. Returns the new PDF and its number of sides. Deterministic: same input, same bytes.

    sheet: the side's size in points (landscape paper); the pair of pages is centred on it.
    None: exactly two pages wide.

    Raises BuildError for a page count that is not a multiple of 4 (padding is the booklet's
    job: notes pages before its back cover, never blanks) or pages of different sizes.
    """
    if duplex not in DUPLEX:
        raise ValueError(f"duplex must be one of {', '.join(DUPLEX)}; got {duplex!r}")
    reader = PdfReader(io.BytesIO(data))
    pages = reader.pages
    count = len(pages)
    if count == 0 or count % 4:
        raise BuildError(
            Problem(
                source,
                f"{count} pages cannot be folded into a booklet: it takes a multiple of 4 "
                "(each sheet of paper carries 4 pages)",
            )
        )
    width, height = float(pages[0].mediabox.width), float(pages[0].mediabox.height)
    odd = [
        number
        for number, page in enumerate(pages, start=1)
        if abs(float(page.mediabox.width) - width) > SIZE_TOLERANCE
        or abs(float(page.mediabox.height) - height) > SIZE_TOLERANCE
    ]
    if odd:
        raise BuildError(
            Problem(source, f"page {odd[0]} is not the size of page 1; every page must match")
        )
    side_width, side_height = sheet or (2 * width, height)
    if side_width < 2 * width - SIZE_TOLERANCE or side_height < height - SIZE_TOLERANCE:
        raise BuildError(Problem(source, "two pages do not fit side by side on the paper"))
    # Where the pair starts: centred, so any spare paper is shared by both outer edges.
    left, bottom = (side_width - 2 * width) / 2, (side_height - height) / 2
    writer = PdfWriter()
    forms = {}  # each page once, as a form XObject that sides paint where it belongs
    for index, pair in enumerate(sides(count)):
        side = writer.add_blank_page(side_width, side_height)
        # Long edge: the back of each sheet is printed upside down relative to its front.
        turned = duplex == "long-edge" and index % 2 == 1
        names = DictionaryObject()
        ops = []
        for slot, number in enumerate(pair):
            if number not in forms:
                forms[number] = writer._add_object(_form(pages[number - 1], writer))
            name = f"/Page{number}"
            names[NameObject(name)] = forms[number]
            x = left + slot * width
            # Where the page goes: its slot, or (turned) the slot mirrored, upside down.
            if turned:
                matrix = f"-1 0 0 -1 {side_width - x:.4f} {side_height - bottom:.4f}"
            else:
                matrix = f"1 0 0 1 {x:.4f} {bottom:.4f}"
            ops.append(f"q {matrix} cm {name} Do Q")
        side[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): names})
        if note and index == 0:
            side[NameObject("/Resources")][NameObject("/Font")] = DictionaryObject(
                {NameObject("/Note"): writer._add_object(_note_font())}
            )
            ops.append(_note_ops(note, source, left))
        side.replace_contents(_stream("\n".join(ops).encode("latin-1")))
    writer.add_metadata({"/Title": title, "/Producer": "handoutkit"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue(), len(writer.pages)


def _form(page: PageObject, writer: PdfWriter) -> StreamObject:
    """A page as a form XObject: its drawing and resources, kept as they are (compressed)."""
    form = StreamObject()
    contents = page.get_contents()  # one stream, the pages' own drawing joined
    form.set_data(contents.get_data() if contents is not None else b"")
    box = page.mediabox
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(FloatObject(v) for v in box),
            NameObject("/Resources"): page["/Resources"].clone(writer),
        }
    )
    return form.flate_encode()


def _note_font() -> DictionaryObject:
    """Helvetica: a font every reader has, so nothing is embedded for a line of small print."""
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )


def _note_ops(lines: tuple[str, ...], source: str, left: float) -> str:
    """The printing note, small and grey, at the foot of the first side's left half."""
    ops = [f"q 0.3 g BT /Note {NOTE_FONT_SIZE} Tf"]
    for line, baseline in zip(lines, NOTE_BASELINES, strict=False):
        x = left + NOTE_MARGIN
        ops.append(f"1 0 0 1 {x:.4f} {baseline} Tm ({_pdf_text(line, source)}) Tj")
    ops.append("ET Q")
    return "\n".join(ops)


def _stream(data: bytes) -> StreamObject:
    stream = StreamObject()
    stream.set_data(data)
    return stream


def _pdf_text(text: str, source: str) -> str:
    """A PDF string literal's inside, in the note font's encoding (Windows-1252)."""
    try:
        encoded = text.encode("cp1252")
    except UnicodeEncodeError:
        raise BuildError(
            Problem(source, f"the printing note '{text}' has a letter its font cannot print")
        ) from None
    escaped = encoded.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    return escaped.decode("latin-1")
