"""The taper plan sheet: blank, fillable, and filled from a [plan], read back from real PDFs."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

import page as page_validation
import pytest
from pypdf import PdfReader

from handoutkit import (
    Edition,
    InputError,
    Job,
    Project,
    Renderer,
    render_letters,
    validate_details,
)
from make_handouts import main

from .conftest import ROOT

DATA = Path(__file__).parent / "data"
TODAY = dt.date(2026, 11, 26)
PLANS = {
    "tablets": DATA / "plan-clonazepam-tablets.toml",
    "liquid": DATA / "plan-clonazepam-liquid.toml",
    "diazepam": DATA / "plan-diazepam.toml",
}


def text_of(path: Path) -> str:
    """The PDF's words on one line, with its multiplication signs written as a plain x here."""
    raw = " ".join(p.extract_text() for p in PdfReader(path).pages)
    text = " ".join(unicodedata.normalize("NFC", raw).split())
    assert " x " not in text, "the sheet prints a multiplication sign, never a letter x"
    return text.replace("\N{MULTIPLICATION SIGN}", "x")


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def make_plan(capsys, tmp_path: Path, details: Path, *more: str) -> Path:
    out = tmp_path / ("out-large" if "--large-print" in more else "out")
    code, _, err = run(
        capsys, "letters", "--details", details, "--only", "taper-plan", "--out", out, *more
    )
    assert (code, err) == (0, "")
    # Made on its own, a plan is not one of the person's letters: no how-to sheet beside it.
    name = "taper-plan-large.pdf" if "--large-print" in more else "taper-plan.pdf"
    assert [p.name for p in out.iterdir()] == [name]
    return out / name


@pytest.fixture(scope="module")
def plans(tmp_path_factory) -> dict[str, Path]:
    made = {}
    for name, details in PLANS.items():
        out = tmp_path_factory.mktemp(name)
        assert (
            main(["letters", "--details", str(details), "--only", "taper-plan", "--out", str(out)])
            == 0
        )
        made[name] = out / "taper-plan.pdf"
    return made


def test_clonazepam_tablets_hold_at_once_and_say_what_to_ask_for(plans):
    text = text_of(plans["tablets"])
    assert "Prepared for Dr Ana Ruiz to review and sign. It is valid only when signed." in text
    assert "Now 2 mg 4 x 0.5 mg" in text
    assert "1 4 Jan 2027 2 mg 4 x 0.5 mg Hold" in text
    assert "Stay at this dose. Ask your prescriber about a liquid or a smaller tablet." in text
    assert "“1½ x 0.5 mg” means one and a half 0.5 mg tablets." in text
    assert not re.search(r"\b2 18 Jan 2027", text), "nothing after the first hold"


def test_clonazepam_liquid_rows_show_ml_and_mg_and_the_real_percent(plans):
    text = text_of(plans["liquid"])
    for row in (
        "1 4 Jan 2027 1.8 mg 18 mL 10%",
        "2 18 Jan 2027 1.62 mg 16.2 mL 10%",
        "3 1 Feb 2027 1.46 mg 14.6 mL 9.8%",  # 1.62 -> 1.46 is 9.88%: shown rounded down
        "34 10 Apr 2028 0.09 mg 0.9 mL 10%",
        "35 24 Apr 2028 0.09 mg 0.9 mL Hold",
    ):
        assert row in text, row
    assert "Stay at this dose. Ask your prescriber about a weaker liquid." in text
    assert "a liquid with 0.1 mg in each mL" in text
    assert len(PdfReader(plans["liquid"]).pages) == 2, "35 steps run on to a second page"


def test_diazepam_plan_of_19_steps_fits_one_page(plans):
    text = text_of(plans["diazepam"])
    assert "1 4 Jan 2027 18 mg 1 x 10 mg + 1 x 5 mg + 1½ x 2 mg 10%" in text
    assert "2 18 Jan 2027 16.5 mg 1 x 10 mg + ½ x 5 mg + 2 x 2 mg 8.3%" in text
    assert "19 13 Sep 2027 4.5 mg ½ x 5 mg + 1 x 2 mg Hold" in text
    assert "tablets of 2, 5 and 10 mg, which may be cut in half" in text
    assert len(PdfReader(plans["diazepam"]).pages) == 1


