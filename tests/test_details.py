"""The details file: the starter file init-details writes, validation of every field, and each
mistake a person makes writing one by hand, told with its line, its field and its fix."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

from handoutkit import InputError
from handoutkit.config import REGIONS
from handoutkit.details import letters_wanted, load_details, validate_details
from handoutkit.fields import FIELDS, REQUESTS
from handoutkit.language import load_language
from handoutkit.placeholders import choice_sentences
from handoutkit.starter import starter_text

from .conftest import ROOT

TODAY = dt.date(2026, 11, 26)
BOTH = {"physician-letter", "employer-accommodation"}
STRINGS = load_language(ROOT / "templates" / "strings").strings
EMPLOYER = '[employer]\nlimitations = ["fatigue"]\naccommodations = ["breaks"]\n'


def load(tmp_path: Path, text: str | bytes, needs=BOTH) -> dict:
    path = tmp_path / "my-details.toml"
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    return load_details(path, "my-details.toml", needs, TODAY)


def errors(tmp_path: Path, text: str | bytes, needs=BOTH) -> list[str]:
    with pytest.raises(InputError) as caught:
        load(tmp_path, text, needs)
    assert caught.value.exit_code == 2
    return caught.value.lines()


def starter() -> str:
    letter = next((ROOT / "handouts").glob("[0-9][0-9]-physician-letter.md")).read_text("utf-8")
    employer = next((ROOT / "handouts").glob("[0-9][0-9]-employer-accommodation.md"))
    employer = employer.read_text("utf-8")
    sentences = {**choice_sentences(letter), **choice_sentences(employer)}
    return starter_text(
        "handouts letters --details my-details.toml",
        TODAY,
        STRINGS,
        sentences,
        {"us": "United States", "uk": "United Kingdom"},
    )


def test_the_starter_file_explains_itself():
    text = starter()
    assert "letters --details my-details.toml" in text
    assert "[settings]" in text and 'region = ""' in text and 'paper = ""' in text
    assert "us (United States)" in text
    # Each choice is shown with its number, its name and what the letter says for it.
    letter = next((ROOT / "handouts").glob("[0-9][0-9]-physician-letter.md")).read_text("utf-8")
    said = choice_sentences(letter)["letter.requests"]
    for number, request in enumerate(REQUESTS, start=1):
        line = re.search(rf"^    # +{number} +{request} +(.*)$", text, re.M)
        assert line and line.group(1) == said[request], request
    assert said["no-abrupt-stop"].startswith("Please do not stop")


def test_the_untouched_starter_is_refused_until_its_examples_are_changed(tmp_path: Path):
    text = starter()
    made_up = [
        'my-details.toml:22: person.name: "Jordan Lee" is the example from the starter file: '
        "write your own here",
        "my-details.toml:23: person.date_of_birth: 1980-04-02 is the example from the starter "
        "file: write your own here",
    ]
    assert errors(tmp_path, text, set()) == made_up
    mine = text.replace("Jordan Lee", "Ana Pérez").replace("1980-04-02", "1979-06-30")
    # Nothing else is filled in for the person: no medicine, dose or limits at work they did not
    # write. Only the defaults are: every request, and the medicine not named to an employer.
    both = ["physician-letter", "employer-accommodation"]
    assert letters_wanted(tomllib.loads(mine), both) == ([], both), "so none is made"
    assert errors(tmp_path, mine) == [
        "my-details.toml:29: medication.name: is required for the physician-letter: write it "
        'between the quote marks: name = "clonazepam"',
        "my-details.toml:60: employer.limitations: nothing is chosen: choose at least one",
        "my-details.toml:68: employer.accommodations: nothing is chosen: choose at least one",
    ]
    details = load(tmp_path, mine.replace('name = ""  ', 'name = "diazepam"', 1), both[:1])
    assert details["person"]["name"] == "Ana Pérez"
    assert details["medication"] == {"name": "diazepam"}
    assert details["letter"] == {"date": "2026-11-26", "requests": ["all"]}
    assert details["employer"] == {"disclose_condition": False}
    assert details["settings"] == {}


def test_minimal_file_gets_defaults(tmp_path: Path):
    details = load(tmp_path, '[person]\nname = "A"\n[medication]\nname = "diazepam"\n' + EMPLOYER)
    assert details["letter"] == {"date": "2026-11-26", "requests": ["all"]}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "[person]\nname = “Ana Pérez”\n",
            "my-details.toml:2: person.name: the quote marks are curly (“); the file needs "
            'straight ones, like name = "Ana Pérez". Turn off smart quotes in your editor',
        ),
        (
            '[person]\nname = "Ana Pérez\n',
            "my-details.toml:2: person.name: a quote mark is missing. Text goes between two "
            'straight quote marks: name = "Ana Pérez"',
        ),
        (
            '[person]\nname = Ana Pérez"\n',
            "my-details.toml:2: person.name: a quote mark is missing. Text goes between two "
            'straight quote marks: name = "Ana Pérez"',
        ),
        (
            "[person]\nname = Ana Pérez\n",
            "my-details.toml:2: person.name: the quote marks are missing. Text goes between two "
            'straight quote marks: name = "Ana Pérez"',
        ),
        (
            '[person]\nname = "A"\n[employer]\ndisclose_condition = no\n',
            "my-details.toml:4: employer.disclose_condition: write true or false (small letters, "
            "no quote marks), not no: disclose_condition = false",
        ),
        (
            '[person]\nname = "A"\n[employer]\ndisclose_condition = Yes\n',
            "my-details.toml:4: employer.disclose_condition: write true or false (small letters, "
            "no quote marks), not Yes: disclose_condition = true",
        ),
        (
            '[person]\nname = "A"\n[employer]\nstart = 12/01/2026\n',
            "my-details.toml:4: employer.start: dates are written year-month-day, not "
            '12/01/2026: start = "2026-12-01" or start = "2026-01-12"',
        ),
        (
            '[person]\nname = "A"\n[medication]\nsymptoms = "Shaking\nand no sleep"\n',
            "my-details.toml:4: medication.symptoms: the text runs onto the next line. For more "
            'than one line, use three quote marks at the start and the end: symptoms = """Shaking '
            '..."""',
        ),
        (
            '[person]\nname = "A"\n[medication]\nsymptoms = """Shaking\n',
            'my-details.toml:4: medication.symptoms: the text that starts with """ is not closed: '
            'end it with """ on the line after your text',
        ),
        (
            '[letter]\nrequests = ["all"\n[person]\nname = "A"\n',
            "my-details.toml:2: letter.requests: the list is not closed: end it with ], like "
            'requests = ["all"]',
        ),
        (
            "[letter]\nrequests = [all]\n",
            "my-details.toml:2: letter.requests: each choice in the list goes between quote "
            'marks, like requests = ["all"]',
        ),
        (
            '[person]\nname "Ana"\n',
            'my-details.toml:2: person.name: the = sign is missing: name = "Ana"',
        ),
        (
            '[person]\nname = "Ana" Pérez\n',
            "my-details.toml:2: person.name: there is more after the closing quote mark (Pérez). "
            'Put all the text between the quote marks: name = "Ana Pérez"',
        ),
        (
            '[person]\nname = "C:\\Users"\n',
            "my-details.toml:2: person.name: a backslash (\\) must be written twice (\\\\) "
            "between double quote marks; or use single quote marks: name = 'C:\\Users'",
        ),
        (
            '[person]\nname = "A"\nname = "B"\n',
            "my-details.toml:3: person.name: is written twice (lines 2 and 3); keep one of them",
        ),
        (
            '[person]\nname = "A"\n[person]\nphone = "1"\n',
            "my-details.toml:3: [person] is written twice (lines 1 and 3): put all its lines "
            "under one [person]",
        ),
        (
            '[person\nname = "A"\n',
            "my-details.toml:1: a section name goes between [ and ], like [person]; got [person",
        ),
        (
            "[person]\nname =\n",
            "my-details.toml:2: person.name: nothing is written after the = sign. Text goes "
            'between two straight quote marks: name = "Ana Pérez"',
        ),
        (
            '[person]\nname = "A"\n{x}\n',
            "my-details.toml:3: each line in [person] is a name, an = sign and a value, like "
            'name = "Ana Pérez"',
        ),
    ],
)
def test_each_toml_mistake_has_its_own_message(tmp_path: Path, text: str, expected: str):
    assert errors(tmp_path, text) == [expected]


