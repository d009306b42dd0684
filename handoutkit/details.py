"""A person's details: validation of a mapping (any source) or a TOML file, and the starter file."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import taper
from .errors import InputError, Problem, did_you_mean, toml_problem
from .fields import (
    BOOL,
    BY_KEY,
    CHOICES,
    DATE,
    FIELDS,
    NUMBER,
    NUMBERS,
    ON_REQUEST,
    SECTIONS,
    TAPER_PLAN,
    TEXT,
    Field,
    lookup,
)

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
NUMBER_TEXT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")  # what a web form's box may send


def validate_details(
    data: Mapping[str, Any], needs: Iterable[str], today: dt.date, source: str = ""
) -> tuple[dict[str, dict[str, Any]], list[Problem]]:
    """Check every value against the field registry; return the clean values and every problem.

    `needs` are the letters to be made: a field required only for another letter may be empty.
    A document in ON_REQUEST (the taper plan, the clinician's note) is needed only when `data`
    has its section. Each problem names its field (Problem.field), so a form can show it beside
    the right box; the taper plan's numbers are checked by taper.py, with its refusals.
    """
    needs = {n for n in needs if n not in ON_REQUEST or ON_REQUEST[n] in data}
    problems: list[Problem] = []
    values: dict[str, dict[str, Any]] = {section: {} for section in SECTIONS}
    for section, table in data.items():
        if section not in SECTIONS:
            hint = did_you_mean(section, SECTIONS)
            problems.append(Problem(source, f"[{section}]: unknown section{hint}"))
            continue
        if not isinstance(table, Mapping):
            problems.append(Problem(source, f"must be a [{section}] table", field=section))
            continue
        for name, value in table.items():
            key = f"{section}.{name}"
            field = BY_KEY.get(key)
            if field is None:
                names = [f.name for f in FIELDS if f.section == section]
                problems.append(
                    Problem(source, f"unknown field{did_you_mean(name, names)}", field=key)
                )
                continue
            checked = _value(field, value, source, problems)
            if checked is not None:
                values[section][name] = checked
    _required(values, needs, source, problems)
    if not problems:
        _defaults(values, today, present=set(data))
        if TAPER_PLAN in needs:
            problems += _plan_problems(values["plan"], source)
    return values, problems


def _required(values, needs: set[str], source: str, problems: list[Problem]) -> None:
    reported = {p.field for p in problems}
    for field in FIELDS:
        wanted = field.always_required or bool(needs & set(field.required_for))
        value = values[field.section].get(field.name)
        if wanted and field.key not in reported and value in (None, "", []):
            why = "" if field.always_required else f" for the {field.required_for[0]}"
            problems.append(Problem(source, f"is required{why}", field=field.key))
        switch = field.required_if
        if switch and lookup(values, switch) is True and value in (None, "", []):
            problems.append(Problem(source, f"is required when {switch} is true", field=field.key))


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


def _plan_problems(plan: dict[str, Any], source: str) -> list[Problem]:
    """The taper arithmetic's refusals, each naming its field in the [plan] section."""
    try:
        schedule = taper.make_schedule(plan)
    except taper.Refused as refused:
        return [
            Problem(source, message, field=f"plan.{name}") for name, message in refused.problems
        ]
    too_long = taper.too_long(schedule)
    return [Problem(source, too_long[1], field=f"plan.{too_long[0]}")] if too_long else []


def _value(field: Field, value: Any, source: str, problems: list[Problem]) -> Any:
    def bad(expected: str) -> None:
        problems.append(Problem(source, f"must be {expected}; got {_show(value)}", field=field.key))

    if field.type == TEXT:
        if not isinstance(value, str):
            return bad("text in quotes")
        text = unicodedata.normalize("NFC", value.strip("\n"))
        if len(text) > field.max_length:
            message = f"is {len(text)} characters long; at most {field.max_length} fit"
            problems.append(Problem(source, message, field=field.key))
            return None
        return text
    if field.type == BOOL:
        return value if isinstance(value, bool) else bad("true or false")
    if field.type == DATE:
        return _date(value, bad)
    if field.type == NUMBER:
        return _number(value, bad, "a number")
    if field.type == NUMBERS:
        if not isinstance(value, list):
            return bad("a list of numbers, like [0.5, 1, 2]")
        numbers = [_number(item, lambda _: None, "") for item in value]
        return bad("a list of numbers, like [0.5, 1, 2]") if None in numbers else numbers
    assert field.type == CHOICES
    allowed = ("all", *field.choices) if field.all_choice else field.choices
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return bad(f'a list like ["{allowed[0]}"]')
    for item in value:
        if item not in allowed:
            message = f"unknown choice '{item}'{did_you_mean(item, allowed)}"
            problems.append(Problem(source, message, field=field.key))
    return list(dict.fromkeys(value))


def _number(value: Any, bad, expected: str) -> Decimal | None:
    """An exact decimal: a float is taken by its shortest text, so 0.1 stays one tenth."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        number = Decimal(str(value))
    elif isinstance(value, str) and NUMBER_TEXT.match(value.strip()):
        number = Decimal(value.strip())
    else:
        return bad(expected)
    return number if number.is_finite() else bad(expected)


def _date(value: Any, bad) -> str | None:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, str) and value == "":
        return None
    if isinstance(value, str) and ISO_DATE.match(value):
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    return bad("a real date written YYYY-MM-DD")


def load_details(path: Path, shown: str, needs: Iterable[str], today: dt.date) -> dict[str, Any]:
    """Read and validate a details file; raise InputError listing every problem."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(Problem(shown, "file not found; create one with init-details")) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(Problem(shown, f"cannot be read as UTF-8 text ({exc})")) from None
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(toml_problem(exc, shown)) from None
    values, problems = validate_details(data, needs, today, shown)
    if problems:
        raise InputError(problems)
    return values


def starter_text(command: str, today: dt.date, strings: Mapping[str, Any]) -> str:
    """The commented details file that `init-details` writes, made from the field registry."""
    words = strings["starter"]
    lines = [words["header"].strip("\n").format(command=command)]
    # The plan and the clinician's note are written by clinicians, not in a person's own file.
    for section in (s for s in SECTIONS if s not in ON_REQUEST.values()):
        lines += ["", f"[{section}]"]
        for field in (f for f in FIELDS if f.section == section):
            lines += _starter_lines(field, today, strings)
    return "\n".join(lines) + "\n"


def _starter_lines(field: Field, today: dt.date, strings: Mapping[str, Any]) -> list[str]:
    words = strings["starter"]
    example = today.isoformat() if field.example == "today" else field.example
    value = _toml_value(example)
    notes = [strings["fields"][field.key]["help"]]
    if field.always_required:
        notes.append(words["required"])
    elif field.required_for:
        notes.append(words["needed_for"].format(letter=field.required_for[0]))
    if field.multiline:
        notes.append(words["multiline"])
    lines = [f"{field.name} = {value}".ljust(32) + f"# {'; '.join(notes)}"]
    if field.type == CHOICES:
        key = "all_or_some" if field.all_choice else "choices"
        lines.append("    # " + words[key].format(choices=", ".join(field.choices)))
    if field.type == BOOL:
        lines.append("    # " + words["disclose"])
    return lines


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, tuple | list):
        return "[" + ", ".join(f'"{v}"' for v in value) + "]"
    return f'"{value}"'


def _show(value: Any) -> str:
    return repr(value) if not isinstance(value, bool) else str(value).lower()
