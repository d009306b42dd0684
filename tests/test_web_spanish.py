"""The web app in Spanish (?lang=es), in-process: every page, the language kept through the form
and its errors, the letter's language chosen apart, and the Spanish handouts.

The project is a copy of the real one. Its Spanish sheets are the real ones where handouts/es/
has them, and tiny stand-ins (same id, audience and kind) for the rest, so these tests run
whether or not every translation has been written yet.
"""

from __future__ import annotations

import html
import io
import re
import tomllib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader
from starlette.testclient import TestClient

from handoutkit import Project
from handoutkit.content import load_handouts
from handoutkit.fields import CHOICES
from handoutkit.kinds import KINDS
from handoutkit.regions import load_regions
from handoutkit.web import Settings, create_app
from handoutkit.web.forms import LETTER_LANG, letter_fields
from handoutkit.web.settings import clinic_from
from handoutkit.web.site import WEB
from make_handouts import main

from .conftest import ROOT, copy_project, sheet_text
from .test_web import BASE, FULL, SAME_SITE, Page, assert_headers, form_data, pdf_text

EN = tomllib.loads((WEB / "strings" / "en.toml").read_text(encoding="utf-8"))
ES = tomllib.loads((WEB / "strings" / "es.toml").read_text(encoding="utf-8"))
LETTER = "physician-letter"
ES_ACTION = '\n<div class="action" markdown>\nHable con su médico.\n</div>\n'


def strings(data, path: tuple[str, ...] = ()) -> dict[tuple[str, ...], str]:
    """Every string of a words file by its path of keys (keys may hold dots: "person.name")."""
    found = {}
    for key, value in data.items():
        if isinstance(value, dict):
            found.update(strings(value, (*path, key)))
        elif isinstance(value, list):
            found.update({(*path, key, str(n)): item for n, item in enumerate(value)})
        else:
            found[(*path, key)] = value
    return found


def english_phrases() -> list[str]:
    """Every English phrase of the pages that Spanish says differently, without placeholders."""
    phrases = set()
    spanish_words = strings(ES)
    for key, english in strings(EN).items():
        if english == spanish_words.get(key) or key[0] in ("lang_tag", "language"):
            continue
        if english in EN["language"]["names"].values() or key[-2:-1] == ("joined",):
            continue  # "English" is the way back to English on every page, in its own words
        for part in re.split(r"\{\w+\}", english):
            part = part.strip(" :.,“”\n")
            if len(part) >= 6 and not part.startswith(("#", "handouts ")):
                phrases.add(part)
    return sorted(phrases)


def tiny_spanish(handout) -> str:
    """A stand-in translation: a blank for each answer, a line for each choice it quotes."""
    lines = ["## Qué es", "", "Una hoja corta."]
    for f in letter_fields(handout.id):
        if f.type != CHOICES and f.placeholder:
            lines += ["", f'<div class="blanks">[[{f.placeholder}|{f.name}]]</div>']
        elif f.placeholder:
            lines += [f"- [[{f.placeholder}:{c}]] Elección {n}." for n, c in enumerate(f.choices)]
    if handout.kind == "card":  # a front and a back, each side its own box
        front = "Información médica. No deje el medicamento de golpe."
        blanks = [line for line in lines if line.startswith("<div")]
        side = '<div class="card-{}" markdown="1">'
        lines = [side.format("front"), "", front, "", blanks[0], "", "</div>", ""]
        lines += [side.format("back"), "", *blanks[1:], "", "</div>"]
    action = ES_ACTION if KINDS[handout.kind].action_boxes == 1 else ""
    return sheet_text(handout.id, f"Hoja {handout.id}", "\n".join(lines) + "\n", action,
                      audience=handout.audience, kind=handout.kind)  # fmt: skip