def test_every_mistake_in_the_text_is_reported_at_once(tmp_path: Path):
    text = (
        "[person]\nname = “Ana”\nphone = 555 0100\n"
        "[employer]\ndisclose_condition = no\nstart = 1/12/2026\n"
    )
    assert [line.split(":")[1] for line in errors(tmp_path, text)] == ["2", "3", "5", "6"]


def test_an_unknown_toml_mistake_still_names_its_line(tmp_path: Path):
    (line,) = errors(tmp_path, '[person]\nname = "A"\nphone = {"x" = }\n')
    assert line.startswith("my-details.toml:3: this line is not written the way the file needs (")
    assert line.endswith('lines look like name = "Ana Pérez", [person] or requests = ["all"]')


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "is a PDF, not a details file."),
        (b"PK\x03\x04\x14\x00\x06\x00", "was saved by a word processor, not as plain text."),
        (b"{\\rtf1\\ansi\\deff0 {\\fonttbl}}", "was saved as rich text."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is not a text file."),
        (b'[person]\nname = "Jos\xe9"\n', "is not saved as UTF-8 text."),
    ],
)
def test_files_that_are_not_utf8_text(tmp_path: Path, raw: bytes, expected: str):
    (line,) = errors(tmp_path, raw)
    assert line.startswith(f"my-details.toml{':2' if b'Jos' in raw else ''}: {expected}")


