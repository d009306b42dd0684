"""What the pages are made from: the validated library, the words, the forms and the handouts."""

from __future__ import annotations

import hashlib
import logging
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
from ..errors import HandoutError
from ..fields import ON_REQUEST
from ..kinds import KINDS
from ..language import DEFAULT_LANG, LANGS, Language, load_language
from ..library import Library, load_library
from ..regions import REGIONS, load_regions
from ..render import Templates
from ..renderer import BOOKLET_ID
from .forms import LetterForm, build_form
from .settings import Settings

HOWTO_ID = "using-your-letters"  # the sheet shown on the form pages, when the project has it
EDITIONS = tuple(Edition(paper, large) for paper in PAPERS for large in (False, True))
WEB = Path(str(files(__package__)))
log = logging.getLogger("handoutkit.web")


@dataclass(frozen=True)
class Download:
    """One handout file a person can download: which sheet, and its name in each edition."""

    title: str
    name: str  # <id>, <id>-fillable, <id>-avery or booklet
    large_print: bool = True  # made in the large-print editions too


@dataclass(frozen=True)
class Handouts:
    """What the home page offers to download: the sheets of one language, and which one."""

    lang: str
    groups: Mapping[str, list[Download]]
    # False when the page's language has no sheets yet and these are the default language's.
    own: bool = True


class Interface:
    """The pages in one language: their words, the project's words for each question, and the
    documents and sheets in that language (while a translation is missing, the default's)."""

    def __init__(self, site: Site, code: str, web: Mapping[str, Any], language: Language):
        self.site, self.code, self.web = site, code, web
        # Labels, help and the letters' own words come from the project's strings file.
        self.strings = language.strings
        own = site.documents.get(code)
        # The clinic's region in this language: its crisis lines go in every page's footer.
        self.crisis = site.region_data.region(site.region, code)
        self.regions = {key: self.crisis["names"][key] for key in REGIONS}
        # Each document once, in the site's order: its version in this language where there is
        # one, else the default language's (a note of work limits is never in Spanish).
        mine = {h.id: h for h in own.handouts} if own else {}
        self.letters = {id: mine.get(id, h) for id, h in site.letters.items()}
        self._borrowed = {id for id in site.letters if id not in mine}
        sheets = site.complete.get(code) or site.library
        self.handouts = Handouts(
            sheets.language.code, _downloads(sheets, web), code in site.complete
        )
        # How to use the letters, from this language's sheets when it has that one.
        self.howto_library = own if own and HOWTO_ID in mine else site.library
        self._howto: Markup | bool | None = False
        self._forms: dict[str, LetterForm] = {}

    def lang_attr(self, letter: Handout) -> Markup:
        """` lang="en"` on a document's words shown in the default language on this page."""
        if letter.id in self._borrowed:
            return Markup(' lang="{}"').format(self.site.library.language.tag)
        return Markup("")

    @property
    def howto_attr(self) -> Markup:
        if self.howto_library.language.code != self.code:
            return Markup(' lang="{}"').format(self.howto_library.language.tag)
        return Markup("")

    def words(self, letter: Handout) -> Mapping[str, Any]:
        """The form page's words, with those a clinician's page says differently ([form_for])."""
        return {**self.web["form"], **self.web.get("form_for", {}).get(letter.id, {})}

    def form(self, letter: Handout) -> LetterForm:
        if letter.id not in self._forms:
            self._forms[letter.id] = build_form(
                letter, self.strings, self.web, self.regions, self.site.letter_langs(letter.id)
            )
        return self._forms[letter.id]

    def group(self, letter: Handout) -> list[Handout]:
        """The documents made by the same hands as this one (the person's, or a clinician's)."""
        mine = self.site.for_clinicians(letter)
        return [h for h in self.letters.values() if self.site.for_clinicians(h) == mine]

    @property
    def howto(self) -> Markup | None:
        """The using-your-letters sheet's own text, as HTML, when the project has that sheet."""
        if self._howto is False:
            self._howto = _howto(self.site.settings, self.howto_library)
        return self._howto  # type: ignore[return-value]


