"""The handout set itself: every sheet present, readable, safe, and true to the content brief."""

from __future__ import annotations

import re
from html import unescape
from itertools import pairwise
from pathlib import Path

import pytest
from pypdf import PdfReader

from handoutkit import Edition, Job, Project, Renderer, load_handouts
from handoutkit.kinds import KINDS
from handoutkit.quality import BANNED, check_sheet

from .conftest import ROOT

HANDOUTS = {h.id: h for h in load_handouts(ROOT / "handouts", ROOT)}
EXPECTED = {
    "understanding-withdrawal": "patient",
    "tapering-safely": "patient",
    "supporting-someone": "supporter",
    "for-physicians": "physician",
    "for-employers": "employer",
    "using-your-letters": "patient",
    "physician-letter": "patient",
    "employer-accommodation": "patient",
    "taper-diary": "patient",
    "help-and-resources": "patient",
    "taper-plan": "patient",
    "work-limits-note": "physician",
    "wallet-card": "patient",
}


def sheet_html(id: str) -> str:
    """The sheet's complete HTML page, as the Letter edition renders it."""
    return Renderer(Project(ROOT)).html(Job("sheet", id, Edition("letter")))


def pdf_text(real_build: Path, id: str, paper: str = "letter") -> str:
    reader = PdfReader(real_build / paper / f"{id}.pdf")
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def prose(text: str) -> str:
    """The sheet's own words: drop the sources line and running footer, which are citations."""
    return text.split("Sources:")[0]


def test_every_sheet_exists_with_its_audience():
    assert {id: h.audience for id, h in HANDOUTS.items()} == EXPECTED


@pytest.mark.parametrize("id", EXPECTED)
def test_every_sheet_passes_the_content_checks(id: str):
    """Reading grade within its audience's limit, its action box, no claim the brief rules out."""
    renderer = Renderer(Project(ROOT))
    handout = HANDOUTS[id]
    body = renderer.templates.body(handout)
    report = check_sheet(
        handout, body.body_html, renderer.html(Job("sheet", id, Edition("letter")))
    )
    assert report.problems == ()
    assert report.grade <= (12 if handout.audience == "physician" else 6), report.grade


# The footer line for each reader: only the person tapering has a dose to change.
DISCLAIMERS = {
    "patient": "do not change your dose without talking to your prescriber",
    "supporter": "any change to their dose is for them and their prescriber to decide",
    "employer": "Not legal or medical advice",
    "physician": "it does not replace the full guideline or clinical judgement",
}


@pytest.mark.parametrize("id", [i for i in EXPECTED if KINDS[HANDOUTS[i].kind].crisis])
def test_crisis_line_review_date_and_disclaimer(real_build: Path, id: str):
    text = pdf_text(real_build, id)
    assert "call or text 988" in text
    assert "HOME to 741741" in text
    assert "Emergency or seizure: call 911" in text
    reviewed = HANDOUTS[id].reviewed
    assert f"Reviewed {reviewed.day} {reviewed:%B %Y}" in text
    audience = HANDOUTS[id].audience
    assert DISCLAIMERS[audience] in text
    for other, line in DISCLAIMERS.items():
        if other != audience:
            assert line not in text, (id, other)


# A wallet card has no crisis box either, but its own safety line (tests/test_card.py).
LETTERS = [i for i in EXPECTED if not KINDS[HANDOUTS[i].kind].crisis and HANDOUTS[i].kind != "card"]


@pytest.mark.parametrize("id", LETTERS)
def test_letters_carry_only_their_writers_words(real_build: Path, id: str):
    """A letter is handed over: no crisis lines, dose disclaimer, sources or clinic footer."""
    for paper in ("letter", "a4-large"):
        text = pdf_text(real_build, id, paper)
        for furniture in (
            "988",
            "741741",
            "Emergency or seizure",
            "Sources:",
            "Reviewed",
            "dose without",
        ):
            assert furniture not in text, (id, paper, furniture)


