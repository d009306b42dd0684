"""The web app in-process (Starlette's TestClient): every route, its errors, headers and limits."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import threading
import tomllib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader
from starlette.testclient import TestClient

from handoutkit import Edition, Project, build, load_handouts
from handoutkit.fields import BY_KEY, CHOICES, FIELDS, TEXT
from handoutkit.kinds import KINDS
from handoutkit.language import LANGS, load_language
from handoutkit.web import Settings, create_app
from handoutkit.web.forms import answers_from_details, letter_fields
from handoutkit.web.security import CSP
from make_handouts import main

from .conftest import ROOT

DATA = Path(__file__).parent / "data"
FULL = tomllib.loads((DATA / "details-full.toml").read_text(encoding="utf-8"))
LETTERS = ("physician-letter", "employer-accommodation")
BASE = "http://127.0.0.1:8000"
SAME_SITE = {"origin": BASE, "sec-fetch-site": "same-origin"}
STRINGS = load_language(ROOT / "templates" / "strings").strings
EDITIONS = ("letter", "a4", "letter-large", "a4-large")
EXPECTED_HEADERS = {
    "cache-control": "no-store",
    "content-security-policy": CSP,
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
}


def form_data(details: dict, **settings: str) -> dict[str, str | list[str]]:
    """A details mapping as the browser posts it: tick boxes after their empty marker."""
    data: dict[str, str | list[str]] = {}
    for key, value in answers_from_details(details).items():
        data[key] = ["", *value] if isinstance(value, list) else value
    return {**data, **settings}


def pdf_text(data: bytes) -> str:
    import io

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


class Page(HTMLParser):
    """The parts of a page the tests look at: controls, labels, links, the error summary."""

    def __init__(self, html: str):
        super().__init__()
        self.controls: dict[str, list[dict]] = {}
        self.ids: dict[str, dict] = {}
        self.labels: dict[str, str] = {}
        self.links: list[str] = []
        self.actions: list[str] = []
        self.summary: list[tuple[str, str]] = []
        self._label_for: str | None = None
        self._in_summary = False
        self._link: str | None = None
        self._text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids[a["id"]] = {"tag": tag, **a}
        if tag in ("input", "textarea", "select") and "name" in a:
            self.controls.setdefault(a["name"], []).append({"tag": tag, **a})
        if tag == "label" and "for" in a:
            self._label_for, self._text = a["for"], []
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
            if self._in_summary:
                self._link, self._text = a["href"], []
        for key in ("action", "formaction", "src"):
            if key in a:
                self.actions.append(a[key])
        if a.get("id") == "error-summary":
            self._in_summary = True

    def handle_endtag(self, tag):
        if tag == "label" and self._label_for:
            self.labels[self._label_for] = " ".join("".join(self._text).split())
            self._label_for = None
        if tag == "a" and self._link:
            self.summary.append((self._link, " ".join("".join(self._text).split())))
            self._link = None
        if tag == "ul" and self._in_summary:
            self._in_summary = False

    def handle_data(self, data):
        self._text.append(data)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    empty_build = tmp_path_factory.mktemp("no-build")
    return create_app(Settings(Project(ROOT), build_dir=empty_build, workers=1))


@pytest.fixture(scope="module")
def client(app):
    with TestClient(app, base_url=BASE) as client:
        yield client


def assert_headers(response) -> None:
    for name, value in EXPECTED_HEADERS.items():
        assert response.headers.get(name) == value, (response.request.url, name)
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert "server" not in response.headers


# Pages -------------------------------------------------------------------------------------------


def test_home_offers_both_letters_and_every_handout_in_every_edition(client):
    response = client.get("/")
    assert response.status_code == 200
    page = Page(response.text)
    for letter in LETTERS:
        assert f"/letters/{letter}" in page.links
    handouts = load_handouts(ROOT / "handouts", ROOT)
    for edition in EDITIONS:
        large = edition.endswith("-large")
        # Each sheet's documents in that edition: a letter's fillable twin, a wallet card's
        # Avery sheet (and no large-print card).
        names = [
            h.id if document == "sheet" else f"{h.id}-{document}"
            for h in handouts
            for document in KINDS[h.kind].documents(large)
        ]
        for name in [*names, "booklet"]:
            assert f"/handouts/{edition}/{name}.pdf" in page.links, (edition, name)
        assert (f"/handouts/{edition}/wallet-card.pdf" in page.links) is not large


@pytest.mark.parametrize("letter", LETTERS)
def test_each_form_asks_every_field_its_letter_prints(client, letter):
    response = client.get(f"/letters/{letter}")
    assert response.status_code == 200
    page = Page(response.text)
    for field in letter_fields(letter):
        controls = page.controls.get(field.key)
        assert controls, field.key
        label = STRINGS["fields"][field.key]["label"]
        if field.type == CHOICES:
            # One tick box per choice, after an empty marker so "none ticked" is an answer.
            values = [c.get("value") for c in controls]
            assert values == ["", *field.choices], field.key
        elif field.type == TEXT or field.type == "date":
            control = controls[0]
            assert page.labels[control["id"]].startswith(label), field.key
            assert control["tag"] == ("textarea" if field.multiline else "input")
        if field.multiline:
            count = page.ids[f"{controls[0]['id']}-count"]
            assert count["data-count-for"] == controls[0]["id"]
            assert f"up to {field.max_length} characters" in response.text
            assert controls[0]["data-max-length"] == str(field.max_length)
    # Region, paper and large print, chosen on the form.
    from handoutkit.web.forms import LARGE_PRINT, PAPER, REGION

    assert {c["value"] for c in page.controls[REGION]} >= {"us", "uk"}
    assert {c["value"] for c in page.controls[PAPER]} == {"letter", "a4"}
    assert page.controls[LARGE_PRINT][0]["type"] == "checkbox"
    assert page.controls["letter.date"][0]["value"] == dt.date.today().isoformat()


def test_the_letter_form_shows_using_your_letters_when_the_project_has_it(client, tmp_path):
    from handoutkit.content import load_handouts
    from handoutkit.web.site import Site

    from .conftest import copy_project

    sheets = {h.id: h for h in load_handouts(ROOT / "handouts", ROOT)}
    if "using-your-letters" in sheets:
        page = client.get("/letters/physician-letter").text
        for heading in re.findall(r"^## (.+)$", sheets["using-your-letters"].body, re.M):
            assert f">{heading}</h2>" in page, heading
        assert "/handouts/letter/using-your-letters.pdf" in page  # and to print
    # A project without the sheet (another clinic's, or before it was written) works without it.
    project = copy_project(tmp_path / "p")
    for path in (project / "handouts").glob("*-using-your-letters.md"):
        path.unlink()
    assert Site(Settings(Project(project))).interface("en").howto is None


def test_an_unknown_letter_or_page_is_a_404_page(client):
    for path in ("/letters/no-such-letter", "/nothing-here", "/handouts/letter/nope.pdf"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Page not found" in response.text
        assert_headers(response)
    assert client.get("/handouts/b5/booklet.pdf").status_code == 404


def test_a_body_that_is_not_a_form_is_a_400_page(client):
    for content_type in ("multipart/form-data; boundary=xyz", "multipart/form-data"):
        response = client.post(
            "/letters/physician-letter.pdf",
            content=b"Quxzzy garbage",
            headers={**SAME_SITE, "content-type": content_type},
        )
        assert response.status_code == 400
        assert "could not be read" in response.text
        assert_headers(response)
    many = "&".join(f"a{i}=1" for i in range(400)).encode()
    form = {**SAME_SITE, "content-type": "application/x-www-form-urlencoded"}
    response = client.post("/letters/physician-letter.pdf", content=many, headers=form)
    assert response.status_code == 400


def test_healthz(client):
    response = client.get("/healthz")
    assert (response.status_code, response.text) == (200, "ok")


def test_static_files_are_served_by_the_app(client):
    font = "/static/fonts/AtkinsonHyperlegible-Bold.ttf"
    for path in ("/static/app.css", "/static/app.js", font):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_headers(response)
    assert "Atkinson Hyperlegible" in client.get("/static/app.css").text


def test_no_page_puts_anything_in_a_query_string(client):
    """Forms post; links and assets carry no query but the pages' language (which is not
    personal): nothing typed can end up in a URL or log."""
    for path in ("/", *(f"/letters/{letter}" for letter in LETTERS)):
        page = Page(client.get(path).text)
        assert page.links and page.actions
        for url in [*page.links, *page.actions]:
            assert url.partition("?")[2] in ("", *(f"lang={code}" for code in LANGS)), (path, url)
        assert 'method="get"' not in client.get(path).text.lower()


# Letters -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("letter", "paper", "large"),
    [("physician-letter", "letter", False), ("employer-accommodation", "a4", True)],
)
def test_the_web_pdf_is_byte_identical_to_the_command_line(
    client, letter, paper, large, tmp_path, monkeypatch
):
    from handoutkit.web.forms import LARGE_PRINT, PAPER

    settings = {PAPER: paper, **({LARGE_PRINT: "true"} if large else {})}
    data = form_data(FULL, **settings)
    response = client.post(f"/letters/{letter}.pdf", data=data, headers=SAME_SITE)
    assert response.status_code == 200, response.text[:2000]
    assert response.headers["content-type"] == "application/pdf"
    assert "Nguyễn" in pdf_text(response.content)
    # The answers file this page saves is the one the command line reads.
    saved = client.post(f"/letters/{letter}/details.toml", data=data, headers=SAME_SITE)
    assert saved.status_code == 200
    assert saved.headers["content-disposition"] == 'attachment; filename="my-details.toml"'
    details = tmp_path / "my-details.toml"
    details.write_bytes(saved.content)
    monkeypatch.chdir(tmp_path)
    argv = ["letters", "--project", str(ROOT), "--details", str(details), "--only", letter]
    argv += ["--out", str(tmp_path / "out"), "--paper", paper]
    argv += ["--large-print"] if large else []
    assert main(argv) == 0
    [made] = [p for p in (tmp_path / "out").iterdir() if p.name.startswith(letter)]
    assert made.read_bytes() == response.content
    # The same file name as the command line gives it: never the person's name.
    assert response.headers["content-disposition"] == f'attachment; filename="{made.name}"'
    assert made.name.startswith(letter)


CLINICIANS = {
    "taper-plan": DATA / "plan-diazepam.toml",
    "work-limits-note": DATA / "clinician-note.toml",
}


def test_home_offers_the_plan_and_the_note_to_prescribers_and_clinicians(client):
    response = client.get("/")
    page = Page(response.text)
    assert "For prescribers and clinicians" in response.text
    mine, theirs = response.text.split("For prescribers and clinicians", 1)
    for letter in CLINICIANS:
        assert f"/letters/{letter}" in page.links
        assert f'href="/letters/{letter}"' in theirs and f'href="/letters/{letter}"' not in mine
    # Saved answers open on any of the five pages (the wallet card's too), in file order.
    assert [c["value"] for c in page.controls["letter"]] == [*LETTERS, *CLINICIANS, "wallet-card"]


@pytest.mark.parametrize("letter", CLINICIANS)
def test_a_clinician_s_form_asks_every_field_in_its_own_words(client, letter):
    response = client.get(f"/letters/{letter}")
    assert response.status_code == 200
    page = Page(response.text)
    for field in letter_fields(letter):
        assert page.controls.get(field.key), field.key
    name = page.controls["person.name"][0]
    assert page.labels[name["id"]].startswith("Patient's full name")
    assert ">The patient</h2>" in response.text
    assert "How to use your letters" not in response.text  # the person's sheet, not theirs
    others = [link for link in page.links if link.startswith("/letters/")]
    assert others == [f"/letters/{other}" for other in CLINICIANS if other != letter]
    if letter == "taper-plan":
        for key in ("plan.dose_mg", "plan.cut_percent", "plan.stop_mg"):
            assert page.controls[key][0]["inputmode"] == "decimal", key
        assert "inputmode" not in page.controls["plan.tablets_mg"][0]  # it takes commas
        assert "Download the plan (PDF)" in response.text
    else:
        disclose = [c["value"] for c in page.controls["clinician_note.disclose"]]
        assert disclose == ["true", "false"]
        assert "No: the note names no diagnosis or medicine" in response.text
        # The same limits and changes to offer as the employee's request, in its words.
        employer = Page(client.get("/letters/employer-accommodation").text)
        for group in ("limitations", "accommodations"):
            ours = page.controls[f"clinician_note.{group}"]
            theirs = employer.controls[f"employer.{group}"]
            assert [c["value"] for c in ours] == [c["value"] for c in theirs], group
            labels = [page.labels[c["id"]].replace("them", "me") for c in ours[1:]]
            assert labels == [employer.labels[c["id"]] for c in theirs[1:]], group


@pytest.mark.parametrize(("letter", "paper", "large"),
                         [("taper-plan", "letter", False), ("taper-plan", "a4", True),
                          ("work-limits-note", "a4", False)])  # fmt: skip
def test_the_plan_and_note_from_the_web_are_byte_identical_to_the_command_line(
    client, letter, paper, large, tmp_path, monkeypatch
):
    from handoutkit.web.forms import LARGE_PRINT, PAPER

    details = tomllib.loads(CLINICIANS[letter].read_text(encoding="utf-8"))
    data = form_data(details, **{PAPER: paper, **({LARGE_PRINT: "true"} if large else {})})
    response = client.post(f"/letters/{letter}.pdf", data=data, headers=SAME_SITE)
    assert response.status_code == 200, response.text[:3000]
    text = " ".join(pdf_text(response.content).split())
    assert "Jordan Reyes" in text
    if letter == "taper-plan":
        assert "Prepared for Dr Ana Ruiz to review and sign." in text
        assert "16.5 mg" in text and "Hold" in text
    else:
        assert "Harbour Lane Clinic" in text and "clonazepam" not in text
    # Saved from the page, the answers are a details file the command line reads, numbers and
    # all, and it makes the same bytes.
    saved = client.post(f"/letters/{letter}/details.toml", data=data, headers=SAME_SITE)
    assert saved.status_code == 200
    file = tmp_path / "answers.toml"
    file.write_bytes(saved.content)
    if letter == "taper-plan":
        assert tomllib.loads(saved.text)["plan"] == {
            k: v for k, v in details["plan"].items() if k != "liquid_mg_per_ml"
        } | {"start": "2027-01-04"}
    monkeypatch.chdir(tmp_path)
    argv = ["letters", "--project", str(ROOT), "--details", str(file), "--only", letter]
    argv += ["--out", str(tmp_path / "out"), "--paper", paper]
    argv += ["--large-print"] if large else []
    assert main(argv) == 0
    name = f"{letter}-large.pdf" if large else f"{letter}.pdf"  # <id>[-large].pdf
    assert [p.name for p in (tmp_path / "out").iterdir()] == [name]
    assert (tmp_path / "out" / name).read_bytes() == response.content
    assert response.headers["content-disposition"] == f'attachment; filename="{name}"'


def test_a_refused_plan_says_which_number_and_why_beside_its_box(client):
    details = tomllib.loads(CLINICIANS["taper-plan"].read_text(encoding="utf-8"))
    details["plan"].update(cut_percent=30, tablets_mg=[])
    data = form_data(details, **{"plan.tablets_mg": "2, 5 ,x", "plan.dose_mg": ""})
    response = client.post("/letters/taper-plan.pdf", data=data, headers=SAME_SITE)
    assert response.status_code == 422
    page = Page(response.text)
    listed = "must be a list of numbers, like [0.5, 1, 2]; got ['2', '5', 'x']"
    assert dict(page.summary) == {
        "#f-plan-dose-mg": "Dose now (mg a day) is required for this letter",
        "#f-plan-tablets-mg": f"Tablet strengths (mg) {listed}",
    }
    assert page.controls["plan.tablets_mg"][0]["value"] == "2, 5 ,x"  # kept, to be fixed
    # Once every box reads as a number, the arithmetic's own refusals, beside their boxes.
    data = form_data(details)
    response = client.post("/letters/taper-plan.pdf", data=data, headers=SAME_SITE)
    assert response.status_code == 422
    assert Page(response.text).summary == [
        ("#f-plan-cut-percent",
         "Cut per step (%) must be more than 0 and at most 25 percent of the current dose; got 30"),
    ]  # fmt: skip


def test_the_saved_answers_round_trip_exactly():
    from handoutkit.web.answers import toml_text
    from handoutkit.web.forms import details_from_answers

    details = details_from_answers(answers_from_details(FULL))
    assert tomllib.loads(toml_text(details, "# header")) == {
        section: {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in table.items()}
        for section, table in FULL.items()
    }


def test_answers_file_keeps_quotes_newlines_and_control_characters():
    from handoutkit.web.answers import toml_string

    nasty = 'a "quote" \\ back\nslash\ttab \x00 \x1f \x7f «» 李 \u202e'
    assert tomllib.loads(f"v = {toml_string(nasty)}")["v"] == nasty


def test_missing_answers_give_422_naming_each_field_and_nothing_typed_is_cleared(client):
    data = {"person.name": "", "medication.dose": "2 mg <b>at night</b>", "letter.requests": [""]}
    response = client.post("/letters/physician-letter.pdf", data=data, headers=SAME_SITE)
    assert response.status_code == 422
    assert_headers(response)
    page = Page(response.text)
    assert [href for href, _ in page.summary] == [
        "#f-person-name",
        "#f-medication-name",
        "#f-letter-requests",
    ]
    assert page.summary[0][1].startswith("Your full name is required")
    assert "Your medicine is required for this letter" in page.summary[1][1]
    # An empty list of requests is refused (issue 11): nothing to ask is no letter.
    assert 'nothing is chosen: choose "all", or at least one' in page.summary[2][1]
    # Each message beside its box, the box marked invalid and described by it.
    name = page.controls["person.name"][0]
    assert name["aria-invalid"] == "true"
    assert "f-person-name-error" in name["aria-describedby"]
    assert "Error:" in response.text  # the hidden prefix screen readers hear
    assert page.controls["medication.dose"][0]["value"] == "2 mg <b>at night</b>"
    assert "<title>Error: " in response.text
    # Nothing ticked stays nothing ticked.
    assert not any("checked" in c for c in page.controls["letter.requests"])


def test_bad_values_are_shown_beside_their_boxes(client):
    data = form_data(
        FULL,
        **{"person.date_of_birth": "1980-02-31", "medication.symptoms": "x" * 1300},
    )
    response = client.post("/letters/physician-letter.pdf", data=data, headers=SAME_SITE)
    assert response.status_code == 422
    page = Page(response.text)
    targets = dict(page.summary)
    assert "is not a real date" in targets["#f-person-date-of-birth"]
    limit = BY_KEY["medication.symptoms"].max_length
    assert f"at most {limit} fit" in targets["#f-medication-symptoms"]
    assert page.controls["medication.symptoms"][0]["aria-invalid"] == "true"
    assert "x" * 1300 in response.text  # kept, to be shortened, not retyped


def test_an_unknown_region_or_paper_is_refused_beside_its_choice(client):
    from handoutkit.web.forms import PAPER, REGION, Control

    data = form_data(FULL, **{REGION: "mars", PAPER: "b5"})
    response = client.post("/letters/physician-letter.pdf", data=data, headers=SAME_SITE)
    assert response.status_code == 422
    targets = [h for h, _ in Page(response.text).summary]
    assert targets == [
        f"#{Control(REGION, 'radios', '').id}",
        f"#{Control(PAPER, 'radios', '').id}",
    ]


def test_the_employer_form_carries_the_other_letters_answers(client):
    """Answers loaded for both letters survive a trip through either form."""
    files = {"answers": ("mine.toml", (DATA / "details-full.toml").read_bytes())}
    response = client.post(
        "/details", data={"letter": "employer-accommodation"}, files=files, headers=SAME_SITE
    )
    assert response.status_code == 200
    page = Page(response.text)
    assert page.controls["medication.symptoms"][0]["type"] == "hidden"
    assert page.controls["employer.recipient"][0]["value"] == "Sam Rivera, HR"
    ticked = [c["value"] for c in page.controls["employer.accommodations"] if "checked" in c]
    assert ticked == ["remote-work", "quiet-space", "appointments-leave"]


def test_open_answers_reports_a_broken_file_by_line(client):
    broken = b'[person]\nname = "Ana\n'
    files = {"answers": ("mine.toml", broken)}
    response = client.post(
        "/details", data={"letter": "physician-letter"}, files=files, headers=SAME_SITE
    )
    assert response.status_code == 422
    page = Page(response.text)
    assert page.summary[0][0] == "#f-answers"
    assert page.summary[0][1].startswith("mine.toml:2: not valid TOML")
    missing = client.post("/details", data={"letter": "physician-letter"}, headers=SAME_SITE)
    assert missing.status_code == 422
    assert "Choose a file" in missing.text
    binary = {"answers": ("x.toml", bytes(range(256)))}
    response = client.post("/details", files=binary, headers=SAME_SITE)
    assert response.status_code == 422
    assert "could not be read as answers" in response.text


def test_open_answers_puts_each_problem_beside_its_box(client):
    text = '[person]\nname = "Ana"\ndate_of_birth = "02/04/1980"\n[nonsense]\nx = 1\n'
    files = {"answers": ("mine.toml", text.encode())}
    response = client.post(
        "/details", data={"letter": "physician-letter"}, files=files, headers=SAME_SITE
    )
    assert response.status_code == 422
    targets = [h for h, _ in Page(response.text).summary]
    assert sorted(targets) == ["#f-answers", "#f-person-date-of-birth"]
    # What the file lacks (the medicine) is asked for when the letter is made, not now.
    assert "Your medicine is required" not in response.text


def test_preview_returns_the_pages_as_png_images(client):
    data = form_data(FULL)
    response = client.post("/letters/physician-letter/preview", data=data, headers=SAME_SITE)
    assert response.status_code == 200
    answer = response.json()
    assert answer["status"] == "ok" and answer["pages"] == 1
    import base64

    png = base64.b64decode(answer["images"][0].removeprefix("data:image/png;base64,"))
    assert png.startswith(b"\x89PNG")
    assert_headers(response)


def test_preview_names_the_answer_that_makes_the_letter_too_long(client):
    data = form_data(FULL, **{"medication.symptoms": "Worse at night. " * 70})
    response = client.post("/letters/physician-letter/preview", data=data, headers=SAME_SITE)
    answer = response.json()
    # Too long for one page: either a second page with a note, or a refusal naming the field.
    assert answer["field"] == "f-medication-symptoms", answer
    assert "Symptoms" in answer["note"]


def test_preview_of_an_unfinished_form_says_what_to_fix(client):
    response = client.post(
        "/letters/physician-letter/preview", data={"person.name": ""}, headers=SAME_SITE
    )
    assert response.status_code == 422
    assert response.json()["field"] == "f-person-name"


def test_clear_everything_tells_the_browser_to_drop_its_storage(client):
    response = client.post(
        "/clear", data={"letter": "physician-letter"}, headers=SAME_SITE, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/letters/physician-letter"
    assert response.headers["clear-site-data"] == '"cache", "storage"'


# Handouts ----------------------------------------------------------------------------------------


def test_a_handout_is_rendered_on_request_kept_in_memory_and_equals_the_build(
    client, app, tmp_path
):
    response = client.get("/handouts/a4/for-physicians.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == 'attachment; filename="for-physicians.pdf"'
    assert app.state.site.remembered("for-physicians", Edition("a4")) == response.content
    build(Project(ROOT), [Edition("a4")], tmp_path, only=["for-physicians"], jobs=1)
    assert (tmp_path / "a4" / "for-physicians.pdf").read_bytes() == response.content
    fillable = client.get("/handouts/letter/physician-letter-fillable.pdf")
    assert PdfReader(__import__("io").BytesIO(fillable.content)).get_fields()


def test_handouts_come_from_an_up_to_date_build_and_never_a_stale_one(tmp_path):
    out = tmp_path / "build"
    build(Project(ROOT), [Edition("letter")], out, only=["taper-diary"], jobs=1)
    built = out / "letter" / "taper-diary.pdf"
    from handoutkit.web.site import Site

    site = Site(Settings(Project(ROOT), build_dir=out))
    assert site.built("taper-diary", Edition("letter")) == built.read_bytes()
    assert site.built("taper-diary", Edition("a4")) is None  # never built
    built.write_bytes(built.read_bytes() + b"%tampered")
    assert site.built("taper-diary", Edition("letter")) is None
    digest = hashlib.sha256(built.read_bytes()).hexdigest()
    assert digest  # the record no longer matches: rendered instead, never served


# Security ----------------------------------------------------------------------------------------


def test_every_response_carries_the_privacy_headers(client):
    data = form_data(FULL)
    responses = [
        client.get("/"),
        client.get("/letters/physician-letter"),
        client.get("/healthz"),
        client.get("/nope"),
        client.post("/healthz", headers=SAME_SITE),  # 405
        client.post("/letters/physician-letter.pdf", data=data, headers=SAME_SITE),
        client.post("/letters/physician-letter.pdf", data={}, headers=SAME_SITE),
        client.post("/letters/physician-letter/details.toml", data=data, headers=SAME_SITE),
        client.get("/", headers={"host": "evil.example"}),
        client.post("/clear", headers={"origin": "http://evil.example"}),
        client.post("/details", content=b"x" * 70_000, headers=SAME_SITE),
    ]
    assert {r.status_code for r in responses} >= {200, 400, 403, 404, 405, 413, 422}
    for response in responses:
        assert_headers(response)


def test_a_body_over_64_kb_is_refused_with_413(client):
    big = {"person.name": "x" * (64 * 1024)}
    response = client.post("/letters/physician-letter.pdf", data=big, headers=SAME_SITE)
    assert response.status_code == 413
    assert "more than 64 KB" in response.text

    def chunks():  # no Content-Length: counted as it arrives
        for _ in range(70):
            yield b"x" * 1024

    response = client.post(
        "/letters/physician-letter.pdf",
        content=chunks(),
        headers={**SAME_SITE, "content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 413
    ok = client.post("/letters/physician-letter.pdf", data=form_data(FULL), headers=SAME_SITE)
    assert ok.status_code == 200


def test_a_foreign_host_is_refused_with_400(client):
    for host in ("evil.example", "evil.example:8000", "127.0.0.1.evil.example", "[::2]:80"):
        response = client.get("/", headers={"host": host})
        assert response.status_code == 400, host
        assert "only answers to the address" in response.text
    for host in ("localhost:8000", "127.0.0.1", "[::1]:8000"):
        assert client.get("/healthz", headers={"host": host}).status_code == 200, host


def test_a_post_from_another_site_is_refused_with_403(client):
    data = form_data(FULL)
    for headers in (
        {"origin": "http://evil.example"},
        {"origin": "http://127.0.0.1:9999"},
        {"origin": "null"},
        {"origin": "null", "sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site"},
    ):
        response = client.post("/letters/physician-letter.pdf", data=data, headers=headers)
        assert response.status_code == 403, headers
        assert "another website" in response.text
    # A browser's own form (no-referrer makes it "Origin: null") and plain scripts are fine.
    for headers in (SAME_SITE, {"origin": "null", "sec-fetch-site": "same-origin"}, {}):
        response = client.post("/letters/physician-letter.pdf", data=data, headers=headers)
        assert response.status_code == 200, headers


def test_a_clinic_names_its_hosts_and_works_under_a_sub_path(tmp_path):
    settings = Settings(
        Project(ROOT), build_dir=tmp_path, allowed_hosts=("letters.clinic.example",), workers=1
    )
    app = create_app(settings)
    base = "https://letters.clinic.example"
    with TestClient(app, base_url=base, root_path="/letters-app") as client:
        response = client.get("/letters-app/")
        assert response.status_code == 200
        page = Page(response.text)
        assert "/letters-app/letters/physician-letter" in page.links
        assert "/letters-app/static/app.css" in response.text
        assert client.get("/", headers={"host": "localhost"}).status_code == 400
        headers = {"origin": base}
        ok = client.post(
            "/letters-app/letters/physician-letter.pdf", data=form_data(FULL), headers=headers
        )
        assert ok.status_code == 200


def test_settings_from_the_environment(tmp_path):
    settings = Settings.from_env(
        {
            "HANDOUTS_PROJECT": str(ROOT),
            "HANDOUTS_ALLOWED_HOSTS": "letters.clinic.example, 10.0.0.5",
            "HANDOUTS_RENDER_WORKERS": "3",
            "HANDOUTS_BUILD": str(tmp_path),
        }
    )
    assert settings.allowed_hosts == ("letters.clinic.example", "10.0.0.5")
    assert (settings.workers, settings.build_dir, settings.local) == (3, tmp_path, False)
    assert Settings.from_env({"HANDOUTS_PROJECT": str(ROOT)}).local
    from handoutkit import InputError

    with pytest.raises(InputError) as caught:
        Settings.from_env({"HANDOUTS_RENDER_WORKERS": "many", "HANDOUTS_QUEUE": "-1"})
    assert caught.value.lines() == [
        "HANDOUTS_RENDER_WORKERS: must be a whole number, 1 or more; got 'many'",
        "HANDOUTS_QUEUE: must be a whole number, 0 or more; got '-1'",
    ]


# The pool under load -----------------------------------------------------------------------------


def test_a_full_queue_is_answered_503_with_retry_after_and_the_answers_kept(tmp_path):
    app = create_app(Settings(Project(ROOT), build_dir=tmp_path, workers=1, queue=0))
    data = form_data(FULL)
    with TestClient(app, base_url=BASE) as client:
        statuses: list[int] = []
        responses = []

        def post() -> None:
            response = client.post("/letters/physician-letter.pdf", data=data, headers=SAME_SITE)
            statuses.append(response.status_code)
            responses.append(response)

        threads = [threading.Thread(target=post) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert 200 in statuses and 503 in statuses, statuses
    busy = next(r for r in responses if r.status_code == 503)
    assert busy.headers["retry-after"] == "5"
    assert_headers(busy)
    assert "Too many letters are being made" in busy.text
    assert "Zoë Nguyễn" in busy.text  # the form comes back filled in


def test_a_render_over_the_time_limit_is_503_and_its_worker_replaced(tmp_path):
    settings = Settings(Project(ROOT), build_dir=tmp_path, workers=1, render_timeout=0.001)
    app = create_app(settings)
    with TestClient(app, base_url=BASE) as client:
        pool = app.state.pool
        before = pool.pids
        response = client.post(
            "/letters/physician-letter.pdf", data=form_data(FULL), headers=SAME_SITE
        )
        assert response.status_code == 503
        assert response.headers["retry-after"] == "5"
        assert "took too long" in response.text
        assert pool.replaced == 1
        import time

        deadline = time.monotonic() + 120
        while len(pool.pids) < 1 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert pool.pids and pool.pids != before
        # The slow limit held for letters only: a handout gets its own, longer one.
        assert client.get("/handouts/letter/taper-diary.pdf").status_code == 200


def test_every_text_field_fits_the_body_limit_in_any_script(client):
    """The form at every field's limit, in 3-byte characters, is still under 64 KB encoded."""
    data = form_data(FULL)
    for field in FIELDS:
        if field.type == TEXT:
            data[field.key] = "李" * field.max_length
    from urllib.parse import urlencode

    size = len(urlencode(data, doseq=True).encode())
    assert size < 64 * 1024, size
    # Accepted whole (saving answers renders nothing, so this stays quick).
    response = client.post("/letters/physician-letter/details.toml", data=data, headers=SAME_SITE)
    assert response.status_code == 200
    symptoms = "李" * BY_KEY["medication.symptoms"].max_length
    assert tomllib.loads(response.text)["medication"]["symptoms"] == symptoms