class Site:
    """One project, validated once at start-up, and everything the pages need from it."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.library: Library = load_library(
            settings.project, settings.clinic, settings.lang, _default_region(settings)
        )
        self.region = self.library.region["region"]
        self.region_data = load_regions(settings.project)
        self.edition = Edition((settings.clinic.paper if settings.clinic else None) or "letter")
        # Every document with fields has its form: a person's own letters, and the ones a
        # prescriber or clinician writes for them (the taper plan, the note of work limits).
        self.letters = {h.id: h for h in self.library.handouts if KINDS[h.kind].fields}
        # The wallet card has its form like a letter, and its own address, POST /card.pdf.
        self.card = next((h for h in self.letters.values() if KINDS[h.kind].with_letters), None)
        # Each language the project builds: its whole set of sheets when every translation is
        # there (the handouts on offer), and the documents it has, which may come first: a
        # letter can be made in Spanish as soon as its own Spanish sheet is written.
        self.complete: dict[str, Library] = {settings.lang: self.library}
        self.documents: dict[str, Library] = {settings.lang: self.library}
        self.only: dict[str, tuple[str, ...] | None] = {settings.lang: None}
        for code in LANGS:
            if code != settings.lang:
                self._translation(code)
        self.env = _environment()
        self.interfaces: dict[str, Interface] = {}
        for code in _web_langs():
            if code != settings.lang and code not in LANGS:
                continue  # the project cannot print this language's words
            language = _language(settings, code)
            if language is not None:
                self.interfaces[code] = Interface(self, code, _web_strings(code), language)
        # The pages' language without ?lang=: the clinic's (its file's `lang`), else the app's.
        clinic = settings.clinic.lang if settings.clinic else None
        self.default = clinic if clinic in self.interfaces else settings.lang
        self.editions = {e.name: e for e in EDITIONS}
        self._memory: dict[tuple[str, str, str], bytes] = {}

    def _translation(self, code: str) -> None:
        full = _library(self.settings, code)
        if full is not None:
            self.complete[code] = self.documents[code] = full
            self.only[code] = None
            return
        # A translation in progress: the documents (and the how-to sheet) it has so far.
        have = tuple(id for id in (*self.letters, HOWTO_ID) if _has(self.settings, code, id))
        partial = _library(self.settings, code, have) if have else None
        if partial is not None:
            self.documents[code] = partial
            self.only[code] = have
        log.warning(
            "the %s sheets are not all there: %s", code,
            f"made in {code}: {', '.join(have)}" if have else f"nothing is made in {code}",
        )  # fmt: skip

    def interface(self, code: str | None) -> Interface:
        """The pages in `code` when the app has them, else in the default language."""
        return self.interfaces.get(code or "") or self.interfaces[self.default]

    @property
    def langs(self) -> list[str]:
        """The languages the pages come in, the default first."""
        return sorted(self.interfaces, key=lambda code: code != self.default)

    def letter_langs(self, id: str) -> tuple[str, ...]:
        """The languages a document can be made in: those that have it, English first."""
        found = [code for code, library in self.documents.items()
                 if any(h.id == id for h in library.handouts)]  # fmt: skip
        return tuple(sorted(found, key=lambda code: (code != DEFAULT_LANG, code)))

    def names(self, lang: str) -> set[str]:
        """The handouts that can be downloaded in `lang`: all of them once its sheets are all
        there (the home page offers them then), before that the ones it has (a form's how-to)."""
        library = self.documents.get(lang)
        if library is None:
            return set()
        names = {d.name for group in _downloads(library, {}).values() for d in group}
        # A booklet of some of the sheets is no booklet.
        return names if lang in self.complete else names - {BOOKLET_ID}

    def for_clinicians(self, letter: Handout) -> bool:
        """Written by a prescriber or clinician, not by the person: made only on request."""
        return letter.id in ON_REQUEST

    def made_in(self, name: str, edition: Edition, lang: str = DEFAULT_LANG) -> bool:
        """Whether a download is made in this edition (a wallet card has no large print)."""
        groups = _downloads(self.documents[lang], {})
        item = next(d for group in groups.values() for d in group if d.name == name)
        return item.large_print or not edition.large_print

    # Handouts: from build/ when it is up to date, else rendered once and kept in memory.

    def built(self, name: str, edition: Edition, lang: str = DEFAULT_LANG) -> bytes | None:
        """The PDF `build` wrote, if its record says it was made from exactly this content."""
        out = self.settings.build_dir
        library = self.documents.get(lang)
        if out is None or library is None or not out.is_dir():
            return None
        record = cache.load(out)
        base = cache.base_fingerprint(self.settings.project, self.settings.clinic)
        jobs = plan(library, library.handouts, [edition], base, booklet=True)
        job = next((j for j in jobs if j.name == name), None)
        entry = record.get(job.path) if job else None
        if job is None or not entry or entry.get("key") != job.key:
            return None
        try:
            data = (out / job.path).read_bytes()
        except OSError:
            return None
        return data if hashlib.sha256(data).hexdigest() == entry.get("sha256") else None

    def remembered(self, name: str, edition: Edition, lang: str = DEFAULT_LANG) -> bytes | None:
        return self._memory.get((lang, name, edition.name))

    def remember(self, name: str, edition: Edition, data: bytes, lang: str = DEFAULT_LANG) -> None:
        # Bounded by the handouts that exist: at most (sheets + 1) x 4 editions per language.
        self._memory[(lang, name, edition.name)] = data

    def render(self, template: str, **context: Any) -> str:
        return self.env.get_template(template).render(**context)


def _downloads(library: Library, web: Mapping[str, Any]) -> dict[str, list[Download]]:
    """Every handout and the booklet; the letters blank and fillable, as `build` makes them."""
    home = web.get("home", {})
    groups: dict[str, list[Download]] = {"sheets": [], "blank": [], "fillable": []}
    for h in library.handouts:
        kind = KINDS[h.kind]
        if kind.fillable:
            groups["blank"].append(Download(h.title, h.id))
            groups["fillable"].append(Download(h.title, f"{h.id}-fillable"))
        else:
            groups["sheets"].append(Download(h.title, h.id, kind.large_print))
        if kind.avery:
            title = home.get("avery", "{title}").format(title=h.title)
            groups["sheets"].append(Download(title, f"{h.id}-avery", kind.large_print))
    groups["booklet"] = [Download(home.get("booklet", ""), BOOKLET_ID)]
    return groups


def _howto(settings: Settings, library: Library) -> Markup | None:
    handout = next((h for h in library.handouts if h.id == HOWTO_ID), None)
    if handout is None:
        return None
    templates = Templates(settings.project, library.region, library.language, settings.clinic)
    return Markup(templates.body(handout).body_html)


def _library(settings: Settings, code: str, only: tuple[str, ...] = ()) -> Library | None:
    """The sheets of `code` (just `only`, when given), or None when they do not all load."""
    try:
        return load_library(
            settings.project, settings.clinic, code, _default_region(settings), only=only or None
        )
    except HandoutError:
        return None


def _has(settings: Settings, code: str, id: str) -> bool:
    """Whether the translation has this sheet, and it loads (`spanish: false` has none)."""
    library = _library(settings, code, (id,))
    return library is not None and any(h.id == id for h in library.handouts)


def _language(settings: Settings, code: str) -> Language | None:
    try:
        return load_language(settings.project.strings, code)
    except HandoutError:
        return None


def _default_region(settings: Settings) -> str | None:
    return settings.clinic.region if settings.clinic else None


def _web_langs() -> list[str]:
    return sorted(path.stem for path in (WEB / "strings").glob("*.toml"))


def _web_strings(lang: str) -> Mapping[str, Any]:
    return tomllib.loads((WEB / "strings" / f"{lang}.toml").read_text(encoding="utf-8"))


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(WEB / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["fmt"] = lambda text, **values: text.format(**values)
    return env
