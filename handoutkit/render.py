"""Jinja2 pages: a sheet's HTML fragment and front matter become a complete HTML document."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import jinja2
from markupsafe import escape

from . import placeholders, qr
from .config import Clinic
from .content import Handout
from .editions import Edition
from .kinds import KINDS
from .language import Language
from .markup import to_html
from .project import Project

# Region-dependent text in a sheet: [[region:employment_law]] takes the clinic's region's line.
REGION_TEXT = re.compile(r"\[\[region:(employment_law)\]\]")


@dataclass(frozen=True)
class SheetBody:
    """A sheet ready for a template: its metadata, its body as HTML, and how it was filled."""

    handout: Handout
    body_html: str
    mode: str = "blank"


class Templates:
    """One project's Jinja2 environment in one language; autoescape and StrictUndefined on."""

    def __init__(
        self,
        project: Project,
        region: dict[str, Any],
        language: Language,
        clinic: Clinic | None = None,
    ):
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(project.templates),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters["long_date"] = language.long_date
        self.env.filters["fmt"] = lambda text, **values: text.format(**values)
        self.env.globals.update(
            qr_image=lambda url: qr.image(url, language.text("qr.alt", address=url)),
            qr_address=qr.address,
            crisis=region,
            clinic=clinic,
            lang=language.tag,
            t=language.strings,
            kinds=KINDS,
        )
        self.region = region
        self.language = language

    def body(
        self, handout: Handout, mode: str = "blank", details: dict[str, Any] | None = None
    ) -> SheetBody:
        """Markdown to HTML; a letter's [[fields]] become lines, form fields or the details."""
        html = to_html(handout.body, handout.id)
        html = REGION_TEXT.sub(lambda m: str(escape(self.region[m.group(1)])), html)
        kind = KINDS[handout.kind]
        if kind.fields:
            html = placeholders.fill(html, mode, details, self.language.strings)
        if kind.qr_codes:
            html = qr.add_codes(html, lambda url: self.language.text("qr.alt", address=url))
        return SheetBody(handout, html, mode)

    def sheet(self, body: SheetBody, edition: Edition, preview: bool = False) -> str:
        """The sheet's page; a preview also carries its footer as text (screen.css shows it)."""
        return self.env.get_template("handout.html").render(
            page=body, edition=edition.name, preview=preview
        )

    def booklet(
        self,
        bodies: Sequence[SheetBody],
        edition: Edition,
        notes_page: bool,
        preview: bool = False,
    ) -> str:
        reviewed = max(b.handout.reviewed for b in bodies)
        return self.env.get_template("booklet.html").render(
            pages=bodies,
            edition=edition.name,
            reviewed=reviewed,
            notes_page=notes_page,
            preview=preview,
        )