@pytest.mark.parametrize("id", EXPECTED)
def test_no_claims_the_brief_rules_out_in_the_pdf(real_build: Path, id: str):
    text = pdf_text(real_build, id).lower()
    assert [p for p in BANNED if re.search(p, text)] == []


def test_physician_sheet_numbers_match_the_brief(real_build: Path):
    text = pdf_text(real_build, "for-physicians")
    # JCPG 2025: initial reductions 5-10% every 2-4 weeks, generally no faster than 25% per 2 weeks.
    assert "5-10% of the current dose every 2-4 weeks" in text
    assert "no faster than 25% every 2 weeks" in text
    # Use disorder in about 1.5% of users (ASAM; Blanco 2018).
    assert "about 1.5% of users" in text
    # Protracted symptoms: evaluate when they persist more than a month after stopping.
    assert "more than a month after stopping" in text
    assert "FDA 2020 boxed warning" in text
    assert "doi:10.1007/s11606-025-09499-2" in text


def taper_rows() -> list[list[str]]:
    """The worked taper example as rows of cell texts, from the rendered sheet."""
    table = re.search(r'<table class="taper">(.*?)</table>', sheet_html("tapering-safely"), re.S)
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)
    cell = r"<t[hd][^>]*>(.*?)</t[hd]>"
    return [[" ".join(unescape(c).split()) for c in re.findall(cell, row, re.S)] for row in rows]


def test_tapering_example_steps_are_a_tenth_of_the_current_dose(real_build: Path):
    """Each step takes about a tenth of the dose taken then, so the cuts in mg shrink."""
    rows = taper_rows()
    assert rows[0] == ["Week", "Dose each day", "Cut"]
    steps = [
        (int(week.split()[0]), float(dose.removesuffix(" mg")), cut)
        for week, dose, cut in (r for r in rows[1:] if len(r) == 3)
        if week.split()[0].isdigit()
    ]
    assert [week for week, _, _ in steps[:3]] == [0, 4, 8]
    assert len(steps) >= 5
    for (week, dose, _), (later, after, cut) in pairwise(steps):
        steps_between = (later - week) // 4
        assert steps_between >= 1 and later - week == 4 * steps_between, (week, later)
        # Rounded to 0.1 mg, a dose is the earlier one less a tenth at every step between.
        assert abs(after - dose * 0.9**steps_between) <= 0.06, (week, later)
        if steps_between == 1:
            assert 0.09 <= (dose - after) / dose <= 0.11, (week, later)
            assert float(cut.removesuffix(" mg")) == pytest.approx(dose - after, abs=0.01)
    assert rows[-1][0] == "Last step" and "decide when to stop" in rows[-1][1]
    text = pdf_text(real_build, "tapering-safely")
    for _, dose, _ in steps:
        assert f"{dose:g} mg" in text
    assert "5 to 10 percent of the dose you take now" in text
    assert "liquid" in text


@pytest.mark.parametrize("id", [i for i in EXPECTED if i != "for-physicians"])
def test_only_the_physician_sheet_writes_percent_signs(real_build: Path, id: str):
    """Lay sheets and letters say "5 to 10 percent" in words; "5-10%" is for clinicians."""
    text = prose(pdf_text(real_build, id))
    assert "%" not in text
    assert "parts in every" not in text


def test_resources_sheet_lists_every_region(real_build: Path):
    text = pdf_text(real_build, "help-and-resources")
    for expected in (
        "988",
        "HOME to 741741",
        "9-8-8",
        "116 123",
        "SHOUT to 85258",
        "13 11 14",
        "warmline.org",
        "1-800-662-4357",
        "askjan.org",
    ):
        assert expected in text, expected


