"""Answers files: the form's answers as the details TOML the command line reads, and back."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from typing import Any

from ..errors import Problem, toml_problem
from ..fields import FIELDS, SECTIONS

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
        lines += [f"{name} = {toml_value(table[name])}" for name in keys]
    return "\n".join(lines) + "\n"


def toml_value(value: Any) -> str:
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
