"""A letter's [[placeholders]] filled three ways: blank lines, form fields, or the details."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any

from markupsafe import Markup, escape

from .fields import DATE, HAND_WRITTEN, SIGNED_ON_PAPER, Field, choice_groups, field_for, lookup

MODES = ("blank", "fillable", "personal")
PLACEHOLDER = re.compile(r"\[\[([a-z_]+)(?::([a-z-]+))?(?:\|(.*?))?\]\]")
LIST_ITEM = re.compile(r"<li>(?:(?!</li>).)*?</li>", re.S)
# A row of blanks holding one long answer: the personal letter sets it as a paragraph.
STORY_ROW = re.compile(r'<div class="blanks">(\s*\[\[([a-z_]+)(?:\|[^\]]*)?\]\]\s*)</div>')
# Requests are the letter's own numbered text: on paper they are struck out by hand, in the
# fillable letter each has a box, ticked, to untick. The others are lists to tick.
KEPT_UNLESS_UNTICKED = ("request",)


def fill(
    html: str,
    mode: str,
    values: dict[str, Any] | None,
    strings: Mapping[str, Any],
    date: Callable[[dt.date], str] = dt.date.isoformat,
) -> str:
    """Replace every [[placeholder]] in a letter's HTML for the given mode.

    `date` writes a date value as the letter's region writes dates.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}; got {mode!r}")
    groups = choice_groups()
    if mode == "personal":
        html = LIST_ITEM.sub(lambda m: _keep_item(m.group(0), values, groups), html)
    html = STORY_ROW.sub(_story_row, html)

    def replace(match: re.Match) -> str:
        name, choice, label = match.group(1), match.group(2), match.group(3)
        if name in groups:
            tooltip = _tooltip_after(html, match.end()) or strings["letters"]["tick"]
            return _choice(name, choice, mode, tooltip, strings["letters"])
        if name == "condition":
            return _condition(mode, values, strings["letters"])
        if name == "note_condition":
            return _note_condition(mode, values, strings)
        return _blank(name, label or "", mode, values, strings, date)

    return PLACEHOLDER.sub(replace, html)


def _story_row(match: re.Match) -> str:
    field = field_for(match.group(2))
    if field is None or not field.multiline:
        return match.group(0)
    return f'<div class="blanks story">{match.group(1)}</div>'


def choice_sentences(markdown: str) -> dict[str, dict[str, str]]:
    """What a letter says for each choice: field key -> choice -> the text after its placeholder."""
    groups = choice_groups()
    found: dict[str, dict[str, str]] = {}
    for match in PLACEHOLDER.finditer(markdown):
        group, choice = match.group(1), match.group(2)
        if group in groups and choice:
            line_end = markdown.find("\n", match.end())
            text = markdown[match.end() : None if line_end < 0 else line_end]
            found.setdefault(groups[group].key, {})[choice] = " ".join(text.split())
    return found


def _keep_item(item: str, values: dict[str, Any] | None, groups) -> str:
    """Personal letters list only what the person chose; other modes keep every item."""
    match = PLACEHOLDER.search(item)
    if not match or match.group(1) not in groups:
        return item
    chosen = lookup(values, groups[match.group(1)].key) or []
    return item if "all" in chosen or match.group(2) in chosen else ""


def _tooltip_after(html: str, position: int) -> str:
    text = re.match(r"\s*([^<]*)", html[position:]).group(1)
    return text.strip().rstrip(".")


def _choice(group: str, choice: str, mode: str, tooltip: str, words: Mapping[str, Any]) -> str:
    if mode == "personal" or (mode == "blank" and group in KEPT_UNLESS_UNTICKED):
        return ""
    if mode == "fillable":
        name = f"{group}_{choice.replace('-', '_')}"
        if group in KEPT_UNLESS_UNTICKED:
            return str(
                Markup(
                    '<input type="checkbox" class="tick keep" name="{}" title="{}: {}" checked>'
                ).format(name, words["keep_request"], tooltip)
            )
        return str(
            Markup('<input type="checkbox" class="tick" name="{}" title="{}">').format(
                name, tooltip
            )
        )
    return '<span class="tick" aria-hidden="true"></span>'


