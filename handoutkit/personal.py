"""Personal letters: details in, filled letters out as bytes; the caller decides where they go."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import Clinic
from .content import Handout
from .details import letters_wanted, read_details, validate_details
from .editions import Edition
from .errors import DoesNotFitError, InputError, PageBudgetError, Problem
from .fields import LETTER_SECTIONS, ON_REQUEST, TEXT, field_for, lookup
from .kinds import KINDS
from .language import DEFAULT_LANG, LANGS, load_language
from .layout import Layout
from .library import Library, load_library, select
from .output import write_atomic
from .placeholders import PLACEHOLDER
from .project import Project
from .renderer import Job, Rendered, Renderer
from .settings import Settings, resolve

PRIVATE = 0o600  # a personal letter is readable by its owner only
PRIVATE_FOLDER = 0o700


class RenderedLetters(list):
    """Rendered letters as (file name, PDF bytes), in order, and what the person should know.

    `warnings` are Problems (each naming its field) for letters that ran past their own page
    budget onto continuation pages; `pages` is each file's page count.
    """

    def __init__(self) -> None:
        super().__init__()
        self.warnings: list[Problem] = []
        self.pages: dict[str, int] = {}

    def add(
        self,
        letter: Handout,
        result: Rendered,
        values: Mapping[str, Any],
        source: str = "details",
        lines: Mapping[str, int] | None = None,
    ) -> None:
        """A rendered letter, with a warning when it ran past its own page budget."""
        edition = result.job.edition
        name = personal_name(letter.id, edition, result.job.lang)
        self.append((name, result.data))
        self.pages[name] = result.pages
        budget = letter.page_budget(edition.large_print)
        if result.pages > budget and result.layout is not None:
            warning = _runs_on(
                letter, values, result.layout, result.pages, budget, source, lines or {}
            )
            self.warnings.append(warning)


def personal_name(id: str, edition: Edition, lang: str = DEFAULT_LANG) -> str:
    """A personal output's file name: <id>[-large][-<lang>].pdf."""
    large = "-large" if edition.large_print else ""
    language = "" if lang == DEFAULT_LANG else f"-{lang}"
    return f"{id}{large}{language}.pdf"


def render_letters(
    renderer: Renderer,
    values: Mapping[str, Any],
    edition: Edition,
    only: Sequence[str] | None = None,
    source: str = "details",
    lines: Mapping[str, int] | None = None,
) -> RenderedLetters:
    """Every requested letter rendered in memory, as (file name, PDF bytes); nothing written.

    A letter whose answers run past its own budget continues on further pages, with a warning
    naming the answer; past the most its kind allows (kinds.py), InputError names it. The taper
    plan and the clinician's note come only from details that have their section ([plan],
    [clinician_note]): without it they are left out, or refused when `only` names them.
    """
    lang = renderer.library.language.code
    letters = letters_to_make(renderer.library, values, only, source)
    rendered = RenderedLetters()
    problems: list[Problem] = []
    for letter in letters:
        job = Job("personal", letter.id, made_in(letter, edition), lang, values=values)
        try:
            result = renderer.pdf(job)
        except PageBudgetError as exc:
            problems.append(_too_long(letter, values, exc, source, lines or {}))
            continue
        except DoesNotFitError as exc:
            # A card that does not fit is not made; beside letters, they are made without it.
            alone = len(letters) == 1
            problem = off_card(letter, values, exc.problems, source, lines or {}, alone)
            (problems if alone else rendered.warnings).append(problem)
            continue
        rendered.add(letter, result, values, source, lines)
    if problems:
        raise InputError(problems)
    return rendered


def made_in(letter: Handout, edition: Edition) -> Edition:
    """A wallet card has one size: asked for in large print, it is made at its own."""
    return edition if KINDS[letter.kind].large_print else Edition(edition.paper)


def letters_to_make(
    library: Library, values: Mapping[str, Any], only: Sequence[str] | None, source: str
) -> list[Handout]:
    """The letters `only` names (default: all), less those on request whose section is empty;
    InputError when `only` names one of those."""
    letters = select(letters_of(library), only, what="letter")
    missing = [h for h in letters if not _wanted(h, values)]
    if only and missing:
        raise InputError([_no_section(h.id, source) for h in missing])
    return [h for h in letters if h not in missing]


def letters_of(library: Library) -> list[Handout]:
    """The project's letters: every sheet filled from a person's details (the card too)."""
    return [h for h in library.handouts if KINDS[h.kind].fields]


def letters_for(
    data: Mapping[str, Any], letters: Sequence[Handout], only: Sequence[str] | None
) -> tuple[list[str], list[str], list[str], list[str]]:
    """Of the letters asked for (`only`, default all), the ids of those to make from `data`,
    of the person's own among them, of those whose own sections are empty, and of those on
    request (the taper plan, the clinician's note) whose section `data` lacks.

    The wallet card goes beside the person's own letters; named by --only, it comes alone.
    """
    candidates = [h.id for h in select(letters, only, what="letter")]
    absent = [id for id in candidates if id in ON_REQUEST and ON_REQUEST[id] not in data]
    wanted, empty = letters_wanted(data, [id for id in candidates if id not in absent])
    beside = {h.id for h in letters if KINDS[h.kind].with_letters}
    mine = [id for id in wanted if id not in ON_REQUEST and id not in beside]
    if not only and not mine:
        wanted = [id for id in wanted if id not in beside]
    return wanted, mine, empty, absent


