"""Personal, blank and fillable letters, read back from real PDFs."""

from __future__ import annotations

import datetime as dt
import json
import re
import stat
import tomllib
import unicodedata
from io import BytesIO
from pathlib import Path

import page as page_validation
import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject

from handoutkit import Edition, Project
from handoutkit.details import validate_details
from handoutkit.fields import BY_KEY, REQUESTS, choice_groups
from handoutkit.language import load_language
from handoutkit.personal import render_letters
from handoutkit.placeholders import PLACEHOLDER, fill
from handoutkit.renderer import Renderer
from make_handouts import main

from .conftest import ROOT, copy_project

DATA = Path(__file__).parent / "data"
FULL = DATA / "details-full.toml"
MEDICINES = ("benzodiazepine", "clonazepam", "alprazolam", "lorazepam", "diazepam")
LETTERS = ["employer-accommodation.pdf", "physician-letter.pdf"]
HOW_TO = "using-your-letters.pdf"  # printed beside the letters; it holds nothing personal
CARD = "wallet-card.pdf"  # the person's wallet card, filled from the same details, beside them
WRITTEN = sorted([*LETTERS, HOW_TO, CARD])
TODAY = dt.date(2026, 11, 26)

CHOICES = {group: field.choices for group, field in choice_groups().items()}
STRINGS = load_language(ROOT / "templates" / "strings").strings
# A real paragraph, as a person would write it (sentences, not one repeated word).
STORY = (
    "After a missed dose I shake, my ears ring and I cannot sleep. The last cut made my "
    "heart race for two weeks, so I went back up. I can work, but I am slow in the morning. "
)


def sheet_file(id: str, root: Path = ROOT) -> Path:
    """A sheet's file, found by id: the NN prefix moves whenever a sheet is added before it."""
    return next((root / "handouts").glob(f"[0-9][0-9]-{id}.md"))


def text_of(path: Path) -> str:
    raw = "\n".join(p.extract_text() for p in PdfReader(path).pages)
    return unicodedata.normalize("NFC", raw)


def flat(text: str) -> str:
    """Text with every space and line break taken out: a wrapped value still reads whole."""
    return re.sub(r"\s+", "", text)