def test_byte_order_marks_are_read(tmp_path: Path):
    text = '[person]\nname = "Zoë"\n'
    assert load(tmp_path, b"\xef\xbb\xbf" + text.encode(), set())["person"]["name"] == "Zoë"
    assert load(tmp_path, text.encode("utf-16"), set())["person"]["name"] == "Zoë"


def test_field_errors_name_their_line(tmp_path: Path):
    text = (
        '[person]\nname = 5\ndate_of_birth = "1980-02-30"\nnmae = "x"\n'
        '[employer]\ndisclose_condition = "no"\nstart = "12/25/2026"\n[physican]\nname = "x"\n'
    )
    assert errors(tmp_path, text) == [
        'my-details.toml:2: person.name: text goes between two straight quote marks: name = "5"',
        "my-details.toml:3: person.date_of_birth: 1980-02-30 is not a real date: check the "
        'month and the day (dates are written year-month-day, like "2026-12-01")',
        "my-details.toml:4: person.nmae: unknown field; did you mean 'name'?",
        "my-details.toml:5: employer.limitations: is required for the employer-accommodation: "
        "choose at least one",
        "my-details.toml:5: employer.accommodations: is required for the "
        "employer-accommodation: choose at least one",
        "my-details.toml:6: employer.disclose_condition: write true or false (small letters, no "
        'quote marks), not "no": disclose_condition = false',
        "my-details.toml:7: employer.start: dates are written year-month-day, not 12/25/2026: "
        'start = "2026-12-25"',
        "my-details.toml:8: [physican]: unknown section; did you mean 'physician'?",
        "my-details.toml: medication.name: is required for the physician-letter: write it "
        'between the quote marks: name = "clonazepam"',
    ]


def test_medication_is_required_only_for_the_physician_letter(tmp_path: Path):
    text = '[person]\nname = "A"\n' + EMPLOYER
    assert load(tmp_path, text, {"employer-accommodation"})["person"]["name"] == "A"
    assert errors(tmp_path, text, {"physician-letter"}) == [
        "my-details.toml: medication.name: is required for the physician-letter: write it "
        'between the quote marks: name = "clonazepam"'
    ]


def test_name_is_always_required(tmp_path: Path):
    assert errors(tmp_path, "[person]\n", set()) == [
        "my-details.toml:1: person.name: is required: write it between the quote marks: "
        'name = "..."'
    ]


def test_missing_file(tmp_path: Path):
    with pytest.raises(InputError) as caught:
        load_details(tmp_path / "nope.toml", "nope.toml", BOTH, TODAY)
    assert caught.value.lines() == ["nope.toml: file not found; make one with init-details"]


