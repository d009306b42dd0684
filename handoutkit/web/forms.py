"""A letter's web form, built from the field registry: controls, posted answers, and problems.

Each control is named by its details key (person.name, employer.accommodations, ...), so a form
post, a details file and the command line all speak the same names. Labels and help come from
the project's strings file; a choice's words are the letter's own sentence for it, so the form
always offers exactly what the letter prints.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ..content import Handout
from ..editions import PAPERS, Edition
from ..errors import Problem
from ..fields import BOOL, BY_KEY, CHOICES, DATE, FIELDS, NUMBER, NUMBERS, SECTIONS, TEXT, Field
from ..kinds import KINDS
from ..language import DEFAULT_LANG
from ..placeholders import PLACEHOLDER
from ..regions import REGIONS


def _setting(name: str) -> str:
    """How a letter is made: the registry's `settings.<name>` when it has one (then the choice
    is saved in the answers file like any detail), else the form's own name for it, which has
    no dot and so never clashes with a details key."""
    key = f"settings.{name}"
    return key if key in BY_KEY else name


REGION, PAPER, LARGE_PRINT = _setting("region"), _setting("paper"), _setting("large_print")
# The letter's language, chosen apart from the page's (which travels in the URL as ?lang=).
LETTER_LANG = "settings.lang" if "settings.lang" in BY_KEY else "letter_lang"
SETTINGS = (REGION, PAPER, LARGE_PRINT, LETTER_LANG)
TRUE, FALSE = "true", "false"
UPLOAD, UPLOAD_ID = "answers", "f-answers"  # the file box of "Open my answers"
FORM = "form"  # the source of problems the form finds itself, in its own words
# What a browser may fill in for the person (WCAG 1.3.5); other fields are left to them.
AUTOCOMPLETE = {
    "person.name": "name",
    "person.date_of_birth": "bday",
    "person.phone": "tel",
    "person.email": "email",
    "person.address": "street-address",
    "employer.organisation": "organization",
    "employer.job_title": "organization-title",
}
INPUT_TYPES = {
    "person.email": "email",
    "person.phone": "tel",
    "physician.phone": "tel",
    "card.emergency_phone": "tel",
}
# Tablet strengths typed in one box: "0.5, 1, 2" or "0.5 1 2".
LIST_SEPARATORS = re.compile(r"[\s,;]+")
NO_SPELLCHECK = (
    "person.name",
    "person.email",
    "physician.name",
    "medication.name",
    "card.emergency_contact",
)
# Answers are raw form values: a string for one box, a list for a group of tick boxes.
Answers = dict[str, Any]


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class Control:
    """One question on the page."""

    key: str  # the form field's name: a details key, or a setting
    kind: str  # text | textarea | date | checkboxes | yesno | radios | checkbox
    label: str
    hint: str = ""
    options: tuple[Option, ...] = ()
    max_length: int | None = None  # shown with a character count
    required: bool = False
    autocomplete: str | None = None
    input_type: str = "text"
    spellcheck: bool = True
    inputmode: str | None = None  # "decimal" for a number box

    @property
    def id(self) -> str:
        return "f-" + re.sub(r"[^a-z0-9]+", "-", self.key)


@dataclass(frozen=True)
class Group:
    """A fieldset: the controls of one section of the details file."""

    name: str
    legend: str
    controls: tuple[Control, ...]


@dataclass(frozen=True)
class LetterForm:
    """Everything the form page of one letter asks, in the order it asks it."""

    letter: Handout
    groups: tuple[Group, ...]
    fields: tuple[Field, ...]  # the details fields this letter prints, registry order
    langs: tuple[str, ...] = ()  # the languages it can be made in
    only_in: str = ""  # said when it is made in one language only, not the page's

    @property
    def keys(self) -> set[str]:
        return {f.key for f in self.fields}

    def control(self, key: str) -> Control | None:
        return next((c for g in self.groups for c in g.controls if c.key == key), None)


def letter_fields(letter_id: str) -> tuple[Field, ...]:
    return tuple(f for f in FIELDS if letter_id in f.letters)


def choice_sentences(letter: Handout, group: str) -> dict[str, str]:
    """The letter's own words after each [[group:choice]]: what ticking it will print."""
    found = {}
    for line in letter.body.splitlines():
        match = PLACEHOLDER.search(line)
        if match and match.group(1) == group and match.group(2):
            words = re.sub(r"[*_`]", "", line[match.end() :]).strip()
            found[match.group(2)] = words
    return found


