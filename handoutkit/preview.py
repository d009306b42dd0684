"""--html: each output's page as one standalone HTML file beside its PDF, for a browser preview.

Standalone means it opens the same anywhere (mailed, copied to another machine): stylesheets
are inlined, and fonts and pictures are embedded as data: URLs, never file:// paths into this
machine. screen.css draws each sheet on paper of its edition's size, with margins and footer.
"""

from __future__ import annotations

import base64
import html as html_text
import re
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .config import Clinic
from .editions import Edition
from .output import write_atomic
from .project import Project
from .renderer import Job, Renderer
from .stylesheets import Stylesheet, resource_folders, stack

TYPES = {
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
}
SRC = re.compile(r'(\ssrc=")([^"]*)(")')
CSS_URL = re.compile(r"""url\(\s*(["']?)([^"')]*)\1\s*\)""")


def write_previews(
    project: Project,
    clinic: Clinic | None,
    jobs: Sequence[Job],
    out: Path,
    only: Sequence[str] | None = None,
) -> list[Path]:
    """One HTML file per job, beside its PDF; nothing in it points at this machine's files."""
    embed = _Embedder(resource_folders(project, clinic))
    renderers: dict[str, Renderer] = {}
    styles: dict[tuple[Edition, str], str] = {}
    written = []
    for job in jobs:
        if job.lang not in renderers:
            renderers[job.lang] = Renderer(project, clinic, job.lang, only=only)
        renderer = renderers[job.lang]
        edition = renderer.edition(job)  # the small booklet's pages are half-size
        key = (edition, job.lang)
        if key not in styles:
            sheets = stack(project, clinic, edition, renderer.library.language, screen=True)
            css = "\n".join(embed.css(sheet) for sheet in sheets)
            styles[key] = f"<style>\n{css}\n</style>\n"
        page = embed.html(renderer.html(job, preview=True), project.root.resolve())
        page = page.replace("</head>", styles[key] + "</head>", 1)
        path = out / Path(job.path).with_suffix(".html")
        write_atomic(path, page.encode("utf-8"))
        written.append(path)
    return written


class _Embedder:
    """Turns a URL a page loads into a data: URL, if the build would have loaded it at all."""

    def __init__(self, allowed: list[Path]):
        self.allowed = [p.resolve() for p in allowed]
        self.cache: dict[Path, str] = {}

    def html(self, page: str, base: Path) -> str:
        return SRC.sub(lambda m: m[1] + html_text.escape(self.url(m[2], base)) + m[3], page)

    def css(self, sheet: Stylesheet) -> str:
        base = sheet.path.resolve().parent if sheet.path else None
        return CSS_URL.sub(lambda m: f'url("{self.url(m[2], base)}")', sheet.text)

    def url(self, url: str, base: Path | None) -> str:
        url = html_text.unescape(url)
        parts = urlsplit(url)
        if parts.scheme == "data" or (not parts.scheme and url.startswith("#")):
            return url
        if parts.scheme == "file":
            path = Path(unquote(parts.path))
        elif not parts.scheme and base is not None:
            path = base / unquote(parts.path)
        else:
            return url  # http(s): the PDF build refused it already, so no preview is written
        return self._data(path.resolve())

    def _data(self, path: Path) -> str:
        if path not in self.cache:
            inside = any(path.is_relative_to(folder) for folder in self.allowed)
            kind = TYPES.get(path.suffix.lower())
            if not (inside and kind and path.is_file()):
                self.cache[path] = ""  # nothing from outside the project, as in the PDF
            else:
                data = base64.b64encode(path.read_bytes()).decode("ascii")
                self.cache[path] = f"data:{kind};base64,{data}"
        return self.cache[path]