def test_text_is_normalised_to_nfc(tmp_path: Path):
    decomposed = "Zoe\u0308"
    details = load(tmp_path, f'[person]\nname = "{decomposed}"\n', set())
    assert details["person"]["name"] == "Zo\u00eb"


def test_toml_dates_are_accepted(tmp_path: Path):
    text = '[person]\nname = "A"\n[employer]\nstart = 2026-12-01\n'
    assert load(tmp_path, text, set())["employer"]["start"] == "2026-12-01"


REQUESTS_CASES = [
    ('["all"]', ["all"]),
    ('"all"', ["all"]),
    ("[2, 4]", ["no-abrupt-stop", "gradual-pace"]),
    ('[2, "gradual-pace", 2]', ["no-abrupt-stop", "gradual-pace"]),
    ("10", ["protracted-symptoms"]),
]


@pytest.mark.parametrize(("written", "chosen"), REQUESTS_CASES)
def test_requests_by_number_or_name(tmp_path: Path, written: str, chosen: list[str]):
    text = f'[person]\nname = "A"\n[letter]\nrequests = {written}\n'
    assert load(tmp_path, text, set())["letter"]["requests"] == chosen
    assert REQUESTS[9] == "protracted-symptoms"


def test_requests_that_cannot_be_chosen(tmp_path: Path):
    text = '[person]\nname = "A"\n[letter]\nrequests = [0, 11, "3", "gradual"]\n'
    pick = 'choose "all", or some by number (1 to 10) or by name'
    assert errors(tmp_path, text, set()) == [
        f"my-details.toml:4: letter.requests: there is no number 0: {pick}",
        f"my-details.toml:4: letter.requests: there is no number 11: {pick}",
        "my-details.toml:4: letter.requests: write numbers without quote marks, like "
        "requests = [1, 3]",
        "my-details.toml:4: letter.requests: unknown choice 'gradual'; did you mean "
        "'gradual-pace'?",
    ]


def test_an_empty_list_is_refused(tmp_path: Path):
    text = '[person]\nname = "A"\n[medication]\nname = "x"\n[letter]\nrequests = []\n'
    assert errors(tmp_path, text, {"physician-letter"}) == [
        'my-details.toml:6: letter.requests: nothing is chosen: choose "all", or at least one'
    ]
    # Unless its letter is not being made: the starter's empty [employer] lists ask nothing.
    text += "[employer]\nlimitations = []\naccommodations = []\n"
    assert errors(tmp_path, text, {"physician-letter"}) == [
        'my-details.toml:6: letter.requests: nothing is chosen: choose "all", or at least one'
    ]


def test_settings_in_a_section_or_at_the_top(tmp_path: Path):
    text = 'region = "uk"\n[person]\nname = "A"\n[settings]\npaper = "A4"\n'
    assert load(tmp_path, text, set())["settings"] == {"region": "uk", "paper": "a4"}
    regions = ", ".join(REGIONS)
    assert errors(tmp_path, '[settings]\nregion = "gb"\n[person]\nname = "A"\n', set()) == [
        f"my-details.toml:2: settings.region: unknown choice 'gb'; write one of {regions}"
    ]
    assert (
        load(tmp_path, '[settings]\nregion = ""\n[person]\nname = "A"\n', set())["settings"] == {}
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "Ana\u202eevil",
            "has an invisible character that changes the order of text (U+202E); delete it, or "
            "type the text again. Right-to-left names print the right way round without it",
        ),
        ("\u2067Ana\u2069", "has an invisible character that changes the order of text (U+2067)"),
        ("Ana\u200f 10", "has an invisible character that changes the order of text (U+200F)"),
        (
            "Ana\x00",
            "has a control character (U+0000) that cannot be printed; delete it, or type the "
            "text again",
        ),
        ("Ana\x1b[31m", "has a control character (U+001B)"),
        ("Ana\x85Lee", "must be on one line: remove the line break"),
        ("Ana\nLee", "must be on one line: remove the line break"),
        ("Ana 😀", "cannot print '😀' (U+1F600): letters leave out emoji. Delete it"),
        (
            "Ana \ue000",
            'cannot print U+E000: no font for the letters has it. Delete it, or leave this "" '
            "and write it by hand after printing",
        ),
        ("x" * 121, "is 121 characters long; at most 120 fit. Shorten it by 1 character"),
    ],
)
def test_values_that_cannot_be_printed_as_written(value: str, message: str):
    _, problems = validate_details({"person": {"name": value}}, set(), TODAY)
    assert [(p.field, p.message[: len(message)]) for p in problems] == [("person.name", message)]