def build_form(
    letter: Handout,
    strings: Mapping[str, Any],
    web: Mapping[str, Any],
    regions: Mapping[str, str],
    langs: tuple[str, ...] = (),
) -> LetterForm:
    """The letter's form: one group per details section it uses, then the print settings.

    `langs` are the languages the letter can be made in; with more than one, the form asks.
    """
    fields = letter_fields(letter.id)
    words = web["form"]
    groups = []
    for section in SECTIONS:
        controls = tuple(
            _explained(_control(f, letter, strings["fields"][f.key], words), letter, strings, web)
            for f in fields
            if f.section == section
        )
        if controls:
            # A page for a clinician says "The patient" where a person's own page says "About you".
            sections = web["sections"]
            legend = sections.get(f"{letter.id}/{section}") or sections.get(section, "")
            groups.append(Group(section, legend, controls))
    region_options = tuple(Option(code, regions[code]) for code in REGIONS if code in regions)
    paper_options = tuple(Option(p, words.get(f"paper_{p}", p)) for p in PAPERS)
    settings = (
        Control(REGION, "radios", words["region"], words["region_hint"], region_options),
        Control(PAPER, "radios", words["paper"], "", paper_options),
    )
    # A wallet card has one size: no large print to ask for.
    if KINDS[letter.kind].large_print:
        large = Control(LARGE_PRINT, "checkbox", words["large_print"], words["large_print_label"])
        settings += (large,)
    if len(langs) > 1:
        names = words["letter_langs"]
        options = tuple(Option(code, names.get(code, code)) for code in langs)
        # The question names what is being made: a letter, or a wallet card.
        made = "card" if letter.kind == "card" else "letter"
        label, hint = words[f"{made}_lang"], words[f"{made}_lang_hint"]
        settings += (Control(LETTER_LANG, "radios", label, hint, options),)
    # Whatever else the registry asks about how letters are made (not a letter's own detail).
    settings += tuple(
        Control(f.key, "radios", strings["fields"].get(f.key, {}).get("label", f.name), "",
                tuple(Option(c, c) for c in f.choices))
        for f in FIELDS
        if f.section == "settings" and f.key not in SETTINGS and f.choices
    )  # fmt: skip
    groups.append(Group("settings", words["settings_heading"], settings))
    own = web["lang_tag"].split("-")[0]
    only_in = words["only_in"].get(langs[0], "") if len(langs) == 1 and langs[0] != own else ""
    return LetterForm(letter, tuple(groups), fields, langs, only_in)


def _control(
    f: Field, letter: Handout, words: Mapping[str, str], form: Mapping[str, str]
) -> Control:
    required = f.always_required or letter.id in f.required_for
    hint = "" if _same_words(words["help"], words["label"]) else words["help"]
    common = {"key": f.key, "label": words["label"], "hint": hint, "required": required}
    if f.type == TEXT:
        long = f.multiline
        return Control(
            kind="textarea" if long else "text",
            max_length=f.max_length if long else None,
            autocomplete=AUTOCOMPLETE.get(f.key),
            input_type=INPUT_TYPES.get(f.key, "text"),
            spellcheck=f.key not in NO_SPELLCHECK,
            **common,
        )
    if f.type in (NUMBER, NUMBERS):
        # Several strengths go in one box, "0.5, 1, 2": no decimal keypad, which has no comma.
        mode = "decimal" if f.type == NUMBER else None
        return Control(kind="text", inputmode=mode, spellcheck=False, **common)
    if f.type == DATE:
        # A date box shows the browser's own day/month order, so no example format is given.
        return Control(kind="date", autocomplete=AUTOCOMPLETE.get(f.key), **common)
    if f.type == BOOL:
        options = (Option(TRUE, form["yes"]), Option(FALSE, form["no"]))
        return Control(kind="yesno", options=options, **common)
    assert f.type == CHOICES
    sentences = choice_sentences(letter, f.placeholder or "")
    options = tuple(
        Option(choice, sentences.get(choice) or choice.replace("-", " ").capitalize())
        for choice in f.choices
    )
    if f.all_choice:
        common["hint"] = f"{words['help']}. {form['select_all_hint']}"
    return Control(kind="checkboxes", options=options, **common)


