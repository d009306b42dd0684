"""A details file's text: decoding it, where each key is, and TOML mistakes told in plain words.

tomllib stops at the first mistake and says it in parser terms ("Invalid value"), and gives no
line for a value it did read. People filling in a details file by hand make a few mistakes over
and over (a text editor's curly quotes, a missing quote mark, yes for true, a date written
12/01/2026), so each line is scanned for them, and every one found is reported with its fix.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

from . import fields
from .errors import Problem, toml_problem
from .fields import BOOL, BY_KEY, DATE, SETTINGS, Field

# Quote marks a word processor or "smart quotes" put where straight ones belong.
CURLY = "\u201c\u201d\u201e\u201f\u2018\u2019\u201a\u201b\u00ab\u00bb\u300c\u300d\u300e\u300f\uff02"
SECTION = re.compile(r"^\s*\[\s*([^\[\]]*?)\s*\]\s*(?:#.*)?$")
ASSIGNMENT = re.compile(r"^\s*([A-Za-z0-9_\-.\"' ]+?)\s*=\s*(.*?)\s*$")
NO_EQUALS = re.compile(r"^([A-Za-z_][A-Za-z0-9_\-]*)\s+([\"'\[].*)$")
NUMBER = re.compile(r"^[+-]?\d[\d_]*(\.\d+)?$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Dates as people write them: 12/01/2026, 1.12.2026, 01-12-2026.
OTHER_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})$")
YES_NO = {"yes": True, "y": True, "on": True, "no": False, "n": False, "off": False}
ESCAPES = set('btnfr"\\uUe')
SHOWN_LENGTH = 40


@dataclass
class DetailsText:
    """A details file read as text: its data (when it is valid TOML) and where each key is."""

    text: str
    lines: dict[str, int] = field(default_factory=dict)  # "person.name" and "person" -> line

    def line(self, key: str | None) -> int | None:
        if key is None:
            return None
        return self.lines.get(key) or self.lines.get(key.split(".")[0])


def decode(raw: bytes, source: str) -> str | Problem:
    """The file's text; or what is wrong with it, when it is not a UTF-8 text file."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")  # Notepad's "Unicode": the marks say which order.
    if raw.startswith(b"%PDF"):
        return Problem(source, "is a PDF, not a details file. " + _START_AGAIN)
    if raw.startswith(b"PK\x03\x04"):
        return Problem(source, "was saved by a word processor, not as plain text. " + _START_AGAIN)
    if raw.lstrip().startswith(b"{\\rtf"):
        return Problem(
            source,
            "was saved as rich text. In TextEdit choose Format > Make Plain Text, "
            "then save it again",
        )
    if b"\x00" in raw:
        return Problem(source, "is not a text file. " + _START_AGAIN)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return Problem(
            source,
            "is not saved as UTF-8 text. Save it again as UTF-8 (in Notepad: File > Save As, "
            "Encoding: UTF-8)",
            line,
        )


_START_AGAIN = "Make one with init-details and fill it in with a plain text editor"


def parse(text: str, source: str) -> tuple[dict[str, Any] | None, DetailsText, list[Problem]]:
    """The data of a details file, where each key is, and every mistake found in its text."""
    scanned = _scan(text, source)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        problems = scanned.problems
        fallback = _plain(toml_problem(exc, source), text)
        # tomllib stops at the first mistake it meets. When the scan found one at or before
        # that line, it is the cause; otherwise tomllib's is a mistake the scan does not know,
        # and is kept, so that nothing is left unexplained.
        first = min((p.line or 0 for p in problems), default=None)
        if first is None or (fallback.line is not None and fallback.line < first):
            problems = [*problems, fallback]
        return None, scanned.found, sorted(problems, key=lambda p: p.line or 0)
    return data, scanned.found, []


@dataclass
class _Scan:
    found: DetailsText
    problems: list[Problem] = field(default_factory=list)


