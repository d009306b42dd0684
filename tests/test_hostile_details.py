"""A hostile details corpus: each file gives a correct letter or the exact one-line error, exit 2,
no traceback and nothing written. (A name in each of 21 scripts is in test_scripts.py.)"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader
from weasyprint import HTML
from weasyprint.formatting_structure import boxes

from handoutkit import Edition, Project
from handoutkit.details import validate_details
from handoutkit.fields import ACCOMMODATIONS, FIELDS, LIMITATIONS, TEXT
from handoutkit.personal import render_letters
from handoutkit.renderer import Job, Renderer
from make_handouts import main

from .conftest import ROOT

TEXT_FIELDS = [f for f in FIELDS if f.type == TEXT]
LETTERS = ("physician-letter", "employer-accommodation")
TODAY = dt.date(2026, 11, 26)
WORDS = "Shaking hands, ringing ears and poor sleep most days, worse after each cut. "


def fill(length: int, kind: str, mark: str = "") -> str:
    """`length` characters of one kind of text (counted as fields.room counts them), starting
    with `mark` so that values differ, and ending in Z so that their end is checked too."""
    text = {
        "spaces": WORDS,
        "no spaces": "Withdrawal",
        "capitals": WORDS.upper(),
        "chinese": "頭痛失眠耳鳴心悸",
    }[kind]
    body = length - len(mark) - 1
    if kind == "chinese":
        body //= 2  # a wide character counts as two
    return mark + (text * (body // len(text) + 1))[:body] + "Z"


def toml_text(values: dict[str, dict[str, object]]) -> str:
    lines = []
    for section, table in values.items():
        lines.append(f"[{section}]")
        for name, value in table.items():
            if isinstance(value, str) and not value.startswith("["):
                value = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
            lines.append(f"{name} = {value}")
    return "\n".join(lines) + "\n"


def letters(tmp_path: Path, capsys, text: str | bytes) -> tuple[int, str, str, Path, Path]:
    details = tmp_path / "my-details.toml"
    if isinstance(text, str):
        text = text.encode("utf-8")
    details.write_bytes(text)
    out = tmp_path / "out"
    code = main(["letters", "--details", str(details), "--out", str(out)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err, details, out


def refused(tmp_path: Path, capsys, text: str | bytes) -> str:
    """The one error line, after checking exit 2, no traceback and nothing written."""
    code, stdout, stderr, details, out = letters(tmp_path, capsys, text)
    assert (code, stdout) == (2, "")
    assert "Traceback" not in stderr
    assert not out.exists()
    (line,) = stderr.splitlines()
    return line.replace(details.as_posix(), "F")


def base(**sections: dict[str, object]) -> dict[str, dict[str, object]]:
    values: dict[str, dict[str, object]] = {
        "person": {"name": "Ana Pérez"},
        "medication": {"name": "clonazepam"},
    }
    if "employer" in sections:  # the employer letter needs its two lists
        values["employer"] = {"limitations": "[1]", "accommodations": "[3]"}
    # A clinician's sections make their documents only with what those require.
    if "plan" in sections:
        values["plan"] = {
            "medicine": "diazepam", "dose_mg": 20, "cut_percent": 10, "every_weeks": 2,
            "start": "2027-01-04", "stop_mg": 0, "prescriber": "Dr Ruiz",
        }  # fmt: skip
    if "clinician_note" in sections:
        values["clinician_note"] = {"clinician_name": "Dr Ruiz"}
    for section, table in sections.items():
        values.setdefault(section, {}).update(table)
    return values


@pytest.mark.parametrize("kind", ["spaces", "no spaces"])
@pytest.mark.parametrize("field", TEXT_FIELDS, ids=lambda f: f.key)
def test_2000_characters_in_any_text_field_are_refused_with_its_limit(
    tmp_path: Path, capsys, field, kind
):
    text = toml_text(base(**{field.section: {field.name: fill(2000, kind)}}))
    line = refused(tmp_path, capsys, text)
    rows = text.splitlines()
    start = rows.index(f"[{field.section}]")
    number = next(i for i, row in enumerate(rows) if i > start and row.startswith(field.name)) + 1
    over = 2000 - field.max_length
    assert line == (
        f"error: F:{number}: {field.key}: is 2000 characters long; at most {field.max_length} "
        f"fit. Shorten it by {over} characters"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            "Ana\u202eZEREP",
            "person.name: has an invisible character that changes the order of text (U+202E); "
            "delete it, or type the text again. Right-to-left names print the right way round "
            "without it",
        ),
        ("Ana\u2066x\u2069", "person.name: has an invisible character that changes the order of "),
        ("Ana\u200e", "person.name: has an invisible character that changes the order of text"),
        (
            "Ana\x07",
            "person.name: has a control character (U+0007) that cannot be printed; delete it, or "
            "type the text again",
        ),
        (
            "Ana 🙂",
            "person.name: cannot print '🙂' (U+1F642): letters leave out emoji. Delete it",
        ),
        (
            "Ana 👍🏽",
            "person.name: cannot print '👍' (U+1F44D) or '🏽' (U+1F3FD): letters leave out",
        ),
    ],
)
def test_characters_that_could_mislead_or_not_print(tmp_path: Path, capsys, value, expected):
    # TOML escapes keep the characters exactly as they are, whatever the editor would do.
    escaped = "".join(c if c.isprintable() and c != "\\" else f"\\U{ord(c):08X}" for c in value)
    text = f'[person]\nname = "{escaped}"\n[medication]\nname = "x"\n'
    line = refused(tmp_path, capsys, text)
    assert line.startswith(f"error: F:2: {expected}"), line


def test_joiners_and_other_invisible_marks_that_reorder_nothing_are_kept(tmp_path, capsys):
    # A zero-width joiner shapes a Devanagari conjunct; a zero-width non-joiner is Persian's
    # half-space. They draw nothing themselves and move nothing, so names keep them.
    text = '[person]\nname = "क\u200dष فاطمه\u200cزهرا"\n[medication]\nname = "x"\n'  # noqa: RUF001
    code, _, stderr, _, out = letters(tmp_path, capsys, text)
    assert (code, stderr) == (0, "")
    assert (out / "physician-letter.pdf").exists()


def test_nul_cannot_reach_a_letter(tmp_path: Path, capsys):
    line = refused(tmp_path, capsys, '[person]\nname = "Ana\\u0000"\n[medication]\nname = "x"\n')
    assert line == (
        "error: F:2: person.name: has a control character (U+0000) that cannot be printed; "
        "delete it, or type the text again"
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (bytes(range(256)) * 4, "error: F: is not a text file. Make one with init-details"),
        (b"%PDF-1.7\n" + bytes(range(256)), "error: F: is a PDF, not a details file."),
        (b"\x00" * 100, "error: F: is not a text file."),
    ],
)
def test_a_binary_file(tmp_path: Path, capsys, raw: bytes, expected: str):
    assert refused(tmp_path, capsys, raw).startswith(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "[person]\nname = “Ana Pérez”\n",
            "error: F:2: person.name: the quote marks are curly (“); the file needs straight "
            'ones, like name = "Ana Pérez". Turn off smart quotes in your editor',
        ),
        (
            '[person]\nname = "Ana Pérez\n',
            "error: F:2: person.name: a quote mark is missing. Text goes between two straight "
            'quote marks: name = "Ana Pérez"',
        ),
        (
            '[person]\nname = "Ana"\n[employer]\ndisclose_condition = yes\n',
            "error: F:4: employer.disclose_condition: write true or false (small letters, no "
            "quote marks), not yes: disclose_condition = true",
        ),
        (
            '[person]\nname = "Ana"\n[employer]\nstart = "12/01/2026"\nlimitations = [1]\n'
            "accommodations = [2]\n",
            "error: F:4: employer.start: dates are written year-month-day, not 12/01/2026: start = "
            '"2026-12-01" or start = "2026-01-12"',
        ),
    ],
)
def test_each_toml_mistake(tmp_path: Path, capsys, text: str, expected: str):
    assert refused(tmp_path, capsys, text) == expected


@pytest.mark.parametrize(
    "employer", ["[employer]\n", '[employer]\nrecipient = ""\ndisclose_condition = false\n']
)
def test_an_empty_employer_section(tmp_path: Path, capsys, employer: str):
    text = '[person]\nname = "Ana"\n[medication]\nname = "diazepam"\n' + employer
    code, stdout, stderr, details, out = letters(tmp_path, capsys, text)
    assert (code, stderr) == (0, "")
    assert stdout.splitlines()[0] == (
        f"skipped: {details.as_posix()}:5: [employer] is empty, so no employer-accommodation "
        "was made"
    )
    assert sorted(p.name for p in out.iterdir()) == [
        "physician-letter.pdf",
        "using-your-letters.pdf",
        "wallet-card.pdf",
    ]
    assert "diazepam" in PdfReader(out / "physician-letter.pdf").pages[0].extract_text()


def longest_values(kind: str) -> dict[str, dict[str, object]]:
    """Every text field at its limit (so at its line limit too), and every choice ticked."""
    values: dict[str, dict[str, object]] = {}
    for number, field in enumerate(TEXT_FIELDS):
        mark = f"{number:02d}"
        values.setdefault(field.section, {})[field.name] = fill(field.max_length, kind, mark)
    values["person"]["date_of_birth"] = "1979-06-30"
    values["employer"].update(
        limitations=list(LIMITATIONS),
        accommodations=list(ACCOMMODATIONS),
        disclose_condition=True,  # so the employer letter prints the medicine's name too
    )
    return values


def laid_out_past_the_page(renderer: Renderer, job: Job) -> list[str]:
    """Text the layout put past an edge of its page (it would be cut off), running head too."""
    pdfs = renderer.pdfs
    document = HTML(string=renderer.html(job), base_url=pdfs._base_url, url_fetcher=pdfs.fetcher)
    rendered = document.render(
        stylesheets=pdfs.stylesheets(job.edition, renderer.library.language),
        font_config=pdfs.font_config,
    )
    outside = []
    for number, page in enumerate(rendered.pages, start=1):
        box = page._page_box
        for text in _texts(box):
            right, bottom = text.position_x + text.width, text.position_y + text.height
            inside = text.position_x >= 0 and right <= page.width - 1
            if not (inside and text.position_y >= 0 and bottom <= page.height - 1):
                outside.append(f"page {number}: {text.text[:30]!r}")
    return outside


def _texts(box):
    for child in getattr(box, "children", ()):
        if isinstance(child, boxes.TextBox):
            yield child
        else:
            yield from _texts(child)


@pytest.mark.parametrize(
    ("kind", "paper", "large"),
    [
        ("spaces", "letter", False),
        ("no spaces", "letter", False),
        ("capitals", "a4", False),
        ("spaces", "letter", True),
        ("no spaces", "a4", True),
        ("capitals", "letter", True),
        ("chinese", "a4", True),
    ],
)
def test_the_longest_values_print_whole_within_their_pages(kind: str, paper: str, large: bool):
    values, problems = validate_details(longest_values(kind), LETTERS, TODAY)
    assert problems == []
    renderer = Renderer(Project(ROOT))
    edition = Edition(paper, large)
    rendered = render_letters(renderer, values, edition, LETTERS, "my-details.toml")
    assert len(rendered) == 2
    for name, pdf in rendered:
        reader = PdfReader(BytesIO(pdf))
        assert len(reader.pages) <= (4 if large else 2), name
        text = unicodedata.normalize("NFC", "".join(p.extract_text() for p in reader.pages))
        # Page numbers, the running head and the lists' numbers and bullets (drawn last on their
        # page) sit between the halves of a value that runs on.
        text = re.sub(r"\s+", "", text)
        text = re.sub(r"Page\d+of\d+|\(continued\),from|(?:\d{1,2}\.)+|•", "", text)
        text = text.replace("Aletterformydoctoraboutmytaper", "").replace(
            "Requestforchangesatwork", ""
        )
        text = text.replace(re.sub(r"\s+", "", values["person"]["name"]), "")
        letter = name.removesuffix(".pdf").removesuffix("-large")
        printed = [f for f in TEXT_FIELDS if letter in f.letters and f.key != "person.name"]
        for field in printed:
            value = re.sub(r"\s+", "", values[field.section][field.name])
            assert value in text, (name, field.key)
        job = Job("personal", letter, edition, values=values)
        assert laid_out_past_the_page(renderer, job) == []