def story(length: int) -> str:
    return (STORY * (length // len(STORY) + 1))[: length - 1].rstrip() + "."


# The same kind of story written as a list, a line each, as people often write: on paper it is
# longer than its characters suggest, so it runs onto a second page at Letter and A4.
LINES = [
    "My hands shake and my ears ring for days after each cut, and it is worse at night.",
    "I wake at 3 a.m. most nights and cannot get back to sleep until it is light out.",
    "Bright shops and loud rooms make me dizzy, so for now I avoid them when I can.",
    "My heart races in the evening, and my jaw, neck and shoulders ache most days.",
    "I forget words at work, so I write everything down to keep up with my tasks.",
]


def listed(count: int, width: int = 80) -> str:
    return "\n".join(LINES[i % len(LINES)][:width] for i in range(count))


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def details_with(tmp_path: Path, *changes: tuple[str, str], name: str = "d.toml") -> Path:
    text = FULL.read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def personal(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("personal") / "personal"
    assert main(["letters", "--details", str(FULL), "--out", str(out)]) == 0
    return out


def test_personal_letters_are_one_page_each_and_private(personal: Path):
    assert sorted(p.name for p in personal.iterdir()) == WRITTEN
    assert stat.S_IMODE(personal.stat().st_mode) == 0o700
    for pdf in personal.iterdir():
        private = 0o644 if pdf.name == HOW_TO else 0o600  # letters: readable by their owner only
        assert stat.S_IMODE(pdf.stat().st_mode) == private, pdf.name
        assert len(PdfReader(pdf).pages) == 1
        assert page_validation.validate_pdf(pdf, profile="ua1").is_compliant


def test_every_value_prints_exactly_as_typed(personal: Path):
    details = tomllib.loads(FULL.read_text(encoding="utf-8"))
    physician = text_of(personal / "physician-letter.pdf")
    employer = text_of(personal / "employer-accommodation.pdf")
    expected_in_physician = [details["person"][k] for k in ("name", "phone", "email")]
    expected_in_physician += [
        details["medication"][k] for k in ("name", "dose", "since", "earlier_tapers")
    ]
    expected_in_physician += details["medication"]["symptoms"].splitlines()
    expected_in_physician += [details["physician"]["name"], details["physician"]["practice"]]
    expected_in_physician += [details["letter"]["note"]]
    # Dates in the region's style: the details file has none, so the default region, us.
    expected_in_physician += ["June 30, 1979", "November 26, 2026"]
    for value in expected_in_physician:
        assert unicodedata.normalize("NFC", value) in physician, value
    employer_values = [
        details["employer"][k]
        for k in ("recipient", "organisation", "job_title", "other_accommodations")
    ] + [details["person"]["name"], "December 1, 2026", "March 1, 2027"]
    for value in employer_values:
        assert unicodedata.normalize("NFC", value) in employer, value
    assert "2026-11-26" not in physician


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
    details = details_with(tmp_path, ("disclose_condition = false", "disclose_condition = true"))
    only = ("--only", "employer-accommodation")
    code, _, _ = run(capsys, "letters", "--details", details, "--out", tmp_path, *only)
    assert code == 0
    assert "clonazepam" in text_of(tmp_path / "employer-accommodation.pdf")


def test_personal_sheet_lists_only_the_chosen_items(personal: Path):
    text = text_of(personal / "employer-accommodation.pdf")
    assert "Tiredness and low energy" in text
    assert "Working from home some days" in text
    assert "Poor sleep" not in text
    assert "Written instructions" not in text


def test_requests_chosen_by_number_and_name(tmp_path: Path, capsys):
    details = details_with(tmp_path, ('requests = ["all"]', 'requests = [2, "small-dose-forms"]'))
    only = ("--only", "physician-letter")
    code, _, _ = run(capsys, "letters", "--details", details, "--out", tmp_path, *only)
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


def test_the_letter_numbers_its_requests_as_the_details_file_does():
    body = sheet_file("physician-letter").read_text(encoding="utf-8")
    numbered = re.findall(r"^(\d+)\. \[\[request:([a-z-]+)\]\]", body, re.M)
    assert [(int(n), slug) for n, slug in numbered] == list(enumerate(REQUESTS, start=1))


def test_personal_letters_stay_out_of_the_manifest(tmp_path: Path, capsys):
    out = tmp_path / "personal"
    code, stdout, stderr = run(capsys, "letters", "--details", FULL, "--out", out)
    assert (code, stderr) == (0, "")
    assert not (tmp_path / "manifest.json").exists()
    assert sorted(p.name for p in out.iterdir()) == WRITTEN
    assert "health information" in stdout
    assert "(region us, paper letter)" in stdout
    # The name never reaches stdout or stderr either.
    assert "Zoë" not in stdout


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ('"remote-work"', '"remote"'),
            "error: {f}:32: employer.accommodations: unknown choice 'remote'; "
            "did you mean 'remote-work'?",
        ),
        (
            ('name = "clonazepam"', 'name = ""'),
            "error: {f}:11: medication.name: is required for the physician-letter: write it "
            'between the quote marks: name = "clonazepam"',
        ),
        (
            ('start = "2026-12-01"', 'start = "12/01/2026"'),
            "error: {f}:34: employer.start: dates are written year-month-day, not 12/01/2026: "
            'start = "2026-12-01" or start = "2026-01-12"',
        ),
        (
            ("disclose_condition = false", "disclose_condition = no"),
            "error: {f}:36: employer.disclose_condition: write true or false (small letters, no "
            "quote marks), not no: disclose_condition = false",
        ),
        (
            ('recipient = "Sam Rivera, HR"', "recipient = “Sam Rivera, HR”"),
            "error: {f}:28: employer.recipient: the quote marks are curly (“); the file needs "
            'straight ones, like recipient = "Sam Rivera, HR". Turn off smart quotes in your '
            "editor",
        ),
        (
            ('job_title = "Analyst"', "job_title = Analyst"),
            "error: {f}:30: employer.job_title: the quote marks are missing. Text goes between "
            'two straight quote marks: job_title = "Analyst"',
        ),
        (
            ("[employer]", '[employer]\nsalary = "x"'),
            "error: {f}:28: employer.salary: unknown field; expected one of recipient, "
            "organisation, job_title, limitations, accommodations, other_accommodations, "
            "how_it_helps, start, "
            "review, disclose_condition",
        ),
    ],
)
def test_bad_details_exit_2_and_write_nothing(tmp_path: Path, capsys, change, expected):
    details = details_with(tmp_path, change)
    out = tmp_path / "out"
    code, stdout, stderr = run(capsys, "letters", "--details", details, "--out", out)
    assert (code, stdout) == (2, "")
    assert stderr == expected.format(f=details.as_posix()) + "\n"
    assert not out.exists()