def test_the_error_summary_links_match_real_ids(client):
    response = client.post("/letters/employer-accommodation.pdf", data={}, headers=SAME_SITE)
    page = Page(response.text)
    for href, _ in page.summary:
        assert href.lstrip("#") in page.ids
    assert re.search(r'id="error-summary"[^>]*autofocus', response.text)


def test_the_web_app_never_prints_and_the_library_never_imports_it():
    """Only the command line prints; the library works without the web app (design.md §1)."""
    import ast

    package = ROOT / "handoutkit"
    for path in (package / "web").glob("*.py"):
        calls = [
            node
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "print"
        ]
        assert calls == [], path.name
    for path in package.glob("*.py"):
        if path.name == "cli.py":
            continue  # `serve` imports it when it runs
        assert ".web" not in path.read_text(encoding="utf-8"), path.name


def test_naming_the_condition_is_explained_with_the_letters_own_words(client):
    response = client.get("/letters/employer-accommodation")
    condition = STRINGS["letters"]["condition"]
    assert f"No: the letter says only “{condition}”" in response.text
    named = STRINGS["letters"]["condition_named"].format(medicine="(your medicine)")
    assert f"Yes: the letter says “{named}”" in response.text
    assert "diagnosis" in response.text


def test_serve_says_in_one_line_when_the_port_is_taken(capsys):
    import socket

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    port = taken.getsockname()[1]
    try:
        code = main(["serve", "--port", str(port), "--no-open"])
    finally:
        taken.close()
    err = capsys.readouterr().err
    assert code == 2
    assert err == (
        f"error: --port: {port} is in use on 127.0.0.1; another program uses it: "
        f"try --port {port + 1}\n"
    )


def test_serve_on_every_network_needs_the_names_people_will_type(capsys):
    assert main(["serve", "--host", "0.0.0.0", "--no-open"]) == 2
    assert "--allowed-host" in capsys.readouterr().err