def _scan(text: str, source: str) -> _Scan:
    scan = _Scan(DetailsText(text))
    section = ""
    lines = text.splitlines()
    number = 0
    while number < len(lines):
        line = lines[number]
        number += 1
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("["):
            section = _section(stripped, number, source, scan)
            continue
        match = ASSIGNMENT.match(line)
        if not match:
            scan.problems.append(_no_equals(stripped, section, number, source))
            continue
        key = _key(match.group(1), section)
        _remember(key, number, source, scan)
        value = match.group(2)
        # A multi-line string or list runs on: its own lines hold no keys.
        number = _value(key, value, lines, number, source, scan)
    return scan


def _section(stripped: str, number: int, source: str, scan: _Scan) -> str:
    match = SECTION.match(stripped)
    if not match:
        scan.problems.append(
            Problem(source, f"a section name goes between [ and ], like [person]; got {stripped}",
                    number)
        )  # fmt: skip
        return stripped.strip("[] ")
    name = match.group(1).strip().strip('"')
    if name in scan.found.lines:
        first = scan.found.lines[name]
        scan.problems.append(
            Problem(source, f"[{name}] is written twice (lines {first} and {number}): put all "
                    f"its lines under one [{name}]", number)
        )  # fmt: skip
    else:
        scan.found.lines[name] = number
    return name


def _key(written: str, section: str) -> str:
    name = written.strip().strip("\"'")
    if not section and name in {f.name for f in SETTINGS}:
        return f"settings.{name}"  # Settings may be written at the top, outside [settings].
    return f"{section}.{name}" if section else name


def _remember(key: str, number: int, source: str, scan: _Scan) -> None:
    if key in scan.found.lines:
        first = scan.found.lines[key]
        message = f"is written twice (lines {first} and {number}); keep one of them"
        scan.problems.append(Problem(source, message, number, key))
    else:
        scan.found.lines[key] = number


def _no_equals(stripped: str, section: str, number: int, source: str) -> Problem:
    missing = NO_EQUALS.match(stripped)
    if missing:
        key, value = missing.group(1), missing.group(2)
        return Problem(
            source,
            f"the = sign is missing: {key} = {value}",
            number,
            f"{section}.{key}" if section else None,
        )
    if stripped.endswith(('"', "'")) or stripped.endswith(tuple(CURLY)):
        return Problem(
            source,
            "this line looks like the rest of the line above it. For text on more than one line, "
            'use three quote marks: symptoms = """...""" (and check the line above)',
            number,
        )
    example = "name = " + _quoted("Ana Pérez")
    where = f" in [{section}]" if section else ""
    return Problem(
        source, f"each line{where} is a name, an = sign and a value, like {example}", number
    )


def _value(key: str, value: str, lines: list[str], number: int, source: str, scan: _Scan) -> int:
    """Check one value; return the number of the last line it takes."""
    field = BY_KEY.get(key)
    name = key.split(".")[-1]

    def problem(message: str) -> None:
        scan.problems.append(Problem(source, message, number, key if field else None))

    for quotes in ('"""', "'''"):
        if value.startswith(quotes):
            return _multiline(quotes, value, lines, number, problem)
    if value.startswith("["):
        return _list(name, value, lines, number, problem)
    bare = _strip_comment(value)
    if not bare:
        problem(f"nothing is written after the = sign. {_text_fix(name, 'Ana Pérez', field)}")
    elif bare[0] in CURLY:
        problem(
            f"the quote marks are curly ({bare[0]}); the file needs straight ones, like "
            f"{name} = {_quoted(_uncurl(bare))}. Turn off smart quotes in your editor"
        )
    elif bare[0] in "\"'":
        return _string(name, bare, field, lines, number, problem)
    elif bare.casefold() in YES_NO or (bare in ("True", "False", "TRUE", "FALSE")):
        problem(_yes_no(name, bare))
    elif OTHER_DATE.match(bare):
        problem(_other_date(name, bare))
    elif bare in ("true", "false") or NUMBER.match(bare) or ISO_DATE.match(bare):
        pass
    elif bare.startswith("{"):
        pass  # An inline table: tomllib and the field checks say what is wrong with it.
    elif field is not None and field.type == BOOL:
        problem(f"write true or false, without quote marks: {name} = false")
    elif field is not None and field.type in (fields.NUMBER, fields.NUMBERS):
        example = "[0.5, 1]" if field.type == fields.NUMBERS else "2.5"
        problem(f"write a number in figures, without quote marks: {name} = {example}")
    else:
        problem(_missing_quotes(name, bare, field))
    return number


