"""Jinja2 pages: a sheet's HTML fragment and front matter become a complete HTML document."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import jinja2
from markupsafe import escape

from . import letters, qr
from .config import Clinic, Project
from .content import Handout
from .editions import Edition
from .kinds import KINDS
from .markup import to_html

BOOKLET_TITLE = "Benzodiazepine tapering and withdrawal"
BOOKLET_SUBTITLE = "Handouts for the person tapering, family and friends, physicians and employers"
LANG = "en"
# Region-dependent text in a sheet: [[region:employment_law]] takes the clinic's region's line.
REGION_TEXT = re.compile(r"\[\[region:(employment_law)\]\]")


def long_date(value: dt.date) -> str:
    """'1 November 2026': unambiguous in every region, unlike 11/01/2026."""
    return f"{value.day} {value:%B %Y}"


@dataclass(frozen=True)
class Page:
    """A sheet ready for a template: its metadata, its body as HTML, and how letters are filled."""

    handout: Handout
    body_html: str
    mode: str = "blank"


class PageRenderer:
    """Owns the Jinja2 environment for one project; autoescape and StrictUndefined always on."""

    def __init__(self, project: Project, region: dict[str, Any], clinic: Clinic | None = None):
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(project.templates),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters["long_date"] = long_date
        self.env.globals.update(
            qr_image=qr.image,
            qr_address=qr.address,
            crisis=region,
            clinic=clinic,
            lang=LANG,
            kinds=KINDS,
        )
        self.region = region

    def page(
        self, handout: Handout, mode: str = "blank", details: dict[str, Any] | None = None
    ) -> Page:
        """Markdown to HTML; a letter's [[fields]] become lines, form fields or the details."""
        html = to_html(handout.body, handout.id)
        html = REGION_TEXT.sub(lambda m: str(escape(self.region[m.group(1)])), html)
        kind = KINDS[handout.kind]
        if kind.fields:
            html = letters.fill(html, mode, details)
        if kind.qr_codes:
            html = qr.add_codes(html)
        return Page(handout, html, mode)

    def sheet(self, page: Page, edition: Edition) -> str:
        return self.env.get_template("handout.html").render(page=page, edition=edition.name)

    def booklet(self, pages: Sequence[Page], edition: Edition, notes_page: bool) -> str:
        reviewed = max(p.handout.reviewed for p in pages)
        return self.env.get_template("booklet.html").render(
            pages=pages,
            edition=edition.name,
            title=BOOKLET_TITLE,
            subtitle=BOOKLET_SUBTITLE,
            reviewed=reviewed,
            notes_page=notes_page,
        )
