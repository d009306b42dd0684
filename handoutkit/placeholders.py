"""A letter's [[placeholders]] filled three ways: blank lines, form fields, or the details."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from markupsafe import Markup, escape

from .fields import HAND_WRITTEN, SIGNED_ON_PAPER, choice_groups, field_for, lookup

MODES = ("blank", "fillable", "personal")
PLACEHOLDER = re.compile(r"\[\[([a-z_]+)(?::([a-z-]+))?(?:\|(.*?))?\]\]")
LIST_ITEM = re.compile(r"<li>(?:(?!</li>).)*?</li>", re.S)


def fill(html: str, mode: str, values: dict[str, Any] | None, strings: Mapping[str, Any]) -> str:
    """Replace every [[placeholder]] in a letter's HTML for the given mode."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}; got {mode!r}")
    groups = choice_groups()
    if mode == "personal":
        html = LIST_ITEM.sub(lambda m: _keep_item(m.group(0), values, groups), html)

    def replace(match: re.Match) -> str:
        name, choice, label = match.group(1), match.group(2), match.group(3)
        if name in groups:
            tooltip = _tooltip_after(html, match.end()) or strings["letters"]["tick"]
            return _choice(name, choice, mode, tooltip)
        if name == "condition":
            return _condition(mode, values, strings["letters"])
        if name == "note_condition":
            return _note_condition(mode, values, strings)
        return _blank(name, label or "", mode, values, strings)

    return PLACEHOLDER.sub(replace, html)


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


def _choice(group: str, choice: str, mode: str, tooltip: str) -> str:
    # Requests are the letter's own text: a person trims them in the details file, not by ticking.
    if mode == "personal" or group == "request":
        return ""
    if mode == "fillable":
        name = f"{group}_{choice.replace('-', '_')}"
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
    name: str, label: str, mode: str, values: dict[str, Any] | None, strings: Mapping[str, Any]
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
        text = escape(str(value))
        if multiline:
            text = Markup("<br>").join(escape(line) for line in str(value).splitlines())
        body = Markup('<span class="value" data-field="{}">{}</span>').format(name, text)
    elif mode == "fillable" and name not in SIGNED_ON_PAPER:
        tag = (
            '<textarea name="{}" title="{}"></textarea>'
            if multiline
            else '<input type="text" name="{}" title="{}">'
        )
        body = Markup(tag).format(name, tooltip)
    else:
        body = Markup('<span class="write-in" title="{}"></span>').format(tooltip)
        if multiline:
            body += Markup('<span class="write-in"></span>')
    return str(Markup('<span class="blank {}">{}{}</span>').format(kind, label_html, body))
