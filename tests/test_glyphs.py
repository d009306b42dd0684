"""glyphs: the print stack read from CSS, and the characters none of its fonts has."""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path

from pypdf import PdfReader
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from handoutkit.fonts import font_face_css
from handoutkit.glyphs import PRINT_CSS, describe, font_stack, unprintable

from .conftest import ROOT

# Characters a font of the stack has (ễ, and ✓ ½ ° € ☺ ❤ in DejaVu Sans), invisible ones that
# need no glyph (joiners, the emoji variation selector), then what the letters refuse: emoji,
# even one DejaVu draws (😀), a skin tone, private use, a noncharacter.
ACCEPTED = "Nguyễn ✓ ½ ° € ☺ ❤\ufe0f क\u200dष فاطمه\u200cزهرا"  # noqa: RUF001 (Persian)
MISSING = ["😀", "👍", "🏽", "🦩", "\ue000", "\U0010ffff"]
PROBE = ACCEPTED + " " + " ".join(MISSING)


def test_the_stack_is_read_from_print_css():
    stack = font_stack(PRINT_CSS.read_text(encoding="utf-8"))
    assert PRINT_CSS == ROOT / "styles" / "print.css"
    assert stack[0] == "Atkinson Hyperlegible"
    assert "Noto Sans Devanagari" in stack
    assert "sans-serif" not in stack  # A generic family would set characters by chance.


def test_font_stack_parsing():
    css = """
    /* html { font-family: "Commented Out"; } */
    body { font-family: "Body Font"; }
    html {
      color: #111;
      font-family: "First Font", Two Words ,'Third', serif;
    }
    """
    assert font_stack(css) == ["First Font", "Two Words", "Third", "serif"]
    assert font_stack("body { font-family: X; }") == []


def test_unprintable_names_each_missing_character_once_in_order():
    assert unprintable(PROBE + " " + PROBE) == MISSING
    assert unprintable("Ana Pérez\nLine two\twith a tab") == []
    assert unprintable("") == []


def test_unprintable_follows_the_stack_it_is_given(tmp_path: Path):
    only_atkinson = tmp_path / "atkinson.css"
    only_atkinson.write_text('html { font-family: "Atkinson Hyperlegible"; }', encoding="utf-8")
    assert unprintable("Nguyễn Thị", only_atkinson) == ["ễ", "ị"]
    not_installed = tmp_path / "missing.css"
    not_installed.write_text('html { font-family: "No Such Font 7"; }', encoding="utf-8")
    assert unprintable("ab a", not_installed) == ["a", "b", " "]


def test_describe():
    assert describe("ễ") == "'ễ' (U+1EC5)"
    assert describe("👍") == "'👍' (U+1F44D)"
    assert describe("\x01") == "U+0001"


def _render(text: str, caplog) -> tuple[list[str], set[str]]:
    """Set text with the project's own stylesheets: WeasyPrint's .notdef characters, fonts used."""
    fonts = FontConfiguration()
    stylesheets = [
        CSS(string=font_face_css(), font_config=fonts),
        CSS(filename=str(PRINT_CSS), font_config=fonts),
    ]
    html = f"<html lang='en'><body><p>{text}</p></body></html>"
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = HTML(string=html).render(stylesheets=stylesheets, font_config=fonts).write_pdf()
    notdef = re.compile(r"\.notdef glyph .* \(U\+([0-9A-F]+)\)")
    missing = [
        chr(int(match.group(1), 16))
        for record in caplog.records
        if (match := notdef.search(record.getMessage()))
    ]
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    used = {
        str(f.get_object()["/BaseFont"]).split("+")[-1]
        for f in page["/Resources"]["/Font"].values()
    }
    return missing, used


def test_what_unprintable_accepts_is_set_by_fonts_of_the_stack(caplog):
    missing, used = _render(ACCEPTED, caplog)
    assert missing == []
    # WeasyPrint names an embedded font after its family, spaces as hyphens.
    stack = {family.replace(" ", "-") for family in font_stack(PRINT_CSS.read_text())}
    assert {font.removesuffix("-Bold") for font in used} <= stack


def test_every_character_the_renderer_cannot_set_is_caught(caplog):
    """Beyond the stack fontconfig may still find a font (Noto Sans Symbols2 has 👍), so the
    renderer can miss fewer characters than unprintable refuses, never more."""
    missing, _ = _render(PROBE, caplog)
    assert missing, "the probe should hold characters no font has"
    assert set(missing) <= set(MISSING)
