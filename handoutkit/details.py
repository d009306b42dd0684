"""A person's details: validation of a mapping (from any source) or of a details file."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import detailsfile, glyphs, taper
from .errors import InputError, Problem, did_you_mean
from .fields import (
    BOOL,
    BY_KEY,
    CHOICES,
    DATE,
    FIELDS,
    LETTER_SECTIONS,
    NUMBER,
    NUMBERS,
    ON_REQUEST,
    ONE,
    SECTIONS,
    SETTINGS,
    TAPER_PLAN,
    TEXT,
    Field,
    lookup,
    room,
)

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
NUMBER_TEXT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")  # what a web form's box may send
# Characters that reorder the text around them, so that a value could make a letter show
# something other than what is written: embeddings, overrides, isolates and the direction marks.
# Right-to-left names need none of them: each value is set in its own direction by the renderer.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
LINE_BREAKS = re.compile(r"\r\n|\r|\u2028|\u2029|\x85")


def validate_details(
    data: Mapping[str, Any],
    needs: Iterable[str],
    today: dt.date,
    source: str = "",
    lines: Mapping[str, int] | None = None,
    stylesheet: Path | None = None,
) -> tuple[dict[str, dict[str, Any]], list[Problem]]:
    """Check every value against the field registry; return the clean values and every problem.

    `needs` are the letters to be made: a field required only for another letter may be empty.
    A document in ON_REQUEST (the taper plan, the clinician's note) is needed only when `data`
    has its section. Each problem names its field (Problem.field), so a form can show it beside
    the right box; `lines` (key -> line, from a details file) puts the line in the message too.
    `stylesheet` is the print.css whose fonts must have every character (default: the bundled
    project's). The taper plan's numbers are checked by taper.py, with its refusals.
    """
    needs = {n for n in needs if n not in ON_REQUEST or ON_REQUEST[n] in data}
    check = _Checker(source, lines or {}, stylesheet, needs, from_file=lines is not None)
    values: dict[str, dict[str, Any]] = {section: {} for section in SECTIONS}
    for section, table in _sections(data, check):
        for name, value in table.items():
            key = f"{section}.{name}"
            field = BY_KEY.get(key)
            if field is None:
                names = [f.name for f in FIELDS if f.section == section]
                check.problem(key, f"unknown field{did_you_mean(name, names)}")
                continue
            checked = check.value(field, value)
            if checked is not None:
                values[section][name] = checked
    _required(values, needs, check)
    if not check.problems:
        _defaults(values, today, present=set(data))
        if TAPER_PLAN in needs:
            _plan_problems(values["plan"], check)
    # In file order; problems with no line (a field left out, or a form's) in the registry's.
    return values, sorted(check.problems, key=_order)


ORDER = {f.key: index for index, f in enumerate(FIELDS)}


def _order(problem: Problem) -> tuple[bool, int, int]:
    return (problem.line is None, problem.line or 0, ORDER.get(problem.field or "", len(ORDER)))


def _sections(data: Mapping[str, Any], check: _Checker):
    """The file's tables; settings written at the top (region = "uk") count as [settings]."""
    settings = {f.name for f in SETTINGS}
    loose = {k: v for k, v in data.items() if k in settings and not isinstance(v, Mapping)}
    if loose:
        yield "settings", loose
    for section, table in data.items():
        if section in loose:
            continue
        if section not in SECTIONS:
            hint = did_you_mean(section, SECTIONS)
            check.problem(section, f"[{section}]: unknown section{hint}", field=False)
        elif not isinstance(table, Mapping):
            check.problem(section, f"must be a [{section}] table")
        else:
            yield section, table


class _Checker:
    """Collects problems, each located at its key's line."""

    def __init__(
        self,
        source: str,
        lines: Mapping[str, int],
        stylesheet: Path | None,
        needs: set[str],
        from_file: bool = False,
    ):
        self.source, self.lines = source, lines
        self.stylesheet, self.needs = stylesheet, needs
        self.from_file = from_file  # a details file: a missing answer's fix shows its line
        self.problems: list[Problem] = []

    def starter_example(self, field: Field, value: str) -> bool:
        """A made-up example left unchanged in a details file (a form has no examples in it)."""
        return self.from_file and field.sample and value == field.example

    def problem(self, key: str, message: str, field: bool = True) -> None:
        line = self.lines.get(key) or self.lines.get(key.split(".")[0])
        self.problems.append(Problem(self.source, message, line, key if field else None))

    def value(self, field: Field, value: Any) -> Any:
        if field.type == TEXT:
            return self.text(field, value)
        if field.type == BOOL:
            if isinstance(value, bool):
                return value
            if not self.from_file:  # a form's box or a table's cell: no file syntax
                return self.problem(field.key, "write true or false")
            fix = detailsfile.value_fix(field, value)
            return self.problem(field.key, fix or f"write true or false: {field.name} = false")
        if field.type == DATE:
            return self.date(field, value)
        if field.type == ONE:
            return self.one(field, value)
        if field.type == NUMBER:
            number = _number(value)
            return (
                number
                if number is not None
                else self.problem(field.key, f"must be a number; got {_show(value)}")
            )
        if field.type == NUMBERS:
            numbers = [_number(item) for item in value] if isinstance(value, list) else [None]
            if None in numbers:
                return self.problem(
                    field.key, f"must be a list of numbers, like [0.5, 1, 2]; got {_show(value)}"
                )
            return numbers
        assert field.type == CHOICES
        return self.choices(field, value)

    def text(self, field: Field, value: Any) -> str | None:
        if not isinstance(value, str):
            shown = str(value).lower() if isinstance(value, bool) else str(value)
            return self.problem(
                field.key, f'text goes between two straight quote marks: {field.name} = "{shown}"'
            )
        text = LINE_BREAKS.sub("\n", value).replace("\t", " ")
        text = unicodedata.normalize("NFC", text.strip())
        message = _refused_characters(field, text) or _too_long(field, text)
        if message is None:
            message = _unprintable(text, self.stylesheet)
        if message is None and self.starter_example(field, text):
            message = f'"{text}" is the example from the starter file: write your own here'
        if message:
            return self.problem(field.key, message)
        return text or None  # "" is left to be written by hand

    def date(self, field: Field, value: Any) -> str | None:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            value = value.isoformat()
        if isinstance(value, str) and value.strip() == "":
            return None
        if isinstance(value, str) and ISO_DATE.match(value.strip()):
            try:
                iso = dt.date.fromisoformat(value.strip()).isoformat()
            except ValueError:
                return self.problem(
                    field.key,
                    f"{value.strip()} is not a real date: check the month and the day "
                    '(dates are written year-month-day, like "2026-12-01")',
                )
            if self.starter_example(field, iso):
                return self.problem(
                    field.key, f"{iso} is the example from the starter file: write your own here"
                )
            return iso
        if not self.from_file:
            return self.problem(field.key, detailsfile.date_fix(value))
        example = f'{field.name} = "2026-12-01"'
        fix = detailsfile.value_fix(field, value)
        return self.problem(
            field.key, fix or f"write the date year-month-day between quote marks: {example}"
        )

    def one(self, field: Field, value: Any) -> str | None:
        if isinstance(value, str) and value.strip() == "":
            return None  # Not set here: the clinic file or the default decides.
        if isinstance(value, str) and value.strip().lower() in field.choices:
            return value.strip().lower()
        hint = did_you_mean(str(value), field.choices, "write one of")
        return self.problem(field.key, f"unknown choice {_show(value)}{hint}")

    def choices(self, field: Field, value: Any) -> list[str] | None:
        items = value if isinstance(value, list) else [value]
        count = len(field.choices)
        example = f'{field.name} = ["all"]' if field.all_choice else f"{field.name} = [1, 3]"
        if not items:
            # A list a letter must have (its requests, an employer letter's limits) cannot be
            # empty; another may be left empty, as may any for a letter not being made.
            must = field.required_for if field.default is None else field.letters
            if not self.needs & set(must):
                return None  # nothing chosen, which is no answer
            return self.problem(field.key, f"nothing is chosen: {_at_least_one(field)}")
        chosen: list[str] = []
        for item in items:
            if isinstance(item, int) and not isinstance(item, bool):
                if 1 <= item <= count:
                    chosen.append(field.choices[item - 1])
                else:
                    self.problem(field.key, f"there is no number {item}: {_pick(field)}")
            elif isinstance(item, str) and item.strip().lower() in _allowed(field):
                chosen.append(item.strip().lower())
            elif isinstance(item, str) and item.strip().isdigit():
                self.problem(
                    field.key, f"write numbers without quote marks, like {field.name} = [1, 3]"
                )
            elif isinstance(item, str):
                hint = did_you_mean(item, _allowed(field), "pick names from")
                self.problem(field.key, f"unknown choice '{item}'{hint}")
            else:
                self.problem(field.key, f"must be a list like {example}; got {_show(value)}")
        return list(dict.fromkeys(chosen))


def _allowed(field: Field) -> tuple[str, ...]:
    return ("all", *field.choices) if field.all_choice else field.choices


def _at_least_one(field: Field) -> str:
    """What to do about an empty choice, in words that fit a file and a form alike."""
    return 'choose "all", or at least one' if field.all_choice else "choose at least one"


def _pick(field: Field) -> str:
    every = '"all", or ' if field.all_choice else ""
    return f"choose {every}some by number (1 to {len(field.choices)}) or by name"


def _too_long(field: Field, text: str) -> str | None:
    """Over the field's length or line limit, which keep every letter within its pages."""
    length, lines = room(text), text.count("\n") + 1
    if length > field.max_length:
        over = length - field.max_length
        counted = f", counted as {length}" if length != len(text) else ""
        wide = " (Chinese, Japanese and Korean characters count as two)" if counted else ""
        return (
            f"is {len(text)} characters long{counted}; at most {field.max_length} fit{wide}. "
            f"Shorten it by {over if not counted else 'about ' + str((over + 1) // 2)} "
            f"character{'s' if over != 1 else ''}"
        )
    if lines > field.max_lines:
        return f"has {lines} lines; at most {field.max_lines} fit. Join some of them"
    return None


def _refused_characters(field: Field, text: str) -> str | None:
    """Characters that print nothing or could change what the letter shows."""
    for char in text:
        if char in BIDI_CONTROLS:
            return (
                f"has an invisible character that changes the order of text (U+{ord(char):04X}); "
                "delete it, or type the text again. Right-to-left names print the right way "
                "round without it"
            )
        if char == "\n" and not field.multiline:
            return "must be on one line: remove the line break"
        if char != "\n" and unicodedata.category(char) == "Cc":
            return (
                f"has a control character (U+{ord(char):04X}) that cannot be printed; delete it, "
                "or type the text again"
            )
    return None


def _unprintable(text: str, stylesheet: Path | None) -> str | None:
    missing = glyphs.unprintable(text, stylesheet or _print_css())
    if not missing:
        return None
    shown = " or ".join(glyphs.describe(c) for c in missing[:3])
    low, high = glyphs.PICTOGRAPHS
    if all(low <= ord(c) <= high for c in missing):
        return f"cannot print {shown}: letters leave out emoji. Delete it"
    return (
        f"cannot print {shown}: no font for the letters has it. Delete it, or leave this "
        '"" and write it by hand after printing'
    )


def _print_css() -> Path:
    from .project import bundled_project

    return bundled_project().styles / "print.css"


def _required(values, needs: set[str], check: _Checker) -> None:
    reported = {p.field for p in check.problems}
    for field in FIELDS:
        wanted = field.always_required or bool(needs & set(field.required_for))
        value = values[field.section].get(field.name)
        if wanted and field.key not in reported and value in (None, "", []):
            why = "" if field.always_required else f" for the {field.required_for[0]}"
            if field.type == CHOICES:
                check.problem(field.key, f"is required{why}: {_at_least_one(field)}")
            elif check.from_file:
                check.problem(field.key, f"is required{why}: {_write_it(field)}")
            else:  # a form's box: the form shows where, and needs no file syntax
                check.problem(field.key, f"is required{why}")
        switch = field.required_if
        if switch and lookup(values, switch) is True and value in (None, "", []):
            fix = f": {_write_it(field)}" if check.from_file else ""
            check.problem(field.key, f"is required when {switch} is true{fix}")


def _write_it(field: Field) -> str:
    """How to write a missing answer in a details file, with an example of its kind."""
    example = field.hint or (field.example if not field.sample else "")
    if field.type == NUMBER:
        return f"write it as a number, without quote marks: {field.name} = {example or 1}"
    if field.type == NUMBERS:
        return f"write numbers between [ and ]: {field.name} = [0.5, 1]"
    if field.type == DATE:
        day = example or "2026-12-01"
        return f'write the date year-month-day between quote marks: {field.name} = "{day}"'
    return f'write it between the quote marks: {field.name} = "{example or "..."}"'


def _defaults(values: dict[str, dict[str, Any]], today: dt.date, present: set[str]) -> None:
    on_request = set(ON_REQUEST.values())
    for field in FIELDS:
        if field.default is None or field.type == BOOL:
            continue
        if field.section in on_request and field.section not in present:
            continue  # An absent [plan] stays empty, so no plan is made from it.
        default = field.default
        if default == "today":
            default = today.isoformat()
        elif isinstance(default, tuple):
            default = list(default)
        values[field.section].setdefault(field.name, default)


def _plan_problems(plan: dict[str, Any], check: _Checker) -> None:
    """The taper arithmetic's refusals, each naming its field in the [plan] section."""
    try:
        schedule = taper.make_schedule(plan)
    except taper.Refused as refused:
        for name, message in refused.problems:
            check.problem(f"plan.{name}", message)
        return
    too_long = taper.too_long(schedule)
    if too_long:
        check.problem(f"plan.{too_long[0]}", too_long[1])


def _number(value: Any) -> Decimal | None:
    """An exact decimal: a float is taken by its shortest text, so 0.1 stays one tenth."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        number = Decimal(str(value))
    elif isinstance(value, str) and NUMBER_TEXT.match(value.strip()):
        number = Decimal(value.strip())
    else:
        return None
    return number if number.is_finite() else None


def _show(value: Any) -> str:
    return repr(value) if not isinstance(value, bool) else str(value).lower()


def letters_wanted(data: Mapping[str, Any], letters: Iterable[str]) -> tuple[list[str], list[str]]:
    """The letters whose own sections hold something, and those left out because theirs are empty.

    An empty [employer] means no employer letter: nothing was asked of an employer. The taper
    plan and the clinician's note (ON_REQUEST) are left to the caller: a person's details file
    has no section for them unless a clinician added it.
    """
    wanted, empty = [], []
    for letter in letters:
        sections = LETTER_SECTIONS.get(letter, ())
        filled = any(_filled(data.get(section)) for section in sections)
        (wanted if filled or not sections else empty).append(letter)
    return wanted, empty


def _filled(table: Any) -> bool:
    if not isinstance(table, Mapping):
        return table is not None
    # A yes/no answer alone (disclose_condition = false) asks nothing.
    return any(_answer(value) for value in table.values())


def _answer(value: Any) -> bool:
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    return value != []


def read_details(path: Path, shown: str) -> tuple[dict[str, Any], detailsfile.DetailsText]:
    """A details file's data and key lines; raise InputError with every mistake in its text."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(Problem(shown, "file not found; make one with init-details")) from None
    except IsADirectoryError:
        raise InputError(Problem(shown, "is a folder, not a details file")) from None
    except OSError as exc:
        raise InputError(Problem(shown, f"cannot be read ({exc.strerror})")) from None
    text = detailsfile.decode(raw, shown)
    if isinstance(text, Problem):
        raise InputError(text)
    data, found, problems = detailsfile.parse(text, shown)
    if problems or data is None:
        raise InputError(problems)
    return data, found


def load_details(
    path: Path, shown: str, needs: Iterable[str], today: dt.date, stylesheet: Path | None = None
) -> dict[str, Any]:
    """Read and validate a details file; raise InputError listing every problem."""
    data, found = read_details(path, shown)
    values, problems = validate_details(data, needs, today, shown, found.lines, stylesheet)
    if problems:
        raise InputError(problems)
    return values
