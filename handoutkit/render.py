"""Jinja2 pages: a sheet's HTML fragment and front matter become a complete HTML document."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import jinja2

from . import blankrows, cards, placeholders, plan, qr
from .config import Clinic
from .content import Handout
from .editions import Edition
from .fields import lookup
from .kinds import KINDS
from .language import Language
from .markup import to_html
from .project import Project
from .regions import REGION_TEXT, region_text

# Where a plan's table of steps goes while the sheet's own blanks are filled (see body()).
STEPS_MARK = "<!--steps-->"


@dataclass(frozen=True)
class SheetBody:
    """A sheet ready for a template: its metadata, its body as HTML, and how it was filled."""

    handout: Handout
    body_html: str
    mode: str = "blank"
    sources: tuple[str, ...] = ()
    # Personal letters: the line at the top of every page after the first, when answers run on.
    continued: str = ""


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
            translation=language.translation,
            t=language.strings,
            kinds=KINDS,
        )
        self.region = region
        self.language = language

    def body(
        self, handout: Handout, mode: str = "blank", details: dict[str, Any] | None = None
    ) -> SheetBody:
        """Markdown to HTML; a letter's [[fields]] become lines, form fields or the details."""
        # Region text is Markdown too (the help sheet's cards), so it goes in before conversion.
        html = to_html(self._regional(handout.body), handout.id)
        kind = KINDS[handout.kind]
        continued = ""
        # The schedule block goes in after the sheet's blanks are filled, so nothing a person
        # typed into the plan (a medicine, a name) can ever be read as a [[placeholder]].
        html = plan.STEPS.sub(STEPS_MARK, html) if kind.steps else html
        if kind.fields:
            region = self.region["region"]
            html = placeholders.fill(
                html,
                mode,
                details,
                self.language.strings,
                lambda day: self.language.letter_date(day, region),
            )
            if mode == "personal" and kind.runs_on:
                name = lookup(details, "person.name") or ""
                continued = self.language.text("letters.continued", title=handout.title, name=name)
        if kind.steps:
            html = html.replace(STEPS_MARK, self._steps(mode, details))
        if kind.qr_codes:
            html = qr.add_codes(html, lambda url: self.language.text("qr.alt", address=url))
        if mode == "blank":
            html = blankrows.flatten(html)
        sources: list[str] = []
        for source in handout.sources:
            # A source "[[region:employer_sources]]" stands for that list of the region's sources.
            listed = REGION_TEXT.fullmatch(source)
            if listed and isinstance(self.region.get(listed.group(1)), list):
                sources += self.region[listed.group(1)]
            else:
                sources.append(self._regional(source))
        return SheetBody(handout, html, mode, tuple(sources), continued)

    def _regional(self, text: str) -> str:
        return REGION_TEXT.sub(lambda m: region_text(self.region, m.group(1)), text)

    def _steps(self, mode: str, details: dict[str, Any] | None) -> str:
        """The plan's table: computed from a [plan] (personal), else rows to fill in."""
        schedule = plan.schedule_of(details) if mode == "personal" else None
        view = None
        if schedule:
            prescriber = details["plan"].get("prescriber", "")
            sign = self.region.get("decimal_sign")
            view = plan.view(schedule, prescriber, self.language, sign)
        html = self.env.get_template("_plan.html").render(
            plan=view, mode=mode, blank_steps=plan.BLANK_STEPS, pause_rows=plan.PAUSE_ROWS
        )
        if view:
            return html  # Typed values are in it now: never read them as [[placeholders]].
        # Rows to fill in: its own blanks (medicine, forms) hold no typed values yet.
        return placeholders.fill(html, mode, details, self.language.strings)

    def sheet(
        self, body: SheetBody, edition: Edition, preview: bool = False, document: str = "sheet"
    ) -> str:
        """The sheet's page; a preview also carries its footer as text (screen.css shows it).

        A card is a sheet of cards: to cut and fold from plain paper, or (document "avery") on
        business-card stock, fronts then backs.
        """
        template = KINDS[body.handout.kind].template
        if template == "card.html":
            return self._cards(body, edition, document == "avery")
        return self.env.get_template(template).render(
            page=body, edition=edition.name, preview=preview
        )

    def _cards(self, body: SheetBody, edition: Edition, avery: bool) -> str:
        stock = cards.stock(edition.paper, cards.AVERY if avery else cards.FOLD)
        words = self.language.strings["card"]
        if avery:
            sides = ("front", "back")
            notes = {
                "front": words["avery_front"].format(stock=stock.label),
                "back": words["avery_back"].format(stock=stock.label),
            }
        else:
            sides, notes = ("front",), {"front": words["fold_note"]}
        return self.env.get_template("card.html").render(
            page=body,
            edition=edition.name,
            stock=stock,
            sides=sides,
            notes=notes,
            slots=stock.columns * stock.rows,
            marks=stock.marks(),
        )

    def booklet(
        self,
        bodies: Sequence[SheetBody],
        edition: Edition,
        notes: int,
        preview: bool = False,
    ) -> str:
        """The booklet's page: cover, contents, sheets, notes pages; the folded booklet's
        (a small edition) ends with a back cover after its notes pages."""
        reviewed = max(b.handout.reviewed for b in bodies)
        return self.env.get_template("booklet.html").render(
            pages=bodies,
            edition=edition.name,
            reviewed=reviewed,
            notes=notes,
            back_cover=edition.small,
            preview=preview,
        )
