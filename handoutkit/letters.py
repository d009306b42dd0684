"""Letter fields: one Markdown text filled three ways: blank lines, form fields, or the details."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

MODES = ("blank", "fillable", "personal")


@dataclass(frozen=True)
class Field:
    """A blank on a letter: where its value comes from in the details file, and its tooltip."""

    key: str | None
    tooltip: str
    multiline: bool = False


FIELDS = {
    "physician_name": Field("physician.name", "Your doctor's or prescriber's name"),
    "practice": Field("physician.practice", "Your doctor's practice or clinic"),
    "letter_date": Field("letter.date", "Today's date"),
    "patient_name": Field("person.name", "Your full name"),
    "date_of_birth": Field("person.date_of_birth", "Your date of birth"),
    "phone": Field("person.phone", "Your phone number"),
    "email": Field("person.email", "Your email address"),
    "medication": Field("medication.name", "The medicine you take, for example clonazepam"),
    "dose": Field("medication.dose", "How much you take, and how often"),
    "since": Field("medication.since", "When you started taking it"),
    "earlier_tapers": Field(
        "medication.earlier_tapers", "Earlier attempts to lower the dose and how they went", True
    ),
    "symptoms": Field(
        "medication.symptoms", "Symptoms you have had, such as after a missed dose", True
    ),
    "note": Field("letter.note", "Anything else you want your doctor to know", True),
    "recipient": Field("employer.recipient", "Who this is for: your manager or HR"),
    "organisation": Field("employer.organisation", "Your employer's name"),
    "job_title": Field("employer.job_title", "Your job title"),
    "other_accommodations": Field(
        "employer.other_accommodations", "Any other change at work that would help", True
    ),
    "start": Field("employer.start", "When you would like the changes to start"),
    "review": Field("employer.review", "When you would like to review the changes"),
    "reply_by": Field(None, "The date you would like a reply by"),
    "signature": Field(None, "Sign here by hand after printing"),
}

# Named choices a details file may list; each appears once in its letter's Markdown.
CHOICES = {
    "request": (
        "dependence-not-addiction",
        "no-abrupt-stop",
        "shared-plan",
        "gradual-pace",
        "review-and-pause",
        "small-dose-forms",
        "no-added-sedatives",
        "therapy-referral",
        "contact-plan",
        "protracted-symptoms",
    ),
    "limitation": (
        "fatigue",
        "concentration-memory",
        "light-sound-sensitivity",
        "sleep",
        "pain",
        "anxiety-panic",
    ),
    "accommodation": (
        "flexible-hours",
        "remote-work",
        "breaks",
        "quiet-space",
        "written-instructions",
        "reduced-workload",
        "appointments-leave",
    ),
}
CHOICE_KEYS = {
    "request": "letter.requests",
    "limitation": "employer.limitations",
    "accommodation": "employer.accommodations",
}
ALWAYS_BLANK = {"signature"}

PLACEHOLDER = re.compile(r"\[\[([a-z_]+)(?::([a-z-]+))?(?:\|(.*?))?\]\]")
LIST_ITEM = re.compile(r"<li>(?:(?!</li>).)*?</li>", re.S)


def lookup(details: dict[str, Any] | None, key: str | None) -> Any:
    if details is None or key is None:
        return None
    section, name = key.split(".")
    return details.get(section, {}).get(name)


def fill(html: str, mode: str, details: dict[str, Any] | None = None) -> str:
    """Replace every [[placeholder]] in a letter's HTML for the given mode."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}; got {mode!r}")
    if mode == "personal":
        html = LIST_ITEM.sub(lambda m: _keep_item(m.group(0), details), html)

    def replace(match: re.Match) -> str:
        name, choice, label = match.group(1), match.group(2), match.group(3)
        if name in CHOICES:
            return _choice(name, choice, mode, _tooltip_after(html, match.end()))
        if name == "condition":
            return _condition(mode, details)
        return _field(name, label or "", mode, details)

    return PLACEHOLDER.sub(replace, html)


def _keep_item(item: str, details: dict[str, Any] | None) -> str:
    """Personal letters list only what the person chose; other modes keep every item."""
    match = PLACEHOLDER.search(item)
    if not match or match.group(1) not in CHOICES:
        return item
    chosen = lookup(details, CHOICE_KEYS[match.group(1)]) or []
    return item if "all" in chosen or match.group(2) in chosen else ""


def _tooltip_after(html: str, position: int) -> str:
    text = re.match(r"\s*([^<]*)", html[position:]).group(1)
    return text.strip().rstrip(".") or "Tick if this applies"


def _choice(kind: str, choice: str, mode: str, tooltip: str) -> str:
    # Requests are the letter's own text: a person trims them in the details file, not by ticking.
    if mode == "personal" or kind == "request":
        return ""
    if mode == "fillable":
        name = f"{kind}_{choice.replace('-', '_')}"
        return str(
            Markup('<input type="checkbox" class="tick" name="{}" title="{}">').format(
                name, tooltip
            )
        )
    return '<span class="tick" aria-hidden="true"></span>'


def _condition(mode: str, details: dict[str, Any] | None) -> str:
    medicine = lookup(details, "medication.name")
    if mode == "personal" and lookup(details, "employer.disclose_condition") and medicine:
        return str(
            escape("a medical condition: I am slowly lowering my dose of a prescribed medicine, ")
            + escape(medicine)
            + escape(", with my doctor")
        )
    return "a medical condition"


def _field(name: str, label: str, mode: str, details: dict[str, Any] | None) -> str:
    field = FIELDS[name]
    value = lookup(details, field.key) if mode == "personal" else None
    kind = "multiline" if field.multiline else "inline"
    label_html = Markup('<span class="label">{}</span>').format(label) if label else Markup("")
    if value not in (None, "") and name not in ALWAYS_BLANK:
        text = escape(str(value))
        if field.multiline:
            text = Markup("<br>").join(escape(line) for line in str(value).splitlines())
        body = Markup('<span class="value" data-field="{}">{}</span>').format(name, text)
    elif mode == "fillable" and name not in ALWAYS_BLANK:
        tag = (
            '<textarea name="{}" title="{}"></textarea>'
            if field.multiline
            else '<input type="text" name="{}" title="{}">'
        )
        body = Markup(tag).format(name, field.tooltip)
    else:
        body = Markup('<span class="write-in" title="{}"></span>').format(field.tooltip)
        if field.multiline:
            body += Markup('<span class="write-in"></span>')
    return str(Markup('<span class="blank {}">{}{}</span>').format(kind, label_html, body))