def _explained(
    control: Control, letter: Handout, strings: Mapping[str, Any], web: Mapping[str, Any]
) -> Control:
    """More words for a question that needs them ([explain] in the web strings): a longer hint,
    and what each yes/no answer prints, quoted from the letters' own strings."""
    explain = web.get("explain", {})
    extra = explain.get(f"{letter.id}/{control.key}") or explain.get(control.key)
    if not extra:
        return control
    # The letters' words, their own {placeholders} said as what the person will fill in.
    shown = _Filled(web["form"].get("placeholders", {}))
    words = {
        key: value.format_map(shown)
        for key, value in strings["letters"].items()
        if isinstance(value, str)
    }
    hint = extra.get("hint", "").format(**words) or control.hint
    label = extra.get("label") or control.label
    options = tuple(
        Option(o.value, extra.get(o.value, "").format(**words) or o.label) for o in control.options
    )
    kind = "radios" if control.kind == "yesno" and options != control.options else control.kind
    return replace(control, label=label, hint=hint, options=options, kind=kind)


class _Filled(dict):
    """format_map values: the words for a known placeholder, else the placeholder's name."""

    def __missing__(self, key: str) -> str:
        return key


def _same_words(hint: str, label: str) -> bool:
    """A hint that only repeats its label ("Your full name") is left out, as GOV.UK advises."""

    def plain(text: str) -> str:
        return re.sub(r"^your ", "", text.strip().lower())

    return plain(hint) == plain(label)


# Answers: what the form shows and posts ---------------------------------------------------------


def default_answers(
    form: LetterForm, today: dt.date, region: str, edition: Edition, lang: str = ""
) -> Answers:
    """A fresh form: today's date, every request ticked, the clinic's region and paper, and
    the letter in the page's language (`lang`) when it can be made in it."""
    answers: Answers = {}
    for f in form.fields:
        if f.default == "today":
            answers[f.key] = today.isoformat()
        elif f.type == CHOICES:
            default = list(f.default or ())
            answers[f.key] = list(f.choices) if "all" in default else default
        elif f.type == BOOL:
            answers[f.key] = TRUE if f.default else FALSE
        else:
            answers[f.key] = ""
    answers.update(
        {REGION: region, PAPER: edition.paper, LARGE_PRINT: TRUE if edition.large_print else ""}
    )
    if form.langs:
        answers[LETTER_LANG] = lang if lang in form.langs else form.langs[0]
    return answers


def answers_from_form(items: Iterable[tuple[str, Any]]) -> Answers:
    """Posted (name, value) pairs as answers; unknown names are dropped, lists kept whole."""
    known = {f.key: f for f in FIELDS}
    answers: Answers = {}
    for name, value in items:
        if not isinstance(value, str):
            continue  # an uploaded file posted to the wrong place
        f = known.get(name)
        if f is not None and f.type == CHOICES:
            # An empty marker always comes first, so "nothing ticked" is an empty list, not
            # a missing field (which the registry would fill with its default).
            answers.setdefault(name, [])
            if value:
                answers[name].append(value)
        elif f is not None or name in SETTINGS:
            answers[name] = _one_line_endings(value) if f is not None and f.type == TEXT else value
    return answers


def _one_line_endings(text: str) -> str:
    # Browsers post CRLF; a details file read by the command line has LF.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def details_from_answers(answers: Answers) -> dict[str, dict[str, Any]]:
    """The details mapping validate_details reads, exactly as a details file would give it."""
    details: dict[str, dict[str, Any]] = {}
    for f in FIELDS:
        if f.key not in answers:
            continue
        raw = answers[f.key]
        if f.type == CHOICES:
            chosen = [c for c in raw if isinstance(c, str)]
            value: Any = ["all"] if f.all_choice and set(f.choices) <= set(chosen) else chosen
        elif f.type == BOOL:
            value = raw == TRUE
        elif f.type == NUMBERS:
            text = raw.strip() if isinstance(raw, str) else ""
            value = [item for item in LIST_SEPARATORS.split(text) if item]
        elif f.type == NUMBER:
            value = raw.strip() if isinstance(raw, str) else ""
            if not value:
                continue  # an empty box is an answer left out, so the registry's default holds
        else:
            value = raw if isinstance(raw, str) else ""
        details.setdefault(f.section, {})[f.name] = value
    return details