def spanish_project(dest: Path, *, complete: bool = True) -> Path:
    """The real project; every Spanish sheet there (stand-ins for those not yet written), or,
    with complete=False, the physician letter alone, as while a translation is in progress."""
    root = copy_project(dest)
    folder = root / "handouts" / "es"
    folder.mkdir(exist_ok=True)
    for handout in load_handouts(root / "handouts", root):
        target = folder / handout.source.rsplit("/", 1)[-1]
        if not handout.spanish:
            continue
        if not complete and handout.id != LETTER:
            target.unlink(missing_ok=True)
        elif not target.exists():
            target.write_text(tiny_spanish(handout), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return spanish_project(tmp_path_factory.mktemp("es") / "project")


@pytest.fixture(scope="module")
def app(project, tmp_path_factory):
    empty_build = tmp_path_factory.mktemp("no-build")
    return create_app(Settings(Project(project), build_dir=empty_build, workers=1))


@pytest.fixture(scope="module")
def client(app):
    with TestClient(app, base_url=BASE) as client:
        yield client


class Said(HTMLParser):
    """What a page says in its own language: its text and the words in its attributes, but not
    what an element marks as another language (lang="en": a sheet not yet translated)."""

    VOID = frozenset(("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"))
    WORDS = ("alt", "title", "aria-label", "placeholder", "content")

    def __init__(self, page: str, lang: str):
        super().__init__()
        self.lang, self.parts, self.stack = lang, [], [False]
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        other = self.stack[-1] or a.get("lang", self.lang).split("-")[0] != self.lang
        if not other:
            self.parts += [v for k, v in attrs if v and (k in self.WORDS or k.startswith("data-"))]
        if tag not in self.VOID:
            self.stack.append(other)

    def handle_endtag(self, tag):
        if tag not in self.VOID and len(self.stack) > 1:
            self.stack.pop()

    def handle_data(self, data):
        if not self.stack[-1]:
            self.parts.append(data)

    def __str__(self) -> str:
        return " ".join(" ".join(self.parts).split())


def assert_spanish(page: str) -> None:
    assert '<html lang="es-US"' in page
    said = str(Said(page, "es"))
    left = [phrase for phrase in english_phrases() if phrase in said]
    assert not left, left


def own_links(page: Page) -> list[str]:
    """The links and form targets that lead to the app's own pages (not files or handouts)."""
    return [
        url
        for url in [*page.links, *page.actions]
        if url.startswith("/") and not url.startswith(("/static", "/handouts"))
    ]


# The words -----------------------------------------------------------------------------------


def test_the_spanish_words_have_every_key_the_english_ones_have():
    english, spanish = strings(EN), strings(ES)
    english = {key: words for key, words in english.items() if key[-2:-1] != ("joined",)}
    spanish = {key: words for key, words in spanish.items() if key[-2:-1] != ("joined",)}
    # Every key: a page never lacks a word. (Spanish may have a word ready before the English
    # page that uses it has landed, as the wallet card's.)
    assert not set(english) - set(spanish), sorted(set(english) - set(spanish))
    assert ES["lang_tag"] == "es-US"
    # Each placeholder the English words fill is there in Spanish to be filled.
    for key, words in english.items():
        assert set(re.findall(r"\{\w+\}", words)) == set(re.findall(r"\{\w+\}", spanish[key]))


# Pages ---------------------------------------------------------------------------------------


def test_every_page_is_in_spanish_and_keeps_the_language_in_its_links(client, app):
    letters = list(app.state.site.letters)
    for path in ["/", *(f"/letters/{id}" for id in letters), "/nope"]:
        response = client.get(f"{path}?lang=es")
        assert response.status_code == (404 if path == "/nope" else 200), path
        assert_headers(response)
        assert_spanish(response.text)
        # The way back to English is a link (or, on a form, a button that keeps the answers).
        assert re.search(r'lang="en"[^>]*>\s*(<button[^>]*>)?English<', response.text), path
        back = re.findall(r'(?:href|formaction)="([^"]*)"[^>]*>English<', response.text)
        assert len(back) == 1, path
        # Every other page and form of the app keeps the page in Spanish.
        for url in own_links(Page(response.text)):
            assert url.endswith("?lang=es") or url in back, (path, url)


def test_the_switch_leads_to_the_same_page_in_the_other_language(client):
    english = client.get("/").text
    assert re.search(r'<a href="/\?lang=es" lang="es" hreflang="es">Español</a>', english)
    spanish = client.get("/?lang=es").text
    assert re.search(r'<a href="/" lang="en" hreflang="en">English</a>', spanish)
    # An unknown language is the default one, not an error.
    assert '<html lang="en"' in client.get("/?lang=xx").text


def test_the_switch_works_under_a_clinic_s_sub_path(project, tmp_path):
    hosts = ("x.example",)
    settings = Settings(Project(project), build_dir=tmp_path, allowed_hosts=hosts, workers=1)
    with TestClient(create_app(settings), base_url="https://x.example", root_path="/app") as app:
        assert '<a href="/app/?lang=es" lang="es"' in app.get("/app/").text
        assert '<a href="/app/nope" lang="en"' in app.get("/app/nope?lang=es").text
        form = Page(app.get("/app/letters/physician-letter?lang=es").text)
        assert "/app/letters/physician-letter" in form.actions  # the switch, keeping answers
        assert "/app/letters/physician-letter.pdf?lang=es" in form.actions


def test_the_switch_on_a_form_keeps_every_answer(client):
    page = Page(client.get(f"/letters/{LETTER}?lang=es").text)
    [switch] = [a for a in page.actions if a.startswith(f"/letters/{LETTER}") and "?" not in a]
    data = {"person.name": "Ana Pérez", "medication.dose": "1 mg", LETTER_LANG: "es"}
    response = client.post(switch, data=data, headers=SAME_SITE)
    assert response.status_code == 200
    assert '<html lang="en"' in response.text
    back = Page(response.text)
    assert back.controls["person.name"][0]["value"] == "Ana Pérez"
    assert back.controls["medication.dose"][0]["value"] == "1 mg"
    # The letter's language is the person's choice, not the page's.
    chosen = [c["value"] for c in back.controls[LETTER_LANG] if "checked" in c]
    assert chosen == ["es"]


def test_a_refused_form_answers_in_spanish_and_keeps_the_language(client):
    data = {"person.name": "", "medication.dose": "2 mg", "letter.requests": [""]}
    response = client.post(f"/letters/{LETTER}.pdf?lang=es", data=data, headers=SAME_SITE)
    assert response.status_code == 422
    assert_spanish(response.text)
    page = Page(response.text)
    assert "Hay un problema" in response.text
    assert "<title>Error: " in response.text
    spanish = tomllib.loads((ROOT / "templates/strings/es.toml").read_text(encoding="utf-8"))
    # Each message names its box in the page's words, says what is wrong in them, and links
    # to the box; the same message is beside it.
    name, medicine = (spanish["fields"][key]["label"] for key in ("person.name", "medication.name"))
    assert page.summary[:2] == [
        ("#f-person-name", f"{name} es obligatorio"),
        ("#f-medication-name", f"{medicine} es obligatorio para esta carta"),
    ]
    assert page.summary[2][0] == "#f-letter-requests"
    assert page.summary[2][1].startswith("Lo que pide a su médico: no hay nada elegido: elija")
    assert f"{name} es obligatorio</p>" in response.text
    assert page.controls["medication.dose"][0]["value"] == "2 mg"
    for url in own_links(page):
        if url.startswith(f"/letters/{LETTER}.pdf") or url.endswith("/details.toml"):
            assert url.endswith("?lang=es"), url


def test_the_preview_and_the_refusal_pages_speak_spanish(client):
    response = client.post(
        f"/letters/{LETTER}/preview?lang=es", data={"person.name": ""}, headers=SAME_SITE
    )
    assert response.status_code == 422
    assert response.json()["note"].startswith("Para ver la vista previa:")
    big = {"person.name": "x" * (64 * 1024)}
    response = client.post(f"/letters/{LETTER}.pdf?lang=es", data=big, headers=SAME_SITE)
    assert response.status_code == 413
    assert_spanish(response.text)
    assert "más de 64 KB" in response.text
    response = client.post("/clear?lang=es", headers={"origin": "http://evil.example"})
    assert response.status_code == 403
    assert_spanish(response.text)


def test_clear_and_open_answers_keep_the_language(client):
    response = client.post(
        "/clear?lang=es", data={"letter": LETTER}, headers=SAME_SITE, follow_redirects=False
    )
    assert response.headers["location"] == f"/letters/{LETTER}?lang=es"
    empty = {"answers": ("", b"")}
    response = client.post(
        "/details?lang=es", data={"letter": LETTER}, files=empty, headers=SAME_SITE
    )
    assert response.status_code == 422
    assert_spanish(response.text)
    assert "Elija el archivo con sus respuestas" in response.text


# Letters -------------------------------------------------------------------------------------


def test_the_letter_language_defaults_to_the_page_s_and_is_asked_apart(client):
    for lang, tag in (("es", "es-US"), ("en", "en")):
        page = Page(client.get(f"/letters/{LETTER}?lang={lang}").text)
        options = {c["value"]: "checked" in c for c in page.controls[LETTER_LANG]}
        assert options == {"en": lang == "en", "es": lang == "es"}, tag


@pytest.mark.parametrize(("page_lang", "letter_lang"), [("es", "es"), ("en", "es"), ("es", "en")])
def test_the_web_letter_equals_the_command_line_s_in_its_language(
    client, project, page_lang, letter_lang, tmp_path, monkeypatch
):
    data = form_data(FULL, **{LETTER_LANG: letter_lang})
    url = f"/letters/{LETTER}.pdf?lang={page_lang}"
    response = client.post(url, data=data, headers=SAME_SITE)
    assert response.status_code == 200, response.text[:2000]
    name = f"{LETTER}-es.pdf" if letter_lang == "es" else f"{LETTER}.pdf"
    assert response.headers["content-disposition"] == f'attachment; filename="{name}"'
    reader = PdfReader(io.BytesIO(response.content))
    assert reader.trailer["/Root"]["/Lang"] == ("es-US" if letter_lang == "es" else "en")
    assert "Nguyễn" in pdf_text(response.content)
    # The answers file records the letter's language; the command line reads it from there.
    saved = client.post(f"/letters/{LETTER}/details.toml?lang={page_lang}", data=data,
                        headers=SAME_SITE)  # fmt: skip
    details = tomllib.loads(saved.text)
    assert details["settings"]["lang"] == letter_lang
    if page_lang == "es":
        assert saved.text.startswith("# Mis respuestas para las cartas")
    (tmp_path / "my-details.toml").write_bytes(saved.content)
    monkeypatch.chdir(tmp_path)
    argv = ["letters", "--project", str(project), "--details", "my-details.toml"]
    assert main([*argv, "--only", LETTER, "--out", "out"]) == 0
    assert (tmp_path / "out" / name).read_bytes() == response.content
    if page_lang == letter_lang == "es":
        # And as `letters --lang es` makes it from a file that does not say.
        plain = saved.text.replace('lang = "es"\n', "")
        assert "lang" not in tomllib.loads(plain)["settings"]
        (tmp_path / "my-details.toml").write_text(plain, encoding="utf-8")
        assert main([*argv, "--only", LETTER, "--out", "flag", "--lang", "es"]) == 0
        assert (tmp_path / "flag" / name).read_bytes() == response.content


def test_a_letter_language_the_letter_does_not_come_in_is_refused_beside_its_choice(client):
    data = form_data(FULL, **{LETTER_LANG: "xx"})
    response = client.post(f"/letters/{LETTER}.pdf?lang=es", data=data, headers=SAME_SITE)
    assert response.status_code == 422
    assert Page(response.text).summary[0][0] == "#f-settings-lang"
    # The clinician's note is not translated: it is made in English, and the page says so.
    page = client.get("/letters/work-limits-note?lang=es").text
    assert LETTER_LANG not in Page(page).controls
    assert ES["form"]["only_in"]["en"] in page
    data = form_data({"person": {"name": "Ana"}, "clinician_note": {"clinician_name": "Dr Ruiz"}},
                     **{LETTER_LANG: "es"})  # fmt: skip
    response = client.post("/letters/work-limits-note.pdf?lang=es", data=data, headers=SAME_SITE)
    assert response.status_code == 422
    assert ES["errors"]["unknown_lang"] in response.text


# Handouts ------------------------------------------------------------------------------------


def test_the_spanish_home_page_offers_the_spanish_handouts(client, app):
    page = Page(client.get("/?lang=es").text)
    site = app.state.site
    spanish = [h.id for h in site.complete["es"].handouts]
    assert "work-limits-note" not in spanish
    for id in spanish:  # each at both papers (a letter blank and fillable, a card on stock)
        for paper in ("letter", "a4"):
            address = re.compile(rf"/handouts/es/{paper}/{id}(-[a-z]+)?\.pdf")
            assert any(address.fullmatch(link) for link in page.links), (paper, id)
    for edition in ("letter", "a4", "letter-large", "a4-large"):
        assert f"/handouts/es/{edition}/booklet.pdf" in page.links
        assert f"/handouts/es/{edition}/for-physicians.pdf" in page.links
    assert not [link for link in page.links if re.match(r"/handouts/(letter|a4)", link)]
    response = client.get(f"/handouts/es/a4/{LETTER}.pdf")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == f'attachment; filename="{LETTER}-es.pdf"'
    assert PdfReader(io.BytesIO(response.content)).trailer["/Root"]["/Lang"] == "es-US"
    # English keeps its one address; a language with no sheet is no page.
    assert client.get(f"/handouts/en/a4/{LETTER}.pdf").status_code == 404
    assert client.get("/handouts/es/a4/work-limits-note.pdf").status_code == 404


def test_without_spanish_sheets_the_pages_are_spanish_and_the_sheets_english(tmp_path):
    root = spanish_project(tmp_path / "p", complete=False)
    app = create_app(Settings(Project(root), build_dir=tmp_path / "none", workers=1))
    site = app.state.site
    assert site.letter_langs(LETTER) == ("en", "es")
    assert site.letter_langs("employer-accommodation") == ("en",)
    with TestClient(app, base_url=BASE) as client:
        home = client.get("/?lang=es").text
        assert_spanish(home)
        assert ES["home"]["handouts_fallback"] in home
        assert f"/handouts/letter/{LETTER}-fillable.pdf" in Page(home).links
        # What the form's how-to links to is there; a booklet of some of the sheets is not.
        assert client.get("/handouts/es/letter/booklet.pdf").status_code == 404
        # A document not yet translated: a Spanish page about it, its own words marked English.
        form = client.get("/letters/employer-accommodation?lang=es").text
        assert_spanish(form)
        assert re.search(r'<h1 lang="en">', form)
        assert ES["form"]["only_in"]["en"] in form
        assert LETTER_LANG not in Page(form).controls
        # The translated letter is made in Spanish already.
        data = form_data(FULL, **{LETTER_LANG: "es"})
        response = client.post(f"/letters/{LETTER}.pdf?lang=es", data=data, headers=SAME_SITE)
        assert response.headers["content-disposition"] == f'attachment; filename="{LETTER}-es.pdf"'


def test_the_crisis_lines_and_the_regions_are_said_in_spanish(client, project):
    spanish = load_regions(Project(project)).region("us", "es")
    page = client.get(f"/letters/{LETTER}?lang=es").text
    for line in spanish["lines"]:
        assert f"{line['name']}: " in html.unescape(page), line["name"]
    region = Page(page).labels
    assert region["f-settings-region"] == spanish["names"]["us"] != "United States"


def test_a_clinic_that_speaks_spanish_opens_its_pages_in_spanish(project, tmp_path):
    (tmp_path / "clinic.toml").write_text('[clinic]\nname = "Clínica del Valle"\nlang = "es"\n')
    clinic = clinic_from(tmp_path / "clinic.toml")
    settings = Settings(Project(project), clinic, build_dir=tmp_path, workers=1)
    with TestClient(create_app(settings), base_url=BASE) as client:
        page = client.get("/").text
        assert_spanish(page)
        assert '<a href="/?lang=en" lang="en" hreflang="en">English</a>' in page
        assert '<html lang="en"' in client.get("/?lang=en").text
        form = Page(client.get(f"/letters/{LETTER}").text)
        assert f"/letters/{LETTER}.pdf" in form.actions  # the default language needs no ?lang=
        assert [c["value"] for c in form.controls[LETTER_LANG] if "checked" in c] == ["es"]


def test_the_wallet_card_s_page_and_card_keep_the_language(client):
    page = client.get("/letters/wallet-card?lang=es").text
    assert_spanish(page)
    assert "/card.pdf?lang=es" in Page(page).actions
    data = form_data(FULL, **{LETTER_LANG: "es"})
    response = client.post("/card.pdf?lang=es", data=data, headers=SAME_SITE)
    assert response.status_code == 200, response.text[:2000]
    assert response.headers["content-disposition"] == 'attachment; filename="wallet-card-es.pdf"'
    assert PdfReader(io.BytesIO(response.content)).trailer["/Root"]["/Lang"] == "es-US"


@pytest.mark.parametrize(
    ("lang", "card", "letter"),
    [
        ("en", "Language of the card", "Language of the letter"),
        ("es", "Idioma de la tarjeta", "Idioma de la carta"),
    ],
)
def test_the_language_question_names_what_is_made(client, lang, card, letter):
    """The wallet card's page asks for the card's language, a letter's page for the letter's."""
    card_page = client.get(f"/letters/wallet-card?lang={lang}").text
    letter_page = client.get(f"/letters/{LETTER}?lang={lang}").text
    assert card in card_page and letter not in card_page
    assert letter in letter_page and card not in letter_page


def test_no_hint_on_a_form_is_written_in_details_file_syntax(client):
    """A form's hints are read by people filling in a form, not a details file: no quote marks."""
    for id in ("wallet-card", LETTER):
        for lang in ("en", "es"):
            page = client.get(f"/letters/{id}?lang={lang}").text
            assert "&#34;&#34;" not in page and '""' not in page.replace('=""', "")
