"""Personal, blank and fillable letters, read back from real PDFs."""

from __future__ import annotations

import json
import re
import tomllib
import unicodedata
from pathlib import Path

import page as page_validation
import pytest
from pypdf import PdfReader

from handoutkit.fields import choice_groups
from handoutkit.language import load_language
from handoutkit.placeholders import PLACEHOLDER, fill
from make_handouts import main

from .conftest import ROOT

DATA = Path(__file__).parent / "data"
FULL = DATA / "details-full.toml"
MEDICINES = ("benzodiazepine", "clonazepam", "alprazolam", "lorazepam", "diazepam")

CHOICES = {group: field.choices for group, field in choice_groups().items()}
STRINGS = load_language(ROOT / "templates" / "strings").strings


def text_of(path: Path) -> str:
    raw = "\n".join(p.extract_text() for p in PdfReader(path).pages)
    return unicodedata.normalize("NFC", raw)


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(scope="module")
def personal(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("personal")
    assert main(["letters", "--details", str(FULL), "--out", str(out)]) == 0
    return out


def test_personal_letters_are_one_page_each(personal: Path):
    assert sorted(p.name for p in personal.iterdir()) == [
        "employer-accommodation.pdf",
        "physician-letter.pdf",
        "using-your-letters.pdf",
    ]
    for pdf in personal.iterdir():
        assert len(PdfReader(pdf).pages) == 1
        assert page_validation.validate_pdf(pdf, profile="ua1").is_compliant


def test_every_value_prints_exactly_as_typed(personal: Path):
    details = tomllib.loads(FULL.read_text(encoding="utf-8"))
    physician = text_of(personal / "physician-letter.pdf")
    employer = text_of(personal / "employer-accommodation.pdf")
    expected_in_physician = [
        details["person"][k] for k in ("name", "date_of_birth", "phone", "email")
    ] + [details["medication"][k] for k in ("name", "dose", "since", "earlier_tapers")]
    expected_in_physician += details["medication"]["symptoms"].splitlines()
    expected_in_physician += [details["physician"]["name"], details["physician"]["practice"]]
    expected_in_physician += [details["letter"]["note"], details["letter"]["date"]]
    for value in expected_in_physician:
        assert unicodedata.normalize("NFC", value) in physician, value
    employer_values = [
        details["employer"][k]
        for k in (
            "recipient",
            "organisation",
            "job_title",
            "other_accommodations",
            "start",
            "review",
        )
    ] + [details["person"]["name"]]
    for value in employer_values:
        assert unicodedata.normalize("NFC", value) in employer, value


def test_markup_in_values_stays_literal(personal: Path):
    text = text_of(personal / "physician-letter.pdf")
    assert "Dr <b>Patel</b>" in text
    assert "**too fast**" in text
    assert "{{ 7*7 }}" in text
    assert "read 49" not in text
    assert "{% raw %}" in text


def test_names_in_any_script_get_real_glyphs(personal: Path):
    reader = PdfReader(personal / "physician-letter.pdf")
    fonts = {
        str(f.get_object()["/BaseFont"]).split("+")[-1]
        for f in reader.pages[0]["/Resources"]["/Font"].values()
    }
    assert any(name.startswith("Noto-Sans-CJK") for name in fonts), fonts
    assert "李小龍" in text_of(personal / "physician-letter.pdf")


def test_undisclosed_employer_sheet_names_no_medicine(personal: Path):
    text = text_of(personal / "employer-accommodation.pdf").lower()
    assert "a medical condition" in text
    for word in MEDICINES:
        assert word not in text


def test_disclosed_condition_names_the_medicine(tmp_path: Path, capsys):
    details = tmp_path / "d.toml"
    text = FULL.read_text(encoding="utf-8").replace(
        "disclose_condition = false", "disclose_condition = true"
    )
    details.write_text(text, encoding="utf-8")
    code, _, _ = run(
        capsys,
        "letters",
        "--details",
        details,
        "--out",
        tmp_path,
        "--only",
        "employer-accommodation",
    )
    assert code == 0
    assert "clonazepam" in text_of(tmp_path / "employer-accommodation.pdf")


def test_personal_sheet_lists_only_the_chosen_items(personal: Path):
    text = text_of(personal / "employer-accommodation.pdf")
    assert "Tiredness and low energy" in text
    assert "Working from home some days" in text
    assert "Poor sleep" not in text
    assert "Written instructions" not in text


def test_chosen_requests_only(tmp_path: Path, capsys):
    details = tmp_path / "d.toml"
    text = FULL.read_text(encoding="utf-8").replace(
        'requests = ["all"]', 'requests = ["no-abrupt-stop", "small-dose-forms"]'
    )
    details.write_text(text, encoding="utf-8")
    code, _, _ = run(
        capsys, "letters", "--details", details, "--out", tmp_path, "--only", "physician-letter"
    )
    assert code == 0
    letter = " ".join(text_of(tmp_path / "physician-letter.pdf").split())
    assert "even if a refill is late" in letter
    assert "liquid or low-strength tablets" in letter
    assert "It is not addiction" not in letter
    # The how-to page comes with any letter: it is the person's own, with the crisis lines.
    assert (tmp_path / "using-your-letters.pdf").exists()


def test_the_how_to_beside_personal_letters_holds_no_personal_details(personal: Path):
    text = " ".join(text_of(personal / "using-your-letters.pdf").split())
    assert "Cross out what you do not want" in text
    assert "keep a copy" in text
    assert "call or text 988" in text
    for private in ("Zoë", "clonazepam", "Patel", "Acme"):
        assert private not in text
    assert page_validation.validate_pdf(
        personal / "using-your-letters.pdf", profile="ua1"
    ).is_compliant


def test_personal_letters_stay_out_of_the_manifest(tmp_path: Path, capsys):
    out = tmp_path / "personal"
    code, stdout, _ = run(capsys, "letters", "--details", FULL, "--out", out)
    assert code == 0
    assert not (tmp_path / "manifest.json").exists()
    assert sorted(p.name for p in out.iterdir()) == [
        "employer-accommodation.pdf",
        "physician-letter.pdf",
        "using-your-letters.pdf",
    ]
    assert "health information" in stdout
    # The name never reaches stdout or stderr either.
    assert "Zoë" not in stdout


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ('"remote-work"', '"remote"'),
            "error: {f}: employer.accommodations: unknown choice 'remote'; "
            "did you mean 'remote-work'?",
        ),
        (
            ('name = "clonazepam"', 'name = ""'),
            "error: {f}: medication.name: is required for the physician-letter",
        ),
        (
            ('start = "2026-12-01"', 'start = "12/01/2026"'),
            "error: {f}: employer.start: must be a real date written YYYY-MM-DD; got '12/01/2026'",
        ),
        (
            ("disclose_condition = false", 'disclose_condition = "no"'),
            "error: {f}: employer.disclose_condition: must be true or false; got 'no'",
        ),
        (
            ("[employer]", '[employer]\nsalary = "x"'),
            "error: {f}: employer.salary: unknown field; expected one of recipient, organisation, "
            "job_title, limitations, accommodations, other_accommodations, how_it_helps, start, "
            "review, disclose_condition",
        ),
    ],
)
def test_bad_details_exit_2_and_write_nothing(tmp_path: Path, capsys, change, expected):
    details = tmp_path / "d.toml"
    details.write_text(FULL.read_text(encoding="utf-8").replace(*change), encoding="utf-8")
    out = tmp_path / "out"
    code, _, stderr = run(capsys, "letters", "--details", details, "--out", out)
    assert code == 2
    assert stderr == expected.format(f=details.as_posix()) + "\n"
    assert not out.exists()