def test_multiline_fields_keep_their_lines_and_tabs_become_spaces():
    values, problems = validate_details(
        {"person": {"name": "A"}, "medication": {"symptoms": "One\r\nTwo\tthree\u2028Four"}},
        set(),
        TODAY,
    )
    assert problems == []
    assert values["medication"]["symptoms"] == "One\nTwo three\nFour"


def test_validate_details_takes_any_mapping_and_names_each_field():
    _, problems = validate_details(
        {"person": {"name": "Ana Pérez"}, "employer": {"accommodations": ["breaks", "nap"]}},
        {"employer-accommodation"},
        TODAY,
    )
    # With no lines (a form's answers), problems come in the registry's order, as a form asks.
    assert [(p.field, p.message) for p in problems] == [
        ("employer.limitations", "is required for the employer-accommodation: choose at least "
         "one"),
        ("employer.accommodations", "unknown choice 'nap'; pick names from flexible-hours, "
         "remote-work, breaks, quiet-space, written-instructions, task-steps, "
         "appointments-leave, check-ins"),
    ]  # fmt: skip
    good, none = validate_details({"person": {"name": "Ana"}}, set(), TODAY)
    assert none == []
    assert good["person"] == {"name": "Ana"}
    assert good["letter"] == {"date": "2026-11-26", "requests": ["all"]}


def test_a_letter_whose_own_sections_are_empty_is_not_wanted():
    data = {
        "person": {"name": "A"},
        "medication": {"name": "", "symptoms": ""},
        "employer": {"disclose_condition": False, "limitations": []},
    }
    letters = ["physician-letter", "employer-accommodation"]
    assert letters_wanted(data, letters) == ([], letters)
    data["physician"] = {"name": "Dr Okafor"}
    assert letters_wanted(data, letters) == (["physician-letter"], ["employer-accommodation"])
    data["employer"]["start"] = "2026-12-01"
    assert letters_wanted(data, letters) == (letters, [])


def test_every_field_has_words_in_the_strings_file():
    assert set(STRINGS["fields"]) == {f.key for f in FIELDS}
    assert all(
        STRINGS["fields"][f.key]["label"] and STRINGS["fields"][f.key]["help"] for f in FIELDS
    )


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
    details = load(tmp_path, '[person]\nname = "A"\n', {"taper-plan", "work-limits-note"})
    assert details["plan"] == {} and details["clinician_note"] == {}


def test_plan_refusals_come_from_the_taper_arithmetic_and_name_the_field(tmp_path: Path):
    text = PLAN.replace("cut_percent = 10", "cut_percent = 30").replace(
        "dose_mg = 2", 'dose_mg = "two"'
    )
    text = text.replace('prescriber = "Dr Ruiz"\n', "")
    assert errors(tmp_path, text, {"taper-plan"}) == [
        "my-details.toml:3: plan.prescriber: is required for the taper-plan: write it between "
        'the quote marks: prescriber = "Dr Ana Ruiz"',
        "my-details.toml:5: plan.dose_mg: must be a number; got 'two'",
    ]
    text = PLAN.replace("cut_percent = 10", "cut_percent = 30")
    assert errors(tmp_path, text, {"taper-plan"}) == [
        "my-details.toml:8: plan.cut_percent: must be more than 0 and at most 25 percent of the "
        "current dose; got 30"
    ]


def test_a_number_written_in_words_is_told_how_to_write_it(tmp_path: Path):
    text = PLAN.replace("dose_mg = 2", "dose_mg = two")
    assert errors(tmp_path, text, {"taper-plan"}) == [
        "my-details.toml:5: plan.dose_mg: write a number in figures, without quote marks: "
        "dose_mg = 2.5"
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
        "my-details.toml:3: clinician_note.condition: is required when clinician_note.disclose "
        'is true: write it between the quote marks: condition = "..."',
        "my-details.toml:5: clinician_note.limitations: unknown choice 'sleepy'; "
        "did you mean 'sleep'?",
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
