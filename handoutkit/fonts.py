"""@font-face rules for Atkinson Hyperlegible, pointing at the pip package's own font files."""

from __future__ import annotations

from pathlib import Path

import fontpkg_atkinson_hyperlegible as atkinson

FONT_ROOT = Path(atkinson.ROOT)
FONT_FILES = {
    (400, "normal"): "AtkinsonHyperlegible-Regular.ttf",
    (700, "normal"): "AtkinsonHyperlegible-Bold.ttf",
    (400, "italic"): "AtkinsonHyperlegible-Italic.ttf",
    (700, "italic"): "AtkinsonHyperlegible-BoldItalic.ttf",
}


def font_face_css() -> str:
    files = FONT_ROOT / "files"
    return "\n".join(
        f'@font-face {{ font-family: "{atkinson.FAMILY}"; font-weight: {weight}; '
        f'font-style: {style}; src: url("{(files / name).as_uri()}"); }}'
        for (weight, style), name in FONT_FILES.items()
    )