def test_toml_syntax_error(tmp_path: Path, capsys):
    details = tmp_path / "d.toml"
    details.write_text('[person]\nname = "Jordan\n', encoding="utf-8")
    code, _, stderr = run(capsys, "letters", "--details", details, "--out", tmp_path / "out")
    assert code == 2
    assert stderr.startswith(f"error: {details.as_posix()}:2: not valid TOML")
    assert "Traceback" not in stderr


def test_long_free_text_names_the_field(tmp_path: Path, capsys):
    details = tmp_path / "d.toml"
    long_note = "I need to explain a lot about my history. " * 13
    long_symptoms = "Shaking hands and ringing ears most days. " * 27
    details.write_text(
        FULL.read_text(encoding="utf-8")
        .replace('note = "Please read {{ 7*7 }} and {% raw %} as typed."', f'note = "{long_note}"')
        .replace('symptoms = """Insomnia and tinnitus.', f'symptoms = """{long_symptoms}'),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    code, _, stderr = run(capsys, "letters", "--details", details, "--out", out)
    assert code == 2
    (line,) = stderr.splitlines()
    assert line.startswith(
        f"error: {details.as_posix()}: medication.symptoms: too long for the physician-letter to "
        "fit on one page; shorten it by about "
    )
    assert not out.exists(), "nothing is written when one letter fails"


def test_a_value_over_its_limit_is_refused_with_the_limit(tmp_path: Path, capsys):
    details = tmp_path / "d.toml"
    long_note = "x" * 601
    details.write_text(
        FULL.read_text(encoding="utf-8").replace(
            'note = "Please read {{ 7*7 }} and {% raw %} as typed."', f'note = "{long_note}"'
        ),
        encoding="utf-8",
    )
    code, _, stderr = run(capsys, "letters", "--details", details, "--out", tmp_path / "out")
    assert (code, stderr) == (
        2,
        f"error: {details.as_posix()}: letter.note: is 601 characters long; at most 600 fit\n",
    )


def test_only_with_an_unknown_letter(tmp_path: Path, capsys):
    code, _, stderr = run(
        capsys, "letters", "--details", FULL, "--out", tmp_path, "--only", "physician-leter"
    )
    assert code == 2
    assert (
        stderr
        == "error: --only: no letter with id 'physician-leter'; did you mean 'physician-letter'?\n"
    )


def test_init_details_writes_once_and_never_overwrites(tmp_path: Path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, stdout, _ = run(capsys, "init-details", "my-details.toml", "--project", ROOT)
    assert code == 0
    assert "letters --details my-details.toml" in stdout
    first = (tmp_path / "my-details.toml").read_text()
    code, _, stderr = run(capsys, "init-details", "my-details.toml", "--project", ROOT)
    assert code == 2
    assert stderr == "error: my-details.toml: already exists; not overwritten (pick another name)\n"
    assert (tmp_path / "my-details.toml").read_text() == first
    code, _, _ = run(
        capsys, "letters", "--details", "my-details.toml", "--project", ROOT, "--out", "mine"
    )
    assert code == 0
    assert len(PdfReader(tmp_path / "mine" / "physician-letter.pdf").pages) == 1


FIELD_NAMES = {
    "physician-letter": [
        "physician_name",
        "practice",
        "patient_name",
        "date_of_birth",
        "medication",
        "dose",
        "since",
        "earlier_tapers",
        "symptoms",
        "note",
        "letter_date",
        "phone",
        "email",
    ],
    "employer-accommodation": [
        "recipient",
        "organisation",
        "patient_name",
        "job_title",
        "letter_date",
        *[f"limitation_{c.replace('-', '_')}" for c in CHOICES["limitation"]],
        *[f"accommodation_{c.replace('-', '_')}" for c in CHOICES["accommodation"]],
        "other_accommodations",
        "how_it_helps",
        "start",
        "review",
        "reply_by",
    ],
}


@pytest.mark.parametrize("letter", FIELD_NAMES)
def test_fillable_fields_in_page_order_with_tooltips(real_build: Path, letter: str):
    reader = PdfReader(real_build / "letter" / f"{letter}-fillable.pdf")
    fields = reader.get_fields()
    assert list(fields) == FIELD_NAMES[letter]
    for name, field in fields.items():
        assert field.get("/TU"), f"{name} has no tooltip"
    assert reader.pages[0]["/Tabs"] == "/S", "tab order follows the structure (the page)"
    kinds = {name: field.get("/FT") for name, field in fields.items()}
    assert {kinds[n] for n in fields if n.startswith(("limitation_", "accommodation_"))} <= {"/Btn"}


def test_a_filled_form_prints_what_was_typed(real_build: Path, tmp_path: Path):
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=real_build / "letter" / "physician-letter-fillable.pdf")
    writer.update_page_form_field_values(
        writer.pages[0], {"patient_name": "Ana Souza", "note": "Line one"}, auto_regenerate=False
    )
    out = tmp_path / "filled.pdf"
    writer.write(out)
    values = {k: v.get("/V") for k, v in PdfReader(out).get_fields().items()}
    assert values["patient_name"] == "Ana Souza"
    assert values["note"] == "Line one"


def test_blank_letters_have_write_in_lines_and_no_placeholders(real_build: Path):
    for letter in FIELD_NAMES:
        text = text_of(real_build / "letter" / f"{letter}.pdf")
        assert "[[" not in text and "]]" not in text


def test_every_choice_appears_once_in_its_letter():
    def body(id: str) -> str:
        # Found by id: the NN prefix moves whenever a sheet is added before the letters.
        return next((ROOT / "handouts").glob(f"[0-9][0-9]-{id}.md")).read_text()

    bodies = {
        "request": body("physician-letter"),
        "limitation": body("employer-accommodation"),
        "accommodation": body("employer-accommodation"),
        "note_limitation": body("work-limits-note"),
        "note_accommodation": body("work-limits-note"),
    }
    for kind, choices in CHOICES.items():
        found = [c for n, c, _ in PLACEHOLDER.findall(bodies[kind]) if n == kind]
        assert sorted(found) == sorted(choices), kind


def test_fill_escapes_values():
    html = fill(
        "<p>[[patient_name|Name]]</p>",
        "personal",
        {"person": {"name": "<script>x</script>"}},
        STRINGS,
    )
    assert "<script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html


def test_manifest_lists_fillable_letters(real_build: Path):
    entries = json.loads((real_build / "manifest.json").read_text())["outputs"]
    fillable = {e["path"] for e in entries if e["kind"] == "fillable"}
    assert fillable == {
        f"{edition}/{letter}-fillable.pdf"
        for edition in ("letter", "a4", "letter-large", "a4-large")
        for letter in (*FIELD_NAMES, "taper-plan", "work-limits-note")
    }


def test_large_print_personal_letters_fit_their_budget(tmp_path: Path, capsys):
    code, _, _ = run(capsys, "letters", "--details", FULL, "--out", tmp_path, "--large-print")
    assert code == 0
    for pdf in tmp_path.glob("*.pdf"):
        assert len(PdfReader(pdf).pages) <= 3
        assert page_validation.validate_pdf(pdf, profile="ua1").is_compliant
    assert "李小龍" in text_of(tmp_path / "physician-letter.pdf")


# The clinician's note of work limits -----------------------------------------------------

NOTE = DATA / "clinician-note.toml"
NOTE_BODY = next((ROOT / "handouts").glob("[0-9][0-9]-work-limits-note.md")).read_text("utf-8")
EMPLOYER_BODY = next((ROOT / "handouts").glob("[0-9][0-9]-employer-accommodation.md")).read_text(
    "utf-8"
)


def note(tmp_path: Path, capsys, **changes) -> str:
    details = tmp_path / "note.toml"
    text = NOTE.read_text(encoding="utf-8")
    for old, new in changes.items():
        text = text.replace(old, new)
    details.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    code, _, err = run(
        capsys, "letters", "--details", details, "--only", "work-limits-note", "--out", out
    )
    assert (code, err) == (0, "")
    pdf = out / "work-limits-note.pdf"
    assert len(PdfReader(pdf).pages) == 1
    assert page_validation.validate_pdf(pdf, profile="ua1").is_compliant
    return " ".join(text_of(pdf).split())


def test_note_names_no_diagnosis_or_medicine_unless_the_patient_agrees(tmp_path: Path, capsys):
    text = note(tmp_path, capsys)
    assert "names no diagnosis or medicine" in text
    for word in (*MEDICINES, "withdrawal", "taper"):
        assert word not in text.lower(), word
    for value in ("Jordan Lee", "Dr Ana Ruiz", "Family physician", "Harbour Lane Clinic",
                  "+1 555 0199", "March 2025", "about 6 months", "2027-06-01"):  # fmt: skip
        assert value in text, value


def test_note_names_the_condition_when_the_box_is_ticked(tmp_path: Path, capsys):
    text = note(tmp_path, capsys, **{"disclose = false": "disclose = true"})
    assert (
        "With the patient's agreement, I can say that their condition is: benzodiazepine " in text
    )
    assert "clonazepam taper" in text


def test_note_lists_only_the_chosen_limits_and_changes(tmp_path: Path, capsys):
    text = note(tmp_path, capsys)
    for chosen in ("Tiredness and low energy.", "Trouble focusing or remembering.",
                   "Poor sleep.", "Flexible hours or a later start.", "Short rest breaks.",
                   "Written steps and checklists."):  # fmt: skip
        assert chosen in text, chosen
    for left_out in ("Worry or panic.", "A quieter space", "Time off for appointments."):
        assert left_out not in text, left_out


def test_note_choices_match_the_employer_request_word_for_word():
    def labels(body: str, group: str) -> dict[str, str]:
        found = re.findall(rf"\[\[{group}:([a-z-]+)\]\] (.+)", body)
        return {choice: label.replace("them", "me") for choice, label in found}

    for group in ("limitation", "accommodation"):
        assert labels(NOTE_BODY, f"note_{group}") == labels(EMPLOYER_BODY, group)


def test_blank_note_is_a_form_for_the_clinician_and_not_in_the_booklet(real_build: Path):
    text = " ".join(text_of(real_build / "letter" / "work-limits-note.pdf").split())
    assert "This note names no diagnosis or medicine unless the patient agrees" in text
    assert "The patient agrees that I name their condition" in text
    booklet = PdfReader(real_build / "letter" / "booklet.pdf")
    titles = [i.title for i in booklet.outline if not isinstance(i, list)]
    assert "A clinician's note of work limits" not in titles
    fields = PdfReader(real_build / "letter" / "work-limits-note-fillable.pdf").get_fields()
    assert {"disclose", "condition", "note_limitation_fatigue", "note_accommodation_breaks"} <= set(
        fields
    )
    assert fields["disclose"].get("/FT") == "/Btn"