def test_a_long_story_needs_no_refusal(tmp_path: Path):
    """Every text field's longest value is a letter (on continuation pages), never an error."""
    details = tmp_path / "d.toml"
    details.write_text(
        '[person]\nname = "A"\n[medication]\nname = "x"\n'
        f'symptoms = "{story(BY_KEY["medication.symptoms"].max_length)}"\n'
        f'earlier_tapers = "{story(BY_KEY["medication.earlier_tapers"].max_length)}"\n'
        f'[letter]\nnote = "{story(BY_KEY["letter.note"].max_length)}"\n',
        encoding="utf-8",
    )
    assert main(["letters", "--details", str(details), "--out", str(tmp_path / "o")]) == 0


def test_a_long_story_continues_on_page_2_whole(tmp_path: Path, capsys):
    symptoms, tapers, note = listed(10), listed(6, 65), listed(6, 65)
    details = details_with(
        tmp_path,
        ('"Tried in 2022: **too fast**"', f'"""{tapers}"""'),
        ('"""Insomnia and tinnitus.\nWorse 3 days after each cut."""', f'"""{symptoms}"""'),
        ('"Please read {{ 7*7 }} and {% raw %} as typed."', f'"""{note}"""'),
    )
    out = tmp_path / "out"
    only = ("--only", "physician-letter")
    code, _, stderr = run(capsys, "letters", "--details", details, "--out", out, *only)
    assert code == 0
    pdf = out / "physician-letter.pdf"
    reader = PdfReader(pdf)
    budget = 1  # the letter's own budget (front matter)
    assert len(reader.pages) == budget + 1
    name = "Zoë Nguyễn-Łukasiewicz محمد 李小龍"
    heading = f"A letter for my doctor about my taper (continued), from {name}"
    pages = [unicodedata.normalize("NFC", page.extract_text()) for page in reader.pages]
    assert flat(heading) not in flat(pages[0])
    for number, text in enumerate(pages[1:], start=2):
        assert flat(heading) in flat(text), number
        assert f"Page {number} of {budget + 1}" in text
    whole = flat(text_of(pdf))
    for value in (symptoms, tapers, note):
        assert flat(value) in whole
    (warning,) = stderr.splitlines()
    first = f'symptoms = """{symptoms.splitlines()[0]}'
    line = details.read_text(encoding="utf-8").splitlines().index(first) + 1
    keep = "one page" if budget == 1 else f"{budget} pages"
    assert re.fullmatch(
        rf"warning: {re.escape(details.as_posix())}:{line}: medication\.symptoms: is long, so "
        rf"the physician-letter runs onto page {budget + 1} \(headed as its continuation\); to "
        rf"keep it to {keep}, shorten this by about \d+ characters",
        warning,
    ), warning
    assert page_validation.validate_pdf(pdf, profile="ua1").is_compliant


