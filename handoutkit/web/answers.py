"""Answers files: the form's answers as the details TOML the command line reads, and back."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..details import NUMBER_TEXT
from ..errors import Problem, toml_problem
from ..fields import BY_KEY, FIELDS, NUMBER, NUMBERS, SECTIONS

ANSWERS_NAME = "my-details.toml"


def toml_text(details: Mapping[str, Mapping[str, Any]], header: str) -> str:
    """A details file: a header comment, then each section's values in registry order."""
    lines = [header.strip("\n")]
    for section in SECTIONS:
        table = details.get(section) or {}
        keys = [f.name for f in FIELDS if f.section == section and f.name in table]
        if not keys:
            continue
        lines += ["", f"[{section}]"]
        for name in keys:
            value = table[name]
            if BY_KEY[f"{section}.{name}"].type in (NUMBER, NUMBERS):
                value = _numbers(value)
            lines.append(f"{name} = {toml_value(value)}")
    return "\n".join(lines) + "\n"


def _numbers(value: Any) -> Any:
    """A number typed in a box saved as a TOML number (2, 0.5), as a prescriber would write it;
    anything else stays the text that was typed, so the command line names it to fix."""
    if isinstance(value, list):
        return [_numbers(item) for item in value]
    if isinstance(value, str) and NUMBER_TEXT.match(value.strip()):
        return Number(format(Decimal(value.strip()), "f"))
    return value


class Number(str):
    """Decimal text written bare in TOML."""


def toml_value(value: Any) -> str:
    if isinstance(value, Number):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return toml_string(str(value))


def toml_string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and every control character escaped."""
    out = []
    for char in text:
        code = ord(char)
        if char == '"':
            out.append('\\"')
        elif char == "\\":
            out.append("\\\\")
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def read_answers(data: bytes, shown: str, not_text: str) -> tuple[dict[str, Any], list[Problem]]:
    """An uploaded details file as a mapping; a file that is not UTF-8 TOML is one problem."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return {}, [Problem(shown, not_text)]
    try:
        return tomllib.loads(text), []
    except tomllib.TOMLDecodeError as exc:
        return {}, [toml_problem(exc, shown)]
