"""--html: each output's page as a standalone HTML file beside its PDF, for a browser preview."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .config import Clinic
from .output import write_atomic
from .project import Project
from .renderer import Job, Renderer
from .stylesheets import stack


def write_previews(
    project: Project, clinic: Clinic | None, jobs: Sequence[Job], out: Path
) -> list[Path]:
    """HTML with its stylesheets inlined, so the file opens the same anywhere (no WeasyPrint)."""
    renderers: dict[str, Renderer] = {}
    styles: dict[tuple[str, str], str] = {}
    written = []
    for job in jobs:
        if job.lang not in renderers:
            renderers[job.lang] = Renderer(project, clinic, job.lang)
        renderer = renderers[job.lang]
        html = renderer.html(job)
        key = (job.edition.name, job.lang)
        if key not in styles:
            sheets = stack(project, clinic, job.edition, renderer.library.language)
            styles[key] = "<style>\n" + "\n".join(s.text for s in sheets) + "\n</style>\n"
        html = html.replace("</head>", styles[key] + "</head>", 1)
        path = out / Path(job.path).with_suffix(".html")
        write_atomic(path, html.encode("utf-8"))
        written.append(path)
    return written