def _wanted(handout: Handout, values: Mapping[str, Any]) -> bool:
    section = ON_REQUEST.get(handout.id)
    return section is None or bool(values.get(section))


def _no_section(id: str, source: str) -> Problem:
    return Problem(source, f"has no [{ON_REQUEST[id]}] section to make the {id} from")


@dataclass
class Made:
    """What `letters` did: the files written, letters left out (and why), and warnings."""

    written: list[Path] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    settings: Settings = field(default_factory=Settings)


def build_letters(
    project: Project,
    details_file: Path,
    out: Path,
    *,
    paper: str | None = None,
    large_print: bool = False,
    region: str | None = None,
    only: Sequence[str] | None = None,
    today: dt.date | None = None,
    clinic: Clinic | None = None,
    lang: str | None = None,
) -> Made:
    """Render every letter the details ask for in memory; write them only once all of them fit.

    `paper` and `region` are the command line's choices, which outrank the details file's
    [settings] and the clinic file (settings.py). A letter whose own section is empty is left
    out, unless --only asked for it. Letters are written readable by their owner only, with
    the how-to sheet for them (`using-your-letters`, when the project has it) and their wallet
    card (filled from the same details, also readable by its owner only) beside them.
    Nothing else is written: no manifest entry, no cache, no temporary file left behind.
    """
    shown = _shown(details_file)
    data, found = read_details(details_file, shown)
    english = load_library(project, clinic)
    # The taper plan and the clinician's note are made when a clinician added their section;
    # asked for by name without it, they are refused.
    wanted, mine, empty, absent = letters_for(data, letters_of(english), only)
    made = Made(skipped=[_skipped(id, shown, found.lines) for id in empty])
    # Messages in the letters' language, as far as it is known before the file is checked.
    words = load_language(project.strings, _language_told(lang, data)).strings
    values, problems = validate_details(
        data,
        wanted,
        today or dt.date.today(),
        shown,
        found.lines,
        project.styles / "print.css",
        words.get("messages"),  # a project made before there were messages: the bundled ones
    )
    if (only and (empty or absent)) or not wanted:
        # Said together with every other mistake in the file, so one edit can fix them all.
        nothing = [_nothing_to_make(id, shown, found.lines) for id in empty]
        nothing += [_no_section(id, shown) for id in absent if only]
        problems = sorted([*problems, *nothing], key=lambda p: (p.line is None, p.line or 0))
    if problems:
        raise InputError(problems)
    made.settings = resolve(region, paper, values, clinic, lang)
    edition = Edition(made.settings.paper, large_print)
    # Just the sheets these letters need, so a translation need not be complete to make them.
    needed = [*wanted, *beside_ids(english)]
    settings = made.settings
    with Renderer(project, clinic, settings.lang, settings.region, needed) as renderer:
        rendered = render_letters(renderer, values, edition, wanted, shown, found.lines)
        # A plan or a clinician's note made on its own is not one of the person's letters, nor
        # is a card: the how-to sheet goes only beside those.
        sheets = render_beside_letters(renderer, edition) if mine else []
    try:
        out.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
        for name, pdf in rendered:
            write_atomic(out / name, pdf, PRIVATE)
            made.written.append(out / name)
        for name, pdf in sheets:
            write_atomic(out / name, pdf)
            made.written.append(out / name)
    except OSError as exc:
        raise InputError(_cannot_write(out, exc)) from None
    made.warnings = rendered.warnings
    return made


def _language_told(flag: str | None, data: Mapping[str, Any]) -> str:
    """The letters' language before the file is checked: the flag, else the file's own
    ([settings] lang, or lang at the top), else English. A wrong one is reported in English."""
    settings = data.get("settings")
    written = settings.get("lang") if isinstance(settings, Mapping) else data.get("lang")
    for told in (flag, written):
        if isinstance(told, str) and told.strip().lower() in LANGS:
            return told.strip().lower()
    return DEFAULT_LANG


def _cannot_write(out: Path, exc: OSError) -> Problem:
    """An --out folder that is a file, or cannot be made or written (permissions, a full disk)."""
    if out.exists() and not out.is_dir():
        reason = "is a file, not a folder"
    else:
        reason = f"cannot be written ({exc.strerror or exc})"
    return Problem(_shown(out), f"{reason}: choose another folder with --out")


def beside_ids(library: Library) -> list[str]:
    """The sheets printed beside a person's letters (the how-to sheet)."""
    return [h.id for h in library.handouts if KINDS[h.kind].beside_letters]


