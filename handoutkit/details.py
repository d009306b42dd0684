"""A person's details file (TOML): the commented starter file, and validation of every field."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import tomllib
import unicodedata
from pathlib import Path
from typing import Any

from .errors import InputError, Problem, toml_problem
from .letters import CHOICES

TEXT, DATE, BOOL = "text", "date", "bool"
SCHEMA: dict[str, dict[str, Any]] = {
    "person": {"name": TEXT, "date_of_birth": DATE, "phone": TEXT, "email": TEXT, "address": TEXT},
    "medication": {
        "name": TEXT,
        "dose": TEXT,
        "since": TEXT,
        "earlier_tapers": TEXT,
        "symptoms": TEXT,
    },
    "physician": {"name": TEXT, "practice": TEXT},
    "letter": {"date": DATE, "requests": ("all", *CHOICES["request"]), "note": TEXT},
    "employer": {
        "recipient": TEXT,
        "organisation": TEXT,
        "job_title": TEXT,
        "limitations": CHOICES["limitation"],
        "accommodations": CHOICES["accommodation"],
        "other_accommodations": TEXT,
        "start": DATE,
        "review": DATE,
        "disclose_condition": BOOL,
    },
}
REQUIRED = {"person.name": None, "medication.name": "physician-letter"}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

STARTER = '''\
# My details, for the letters to my doctor and my employer.
#
# Fill in what you want on your letters, save this file, then run:
#     python make_handouts.py letters --details {name}
# Your letters are written to build/personal/. They hold your health information:
# keep them private, and delete them when you no longer need them.
#
# Put text between the quote marks. Leave "" for anything you want to write by hand.
# Dates are written year-month-day, like "2026-12-01".

[person]
name = "Jordan Lee"             # your full name (required)
date_of_birth = "1980-04-02"    # year-month-day
phone = ""
email = ""
address = ""                    # for more than one line, use three quote marks: """..."""

[medication]
name = "clonazepam"             # the medicine you take (needed for the doctor letter)
dose = "1 mg twice a day"       # how much and how often
since = "2019"                  # when you started
earlier_tapers = ""             # any earlier attempts to lower the dose, and how they went
symptoms = ""                   # symptoms you have had, for example after a missed dose

[physician]
name = ""                       # your doctor's name, for example "Dr Patel"
practice = ""                   # their practice or clinic

[letter]
date = "{today}"             # the date on the letters
requests = ["all"]              # "all", or pick some of the requests by name:
    # {requests}
note = ""                       # anything else you want your doctor to know

[employer]
recipient = ""                  # your manager or HR contact
organisation = ""               # your employer's name
job_title = ""
limitations = ["fatigue", "concentration-memory"]
    # pick from: {limitations}
accommodations = ["flexible-hours", "remote-work"]
    # pick from: {accommodations}
other_accommodations = ""       # any other change that would help
start = "2026-12-01"            # when the changes should start
review = "2027-03-01"           # when to look at them again
disclose_condition = false
    # false: the sheet says "a medical condition" and never names your medicine
'''


def starter_text(name: str, today: dt.date) -> str:
    """The commented details file that `init-details` writes."""
    return STARTER.format(
        name=name,
        today=today.isoformat(),
        requests=", ".join(CHOICES["request"]),
        limitations=", ".join(CHOICES["limitation"]),
        accommodations=", ".join(CHOICES["accommodation"]),
    )


def load_details(path: Path, shown: str, needs: set[str], today: dt.date) -> dict[str, Any]:
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
    problems: list[Problem] = []
    details = _check(data, shown, problems)
    for key, needed_by in REQUIRED.items():
        section, name = key.split(".")
        reported = any(p.message.startswith(f"{key}:") for p in problems)
        wanted = needed_by is None or needed_by in needs
        if wanted and not reported and not details[section].get(name):
            why = "" if needed_by is None else f" for the {needed_by}"
            problems.append(Problem(shown, f"{key}: is required{why}"))
    if problems:
        raise InputError(problems)
    details["letter"].setdefault("date", today.isoformat())
    details["letter"].setdefault("requests", ["all"])
    return details


def _check(data: dict[str, Any], shown: str, problems: list[Problem]) -> dict[str, Any]:
    details: dict[str, dict[str, Any]] = {section: {} for section in SCHEMA}
    for section, values in data.items():
        if section not in SCHEMA:
            problems.append(Problem(shown, f"[{section}]: unknown section{_hint(section, SCHEMA)}"))
            continue
        if not isinstance(values, dict):
            problems.append(Problem(shown, f"{section}: must be a [{section}] table"))
            continue
        for name, value in values.items():
            key = f"{section}.{name}"
            kind = SCHEMA[section].get(name)
            if kind is None:
                problems.append(
                    Problem(shown, f"{key}: unknown field{_hint(name, SCHEMA[section])}")
                )
                continue
            checked = _value(key, kind, value, shown, problems)
            if checked is not None:
                details[section][name] = checked
    return details


def _value(key: str, kind: Any, value: Any, shown: str, problems: list[Problem]) -> Any:
    def bad(expected: str) -> None:
        problems.append(Problem(shown, f"{key}: must be {expected}; got {_show(value)}"))

    if kind == TEXT:
        if not isinstance(value, str):
            return bad("text in quotes")
        return unicodedata.normalize("NFC", value.strip("\n"))
    if kind == BOOL:
        return value if isinstance(value, bool) else bad("true or false")
    if kind == DATE:
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
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return bad(f'a list like ["{kind[0]}"]')
    for item in value:
        if item not in kind:
            problems.append(Problem(shown, f"{key}: unknown choice '{item}'{_hint(item, kind)}"))
    return list(dict.fromkeys(value))


def _hint(word: str, known) -> str:
    match = difflib.get_close_matches(word, list(known), n=1, cutoff=0.65)
    return f"; did you mean '{match[0]}'?" if match else f"; expected one of {', '.join(known)}"


def _show(value: Any) -> str:
    return repr(value) if not isinstance(value, bool) else str(value).lower()