def test_employer_request_names_no_medicine(real_build: Path):
    text = pdf_text(real_build, "employer-accommodation").lower()
    for word in ("benzodiazepine", "clonazepam", "alprazolam", "lorazepam", "diazepam", "taper"):
        assert word not in prose(text)


# One list of red flags (content brief, section 2), written once in handouts/partials/.
RED_FLAGS = (
    "A seizure",
    "Sudden confusion",
    "Seeing or hearing things not there",
    "Being too agitated to calm down",
    "Thoughts of suicide or self-harm",
)
NAMES_URGENT_HELP = {
    "understanding-withdrawal",
    "tapering-safely",
    "supporting-someone",
    "using-your-letters",
    "taper-diary",
    "help-and-resources",
}
PARTIALS = ROOT / "handouts" / "partials"


@pytest.mark.parametrize("id", EXPECTED)
def test_every_sheet_that_names_urgent_help_lists_every_red_flag(real_build: Path, id: str):
    text = pdf_text(real_build, id)
    names_it = "urgent help" in text.lower()
    assert names_it == (id in NAMES_URGENT_HELP), id
    for flag in RED_FLAGS if names_it else ():
        assert flag in text, (id, flag)


@pytest.mark.parametrize(
    "partial, phrase",
    [
        ("red-flags", "too agitated to calm down"),
        ("symptoms", "Feeling unreal or far away"),
        ("taper-time", "sometimes a year or more"),
    ],
)
def test_shared_wording_is_written_once(partial: str, phrase: str):
    holders = [
        p.relative_to(ROOT / "handouts").as_posix()
        for p in sorted((ROOT / "handouts").rglob("*.md"))
        if phrase.lower() in p.read_text(encoding="utf-8").lower()
    ]
    assert holders == [f"partials/{partial}.md"]


def test_one_symptom_list_for_the_person_and_their_supporters(real_build: Path):
    items = re.findall(r"^- (.+)$", (PARTIALS / "symptoms.md").read_text(), re.M)
    assert len(items) >= 12
    for id in ("understanding-withdrawal", "supporting-someone"):
        text = pdf_text(real_build, id)
        for item in items:
            assert item in text, (id, item)
        assert "No list has every symptom" in text


def list_sizes(pdf: Path) -> list[int]:
    """How many items each list in the PDF's structure tree holds, as a screen reader meets them."""
    sizes = []

    def walk(node) -> None:
        node = node.get_object()
        kids = node.get("/K", [])
        kids = [k.get_object() for k in (kids if isinstance(kids, list) else [kids])]
        kids = [k for k in kids if isinstance(k, dict) and "/S" in k]
        if node.get("/S") == "/L":
            sizes.append(sum(1 for k in kids if k["/S"] == "/LI"))
        for kid in kids:
            walk(kid)

    walk(PdfReader(pdf).trailer["/Root"]["/StructTreeRoot"])
    return sizes


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_a_two_column_list_reads_as_one_list(real_build: Path, paper: str):
    # Balanced CSS columns tagged each column as a list of its own; the grid keeps one list,
    # of an even count of items (the symptoms) or an odd one (the red flags).
    sizes = list_sizes(real_build / paper / "understanding-withdrawal.pdf")
    counts = []
    for partial in ("symptoms.md", "red-flags.md"):
        items = re.findall(r"^- (.+)$", (PARTIALS / partial).read_text(), re.M)
        assert len(items) in sizes, partial
        counts.append(len(items) % 2)
    assert counts == [0, 1]


@pytest.mark.parametrize(
    "id",
    ["understanding-withdrawal", "supporting-someone", "for-employers", "employer-accommodation"],
)
def test_how_long_a_taper_takes_is_said_one_way(real_build: Path, id: str):
    text = pdf_text(real_build, id)
    assert "many months, sometimes a year or more" in text
    for other in ("some months", "over months", "it can take months"):
        assert other not in text