def render_beside_letters(renderer: Renderer, edition: Edition) -> list[tuple[str, bytes]]:
    """The sheets printed beside a person's letters (how to use them, where to get urgent help),
    in the letters' region; none if the project has none.

    They hold no personal details; the web form shows the same sheet on its own page.
    """
    lang = renderer.library.language.code
    sheets = [h for h in renderer.library.handouts if KINDS[h.kind].beside_letters]
    return [
        (personal_name(h.id, edition, lang), renderer.pdf(Job("sheet", h.id, edition, lang)).data)
        for h in sheets
    ]


def _own_sections(letter: str) -> str:
    return " and ".join(f"[{section}]" for section in LETTER_SECTIONS.get(letter, ()))


def _skipped(letter: str, shown: str, lines: Mapping[str, int]) -> Problem:
    sections = LETTER_SECTIONS.get(letter, ())
    line = next((lines[s] for s in sections if s in lines), None)
    verb = "is" if len(sections) == 1 else "are"
    message = f"{_own_sections(letter)} {verb} empty, so no {letter} was made"
    return Problem(shown, message, line)


def _nothing_to_make(letter: str, shown: str, lines: Mapping[str, int]) -> Problem:
    skipped = _skipped(letter, shown, lines)
    message = skipped.message.replace(" was made", " can be made")
    return Problem(shown, f"{message}: fill in {_own_sections(letter)} for it", skipped.line)


def _runs_on(
    letter: Handout,
    values: Mapping[str, Any],
    layout: Layout,
    pages: int,
    budget: int,
    source: str,
    lines: Mapping[str, int],
) -> Problem:
    """A warning naming the answer that made a letter run onto its continuation pages."""
    key = _cause(letter, layout, values)
    where = f"page {budget + 1}" if pages == budget + 1 else f"{pages} pages"
    message = (
        f"is long, so the {letter.id} runs onto {where} (headed as its continuation); "
        + _shorten(key, values, layout, budget)
    )
    return Problem(source, message, lines.get(key) if key else None, key)


def _too_long(
    letter: Handout,
    values: Mapping[str, Any],
    exc: PageBudgetError,
    source: str,
    lines: Mapping[str, int],
) -> Problem:
    """More pages than a letter may take at all: name the answer to shorten.

    A plan is long because of its steps, not its words: a stop dose plans a first part.
    """
    if KINDS[letter.kind].steps:
        message = (
            f"the {letter.id} does not fit on {_pages(exc.budget)}; set stop_mg to plan a "
            "first part"
        )
        return Problem(source, message, lines.get("plan.stop_mg"), "plan.stop_mg")
    key = _cause(letter, exc.layout, values)
    message = (
        f"is too long: the {letter.id} would take {exc.pages} pages, and "
        f"{_pages(exc.budget)} is the most; " + _shorten(key, values, exc.layout, exc.budget)
    )
    return Problem(source, message, lines.get(key) if key else None, key)


def off_card(
    letter: Handout,
    values: Mapping[str, Any],
    found: Sequence[Problem],
    source: str,
    lines: Mapping[str, int],
    alone: bool,
) -> Problem:
    """Answers too long for the wallet card (`found`: what the renderer found): name the
    longest on the side that overflowed, the likeliest cause."""
    front, _, back = letter.body.partition('<div class="card-back"')
    said = " ".join(p.message for p in found)
    key = _cause(letter, None, values, front if "card's front" in said else back)
    made = "" if alone else ", so no wallet card was made"
    message = (
        f'is too long for the {letter.id}{made}: shorten this, or leave it "" and write it '
        "on the card by hand"
    )
    return Problem(source, message, lines.get(key) if key else None, key)


def _cause(
    letter: Handout, layout: Layout | None, values: Mapping[str, Any], body: str | None = None
) -> str | None:
    """The answer taking the most lines, preferring long answers (multi-line fields), among
    those the letter (or the given part of it) prints."""
    used = [f for name, _, _ in PLACEHOLDER.findall(body or letter.body) if (f := field_for(name))]
    texts = [f for f in used if f.type == TEXT and lookup(values, f.key)]
    candidates = [f for f in texts if f.multiline] or texts
    if not candidates:
        return None
    totals = layout.totals() if layout else {}

    def size(f) -> tuple[int, int]:
        answer = totals.get(f.key)
        return (answer.lines if answer else 0, len(str(lookup(values, f.key))))

    return max(candidates, key=size).key


def _shorten(key: str | None, values: Mapping[str, Any], layout: Layout | None, budget: int) -> str:
    goal = f"to keep it to {_pages(budget)}"
    if key is None or layout is None:
        return f"{goal}, shorten your answers"
    characters = layout.shorten_by(key, budget)
    if characters is None or characters >= len(str(lookup(values, key) or "")):
        return f"{goal}, shorten this and your other answers"
    return f"{goal}, shorten this by about {characters} characters"


def _pages(count: int) -> str:
    return "one page" if count == 1 else f"{count} pages"


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()