def answers_from_details(data: Mapping[str, Any]) -> Answers:
    """A details file's values as form answers (kept as given, so a wrong one can be fixed)."""
    answers: Answers = {}
    for f in FIELDS:
        table = data.get(f.section)
        if not isinstance(table, Mapping) or f.name not in table:
            continue
        value = table[f.name]
        if f.type == CHOICES:
            items = [str(v) for v in value] if isinstance(value, list) else []
            answers[f.key] = list(f.choices) if "all" in items else items
        elif f.type == BOOL:
            answers[f.key] = TRUE if value is True else FALSE
        elif f.type == NUMBERS and isinstance(value, list):
            answers[f.key] = ", ".join(str(v) for v in value)
        elif isinstance(value, dt.date | str | int | float):
            answers[f.key] = value.isoformat() if isinstance(value, dt.date) else str(value)
    return answers


def settings_from_answers(
    answers: Answers,
    default_region: str,
    default_edition: Edition,
    words: Mapping[str, str],
    langs: tuple[str, ...] = (DEFAULT_LANG,),
) -> tuple[str, Edition, str, list[Problem]]:
    """Region, edition and the letter's language chosen on the form, else the defaults (the
    letter's first language); problems name the control.

    A setting the registry has is checked by validate_details with the other details; the
    letter's language is checked here as well, against the languages this letter comes in.
    """
    problems = []
    region = answers.get(REGION) or default_region
    if region not in REGIONS:
        if REGION not in BY_KEY:
            problems.append(Problem(FORM, words["unknown_region"], field=REGION))
        region = default_region
    paper = answers.get(PAPER) or default_edition.paper
    if paper not in PAPERS:
        if PAPER not in BY_KEY:
            problems.append(Problem(FORM, words["unknown_paper"], field=PAPER))
        paper = default_edition.paper
    large = answers.get(LARGE_PRINT) in (TRUE, "on")
    lang = answers.get(LETTER_LANG) or langs[0]
    if lang not in langs:
        registry = BY_KEY.get(LETTER_LANG)
        if registry is None or lang in (registry.choices or ()):  # else the registry says it
            problems.append(Problem(FORM, words["unknown_lang"], field=LETTER_LANG))
        lang = langs[0]
    return region, Edition(paper, large), lang, problems


def longest_answer(form: LetterForm, answers: Answers) -> Field | None:
    """The free-text answer most likely to push the letter onto another page."""
    texts = [f for f in form.fields if f.type == TEXT and answers.get(f.key)]
    candidates = [f for f in texts if f.multiline] or texts
    return max(candidates, key=lambda f: len(answers[f.key]), default=None)


# Problems as GOV.UK-style messages ---------------------------------------------------------------


@dataclass
class Messages:
    """The error summary (every problem, linked to its box) and the message beside each box."""

    summary: list[tuple[str | None, str]] = field(default_factory=list)  # (control id, text)
    inline: dict[str, list[str]] = field(default_factory=dict)  # key -> messages

    def __bool__(self) -> bool:
        return bool(self.summary)


def messages(
    problems: Iterable[Problem], form: LetterForm, strings: Mapping[str, Any], web: Mapping
) -> Messages:
    out = Messages()
    for problem in problems:
        if problem.field == UPLOAD:  # the answers file box, outside the letter's own form
            out.inline.setdefault(UPLOAD, []).append(problem.message)
            out.summary.append((UPLOAD_ID, problem.message))
            continue
        control = form.control(problem.field) if problem.field else None
        if problem.source == FORM:  # the form's own words, a whole sentence
            text = problem.message
        elif problem.field and problem.field in strings["fields"]:
            # On a letter's own page "is required for the physician-letter" is for this letter.
            named = strings["messages"]["required_for"].format(letter=form.letter.id)
            said = problem.message.replace(named, web["form"]["required_here"])
            label = strings["fields"][problem.field]["label"]
            text = field_message(label, said, web["form"]["joined"])
        elif control is not None:
            text = field_message(control.label, problem.message, web["form"]["joined"])
        else:
            text = str(problem).lstrip(": ")
        if control is not None:
            out.inline.setdefault(control.key, []).append(text)
        out.summary.append((control.id if control else None, text))
    return out


def field_message(label: str, message: str, joined: Iterable[str]) -> str:
    """'Your full name is required': a field's label and the registry's message as one line.

    A message that starts with one of the `joined` words ("is", "must"; in Spanish "es",
    "debe") reads on from the label; any other follows it after a colon.
    """
    if any(message.startswith(word + " ") for word in joined):
        return f"{label} {message}"
    return f"{label}: {message}"
