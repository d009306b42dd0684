"""The field registry: each detail a person can give, declared once for every use of it.

The starter details file, validation, the letters' blanks and form fields (and the web form and
CSV columns that come later) are all derived from FIELDS. Labels and help text are words, so
they live in the strings file under [fields."<key>"], one per language.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from .editions import PAPERS
from .language import LANGS
from .regions import REGIONS

# CHOICES is a list of some of the choices; ONE is a single one of them (a setting).
TEXT, DATE, BOOL, CHOICES, ONE = "text", "date", "bool", "choices", "one"
NUMBER, NUMBERS = "number", "numbers"  # exact decimals (the taper plan's mg and percents)
PHYSICIAN_LETTER, EMPLOYER_LETTER = "physician-letter", "employer-accommodation"
BOTH = (PHYSICIAN_LETTER, EMPLOYER_LETTER)
TAPER_PLAN, WORK_LIMITS_NOTE = "taper-plan", "work-limits-note"
WALLET_CARD = "wallet-card"
# The sections that are a letter's own: when all of them are empty, that letter is not made.
LETTER_SECTIONS = {PHYSICIAN_LETTER: ("medication", "physician"), EMPLOYER_LETTER: ("employer",)}
# Documents made from a details file only when it has their section: a person's own file makes
# their letters; a prescriber adds [plan], a clinician writes [clinician_note].
ON_REQUEST = {TAPER_PLAN: "plan", WORK_LIMITS_NOTE: "clinician_note"}

REQUESTS = (
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
)
LIMITATIONS = (
    "fatigue",
    "concentration-memory",
    "light-sound-sensitivity",
    "sleep",
    "pain",
    "anxiety-panic",
)
ACCOMMODATIONS = (
    "flexible-hours",
    "remote-work",
    "breaks",
    "quiet-space",
    "written-instructions",
    "task-steps",
    "appointments-leave",
    "check-ins",
)


@dataclass(frozen=True)
class Field:
    """One detail: where it sits in a details file, its type, and which letters print it."""

    key: str  # "section.name", as in the details file and the web form
    type: str = TEXT
    letters: tuple[str, ...] = ()  # the letters that print it
    placeholder: str | None = None  # its [[name]] (or [[name:choice]]) in those letters
    required_for: tuple[str, ...] = ()  # letters that cannot be made without it
    always_required: bool = False
    required_if: str | None = None  # the key of a true-or-false field that makes it required
    multiline: bool = False
    max_length: int = 200
    choices: tuple[str, ...] = ()  # for CHOICES and ONE fields
    all_choice: bool = False  # "all" may stand for every choice
    default: Any = None  # used when the file leaves it out ("today" for the letter date)
    # The value in a person's starter file: a default (every request; the medicine not named),
    # or the made-up name and date of birth, refused until changed. No other answer is filled in:
    # left there, it would print as the person's own, or ask an employer for changes nobody
    # chose; examples of what to write are in the help words instead. (The clinicians' sections,
    # [plan] and [clinician_note], are not in the starter: their examples show in messages.)
    example: Any = ""
    hint: str = ""  # what to write, shown in a message when the field is required and missing
    sample: bool = False  # the example is made up: refused if it is left unchanged
    lines: int = 1  # multi-line fields: how many lines their box offers on a blank letter
    max_lines: int = 1  # multi-line fields: at most this many lines (so that letters fit)

    @property
    def section(self) -> str:
        return self.key.split(".")[0]

    @property
    def name(self) -> str:
        return self.key.split(".")[1]


FIELDS: tuple[Field, ...] = (
    Field("settings.region", ONE, choices=REGIONS),
    Field("settings.paper", ONE, choices=PAPERS),
    Field("settings.lang", ONE, choices=LANGS),
    Field("person.name", letters=(*BOTH, TAPER_PLAN, WORK_LIMITS_NOTE, WALLET_CARD),
          placeholder="patient_name",
          always_required=True, max_length=120, example="Jordan Lee", sample=True),
    Field("person.date_of_birth", DATE, (PHYSICIAN_LETTER,), "date_of_birth",
          example="1980-04-02", sample=True),
    Field("person.phone", letters=(PHYSICIAN_LETTER,), placeholder="phone", max_length=40),
    Field("person.email", letters=(PHYSICIAN_LETTER,), placeholder="email", max_length=120),
    Field("person.address", multiline=True, max_length=300, lines=3, max_lines=6),
    Field("medication.name", letters=(*BOTH, WALLET_CARD), placeholder="medication",
          required_for=(PHYSICIAN_LETTER,), max_length=80, hint="clonazepam"),
    # A card has room for a short dose only ("1.5 mg a day"); a letter for the longer kind.
    Field("medication.dose", letters=(PHYSICIAN_LETTER, WALLET_CARD), placeholder="dose",
          max_length=80),
    Field("medication.since", letters=(PHYSICIAN_LETTER,), placeholder="since", max_length=40),
    Field("medication.earlier_tapers", letters=(PHYSICIAN_LETTER,),
          placeholder="earlier_tapers", multiline=True, max_length=400, lines=2, max_lines=6),
    Field("medication.symptoms", letters=(PHYSICIAN_LETTER,), placeholder="symptoms",
          multiline=True, max_length=800, lines=4, max_lines=10),
    Field("physician.name", letters=(PHYSICIAN_LETTER, WALLET_CARD),
          placeholder="physician_name", max_length=80),
    Field("physician.phone", letters=(WALLET_CARD,), placeholder="physician_phone",
          max_length=40),
    Field("physician.practice", letters=(PHYSICIAN_LETTER,), placeholder="practice",
          max_length=120),
    Field("letter.date", DATE, BOTH, "letter_date", default="today"),
    Field("letter.requests", CHOICES, (PHYSICIAN_LETTER,), "request", choices=REQUESTS,
          all_choice=True, default=("all",), example=("all",)),
    Field("letter.note", letters=(PHYSICIAN_LETTER,), placeholder="note", multiline=True,
          max_length=400, lines=2, max_lines=6),
    Field("employer.recipient", letters=(EMPLOYER_LETTER,), placeholder="recipient",
          max_length=120),
    Field("employer.organisation", letters=(EMPLOYER_LETTER,), placeholder="organisation",
          max_length=120),
    Field("employer.job_title", letters=(EMPLOYER_LETTER,), placeholder="job_title",
          max_length=80),
    Field("employer.limitations", CHOICES, (EMPLOYER_LETTER,), "limitation",
          required_for=(EMPLOYER_LETTER,), choices=LIMITATIONS, example=()),
    Field("employer.accommodations", CHOICES, (EMPLOYER_LETTER,), "accommodation",
          required_for=(EMPLOYER_LETTER,), choices=ACCOMMODATIONS, example=()),
    Field("employer.other_accommodations", letters=(EMPLOYER_LETTER,),
          placeholder="other_accommodations", multiline=True, max_length=400, lines=2,
          max_lines=8),
    Field("employer.how_it_helps", letters=(EMPLOYER_LETTER,), placeholder="how_it_helps",
          multiline=True, max_length=400, lines=2, max_lines=6),
    Field("employer.start", DATE, (EMPLOYER_LETTER,), "start"),
    Field("employer.review", DATE, (EMPLOYER_LETTER,), "review"),
    Field("employer.disclose_condition", BOOL, (EMPLOYER_LETTER,), "condition",
          default=False, example=False),
    # The wallet card's own: the day its dose was current, and who to call.
    Field("card.dose_as_of", DATE, (WALLET_CARD,), "dose_as_of", default="today"),
    Field("card.emergency_contact", letters=(WALLET_CARD,), placeholder="emergency_contact",
          max_length=60),
    Field("card.emergency_phone", letters=(WALLET_CARD,), placeholder="emergency_phone",
          max_length=40),
    # The taper plan: the prescriber's numbers (taper.py does the arithmetic and the refusals).
    Field("plan.medicine", letters=(TAPER_PLAN,), placeholder="plan_medicine",
          required_for=(TAPER_PLAN,), max_length=80, example="clonazepam"),
    Field("plan.dose_mg", NUMBER, (TAPER_PLAN,), required_for=(TAPER_PLAN,), example=2),
    Field("plan.tablets_mg", NUMBERS, (TAPER_PLAN,), example=(0.5,)),
    Field("plan.split_tablets", BOOL, (TAPER_PLAN,), default=False, example=True),
    Field("plan.liquid_mg_per_ml", NUMBER, (TAPER_PLAN,), default=0, example=0),
    Field("plan.cut_percent", NUMBER, (TAPER_PLAN,), required_for=(TAPER_PLAN,), example=10),
    Field("plan.every_weeks", NUMBER, (TAPER_PLAN,), required_for=(TAPER_PLAN,), example=2),
    Field("plan.start", DATE, (TAPER_PLAN,), required_for=(TAPER_PLAN,), example="2027-01-04"),
    Field("plan.stop_mg", NUMBER, (TAPER_PLAN,), required_for=(TAPER_PLAN,), example=0),
    Field("plan.prescriber", letters=(TAPER_PLAN,), placeholder="prescriber",
          required_for=(TAPER_PLAN,), max_length=80, example="Dr Ana Ruiz"),
    # The clinician's note of work limits: its choices are the employer request's own.
    Field("clinician_note.clinician_name", letters=(WORK_LIMITS_NOTE,),
          placeholder="clinician_name", required_for=(WORK_LIMITS_NOTE,), max_length=80,
          example="Dr Ana Ruiz"),
    Field("clinician_note.role", letters=(WORK_LIMITS_NOTE,), placeholder="clinician_role",
          max_length=80, example="Family physician"),
    Field("clinician_note.practice", letters=(WORK_LIMITS_NOTE,),
          placeholder="clinician_practice", max_length=120, example="Harbour Lane Clinic"),
    Field("clinician_note.phone", letters=(WORK_LIMITS_NOTE,), placeholder="clinician_phone",
          max_length=40, example="+1 555 0199"),
    Field("clinician_note.under_care_since", letters=(WORK_LIMITS_NOTE,),
          placeholder="under_care_since", max_length=40, example="March 2025"),
    Field("clinician_note.expected_duration", letters=(WORK_LIMITS_NOTE,),
          placeholder="expected_duration", max_length=80, example="about 6 months"),
    Field("clinician_note.limitations", CHOICES, (WORK_LIMITS_NOTE,), "note_limitation",
          choices=LIMITATIONS, example=("fatigue", "concentration-memory")),
    Field("clinician_note.accommodations", CHOICES, (WORK_LIMITS_NOTE,), "note_accommodation",
          choices=ACCOMMODATIONS, example=("flexible-hours", "breaks")),
    Field("clinician_note.review", DATE, (WORK_LIMITS_NOTE,), "note_review",
          example="2027-06-01"),
    Field("clinician_note.disclose", BOOL, (WORK_LIMITS_NOTE,), default=False, example=False),
    Field("clinician_note.condition", letters=(WORK_LIMITS_NOTE,), max_length=120,
          required_if="clinician_note.disclose", example=""),
)  # fmt: skip

BY_KEY = {f.key: f for f in FIELDS}
SECTIONS = tuple(dict.fromkeys(f.section for f in FIELDS))
# How the letters are made (region, paper): written under [settings], or at the top of the file.
SETTINGS = tuple(f for f in FIELDS if f.section == "settings")
# Blanks a letter has that no details file fills: they are written by hand after printing.
HAND_WRITTEN = (
    "reply_by",
    "signature",
    "signed_on",
    "reach_prescriber",
    "dose_times",
    "plan_forms",
)
SIGNED_ON_PAPER = ("signature",)  # never a form field: a signature is written by hand
BY_PLACEHOLDER = {f.placeholder: f for f in FIELDS if f.placeholder}


def room(text: str) -> int:
    """A value's length as its max_length counts it: a wide character (Chinese, Japanese,
    Korean) counts as two, for it takes the room of two letters on the page."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def field_for(placeholder: str) -> Field | None:
    """The field a letter's [[placeholder]] prints; None for blanks always written by hand."""
    return BY_PLACEHOLDER.get(placeholder)


def choice_groups() -> dict[str, Field]:
    """Choice placeholders ([[request:gradual-pace]]) by group name."""
    return {f.placeholder: f for f in FIELDS if f.type == CHOICES and f.placeholder}


def lookup(values: dict[str, Any] | None, key: str | None) -> Any:
    if values is None or key is None:
        return None
    section, name = key.split(".")
    return values.get(section, {}).get(name)
