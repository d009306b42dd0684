"""The details file: the starter file init-details writes, and validation of every field."""

from __future__ import annotations

import datetime as dt
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