def _string(
    name: str, bare: str, field: Field | None, lines: list[str], number: int, problem
) -> int:
    """Check a quoted value; return the number of the last line it takes."""
    quote = bare[0]
    end = _closing(bare, quote)
    if end is None:
        last = _runs_on_to(quote, lines, number)
        if last is None:
            problem(_missing_quotes(name, bare, field))
            return number
        problem(
            f"the text runs onto the next line. For more than one line, use three quote "
            f'marks at the start and the end: {name} = """{_shorten(bare[1:])} ..."""'
        )
        return last
    rest = _strip_comment(bare[end + 1 :])
    if rest:
        problem(
            f"there is more after the closing quote mark ({_shorten(rest)}). Put all the text "
            f"between the quote marks: {name} = {_quoted(bare[1:end] + ' ' + rest.strip(quote))}"
        )
    elif quote == '"' and _bad_escape(bare[1:end]):
        problem(
            "a backslash (\\) must be written twice (\\\\) between double quote marks; "
            f"or use single quote marks: {name} = '{_shorten(bare[1:end])}'"
        )
    return number


def _runs_on_to(quote: str, lines: list[str], number: int) -> int | None:
    """The line that closes a one-line value someone carried on over several lines."""
    for index in range(number, len(lines)):
        text = _strip_comment(lines[index])
        if SECTION.match(lines[index]) or ASSIGNMENT.match(lines[index]):
            return None
        if text.endswith(quote):
            return index + 1
    return None


def _bad_escape(inner: str) -> bool:
    """A backslash TOML cannot read: not one of its escapes (\\n, \\", \\u00e9, ...)."""
    index = 0
    while index < len(inner):
        if inner[index] != "\\":
            index += 1
            continue
        code = inner[index + 1 : index + 2]
        digits = {"u": 4, "U": 8}.get(code, 0)
        hex_digits = inner[index + 2 : index + 2 + digits]
        if code not in ESCAPES or (digits and not re.fullmatch(r"[0-9A-Fa-f]+", hex_digits or "-")):
            return True
        if digits and len(hex_digits) < digits:
            return True
        index += 2 + digits
    return False


def _closing(text: str, quote: str) -> int | None:
    index = 1
    while index < len(text):
        char = text[index]
        if char == "\\" and quote == '"':
            index += 2
            continue
        if char == quote:
            return index
        index += 1
    return None


def _multiline(quotes: str, value: str, lines: list[str], number: int, problem) -> int:
    if quotes in value[3:]:
        return number
    for index in range(number, len(lines)):
        if quotes in lines[index]:
            return index + 1
    problem(
        f"the text that starts with {quotes} is not closed: end it with {quotes} on the line "
        "after your text"
    )
    return len(lines)


def _list(name: str, value: str, lines: list[str], number: int, problem) -> int:
    text, last = value, number
    while "]" not in _strip_comment(text) and last < len(lines):
        next_line = lines[last].strip()
        if re.match(r"^\[[^\]]*\]$", next_line) or ASSIGNMENT.match(lines[last]):
            break  # The next section or key: the list was never closed.
        text += " " + next_line
        last += 1
    example = f'{name} = ["all"]' if name == "requests" else f'{name} = ["one", "two"]'
    if "]" not in _strip_comment(text):
        problem(f"the list is not closed: end it with ], like {example}")
        return last
    inside = _strip_comment(text)[1 : _strip_comment(text).rindex("]")]
    if any(mark in inside for mark in CURLY):
        problem(
            f"the quote marks are curly; the file needs straight ones, like {example}. "
            "Turn off smart quotes in your editor"
        )
    elif re.search(r"(^|,)\s*[A-Za-z][^,\"']*\s*(,|$)", inside):
        problem(f"each choice in the list goes between quote marks, like {example}")
    return last


