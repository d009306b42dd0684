"""--html: each output's page as a standalone HTML file beside its PDF, for a browser preview."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .config import Clinic, Project
from .fonts import font_face_css
from .output import write_atomic
from .pool import Job


def write_previews(
    project: Project, clinic: Clinic | None, jobs: Sequence[Job], out: Path
) -> list[Path]:
    """HTML with its stylesheets inlined, so the file opens the same anywhere (no WeasyPrint)."""
    from .build import load_project

    handouts, pages = load_project(project, clinic)
    by_id = {h.id: h for h in handouts}
    styles: dict[str, str] = {}
    written = []
    for job in jobs:
        if job.variant == "booklet":
            html = pages.booklet([pages.page(h) for h in handouts], job.edition, notes_page=False)
        else:
            html = pages.sheet(pages.page(by_id[job.id], job.variant), job.edition)
        if job.edition.name not in styles:
            styles[job.edition.name] = _style_block(project, clinic, job.edition)
        html = html.replace("</head>", styles[job.edition.name] + "</head>", 1)
        path = out / f"{job.edition.name}/{job.name}.html"
        write_atomic(path, html.encode("utf-8"))
        written.append(path)
    return written


def _style_block(project: Project, clinic: Clinic | None, edition) -> str:
    """The edition's stylesheets, read once per edition, as one inline <style>."""
    css = [font_face_css()]
    css += [(project.styles / name).read_text(encoding="utf-8") for name in edition.stylesheets]
    if clinic and clinic.accent:
        css.append(f":root {{ --accent: {clinic.accent}; }}")
    return "<style>\n" + "\n".join(css) + "\n</style>\n"
