"""Which characters of a value the letters cannot print (no font of the stack, or emoji)."""

from __future__ import annotations

import subprocess
import unicodedata
from functools import lru_cache
from pathlib import Path

import fontpkg_atkinson_hyperlegible as atkinson
import tinycss2
from fontTools.ttLib import TTFont

from .fonts import FONT_FILES, FONT_ROOT

# The stack is written once, in CSS; this module reads it rather than keeping a copy.
PRINT_CSS = Path(__file__).resolve().parent.parent / "styles" / "print.css"

# Line breaks and tabs in multi-line values are layout, not glyphs.
LAYOUT = frozenset("\t\n\r")
# Unicode's Default_Ignorable_Code_Point ranges (DerivedCoreProperties.txt): joiners, variation
# selectors, soft hyphen and the like. HarfBuzz draws nothing for them when a font lacks them,
# so they need no glyph. (Bidi controls are among them; refusing those is a separate check.)
IGNORABLE = (
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)

# Emoji (and the other pictographs of U+1F000-U+1FAFF: flags, skin tones, cards) are refused even
# where a text font has a black-and-white drawing (DejaVu has 😀 but not 🙂): a patient sees them
# in colour on a phone, and a letter that prints some of them as outlines and refuses others
# would look arbitrary. Colour emoji fonts are not used; see the note on styles/print.css.
PICTOGRAPHS = (0x1F000, 0x1FAFF)


def unprintable(text: str, stylesheet: Path = PRINT_CSS) -> list[str]:
    """The characters of text the letters will not print, each once, in order of appearance.

    That is every character no font in the stylesheet's stack has, which would print as an empty
    box (.notdef) or in whatever font the machine happens to have, and every emoji. The caller
    refuses a value holding one, naming the character.
    """
    families = _stack(stylesheet.resolve())
    low, high = PICTOGRAPHS
    # Fonts are read in stack order, and only as far as needed: a Latin name opens one file.
    return [
        char
        for char in dict.fromkeys(text)
        if char not in LAYOUT
        and not _ignorable(char)
        and (low <= ord(char) <= high or not any(ord(char) in _cmap(f) for f in families))
    ]


def _ignorable(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in IGNORABLE)


@lru_cache
def _stack(stylesheet: Path) -> tuple[str, ...]:
    return tuple(font_stack(stylesheet.read_text(encoding="utf-8")))


@lru_cache
def _cmap(family: str) -> frozenset[int]:
    """The code points a family's regular face maps to glyphs; empty if it is not installed."""
    covered: set[int] = set()
    for path, index in _font_files(family):
        with TTFont(path, fontNumber=index, lazy=True) as font:
            covered.update(font.getBestCmap() or ())
    return frozenset(covered)


def font_stack(css: str) -> list[str]:
    """The families of the font-family declaration on `html`, in order, quotes removed."""
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type != "qualified-rule" or tinycss2.serialize(rule.prelude).strip() != "html":
            continue
        for declaration in tinycss2.parse_blocks_contents(
            rule.content, skip_comments=True, skip_whitespace=True
        ):
            if declaration.type == "declaration" and declaration.lower_name == "font-family":
                return _families(declaration.value)
    return []


def _families(tokens: list) -> list[str]:
    families, words = [], []
    for token in [*tokens, None]:
        if token is None or (token.type == "literal" and token.value == ","):
            if words:
                families.append(" ".join(words))
            words = []
        elif token.type in ("string", "ident"):
            words.append(token.value)
    return families


def _font_files(family: str) -> list[tuple[Path, int]]:
    """The regular face of a family: the pip package's own, else what fontconfig has."""
    if family == atkinson.FAMILY:
        return [(FONT_ROOT / "files" / FONT_FILES[(400, "normal")], 0)]
    escaped = "".join("\\" + c if c in "\\-:,=" else c for c in family)
    try:
        found = subprocess.run(
            [
                "fc-match",
                "--format",
                "%{family}\t%{file}\t%{index}",
                f"{escaped}:weight=80:slant=0",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return []  # No fontconfig: nothing counts as covered, so nothing is set by chance.
    if found.count("\t") != 2:
        return []
    names, path, index = found.split("\t")
    # fc-match always answers; a different family means this one is not installed.
    if family.casefold() not in {name.casefold() for name in names.split(",")}:
        return []
    return [(Path(path), int(index) & 0xFFFF)]  # High bits name a variable font's instance.


def describe(char: str) -> str:
    """A character as a message shows it: 'ễ' (U+1EC5)."""
    shown = char if unicodedata.category(char)[0] not in "CZ" else ""
    return f"'{shown}' (U+{ord(char):04X})" if shown else f"U+{ord(char):04X}"