def _condition(mode: str, values: dict[str, Any] | None, words: Mapping[str, Any]) -> str:
    medicine = lookup(values, "medication.name")
    if mode == "personal" and lookup(values, "employer.disclose_condition") and medicine:
        return str(escape(words["condition_named"].format(medicine=medicine)))
    return words["condition"]


def _note_condition(mode: str, values: dict[str, Any] | None, strings: Mapping[str, Any]) -> str:
    """The clinician's note names a condition only when the patient agreed (the box is ticked)."""
    words = strings["letters"]
    if mode == "personal":
        condition = lookup(values, "clinician_note.condition")
        if lookup(values, "clinician_note.disclose") and condition:
            return str(escape(words["note_condition_named"].format(condition=condition)))
        return str(escape(words["note_condition_none"]))
    rule = Markup('<span class="disclose-rule">{}</span>').format(words["note_condition_rule"])
    help = strings["fields"]
    if mode == "fillable":
        box = Markup('<input type="checkbox" class="tick" name="disclose" title="{}">').format(
            help["clinician_note.disclose"]["help"]
        )
        line = Markup('<input type="text" name="condition" title="{}">').format(
            help["clinician_note.condition"]["help"]
        )
    else:
        box = Markup('<span class="tick" aria-hidden="true"></span>')
        line = Markup('<span class="write-in" title="{}"></span>').format(
            help["clinician_note.condition"]["help"]
        )
    blank = '<span class="blank inline disclose">{}<span class="label">{}</span>{}</span>{}'
    return str(Markup(blank).format(box, words["note_condition"], line, rule))


def _blank(
    name: str,
    label: str,
    mode: str,
    values: dict[str, Any] | None,
    strings: Mapping[str, Any],
    date: Callable[[dt.date], str],
) -> str:
    field = field_for(name)
    if field is None and name not in HAND_WRITTEN:
        raise KeyError(f"unknown letter placeholder [[{name}]]")
    tooltip = (
        strings["fields"][field.key]["help"] if field else strings["letters"]["hand_written"][name]
    )
    multiline = bool(field and field.multiline)
    value = lookup(values, field.key) if mode == "personal" and field else None
    kind = "multiline" if multiline else "inline"
    # The label is the sheet's own HTML (already escaped by Markdown), never a typed value.
    label_html = Markup('<span class="label">{}</span>').format(Markup(label)) if label else ""
    if value not in (None, ""):
        body = _value(field, value, date)
        kind += " filled"
    elif mode == "fillable" and name not in SIGNED_ON_PAPER:
        body = _form_field(name, field, tooltip)
    else:
        body = Markup('<span class="write-in" title="{}"></span>').format(tooltip)
        # A paragraph's worth of lines to write on, the first beside the label.
        for _ in range(field.lines - 1 if multiline and field else 0):
            body += Markup('<span class="write-in"></span>')
    # The space lets a paragraph break between its label and a long first word; flex rows
    # ignore it.
    return str(Markup('<span class="blank {}">{} {}</span>').format(kind, label_html, body))


def _value(field: Field, value: Any, date: Callable[[dt.date], str]) -> Markup:
    if field.type == DATE:
        text = escape(date(dt.date.fromisoformat(value)))
    elif field.multiline:
        text = Markup("<br>").join(escape(line) for line in str(value).splitlines())
    else:
        text = escape(str(value))
    return Markup('<span class="value" data-field="{}">{}</span>').format(field.key, text)


def _form_field(name: str, field: Field | None, tooltip: str) -> Markup:
    limit = field.max_length if field else 200
    if field and field.multiline:
        # Tall enough to type a paragraph; the form field scrolls beyond it.
        return Markup(
            '<textarea name="{}" title="{}" maxlength="{}" class="lines-{}"></textarea>'
        ).format(name, tooltip, limit, field.lines)
    return Markup('<input type="text" name="{}" title="{}" maxlength="{}">').format(
        name, tooltip, limit
    )
