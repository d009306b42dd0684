"""The starter details file that init-details writes: every field, explained, with examples."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from .fields import BOOL, CHOICES, FIELDS, ON_REQUEST, ONE, SECTIONS, Field


def starter_text(
    command: str,
    today: dt.date,
    strings: Mapping[str, Any],
    sentences: Mapping[str, Mapping[str, str]] | None = None,
    regions: Mapping[str, str] | None = None,
) -> str:
    """The commented details file that `init-details` writes, made from the field registry.

    `sentences` (field key -> choice -> the letter's sentence for it) are shown beside each
    choice; `regions` (code -> name) beside the region setting.
    """
    words = strings["starter"]
    lines = [words["header"].strip("\n").format(command=command)]
    # The plan and the clinician's note are written by clinicians, not in a person's own file.
    for section in (s for s in SECTIONS if s not in ON_REQUEST.values()):
        lines += ["", f"[{section}]"]
        for field in (f for f in FIELDS if f.section == section):
            lines += _starter_lines(field, today, strings, sentences or {}, regions or {})
    return "\n".join(lines) + "\n"


def _starter_lines(
    field: Field,
    today: dt.date,
    strings: Mapping[str, Any],
    sentences: Mapping[str, Mapping[str, str]],
    regions: Mapping[str, str],
) -> list[str]:
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
    lines = [f"{field.name} = {value}  ".ljust(32) + f"# {'; '.join(notes)}"]
    if field.type == ONE:
        names = regions if field.key == "settings.region" else {}
        choices = ", ".join(f"{c} ({names[c]})" if c in names else c for c in field.choices)
        lines.append("    # " + words["one_of"].format(choices=choices))
    if field.type == CHOICES:
        key = "all_or_some" if field.all_choice else "choices"
        lines.append("    # " + words[key])
        said = sentences.get(field.key, {})
        width = max(len(c) for c in field.choices)
        for number, choice in enumerate(field.choices, start=1):
            sentence = f"  {said[choice]}" if said.get(choice) else ""
            lines.append(f"    #  {number:>2}  {choice.ljust(width)}{sentence}".rstrip())
    if field.type == BOOL:
        lines.append("    # " + words["disclose"])
    return lines


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, tuple | list):
        return "[" + ", ".join(f'"{v}"' for v in value) + "]"
    return f'"{value}"'
