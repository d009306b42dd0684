"""The stylesheet stack of one output, in cascade order: fonts, edition, words, clinic colour."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .cards import page_css as cards_css
from .config import Clinic
from .editions import Edition
from .fonts import FONT_ROOT, font_face_css
from .language import Language
from .project import Project


@dataclass(frozen=True)
class Stylesheet:
    """CSS text and the file it came from (None when made here), so URLs resolve against it."""

    name: str
    text: str
    path: Path | None = None


SCREEN = "screen.css"


def resource_folders(project: Project, clinic: Clinic | None) -> list[Path]:
    """Where a page may load files from: the project, the font package, the clinic's logo."""
    folders = [*project.folders(), FONT_ROOT]
    if clinic and clinic.folder:
        folders.append(clinic.folder)  # The logo lives beside the clinic file.
    return folders


def stack(
    project: Project,
    clinic: Clinic | None,
    edition: Edition,
    language: Language,
    screen: bool = False,
) -> list[Stylesheet]:
    """The one place the stack is decided; the PDF and the --html preview (screen) use it."""
    sheets = [Stylesheet("fonts", font_face_css())]
    for name in edition.stylesheets:
        path = project.styles / name
        sheets.append(Stylesheet(name, path.read_text(encoding="utf-8"), path))
    if screen:
        path = project.styles / SCREEN
        sheets.append(Stylesheet(SCREEN, path.read_text(encoding="utf-8"), path))
    stacked = edition.large_print or edition.small  # no room for the page number beside
    sheets.append(Stylesheet(f"words-{language.code}", language.page_css(stacked)))
    # Where the wallet cards sit on this paper (cards.py); card.css gives them their look.
    sheets.append(Stylesheet("cards", cards_css(edition.paper)))
    if clinic and clinic.accent:
        # The clinic's colour is the one style that comes from outside styles/.
        sheets.append(Stylesheet("clinic", f":root {{ --accent: {clinic.accent}; }}"))
    return sheets