@pytest.mark.parametrize(
    "id", ["understanding-withdrawal", "tapering-safely", "supporting-someone", "for-employers"]
)
def test_symptoms_after_the_last_dose_are_named(real_build: Path, id: str):
    """Protracted withdrawal (JCPG patient guide p.13): the person is told when to report it."""
    text = pdf_text(real_build, id)
    assert re.search(r"after (the|your) last dose", text), id
    if HANDOUTS[id].audience == "patient":
        assert re.search(r"over a month after (the|your) last dose, tell your prescriber", text)


@pytest.mark.parametrize(
    "id", [i for i in EXPECTED if HANDOUTS[i].kind in ("handout", "howto", "resources")]
)
def test_each_handout_opens_with_its_key_points(real_build: Path, id: str):
    assert "Key points:" in pdf_text(real_build, id)


@pytest.mark.parametrize(
    "id", ["understanding-withdrawal", "tapering-safely", "supporting-someone", "for-physicians"]
)
def test_sheets_point_to_the_diary(real_build: Path, id: str):
    assert "taper diary sheet" in pdf_text(real_build, id)


def test_diary_says_when_to_call_before_the_table_and_sets_no_threshold(real_build: Path):
    text = pdf_text(real_build, "taper-diary")
    assert "7 or more" not in text and "several days" not in text
    assert "too hard to bear or keep getting worse" in text
    assert text.index("Get urgent help") < text.index("Notes: new symptoms")
    assert "5 is hard but you can cope" in text
    assert "e.g. 3 Mar 9 mg" in text


def test_physician_letter_asks_as_the_guideline_does(real_build: Path):
    text = pdf_text(real_build, "physician-letter")
    assert "Joint Clinical Practice Guideline on Benzodiazepine Tapering" in text
    assert "5 to 10 percent of my current dose every 2 to 4 weeks" in text
    assert "no more than 25 percent in 2 weeks" in text
    assert "unless I meet the criteria" in text
    assert "lasting (protracted) withdrawal" in text
    for gone in (
        "Please see my body's dependence as normal",
        "Start with cuts of",
        "check for withdrawal first",
        "Please do not add other sedatives",
    ):
        assert gone not in text


def test_employer_request_reads_as_a_formal_request(real_build: Path):
    text = pdf_text(real_build, "employer-accommodation")
    assert "This is a request for reasonable accommodation under the Americans with" in text
    assert "How this helps me do my job" in text
    assert "my doctor can write a note" in text
    assert "in a separate file, not in my staff file" in text
    for gone in (
        "I do not need to share my diagnosis",
        "I will keep a copy",
        "lighter workload",
        "apart from",
    ):
        assert gone not in text


def test_employer_sheet_and_request_list_the_same_changes():
    sheet = HANDOUTS["for-employers"].body.split("## Changes that often help")[1]
    on_sheet = re.findall(r"^- (.+)$", sheet.split("</div>")[0], re.M)
    on_letter = re.findall(
        r"^- \[\[accommodation:[a-z-]+\]\] (.+)$", HANDOUTS["employer-accommodation"].body, re.M
    )
    assert on_sheet == on_letter
    assert len(on_sheet) == 8


def test_employer_sheet_keeps_records_apart_by_law_and_asks_only_for_proof(real_build: Path):
    text = pdf_text(real_build, "for-employers")
    assert "separate, locked file, not in the staff file" in text
    assert "work limits, not full records" in text
    assert "covers employers with 15 or more staff. It requires them to make reasonable" in text
    assert "Family and Medical Leave Act (FMLA)" in text
    assert "addiction" not in text
    assert "apart from staff files" not in text


def test_us_only_services_say_so(real_build: Path):
    text = pdf_text(real_build, "help-and-resources")
    for card in ("Peer warmlines (US)", "Treatment help (US)", "Changes at work (US)"):
        assert card in text
    assert "slow taper you can do while living at home" in text
    assert text.index("When to get urgent help") < text.index("Peer warmlines (US)")
