"""The details file: the starter file init-details writes, and validation of every field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from handoutkit import InputError
from handoutkit.details import load_details, starter_text, validate_details
from handoutkit.fields import FIELDS
from handoutkit.language import load_language

from .conftest import ROOT

TODAY = dt.date(2026, 11, 26)
BOTH = {"physician-letter", "employer-accommodation"}


def load(tmp_path: Path, text: str, needs=BOTH) -> dict:
    path = tmp_path / "my-details.toml"
    path.write_text(text, encoding="utf-8")
    return load_details(path, "my-details.toml", needs, TODAY)


def errors(tmp_path: Path, text: str, needs=BOTH) -> list[str]:
    with pytest.raises(InputError) as caught:
        load(tmp_path, text, needs)
    assert caught.value.exit_code == 2
    return caught.value.lines()


def test_the_starter_file_is_valid_and_explains_itself(tmp_path: Path):
    strings = load_language(ROOT / "templates" / "strings").strings
    text = starter_text("handouts letters --details my-details.toml", TODAY, strings)
    details = load(tmp_path, text)
    assert details["person"]["name"] == "Jordan Lee"
    assert details["letter"]["date"] == "2026-11-26"
    assert details["employer"]["disclose_condition"] is False
    assert "letters --details my-details.toml" in text
    for choice in ("concentration-memory", "appointments-leave", "no-abrupt-stop"):
        assert choice in text


def test_minimal_file_gets_defaults(tmp_path: Path):
    details = load(tmp_path, '[person]\nname = "A"\n[medication]\nname = "diazepam"\n')
    assert details["letter"] == {"date": "2026-11-26", "requests": ["all"]}


def test_unknown_choice_suggests_the_right_one(tmp_path: Path):
    text = '[person]\nname = "A"\n[employer]\naccommodations = ["remote"]\n'
    assert errors(tmp_path, text, {"employer-accommodation"}) == [
        "my-details.toml: employer.accommodations: unknown choice 'remote'; "
        "did you mean 'remote-work'?"
    ]


def test_every_problem_is_reported_at_once(tmp_path: Path):
    text = (
        '[person]\nname = 5\ndate_of_birth = "1980-02-30"\nnmae = "x"\n'
        '[employer]\ndisclose_condition = "no"\n[physican]\nname = "x"\n'
    )
    assert errors(tmp_path, text) == [
        "my-details.toml: person.name: must be text in quotes; got 5",
        "my-details.toml: person.date_of_birth: must be a real date written YYYY-MM-DD; "
        "got '1980-02-30'",
        "my-details.toml: person.nmae: unknown field; did you mean 'name'?",
        "my-details.toml: employer.disclose_condition: must be true or false; got 'no'",
        "my-details.toml: [physican]: unknown section; did you mean 'physician'?",
        "my-details.toml: medication.name: is required for the physician-letter",
    ]


def test_medication_is_required_only_for_the_physician_letter(tmp_path: Path):
    text = '[person]\nname = "A"\n'
    assert load(tmp_path, text, {"employer-accommodation"})["person"]["name"] == "A"
    assert errors(tmp_path, text, {"physician-letter"}) == [
        "my-details.toml: medication.name: is required for the physician-letter"
    ]


def test_name_is_always_required(tmp_path: Path):
    assert errors(tmp_path, "[person]\n", {"employer-accommodation"}) == [
        "my-details.toml: person.name: is required"
    ]


def test_toml_syntax_error_names_the_line(tmp_path: Path):
    (line,) = errors(tmp_path, '[person]\nname = "A"\nphone = "unclosed\n')
    assert line.startswith("my-details.toml:3: not valid TOML: ")


def test_missing_file(tmp_path: Path):
    with pytest.raises(InputError) as caught:
        load_details(tmp_path / "nope.toml", "nope.toml", BOTH, TODAY)
    assert caught.value.lines() == ["nope.toml: file not found; create one with init-details"]


def test_text_is_normalised_to_nfc(tmp_path: Path):
    decomposed = "Zoe\u0308"
    details = load(tmp_path, f'[person]\nname = "{decomposed}"\n', {"employer-accommodation"})
    assert details["person"]["name"] == "Zo\u00eb"


def test_toml_dates_are_accepted(tmp_path: Path):
    text = '[person]\nname = "A"\n[employer]\nstart = 2026-12-01\n'
    assert load(tmp_path, text, {"employer-accommodation"})["employer"]["start"] == "2026-12-01"


def test_validate_details_takes_any_mapping_and_names_each_field():
    _, problems = validate_details(
        {"person": {"name": "Ana Pérez"}, "employer": {"accommodations": ["breaks", "nap"]}},
        {"employer-accommodation"},
        TODAY,
    )
    assert [(p.field, p.message) for p in problems] == [
        ("employer.accommodations", "unknown choice 'nap'; expected one of flexible-hours, "
         "remote-work, breaks, quiet-space, written-instructions, task-steps, "
         "appointments-leave, check-ins"),
    ]  # fmt: skip
    good, none = validate_details({"person": {"name": "Ana"}}, {"employer-accommodation"}, TODAY)
    assert none == []
    assert good["person"] == {"name": "Ana"}
    assert good["letter"] == {"date": "2026-11-26", "requests": ["all"]}


def test_every_field_has_words_in_the_strings_file():
    strings = load_language(ROOT / "templates" / "strings").strings
    assert set(strings["fields"]) == {f.key for f in FIELDS}
    assert all(
        strings["fields"][f.key]["label"] and strings["fields"][f.key]["help"] for f in FIELDS
    )


ALL = BOTH | {"taper-plan", "work-limits-note"}
PLAN = (
    '[person]\nname = "A"\n[plan]\nmedicine = "clonazepam"\ndose_mg = 2\ntablets_mg = [0.5]\n'
    'split_tablets = true\ncut_percent = 10\nevery_weeks = 2\nstart = "2027-01-04"\n'
    'stop_mg = 0\nprescriber = "Dr Ruiz"\n'
)


def test_a_plan_section_is_read_as_exact_numbers(tmp_path: Path):
    details = load(tmp_path, PLAN.replace("dose_mg = 2", "dose_mg = 2.1"), {"taper-plan"})
    plan = details["plan"]
    assert plan["dose_mg"] == Decimal("2.1") and plan["tablets_mg"] == [Decimal("0.5")]
    assert plan["liquid_mg_per_ml"] == 0 and plan["stop_mg"] == 0  # 0 is a value, not missing
    assert plan["start"] == "2027-01-04"


def test_without_their_sections_the_plan_and_note_need_nothing(tmp_path: Path):
    details = load(tmp_path, '[person]\nname = "A"\n', ALL - {"physician-letter"})
    assert details["plan"] == {} and details["clinician_note"] == {}


def test_plan_refusals_come_from_the_taper_arithmetic_and_name_the_field(tmp_path: Path):
    text = PLAN.replace("cut_percent = 10", "cut_percent = 30").replace(
        "dose_mg = 2", 'dose_mg = "two"'
    )
    text = text.replace('prescriber = "Dr Ruiz"\n', "")
    assert errors(tmp_path, text, {"taper-plan"}) == [
        "my-details.toml: plan.dose_mg: must be a number; got 'two'",
        "my-details.toml: plan.prescriber: is required for the taper-plan",
    ]
    text = PLAN.replace("cut_percent = 10", "cut_percent = 30")
    assert errors(tmp_path, text, {"taper-plan"}) == [
        "my-details.toml: plan.cut_percent: must be more than 0 and at most 25 percent of the "
        "current dose; got 30"
    ]


def test_a_web_form_may_send_numbers_as_text():
    values, problems = validate_details(
        {
            "person": {"name": "A"},
            "plan": {
                "medicine": "diazepam",
                "dose_mg": "20",
                "tablets_mg": ["2", "5", "10"],
                "split_tablets": True,
                "cut_percent": "10",
                "every_weeks": "2",
                "start": "2027-01-04",
                "stop_mg": "0",
                "prescriber": "Dr Ruiz",
            },
        },
        {"taper-plan"},
        TODAY,
    )
    assert problems == []
    assert values["plan"]["tablets_mg"] == [Decimal(2), Decimal(5), Decimal(10)]


def test_the_clinician_note_keys_and_its_choices_are_the_employer_request_s(tmp_path: Path):
    text = (
        '[person]\nname = "A"\n[clinician_note]\nclinician_name = "Dr Ruiz"\n'
        'limitations = ["fatigue", "sleepy"]\naccommodations = ["breaks"]\n'
        "disclose = true\n"
    )
    assert errors(tmp_path, text, {"work-limits-note"}) == [
        "my-details.toml: clinician_note.limitations: unknown choice 'sleepy'; "
        "did you mean 'sleep'?",
        "my-details.toml: clinician_note.condition: is required when clinician_note.disclose "
        "is true",
    ]
    assert {f.name for f in FIELDS if f.section == "clinician_note"} == {
        "clinician_name", "role", "practice", "phone", "under_care_since", "expected_duration",
        "limitations", "accommodations", "review", "disclose", "condition",
    }  # fmt: skip
    assert {f.name for f in FIELDS if f.section == "plan"} == {
        "medicine", "dose_mg", "tablets_mg", "split_tablets", "liquid_mg_per_ml", "cut_percent",
        "every_weeks", "start", "stop_mg", "prescriber",
    }  # fmt: skip
    by_key = {f.key: f for f in FIELDS}
    for name in ("limitations", "accommodations"):
        assert by_key[f"clinician_note.{name}"].choices == by_key[f"employer.{name}"].choices


def test_the_starter_file_has_no_plan_or_clinician_note():
    strings = load_language(ROOT / "templates" / "strings").strings
    text = starter_text("handouts letters --details my-details.toml", TODAY, strings)
    assert "[plan]" not in text and "[clinician_note]" not in text
