"""A person's details: validation of a mapping (from any source) or of a details file."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from decimal import Decimal
from functools import lru_cache
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
    words: Mapping[str, str] | None = None,
) -> tuple[dict[str, dict[str, Any]], list[Problem]]:
    """Check every value against the field registry; return the clean values and every problem.

    `needs` are the letters to be made: a field required only for another letter may be empty.
    A document in ON_REQUEST (the taper plan, the clinician's note) is needed only when `data`
    has its section. Each problem names its field (Problem.field), so a form can show it beside
    the right box; `lines` (key -> line, from a details file) puts the line in the message too.
    `stylesheet` is the print.css whose fonts must have every character (default: the bundled
    project's). The taper plan's numbers are checked by taper.py, with its refusals (in English).
    `words` are the messages in the person's language (a strings file's [messages]; default
    English).
    """
    needs = {n for n in needs if n not in ON_REQUEST or ON_REQUEST[n] in data}
    check = _Checker(source, lines or {}, stylesheet, needs, from_file=lines is not None)
    check.words = words or english_messages()
    values: dict[str, dict[str, Any]] = {section: {} for section in SECTIONS}
    for section, table in _sections(data, check):
        for name, value in table.items():
            key = f"{section}.{name}"
            field = BY_KEY.get(key)
            if field is None:
                names = [f.name for f in FIELDS if f.section == section]
                check.problem(key, check.say("unknown_field", hint=check.hint(name, names)))
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
            hint = check.hint(section, SECTIONS)
            check.problem(section, check.say("unknown_section", section=section, hint=hint), False)
        elif not isinstance(table, Mapping):
            check.problem(section, check.say("not_a_table", section=section))
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
        self.words: Mapping[str, str] = {}

    def say(self, key: str, **values: Any) -> str:
        """A message in the person's language (strings [messages]); in English when a project's
        own strings file was copied before there was such a message."""
        words = self.words if key in self.words else english_messages()
        return words[key].format(**values)

    def hint(self, word: str, known, fallback: str = "expected") -> str:
        """did_you_mean, in the person's language: a near miss, else what is allowed."""
        known = list(known)
        english = did_you_mean(word, known, "\0")
        if english.startswith("; did you mean '"):
            return self.say("did_you_mean", match=english[len("; did you mean '") : -2])
        return self.say(fallback, known=", ".join(known))

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
                return self.problem(field.key, self.say("true_or_false_plain"))
            fix = detailsfile.value_fix(field, value)
            return self.problem(field.key, fix or self.say("true_or_false", name=field.name))
        if field.type == DATE:
            return self.date(field, value)
        if field.type == ONE:
            return self.one(field, value)
        if field.type == NUMBER:
            number = _number(value)
            return (
                number
                if number is not None
                else self.problem(field.key, self.say("not_a_number", value=_show(value)))
            )
        if field.type == NUMBERS:
            numbers = [_number(item) for item in value] if isinstance(value, list) else [None]
            if None in numbers:
                return self.problem(field.key, self.say("not_numbers", value=_show(value)))
            return numbers
        assert field.type == CHOICES
        return self.choices(field, value)

    def text(self, field: Field, value: Any) -> str | None:
        if not isinstance(value, str):
            shown = str(value).lower() if isinstance(value, bool) else str(value)
            return self.problem(field.key, self.say("quote_marks", name=field.name, value=shown))
        text = LINE_BREAKS.sub("\n", value).replace("\t", " ")
        text = unicodedata.normalize("NFC", text.strip())
        message = _refused_characters(field, text, self) or _too_long(field, text, self)
        if message is None:
            message = _unprintable(text, self.stylesheet, self)
        if message is None and self.starter_example(field, text):
            message = self.say("starter_text", value=text)
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
                return self.problem(field.key, self.say("not_a_real_date", value=value.strip()))
            if self.starter_example(field, iso):
                return self.problem(field.key, self.say("starter_date", value=iso))
            return iso
        if not self.from_file:
            return self.problem(field.key, self._date_fix(value))
        fix = detailsfile.value_fix(field, value)
        return self.problem(
            field.key, fix or self.say("date_fix", name=field.name, day="2026-12-01")
        )

    def _date_fix(self, value: Any) -> str:
        """How to write a date, without a file's syntax (a form's box or a table's cell)."""
        written = str(value).strip()
        readings = detailsfile.date_readings(written)
        if not readings:
            return self.say("date_plain", day="2026-12-01")
        return self.say("other_date_plain", value=written, days=self.say("or").join(readings))

    def one(self, field: Field, value: Any) -> str | None:
        if isinstance(value, str) and value.strip() == "":
            return None  # Not set here: the clinic file or the default decides.
        if isinstance(value, str) and value.strip().lower() in field.choices:
            return value.strip().lower()
        hint = self.hint(str(value), field.choices, "write_one_of")
        return self.problem(field.key, self.say("unknown_choice", value=_show(value), hint=hint))

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
            return self.problem(
                field.key, self.say("nothing_chosen", fix=_at_least_one(field, self))
            )
        chosen: list[str] = []
        for item in items:
            if isinstance(item, int) and not isinstance(item, bool):
                if 1 <= item <= count:
                    chosen.append(field.choices[item - 1])
                else:
                    fix = _pick(field, self)
                    self.problem(field.key, self.say("no_such_number", number=item, fix=fix))
            elif isinstance(item, str) and item.strip().lower() in _allowed(field):
                chosen.append(item.strip().lower())
            elif isinstance(item, str) and item.strip().isdigit():
                self.problem(field.key, self.say("numbers_unquoted", name=field.name))
            elif isinstance(item, str):
                hint = self.hint(item, _allowed(field), "pick_from")
                self.problem(field.key, self.say("unknown_choice", value=f"'{item}'", hint=hint))
            else:
                shown = _show(value)
                self.problem(field.key, self.say("list_like", example=example, value=shown))
        return list(dict.fromkeys(chosen))


def _allowed(field: Field) -> tuple[str, ...]:
    return ("all", *field.choices) if field.all_choice else field.choices


def _at_least_one(field: Field, check: _Checker) -> str:
    """What to do about an empty choice, in words that fit a file and a form alike."""
    return check.say("at_least_one_all" if field.all_choice else "at_least_one")


def _pick(field: Field, check: _Checker) -> str:
    return check.say("pick_all" if field.all_choice else "pick", count=len(field.choices))


def _too_long(field: Field, text: str, check: _Checker) -> str | None:
    """Over the field's length or line limit, which keep every letter within its pages."""
    length, lines = room(text), text.count("\n") + 1
    if length > field.max_length:
        over = length - field.max_length
        wider = length != len(text)
        counted = check.say("counted_as", room=length) if wider else ""
        wide = check.say("wide") if wider else ""
        shorten = check.say("about", n=(over + 1) // 2) if wider else over
        amount = check.say("character" if over == 1 else "characters", n=shorten)
        return check.say(
            "too_long",
            length=len(text),
            counted=counted,
            most=field.max_length,
            wide=wide,
            over=amount,
        )
    if lines > field.max_lines:
        return check.say("too_many_lines", lines=lines, most=field.max_lines)
    return None


def _refused_characters(field: Field, text: str, check: _Checker) -> str | None:
    """Characters that print nothing or could change what the letter shows."""
    for char in text:
        if char in BIDI_CONTROLS:
            return check.say("reordering", code=f"U+{ord(char):04X}")
        if char == "\n" and not field.multiline:
            return check.say("one_line")
        if char != "\n" and unicodedata.category(char) == "Cc":
            return check.say("control", code=f"U+{ord(char):04X}")
    return None


def _unprintable(text: str, stylesheet: Path | None, check: _Checker) -> str | None:
    missing = glyphs.unprintable(text, stylesheet or _print_css())
    if not missing:
        return None
    shown = check.say("or").join(glyphs.describe(c) for c in missing[:3])
    low, high = glyphs.PICTOGRAPHS
    if all(low <= ord(c) <= high for c in missing):
        return check.say("emoji", shown=shown)
    return check.say("no_font", shown=shown)


def english_messages() -> Mapping[str, str]:
    """The English messages (the bundled strings file's [messages]), read once."""
    return _english()["messages"]


@lru_cache(maxsize=1)
def _english() -> Mapping[str, Any]:
    from .language import load_language
    from .project import bundled_project

    return load_language(bundled_project().strings).strings


def _print_css() -> Path:
    from .project import bundled_project

    return bundled_project().styles / "print.css"


def _required(values, needs: set[str], check: _Checker) -> None:
    reported = {p.field for p in check.problems}
    for field in FIELDS:
        wanted = field.always_required or bool(needs & set(field.required_for))
        value = values[field.section].get(field.name)
        if wanted and field.key not in reported and value in (None, "", []):
            required = (
                check.say("required")
                if field.always_required
                else check.say("required_for", letter=field.required_for[0])
            )
            if field.type == CHOICES:
                fix = _at_least_one(field, check)
                check.problem(field.key, check.say("fix", message=required, fix=fix))
            elif check.from_file:
                fix = _write_it(field, check)
                check.problem(field.key, check.say("fix", message=required, fix=fix))
            else:  # a form's box: the form shows where, and needs no file syntax
                check.problem(field.key, required)
        switch = field.required_if
        if switch and lookup(values, switch) is True and value in (None, "", []):
            required = check.say("required_when", switch=switch)
            if check.from_file:
                required = check.say("fix", message=required, fix=_write_it(field, check))
            check.problem(field.key, required)


def _write_it(field: Field, check: _Checker) -> str:
    """How to write a missing answer in a details file, with an example of its kind."""
    example = field.hint or (field.example if not field.sample else "")
    if field.type == NUMBER:
        return check.say("write_number", name=field.name, example=example or 1)
    if field.type == NUMBERS:
        return check.say("write_numbers", name=field.name)
    if field.type == DATE:
        return check.say("date_fix", name=field.name, day=example or "2026-12-01")
    return check.say("write_text", name=field.name, example=example or "...")


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
