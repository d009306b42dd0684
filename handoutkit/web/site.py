"""What the pages are made from: the validated library, the words, the forms and the handouts."""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .. import cache
from ..build import plan
from ..content import Handout
from ..editions import PAPERS, Edition
from ..fields import ON_REQUEST
from ..kinds import KINDS
from ..library import Library, load_library
from ..regions import REGIONS, load_regions
from ..render import Templates
from ..renderer import BOOKLET_ID
from .forms import LetterForm, build_form
from .settings import Settings

HOWTO_ID = "using-your-letters"  # the sheet shown on the form pages, when the project has it
EDITIONS = tuple(Edition(paper, large) for paper in PAPERS for large in (False, True))
WEB = Path(str(files(__package__)))


@dataclass(frozen=True)
class Download:
    """One handout file a person can download: which sheet, and its name in each edition."""

    title: str
    name: str  # <id>, <id>-fillable, <id>-avery or booklet
    large_print: bool = True  # made in the large-print editions too


class Site:
    """One project, validated once at start-up, and everything the pages need from it."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.library: Library = load_library(
            settings.project, settings.clinic, settings.lang, _default_region(settings)
        )
        self.region = self.library.region["region"]
        self.edition = Edition((settings.clinic.paper if settings.clinic else None) or "letter")
        self.strings = self.library.language.strings
        self.web = _web_strings(settings.lang)
        regions = load_regions(settings.project).regions
        self.regions = {code: regions[code]["name"] for code in REGIONS}
        # Every document with fields has its form: a person's own letters, and the ones a
        # prescriber or clinician writes for them (the taper plan, the note of work limits).
        self.letters = {h.id: h for h in self.library.handouts if KINDS[h.kind].fields}
        # The wallet card has its form like a letter, and its own address, POST /card.pdf.
        self.card = next((h for h in self.letters.values() if KINDS[h.kind].with_letters), None)
        self.env = _environment(self.web)
        self.howto = self._howto()
        self.downloads = self._downloads()
        self.names = {d.name for group in self.downloads.values() for d in group}
        self.editions = {e.name: e for e in EDITIONS}
        self._memory: dict[tuple[str, str], bytes] = {}
        self._forms: dict[str, LetterForm] = {}

    def for_clinicians(self, letter: Handout) -> bool:
        """Written by a prescriber or clinician, not by the person: made only on request."""
        return letter.id in ON_REQUEST

    def group(self, letter: Handout) -> list[Handout]:
        """The documents made by the same hands as this one (the person's, or a clinician's)."""
        return [
            h
            for h in self.letters.values()
            if self.for_clinicians(h) == self.for_clinicians(letter)
        ]

    def words(self, letter: Handout) -> Mapping[str, Any]:
        """The form page's words, with those a clinician's page says differently ([form_for])."""
        return {**self.web["form"], **self.web.get("form_for", {}).get(letter.id, {})}

    def form(self, letter: Handout) -> LetterForm:
        if letter.id not in self._forms:
            self._forms[letter.id] = build_form(letter, self.strings, self.web, self.regions)
        return self._forms[letter.id]

    def _howto(self) -> Markup | None:
        """The using-your-letters sheet's own text, as HTML, when the project has that sheet."""
        handout = next((h for h in self.library.handouts if h.id == HOWTO_ID), None)
        if handout is None:
            return None
        templates = Templates(
            self.settings.project, self.library.region, self.library.language, self.settings.clinic
        )
        return Markup(templates.body(handout).body_html)

    def _downloads(self) -> dict[str, list[Download]]:
        """Every handout and the booklet; the letters blank and fillable, as `build` makes them."""
        groups: dict[str, list[Download]] = {"sheets": [], "blank": [], "fillable": []}
        for h in self.library.handouts:
            kind = KINDS[h.kind]
            if kind.fillable:
                groups["blank"].append(Download(h.title, h.id))
                groups["fillable"].append(Download(h.title, f"{h.id}-fillable"))
            else:
                groups["sheets"].append(Download(h.title, h.id, kind.large_print))
            if kind.avery:
                title = self.web["home"]["avery"].format(title=h.title)
                groups["sheets"].append(Download(title, f"{h.id}-avery", kind.large_print))
        groups["booklet"] = [Download(self.web["home"]["booklet"], BOOKLET_ID)]
        return groups

    def made_in(self, name: str, edition: Edition) -> bool:
        """Whether a download is made in this edition (a wallet card has no large print)."""
        item = next(d for group in self.downloads.values() for d in group if d.name == name)
        return item.large_print or not edition.large_print

    # Handouts: from build/ when it is up to date, else rendered once and kept in memory.

    def built(self, name: str, edition: Edition) -> bytes | None:
        """The PDF `build` wrote, if its record says it was made from exactly this content."""
        out = self.settings.build_dir
        if out is None or not out.is_dir():
            return None
        record = cache.load(out)
        base = cache.base_fingerprint(self.settings.project, self.settings.clinic)
        jobs = plan(self.library, self.library.handouts, [edition], base, booklet=True)
        job = next((j for j in jobs if j.name == name), None)
        entry = record.get(job.path) if job else None
        if job is None or not entry or entry.get("key") != job.key:
            return None
        try:
            data = (out / job.path).read_bytes()
        except OSError:
            return None
        return data if hashlib.sha256(data).hexdigest() == entry.get("sha256") else None

    def remembered(self, name: str, edition: Edition) -> bytes | None:
        return self._memory.get((name, edition.name))

    def remember(self, name: str, edition: Edition, data: bytes) -> None:
        # Bounded by the handouts that exist: at most (sheets + 1) x 4 editions.
        self._memory[(name, edition.name)] = data

    def render(self, template: str, **context: Any) -> str:
        return self.env.get_template(template).render(**context)


def _default_region(settings: Settings) -> str | None:
    return settings.clinic.region if settings.clinic else None


def _web_strings(lang: str) -> Mapping[str, Any]:
    return tomllib.loads((WEB / "strings" / f"{lang}.toml").read_text(encoding="utf-8"))


def _environment(web: Mapping[str, Any]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(WEB / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["fmt"] = lambda text, **values: text.format(**values)
    env.globals["w"] = web
    return env