def _strip_comment(value: str) -> str:
    """The value without a trailing # comment (a # inside quote marks is text)."""
    quote = None
    for index, char in enumerate(value):
        if quote:
            if char == "\\" and quote == '"':
                continue
            if char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char == "#":
            return value[:index].strip()
    return value.strip()


def _missing_quotes(name: str, bare: str, field: Field | None) -> str:
    text = _uncurl(bare).strip("\"'")
    if field is not None and field.type == DATE and OTHER_DATE.match(text):
        return _other_date(name, text)
    if field is not None and field.type == BOOL:
        return _yes_no(name, text)
    both = bare[0] not in "\"'" and bare[-1] not in "\"'"
    what = "the quote marks are missing" if both else "a quote mark is missing"
    return f"{what}. {_text_fix(name, text, field)}"


def _text_fix(name: str, text: str, field: Field | None) -> str:
    if field is not None and field.multiline:
        return (
            f"Text goes between two straight quote marks: {name} = {_quoted(text)}, or three "
            'for more than one line: """..."""'
        )
    return f"Text goes between two straight quote marks: {name} = {_quoted(text)}"


def _yes_no(name: str, written: str) -> str:
    """For a yes/no answer: TOML's words are true and false, in small letters, unquoted."""
    answer = YES_NO.get(written.casefold(), written.casefold() == "true")
    word = "true" if answer else "false"
    return f"write true or false (small letters, no quote marks), not {written}: {name} = {word}"


def _other_date(name: str, written: str) -> str:
    """A date written day and month with slashes or dots: say which dates it could be."""
    readings = _readings(written)
    fix = " or ".join(f'{name} = "{iso}"' for iso in readings) or f'{name} = "2026-12-01"'
    return f"dates are written year-month-day, not {written}: {fix}"


def _readings(written: str) -> list[str]:
    """The dates 12/01/2026 could be: 2026-12-01 or 2026-01-12."""
    match = OTHER_DATE.match(written)
    assert match is not None
    first, second, year = int(match.group(1)), int(match.group(2)), match.group(3)
    year = f"20{year}" if len(year) == 2 else year
    readings = []
    for month, day in ((first, second), (second, first)):
        iso = f"{year}-{month:02d}-{day:02d}"
        if 1 <= month <= 12 and 1 <= day <= 31 and iso not in readings:
            readings.append(iso)
    return readings


def value_fix(field: Field, value: Any) -> str | None:
    """The plain-words fix for a value of the wrong kind that TOML itself accepted."""
    name = field.name
    if field.type == BOOL and isinstance(value, str):
        if value.strip().casefold() in (*YES_NO, "true", "false"):
            return _yes_no(name, f'"{value}"')
        return f"write true or false (small letters, no quote marks): {name} = false"
    if field.type == DATE and isinstance(value, str) and OTHER_DATE.match(value.strip()):
        return _other_date(name, value.strip())
    return None


def date_readings(written: str) -> list[str]:
    """The dates a day-and-month date could be (12/01/2026: 2026-12-01 or 2026-01-12)."""
    return _readings(written) if OTHER_DATE.match(written) else []


def _quoted(text: str) -> str:
    return '"' + _shorten(text.replace("\\", "\\\\").replace('"', '\\"')) + '"'


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SHOWN_LENGTH else text[: SHOWN_LENGTH - 3].rstrip() + "..."


def _uncurl(text: str) -> str:
    return text.strip(CURLY + " ")


def _plain(problem: Problem, text: str) -> Problem:
    """tomllib's message for a mistake the scan does not know, with what a line should be."""
    reason = problem.message.removeprefix("not valid TOML: ")
    message = (
        f"this line is not written the way the file needs ({reason}); lines look like "
        f'name = "Ana Pérez", [person] or requests = ["all"]'
    )
    line = problem.line
    if line is None and "end of document" in reason:
        line = len(text.splitlines()) or None
    return Problem(problem.source, message, line)