def _physician_letter(paper: str, symptoms: str, tapers: str, note: str):
    values, problems = validate_details(
        {
            "person": {"name": "Ana Pérez", "phone": "+1 555 0100", "email": "ana@example.org"},
            "medication": {
                "name": "clonazepam",
                "dose": "1 mg twice a day",
                "since": "2019",
                "symptoms": symptoms,
                "earlier_tapers": tapers,
            },
            "physician": {"name": "Dr Okafor", "practice": "Harbour Lane Clinic"},
            "letter": {"note": note},
        },
        {"physician-letter"},
        TODAY,
    )
    assert problems == []
    renderer = Renderer(Project(ROOT))
    return render_letters(renderer, values, Edition(paper), ["physician-letter"], "d.toml")


# Another story of the same length, in longer words, so that its lines break worse: page 1 must
# hold 600 characters as people write them, not only one text that happens to wrap well.
LONG_WORDS = (
    "Depersonalisation, hypersensitivity to light and sound, tinnitus, palpitations, akathisia "
    "and muscle twitching; burning skin and memory problems after each reduction. "
)


def long_words(length: int) -> str:
    return (LONG_WORDS * (length // len(LONG_WORDS) + 1))[: length - 1].rstrip() + "."


@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("words", [story, long_words], ids=["sentences", "long words"])
def test_page_one_holds_a_real_paragraph(paper: str, words):
    rendered = _physician_letter(paper, words(600), words(300), words(300))
    assert rendered.pages == {"physician-letter.pdf": 1}
    assert rendered.warnings == []


def test_the_sign_off_goes_onto_page_2_with_the_end_of_the_story():
    """At the shortest symptoms that run on, page 2 holds more than the phone number alone."""
    fits, runs_on = 600, 800
    assert _physician_letter("letter", story(runs_on), story(300), story(300)).pages == {
        "physician-letter.pdf": 2
    }
    while runs_on - fits > 1:
        middle = (fits + runs_on) // 2
        rendered = _physician_letter("letter", story(middle), story(300), story(300))
        if rendered.pages["physician-letter.pdf"] == 1:
            fits = middle
        else:
            runs_on, pdf = middle, rendered[0][1]
    page_2 = PdfReader(BytesIO(pdf)).pages[1].extract_text()
    # The running head is drawn after the page's text, so the page starts with the story.
    before_sign_off = flat(page_2.split("Signed")[0])
    assert flat(story(300)).endswith(before_sign_off), page_2
    assert len(before_sign_off) > 40, "the story's last lines come with the signature"
    assert "Phone" in page_2


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_the_warning_names_the_answer_and_how_much_to_shorten(paper: str):
    symptoms, others = listed(10), (listed(4, 65), listed(4, 65))
    rendered = _physician_letter(paper, symptoms, *others)
    ((name, pdf),) = rendered
    assert rendered.pages == {name: 2}
    reader = PdfReader(BytesIO(pdf))
    assert "(continued), from Ana Pérez" in reader.pages[1].extract_text()
    whole = flat("".join(page.extract_text() for page in reader.pages))
    assert all(flat(value) in whole for value in (symptoms, *others))
    (warning,) = rendered.warnings
    assert warning.field == "medication.symptoms"
    by = int(re.search(r"about (\d+) characters", warning.message).group(1))
    assert 0 < by < len(symptoms), "it names a shortening that can be done"
    fits = _physician_letter(paper, symptoms[: len(symptoms) - by], *others)
    assert fits.pages == {name: 1}
    assert fits.warnings == []
    # And no more than that: a line of the list (80 characters) less still runs on.
    short = _physician_letter(paper, symptoms[: len(symptoms) - max(by - 80, 0)], *others)
    assert short.pages == {name: 2}


def test_a_value_over_its_limit_is_refused_with_the_limit(tmp_path: Path, capsys):
    details = details_with(
        tmp_path, ('"Please read {{ 7*7 }} and {% raw %} as typed."', f'"{"x" * 401}"')
    )
    code, _, stderr = run(capsys, "letters", "--details", details, "--out", tmp_path / "out")
    assert (code, stderr) == (
        2,
        f"error: {details.as_posix()}:25: letter.note: is 401 characters long; at most 400 fit. "
        "Shorten it by 1 character\n",
    )


@pytest.mark.parametrize("kind", ["file", "unwritable"])
def test_an_out_folder_that_cannot_be_written(tmp_path: Path, capsys, kind: str):
    out = tmp_path / "out"
    if kind == "file":
        out.write_text("not a folder")
        expected = f"error: {out.as_posix()}: is a file, not a folder"
    else:
        out = Path("/proc/letters")  # cannot be made, even by root
        expected = f"error: {out.as_posix()}: cannot be written (No such file or directory)"
    code, stdout, stderr = run(capsys, "letters", "--details", FULL, "--out", out)
    assert (code, stdout) == (2, "")
    assert stderr == f"{expected}: choose another folder with --out\n"


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
    starter = tmp_path / "my-details.toml"
    assert stat.S_IMODE(starter.stat().st_mode) == 0o600, "it will hold health details"
    first = starter.read_text()
    assert "Please do not stop or sharply cut my medicine" in first
    code, _, stderr = run(capsys, "init-details", "my-details.toml", "--project", ROOT)
    assert code == 2
    assert stderr == "error: my-details.toml: already exists; not overwritten (pick another name)\n"
    assert starter.read_text() == first
    letters = ("letters", "--details", "my-details.toml", "--project", ROOT, "--out", "mine")
    code, stdout, stderr = run(capsys, *letters)
    assert (code, stdout) == (2, "")
    assert stderr.splitlines()[0].endswith(
        'person.name: "Jordan Lee" is the example from the starter file: write your own here'
    )
    # Changing the made-up name and date is not enough: nothing else was filled in for them.
    mine = first.replace("Jordan Lee", "Ana Pérez").replace("1980-04-02", "")
    starter.write_text(mine)
    code, stdout, stderr = run(capsys, *letters)
    assert (code, stdout) == (2, "")
    assert [line.split(": ", 2)[2] for line in stderr.splitlines()] == [
        "[medication] and [physician] are empty, so no physician-letter can be made: fill in "
        "[medication] and [physician] for it",
        "[employer] is empty, so no employer-accommodation can be made: fill in [employer] for it",
    ]
    starter.write_text(mine.replace('name = ""  ', 'name = "diazepam"', 1))
    code, stdout, _ = run(capsys, *letters)
    assert code == 0
    assert stdout.startswith("skipped: my-details.toml:56: [employer] is empty")
    assert sorted(p.name for p in (tmp_path / "mine").iterdir()) == [
        "physician-letter.pdf",
        "using-your-letters.pdf",
        CARD,
    ]
    assert len(PdfReader(tmp_path / "mine" / "physician-letter.pdf").pages) == 1
    assert "Ana Pérez" in text_of(tmp_path / "mine" / "physician-letter.pdf")


def test_region_and_paper_follow_the_settings_order(tmp_path: Path, capsys):
    details = details_with(
        tmp_path, ("[person]", '[settings]\nregion = "uk"\npaper = "a4"\n\n[person]')
    )
    clinic = tmp_path / "clinic.toml"
    clinic.write_text('[clinic]\nname = "Clinic"\nregion = "au"\npaper = "letter"\n')
    only = ("--only", "physician-letter", "--clinic", clinic)
    out = tmp_path / "details"
    code, stdout, _ = run(capsys, "letters", "--details", details, "--out", out, *only)
    assert code == 0 and "(region uk, paper a4)" in stdout
    reader = PdfReader(out / "physician-letter.pdf")
    assert [round(float(v)) for v in reader.pages[0].mediabox[2:]] == [595, 842]
    assert "26 November 2026" in text_of(out / "physician-letter.pdf")
    flags = ("--paper", "letter", "--region", "us")
    out = tmp_path / "flags"
    code, stdout, _ = run(capsys, "letters", "--details", details, "--out", out, *only, *flags)
    assert code == 0 and "(region us, paper letter)" in stdout
    assert "November 26, 2026" in text_of(out / "physician-letter.pdf")
    out = tmp_path / "clinic"
    code, stdout, _ = run(capsys, "letters", "--details", FULL, "--out", out, *only)
    assert code == 0 and "(region au, paper letter)" in stdout


def test_an_empty_employer_section_is_skipped_and_said(tmp_path: Path, capsys):
    text = FULL.read_text(encoding="utf-8")
    details = tmp_path / "d.toml"
    details.write_text(text[: text.index("[employer]")] + "[employer]\n", encoding="utf-8")
    out = tmp_path / "out"
    code, stdout, stderr = run(capsys, "letters", "--details", details, "--out", out)
    assert (code, stderr) == (0, "")
    line = len(text[: text.index("[employer]")].splitlines()) + 1
    assert stdout.splitlines()[0] == (
        f"skipped: {details.as_posix()}:{line}: [employer] is empty, so no "
        "employer-accommodation was made"
    )
    assert sorted(p.name for p in out.iterdir()) == ["physician-letter.pdf", HOW_TO, CARD]
    only = ("--only", "employer-accommodation")
    code, stdout, stderr = run(capsys, "letters", "--details", details, "--out", out, *only)
    assert (code, stdout) == (2, "")
    assert stderr == (
        f"error: {details.as_posix()}:{line}: [employer] is empty, so no employer-accommodation "
        "can be made: fill in [employer] for it\n"
    )


def test_large_print_has_its_own_names_and_leaves_the_standard_ones(personal: Path, capsys):
    before = {p.name: p.read_bytes() for p in personal.iterdir()}
    code, _, _ = run(capsys, "letters", "--details", FULL, "--out", personal, "--large-print")
    assert code == 0
    assert sorted(p.name for p in personal.iterdir()) == sorted(
        [
            *WRITTEN,
            "employer-accommodation-large.pdf",
            "physician-letter-large.pdf",
            "using-your-letters-large.pdf",
        ]
    )
    assert {name: (personal / name).read_bytes() for name in before} == before
    for pdf in personal.glob("*-large.pdf"):
        assert len(PdfReader(pdf).pages) <= 4
        assert page_validation.validate_pdf(pdf, profile="ua1").is_compliant
    assert "李小龍" in text_of(personal / "physician-letter-large.pdf")


def test_the_how_to_sheet_is_printed_beside_the_letters_in_their_region(tmp_path: Path, capsys):
    details = details_with(tmp_path, ("[person]", 'region = "uk"\n\n[person]'))
    out = tmp_path / "out"
    code, stdout, _ = run(capsys, "letters", "--details", details, "--out", out, "--large-print")
    assert code == 0
    assert "wrote" in stdout and "using-your-letters-large.pdf" in stdout
    how_to = out / "using-your-letters-large.pdf"
    text = " ".join(text_of(how_to).split())
    assert "116 123" in text and "Samaritans" in text, "the region's crisis lines"
    assert "988" not in text
    assert stat.S_IMODE(how_to.stat().st_mode) == 0o644, "it holds nothing personal"


FIELD_NAMES = {
    "physician-letter": [
        "physician_name",
        "practice",
        "patient_name",
        "date_of_birth",
        "medication",
        "dose",
        "since",
        *[f"request_{c.replace('-', '_')}" for c in CHOICES["request"]],
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
    ticks = ("limitation_", "accommodation_", "request_")
    assert {kinds[n] for n in fields if n.startswith(ticks)} == {"/Btn"}


@pytest.mark.parametrize("edition", ["letter", "a4", "letter-large", "a4-large"])
def test_fillable_requests_are_ticked_and_can_be_unticked(real_build: Path, tmp_path, edition):
    pdf = real_build / edition / "physician-letter-fillable.pdf"
    reader = PdfReader(pdf)
    requests = {k: v for k, v in reader.get_fields().items() if k.startswith("request_")}
    assert len(requests) == len(REQUESTS)
    assert {field.get("/V") for field in requests.values()} == {"/on"}
    assert all("Untick to leave this request out" in f["/TU"] for f in requests.values())
    # Readers show each box as drawn (ticked), not redrawn without a font (blank in Poppler).
    assert reader.trailer["/Root"]["/AcroForm"]["/NeedAppearances"].value is False
    writer = PdfWriter(clone_from=pdf)
    for annotation in writer.pages[0]["/Annots"]:
        widget = annotation.get_object()
        if widget.get("/T") == "request_shared_plan":
            widget[NameObject("/V")] = NameObject("/Off")
            widget[NameObject("/AS")] = NameObject("/Off")
    writer.write(tmp_path / "unticked.pdf")
    back = PdfReader(tmp_path / "unticked.pdf").get_fields()
    assert back["request_shared_plan"]["/V"] == "/Off"
    assert back["request_gradual_pace"]["/V"] == "/on"
    assert page_validation.validate_pdf(pdf, profile="ua1").is_compliant


@pytest.mark.parametrize("edition", ["letter", "a4-large"])
def test_long_answers_have_boxes_for_a_paragraph(real_build: Path, edition: str):
    reader = PdfReader(real_build / edition / "physician-letter-fillable.pdf")
    boxes = {}
    for page in reader.pages:
        for annotation in page.get("/Annots", []):
            widget = annotation.get_object()
            _, y0, _, y1 = (float(v) for v in widget["/Rect"])
            size = float(re.search(r"([\d.]+) Tf", widget.get("/DA", "0 Tf")).group(1))
            boxes[widget["/T"]] = (abs(y1 - y0), size, widget.get("/MaxLen"), widget.get("/Ff", 0))
    for name, key in (
        ("symptoms", "medication.symptoms"),
        ("earlier_tapers", "medication.earlier_tapers"),
        ("note", "letter.note"),
    ):
        height, size, limit, flags = boxes[name]
        field = BY_KEY[key]
        assert size == (18 if edition.endswith("large") else 12), "typed at the body size"
        assert height / (size * 1.2) >= field.lines >= 2, (name, height, size)
        assert int(limit) == field.max_length
        assert flags & (1 << 12), "multi-line"
    height, size, limit, _ = boxes["patient_name"]
    assert height < 2 * size * 1.2, "a one-line box"
    assert int(limit) == BY_KEY["person.name"].max_length


def test_a_filled_form_prints_what_was_typed(real_build: Path, tmp_path: Path):
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


def test_a_letter_speaks_of_its_regions_law(tmp_path: Path, capsys):
    """[[region:...]] in a letter takes the region the settings order chose, in personal letters."""
    project = copy_project(tmp_path / "project")
    employer = sheet_file("employer-accommodation", project)
    text = employer.read_text(encoding="utf-8")
    employer.write_text(
        text.replace(
            "## Please keep this private",
            "[[region:employment_law]]\n\n## Please keep this private",
        )
    )
    only = ("--only", "employer-accommodation", "--project", project)
    for region, words in (("uk", "Equality Act 2010"), ("us", "Americans with Disabilities Act")):
        out = tmp_path / region
        argv = ("letters", "--details", FULL, "--out", out, "--region", region, *only)
        assert run(capsys, *argv)[0] == 0
        assert words in " ".join(text_of(out / "employer-accommodation.pdf").split())


def test_large_print_personal_letters_fit_their_budget(tmp_path: Path, capsys):
    code, _, _ = run(capsys, "letters", "--details", FULL, "--out", tmp_path, "--large-print")
    assert code == 0
    for pdf in tmp_path.glob("*.pdf"):
        assert len(PdfReader(pdf).pages) <= 3
        assert page_validation.validate_pdf(pdf, profile="ua1").is_compliant
    assert "李小龍" in text_of(tmp_path / "physician-letter-large.pdf")


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
    for value in ("Jordan Reyes", "Dr Ana Ruiz", "Family physician", "Harbour Lane Clinic",
                  "+1 555 0199", "March 2025", "about 6 months", "June 1, 2027"):  # fmt: skip
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