@pytest.mark.parametrize("name", PLANS)
def test_every_filled_plan_carries_the_patient_s_words_and_the_safety_furniture(plans, name):
    text = text_of(plans[name])
    for words in (
        "Name Jordan Reyes",
        "Prescriber Dr Ana Ruiz",
        "Follow this plan with your prescriber.",
        "You can ask to pause or slow down",
        "Tell your prescriber about new or worse symptoms.",
        "Symptoms hard to bear? Call your prescriber before the next cut.",
        "Get help now for a seizure",
        "Prescriber signs here",
        "Date",
        "call or text 988",
        "Emergency or seizure: call 911",
        "do not change your dose without talking to your prescriber",
        "Sources:",
    ):
        assert words in text, (name, words)
    assert page_validation.validate_pdf(plans[name], profile="ua1").is_compliant


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_a_plan_of_about_20_steps_is_one_page_at_either_paper(capsys, tmp_path: Path, paper):
    pdf = make_plan(capsys, tmp_path, PLANS["diazepam"], "--paper", paper)
    assert len(PdfReader(pdf).pages) == 1


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_large_print_plans_stay_within_their_budget(capsys, tmp_path: Path, paper):
    pdf = make_plan(capsys, tmp_path, PLANS["liquid"], "--paper", paper, "--large-print")
    assert 2 <= len(PdfReader(pdf).pages) <= 4
    assert "35 24 Apr 2028 0.09 mg 0.9 mL Hold" in text_of(pdf)


def test_the_longest_plan_that_prints_fits_two_pages_and_large_print_its_budget(
    capsys, tmp_path: Path
):
    """40 steps of three tablet strengths each: the most a printed plan holds."""
    details = tmp_path / "long.toml"
    text = PLANS["diazepam"].read_text(encoding="utf-8")
    text = text.replace("dose_mg = 20", "dose_mg = 60").replace(
        "cut_percent = 10", "cut_percent = 5"
    )
    details.write_text(text, encoding="utf-8")
    code, _, err = run(
        capsys, "letters", "--details", details, "--only", "taper-plan", "--out", tmp_path
    )
    assert code == 2
    line = text.splitlines().index("stop_mg = 0") + 1
    assert err.startswith(
        f"error: {details.as_posix()}:{line}: plan.stop_mg: the plan takes 46 steps"
    )
    stop = re.search(r"for example ([\d.]+) \(step 40\)", err).group(1)
    details.write_text(text.replace("stop_mg = 0", f"stop_mg = {stop}"), encoding="utf-8")
    assert len(PdfReader(make_plan(capsys, tmp_path, details)).pages) == 2
    large = make_plan(capsys, tmp_path, details, "--paper", "a4", "--large-print")
    assert len(PdfReader(large).pages) <= 6
    assert re.search(rf"\b40 \d+ \w+ 2028 {re.escape(stop)} mg", text_of(large))
    assert "Your plan stops here. Stay at this dose." in text_of(large)


def test_the_plan_is_written_beside_the_letters_only_when_the_file_has_a_plan(
    capsys, tmp_path: Path
):
    full = (DATA / "details-full.toml").read_text(encoding="utf-8")
    plan = PLANS["diazepam"].read_text(encoding="utf-8").split("[plan]")[1]
    details = tmp_path / "with-plan.toml"
    details.write_text(full + "\n[plan]" + plan, encoding="utf-8")
    out = tmp_path / "out"
    code, stdout, _ = run(capsys, "letters", "--details", details, "--out", out)
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "employer-accommodation.pdf",
        "physician-letter.pdf",
        "taper-plan.pdf",
        "using-your-letters.pdf",  # beside the person's own letters, as without a plan
        "wallet-card.pdf",
    ]
    assert "wrote" in stdout and "taper-plan.pdf" in stdout


def test_only_the_plan_from_a_file_without_one_is_refused(capsys, tmp_path: Path):
    out = tmp_path / "out"
    full = tmp_path / "details.toml"
    full.write_text((DATA / "details-full.toml").read_text(encoding="utf-8"), encoding="utf-8")
    code, _, err = run(capsys, "letters", "--details", full, "--only", "taper-plan", "--out", out)
    assert code == 2
    assert err == f"error: {full.as_posix()}: has no [plan] section to make the taper-plan from\n"
    assert not out.exists()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("cut_percent = 10", "cut_percent = 30"),
         "plan.cut_percent: must be more than 0 and at most 25 percent of the current dose; "
         "got 30"),
        (("cut_percent = 10\nevery_weeks = 2", "cut_percent = 15\nevery_weeks = 1"),
         "plan.every_weeks: 15 percent every 1 week is faster than 25 percent in 2 weeks; "
         "cut less or wait longer"),
        (("dose_mg = 20", "dose_mg = -20"),
         "plan.dose_mg: must be a positive number of mg, at most 1000; got -20"),
        (("tablets_mg = [2, 5, 10]", "tablets_mg = [2, 0, 10]"),
         "plan.tablets_mg: each strength must be a positive number of mg, at most 1000; got 0"),
        (('medicine = "diazepam"\ndose_mg = 20\ntablets_mg = [2, 5, 10]',
          'medicine = "chlordiazepoxide"\ndose_mg = 20\ntablets_mg = []'),
         "plan.tablets_mg: give the tablet strengths or a liquid for chlordiazepoxide; only "
         "clonazepam, diazepam have strengths built in"),
        (('dose_mg = 20', 'dose_mg = "twenty"'), "plan.dose_mg: must be a number; got 'twenty'"),
    ],
)  # fmt: skip
def test_refusals_are_one_line_naming_the_field_and_write_nothing(
    capsys, tmp_path: Path, change, expected
):
    details = tmp_path / "plan.toml"
    text = PLANS["diazepam"].read_text(encoding="utf-8").replace(*change)
    details.write_text(text)
    out = tmp_path / "out"
    code, _, err = run(
        capsys, "letters", "--details", details, "--only", "taper-plan", "--out", out
    )
    # The line of the field the refusal names, as every details-file problem has.
    name = expected.split(":")[0].removeprefix("plan.")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row.startswith(f"{name} ="))
    assert (code, err) == (2, f"error: {details.as_posix()}:{line}: {expected}\n")
    assert not out.exists()


def test_typed_values_are_printed_literally_never_as_placeholders_or_markup(capsys, tmp_path):
    details = tmp_path / "plan.toml"
    details.write_text(
        PLANS["diazepam"]
        .read_text(encoding="utf-8")
        .replace('medicine = "diazepam"', 'medicine = "diazepam [[signature]] <b>x</b>"'),
        encoding="utf-8",
    )
    text = text_of(make_plan(capsys, tmp_path, details))
    assert "diazepam [[signature]] <b>x</b>" in text


def test_the_web_app_path_renders_a_plan_from_a_form_mapping():
    """What the web app will do: validate a mapping, then render_letters for one document."""
    values, problems = validate_details(
        {
            "person": {"name": "Ana"},
            "plan": {
                "medicine": "clonazepam",
                "dose_mg": "2",
                "tablets_mg": [],
                "liquid_mg_per_ml": "0.1",
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
    renderer = Renderer(Project(ROOT))
    [(name, data)] = render_letters(renderer, values, Edition("a4"), only=["taper-plan"])
    assert name == "taper-plan.pdf" and data.startswith(b"%PDF")
    with pytest.raises(InputError) as refused:
        render_letters(renderer, {**values, "plan": {}}, Edition("a4"), only=["taper-plan"])
    assert refused.value.lines() == ["details: has no [plan] section to make the taper-plan from"]


def test_blank_plan_is_one_page_with_rows_to_fill_in(real_build: Path):
    for edition in ("letter", "a4"):
        for name in ("taper-plan", "taper-plan-fillable"):
            assert len(PdfReader(real_build / edition / f"{name}.pdf").pages) == 1, name
    text = text_of(real_build / "letter" / "taper-plan.pdf")
    for words in (
        "Step From Each day What to take each day Notes",
        "Pauses and changes",
        "Date Dose each day What changed, and why",
        "This plan is valid only when your prescriber has signed it.",
        "Between visits, call",
        "When in the day to take it",
    ):
        assert words in text, words
    assert "[[" not in text and "Prepared for" not in text


def test_fillable_plan_has_a_field_for_every_cell_with_a_tooltip(real_build: Path):
    fields = PdfReader(real_build / "letter" / "taper-plan-fillable.pdf").get_fields()
    names = list(fields)
    assert names[:4] == ["patient_name", "prescriber", "plan_medicine", "plan_forms"]
    for n in range(1, 11):
        for cell in ("start", "dose", "take", "notes"):
            assert f"step{n}_{cell}" in fields
    for n in range(1, 4):
        for cell in ("date", "dose", "why"):
            assert f"pause{n}_{cell}" in fields
    assert "signature" not in fields, "a signature is written by hand"
    assert {"dose_times", "reach_prescriber", "signed_on"} <= set(fields)
    assert all(field.get("/TU") for field in fields.values())


def test_blank_plan_is_in_the_booklet(real_build: Path):
    reader = PdfReader(real_build / "letter" / "booklet.pdf")
    assert "My taper plan" in [item.title for item in reader.outline if not isinstance(item, list)]


def test_personal_mode_without_a_plan_falls_back_to_the_blank_rows():
    renderer = Renderer(Project(ROOT))
    job = Job("personal", "taper-plan", Edition("letter"), values={"person": {"name": "A"}})
    html = renderer.html(job)
    assert "step1_" not in html and 'class="plan-steps"' in html and "Prepared for" not in html
