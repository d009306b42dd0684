"""The wallet card: its sheets read back from real PDFs (where the cards are, the type, the cut
marks), the personal card from a details file and from the web app."""

from __future__ import annotations

import json
import stat
import tomllib
from io import BytesIO
from pathlib import Path

import page as page_validation
import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream
from starlette.testclient import TestClient

from handoutkit import Edition, Project, build
from handoutkit.web import Settings, create_app
from make_handouts import main

from .conftest import ROOT, text_runs
from .test_web import BASE, FULL, SAME_SITE, Page, form_data, pdf_text

PT_PER_MM = 72 / 25.4
MM = PT_PER_MM
PT_PER_IN = 72.0
INSET = 3 * PT_PER_MM  # text stays at least 3 mm inside every cut
# The stock, as the vendors' templates give it (research/next-features.md B2), in points from
# the page's top-left corner: (card width, card height, first x, first y, pitch x, pitch y,
# columns). A plain-paper card is two cards wide, front and back, and folds in the middle.
STOCK = {
    ("letter", "fold"): (3.5 * 72, 2 * 72, 0.75 * 72, 0.5 * 72, 7 * 72, 2 * 72, 1),
    ("a4", "fold"): (85 * MM, 54 * MM, 20 * MM, 13.5 * MM, 0, 54 * MM, 1),
    # Avery 5371: 3.5 x 2 in, 2 x 5, left 0.75 in, top 0.5 in, pitch 3.5 x 2 in.
    ("letter", "avery"): (3.5 * 72, 2 * 72, 0.75 * 72, 0.5 * 72, 3.5 * 72, 2 * 72, 2),
    # Avery C32011: 85 x 54 mm, 2 x 5, left 15 mm, top 13.5 mm, pitch 95 x 54 mm.
    ("a4", "avery"): (85 * MM, 54 * MM, 15 * MM, 13.5 * MM, 95 * MM, 54 * MM, 2),
}  # fmt: skip
FILES = {"fold": "wallet-card.pdf", "avery": "wallet-card-avery.pdf"}
CARD = {"emergency_contact": "Sam Lee", "emergency_phone": "+1 555 0142"}
LONG = "Alexandra Montgomery-Fitzwilliam, Riverside Family Practice"
CARD_KEYS = ("card.dose_as_of", "card.emergency_contact", "card.emergency_phone")


def cards(paper: str, layout: str) -> list[tuple[float, float, float, float]]:
    """Each card's rectangle (x0, y0, x1, y1), top-down, as the stock's template places it."""
    width, height, x0, y0, pitch_x, pitch_y, columns = STOCK[(paper, layout)]
    found = []
    for row in range(5):
        for column in range(columns):
            left, top = x0 + column * pitch_x, y0 + row * pitch_y
            found.append((left, top, left + width, top + height))
            if layout == "fold":  # the back, to the right of the fold
                found.append((left + width, top, left + 2 * width, top + height))
    return found


def runs(page) -> list[tuple[str, float, float, float, float, float, bool]]:
    """Text runs as (text, x0, top, x1, bottom, size, bold), in points from the top-left."""
    height = float(page.mediabox.height)
    bold = {}

    def font_name(text, cm, tm, font, size):
        if font is not None and text.strip():
            bold[text] = "Bold" in str(font.get("/BaseFont"))

    page.extract_text(visitor_text=font_name)
    return [
        (r.text, r.x0, height - r.y - r.size * 0.8, r.x1, height - r.y + r.size * 0.2, r.size,
         bold.get(r.text, False))
        for r in text_runs(page)
    ]  # fmt: skip


def inside(box, card, inset: float = 0.0, tolerance: float = 0.3) -> bool:
    return (
        box[0] >= card[0] + inset - tolerance
        and box[1] >= card[1] + inset - tolerance
        and box[2] <= card[2] - inset + tolerance
        and box[3] <= card[3] - inset + tolerance
    )


def overlaps(box, card) -> bool:
    return box[0] < card[2] and box[2] > card[0] and box[1] < card[3] and box[3] > card[1]


def drawn(page) -> list[tuple[float, float, float, float]]:
    """The box of each filled shape (lines, marks) in points from the top-left corner.

    WeasyPrint draws the page in CSS pixels (its one `cm` scales by 0.75 and flips y), a border
    as rectangles filled together."""
    shapes, current = [], []
    for operands, operator in ContentStream(page.get_contents(), page.pdf).operations:
        if operator == b"re":
            x, y, w, h = (float(v) * 0.75 for v in operands)
            current.append((min(x, x + w), min(y, y + h), max(x, x + w), max(y, y + h)))
        elif operator in (b"f", b"f*"):
            if current:
                corners = zip(*current, strict=True)
                box = zip((min, min, max, max), corners, strict=True)
                shapes.append(tuple(f(c) for f, c in box))
            current = []
        elif operator in (b"n", b"W", b"W*", b"S"):
            current = []
    return shapes  # fmt: skip


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cards")
    editions = [Edition("letter"), Edition("a4"), Edition("letter", True), Edition("a4", True)]
    build(Project(ROOT), editions, out, only=["wallet-card"])
    return out


def test_the_card_is_made_for_letter_and_a4_and_not_in_large_print(built: Path):
    manifest = json.loads((built / "manifest.json").read_text())
    listed = sorted((o["path"], o["kind"]) for o in manifest["outputs"])
    assert listed == [
        ("a4/wallet-card-avery.pdf", "avery"),
        ("a4/wallet-card.pdf", "card"),
        ("letter/wallet-card-avery.pdf", "avery"),
        ("letter/wallet-card.pdf", "card"),
    ]
    assert not (built / "letter-large").exists() and not (built / "a4-large").exists()


@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("layout", ["fold", "avery"])
def test_cards_sit_on_the_stock_grid_with_text_3mm_inside(built: Path, paper: str, layout: str):
    reader = PdfReader(built / paper / FILES[layout])
    assert len(reader.pages) == (2 if layout == "avery" else 1)
    rects = cards(paper, layout)
    assert len(rects) == 10
    size = {"letter": (612, 792), "a4": (595, 842)}[paper]
    for number, page in enumerate(reader.pages):
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == size
        found = runs(page)
        on_cards = {i: [] for i in range(len(rects))}
        for text, x0, top, x1, bottom, _, _ in found:
            box = (x0, top, x1, bottom)
            holders = [i for i, card in enumerate(rects) if overlaps(box, card)]
            if not holders:
                continue  # the note in the margin: how to print, cut and fold
            assert len(holders) == 1, (text, box)
            assert inside(box, rects[holders[0]], INSET), (text, box, rects[holders[0]])
            on_cards[holders[0]].append((x0, top, text))
        # Every card has its text, starting 4 mm in from its left edge (the padding).
        for i, card in enumerate(rects):
            assert on_cards[i], (number, i)
            left = min(x for x, _, _ in on_cards[i])
            assert abs(left - (card[0] + 4 * PT_PER_MM)) < 0.5, (i, left, card)
        texts = " ".join(t for t, *_ in found)
        if layout == "fold" or number == 0:
            assert texts.count("Do not stop it") == 10 if layout == "avery" else 5
        if layout == "fold" or number == 1:
            assert "Emergency contact" in texts and "Prescriber" in texts


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_cut_marks_are_in_the_margins_only(built: Path, paper: str):
    page = PdfReader(built / paper / FILES["fold"]).pages[0]
    strips = cards(paper, "fold")
    strips = [(a[0], a[1], b[2], b[3]) for a, b in zip(strips[::2], strips[1::2], strict=True)]
    shapes = drawn(page)
    outside = [s for s in shapes if not any(overlaps(s, strip) for strip in strips)]
    for shape in shapes:
        # Anything drawn on a card (a line to write on, the fold) stays on that card.
        assert shape in outside or any(inside(shape, strip) for strip in strips), shape
    # Two marks at each of the six row edges, two at each of the two side cuts.
    assert len(outside) == 16
    left, right = strips[0][0], strips[0][2]
    horizontal = [s for s in outside if s[2] - s[0] > s[3] - s[1]]
    assert len(horizontal) == 12
    gap = 1.5 * MM  # marks end short of the cut, so a cut off the mark leaves no line
    assert all(s[2] <= left - gap or s[0] >= right + gap for s in horizontal)


@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("layout", ["fold", "avery"])
def test_key_line_is_11pt_bold_and_nothing_is_under_9pt(built: Path, paper: str, layout: str):
    path = built / paper / FILES[layout]
    found = [run for page in PdfReader(path).pages for run in runs(page)]
    assert min(size for *_, size, _ in found) >= 9 - 0.05, sorted(found, key=lambda r: r[5])[:3]
    key = [r for r in found if "stopping can cause" in r[0] or "Do not stop it" in r[0]]
    assert key and all(size >= 11 and bold for *_, size, bold in key), key
    assert page_validation.validate_pdf(path, profile="ua1").is_compliant


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_the_card_says_the_region_emergency_number_and_the_clinic(tmp_path: Path, paper: str):
    clinic = tmp_path / "clinic.toml"
    clinic.write_text(
        '[clinic]\nname = "Harbour Lane Clinic"\nphone = "020 7946 0000"\nregion = "uk"\n'
    )
    out = tmp_path / "out"
    argv = ["build", "--only", "wallet-card", "--paper", paper, "--clinic", clinic, "--out", out]
    assert main([str(a) for a in argv]) == 0
    page = PdfReader(out / paper / "wallet-card.pdf").pages[0]
    text = pdf_text((out / paper / "wallet-card.pdf").read_bytes())
    assert "call 999" in text and "call 911" not in text
    assert text.count("Harbour Lane Clinic: 020 7946 0000") == 5
    # On the back, under its last row, 3 mm inside the card.
    found = runs(page)
    backs = cards(paper, "fold")[1::2]
    for back in backs:
        on_back = [r for r in found if inside(r[1:5], back)]
        [line] = [r for r in on_back if r[0].startswith("Harbour")]
        assert inside(line[1:5], back, INSET)
        assert line[2] >= max(r[4] for r in on_back if r is not line and r[4] < line[4])


def details(tmp_path: Path) -> Path:
    path = tmp_path / "d.toml"
    text = (ROOT / "tests" / "data" / "details-full.toml").read_text(encoding="utf-8")
    text += '\n[card]\nemergency_contact = "Sam Lee"\nemergency_phone = "+1 555 0142"\n'
    text += 'dose_as_of = "2026-11-20"\n'
    path.write_text(text, encoding="utf-8")
    return path


def test_a_personal_card_is_written_beside_the_letters_private_and_unlisted(tmp_path: Path):
    out = tmp_path / "personal"
    assert main(["letters", "--details", str(details(tmp_path)), "--out", str(out)]) == 0
    card = out / "wallet-card.pdf"
    assert stat.S_IMODE(card.stat().st_mode) == 0o600
    text = pdf_text(card.read_bytes())
    for value in ("clonazepam", FULL["medication"]["dose"], "Sam Lee", "+1 555 0142"):
        assert text.count(value) == 5, value
    assert "November 20, 2026" in text
    assert page_validation.validate_pdf(card, profile="ua1").is_compliant
    # Personal outputs are never listed or cached: nothing but the PDFs is written.
    assert sorted(p.name for p in out.iterdir()) == [
        "employer-accommodation.pdf",
        "physician-letter.pdf",
        "using-your-letters.pdf",
        "wallet-card.pdf",
    ]
    # Large print has no card of its own: the card keeps its one size and name.
    before = card.read_bytes()
    argv = ["letters", "--details", str(details(tmp_path)), "--out", str(out), "--large-print"]
    assert main(argv) == 0
    assert not (out / "wallet-card-large.pdf").exists() and card.read_bytes() == before


def test_the_starter_details_file_asks_for_the_card(tmp_path: Path):
    path = tmp_path / "mine.toml"
    assert main(["init-details", str(path)]) == 0
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert data["card"] == {"dose_as_of": "", "emergency_contact": "", "emergency_phone": ""}
    assert data["physician"]["phone"] == ""


def test_the_web_card_is_byte_identical_to_the_command_line(tmp_path: Path, monkeypatch):
    app = create_app(Settings(Project(ROOT), build_dir=tmp_path / "none", workers=1))
    values = {**FULL, "card": CARD, "physician": {**FULL["physician"], "phone": "555 0100"}}
    data = form_data(values)
    with TestClient(app, base_url=BASE) as client:
        form = client.get("/letters/wallet-card")
        assert form.status_code == 200 and 'action="/card.pdf"' in form.text
        page = Page(form.text)
        for key in ("person.name", "medication.dose", "physician.phone", *CARD_KEYS):
            assert page.controls.get(key), key
        # Too long for the card: refused beside the box, never cut off.
        keys = ("medication.name", "medication.dose", "physician.name", "card.emergency_contact")
        long = {**data, **dict.fromkeys(keys, LONG)}
        refused = client.post("/card.pdf", data=long, headers=SAME_SITE)
        assert refused.status_code == 422
        assert [href for href, _ in Page(refused.text).summary] == ["#f-medication-name"]
        # The card sheets to download: the Avery one at Letter; no large-print card.
        avery = client.get("/handouts/letter/wallet-card-avery.pdf")
        assert avery.status_code == 200 and len(PdfReader(BytesIO(avery.content)).pages) == 2
        assert client.get("/handouts/letter-large/wallet-card.pdf").status_code == 404
        response = client.post("/card.pdf", data=data, headers=SAME_SITE)
        assert response.status_code == 200, response.text[:2000]
        assert response.headers["content-disposition"] == 'attachment; filename="wallet-card.pdf"'
        # The same checks as every POST: another site's form is refused.
        refused = client.post("/card.pdf", data=data, headers={"origin": "https://evil.example"})
        assert refused.status_code == 403
        saved = client.post("/letters/wallet-card/details.toml", data=data, headers=SAME_SITE)
        preview = client.post("/letters/wallet-card/preview", data=data, headers=SAME_SITE)
        assert preview.json()["status"] == "ok" and preview.json()["pages"] == 1
    assert "Sam Lee" in pdf_text(response.content)
    file = tmp_path / "my-details.toml"
    file.write_bytes(saved.content)
    monkeypatch.chdir(tmp_path)
    argv = ["letters", "--project", str(ROOT), "--details", str(file), "--only", "wallet-card"]
    assert main([*argv, "--out", str(tmp_path / "out")]) == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["wallet-card.pdf"]
    assert (tmp_path / "out" / "wallet-card.pdf").read_bytes() == response.content


def test_answers_too_long_for_the_card_leave_it_out_beside_the_letters(tmp_path: Path, capsys):
    path = details(tmp_path)
    text = path.read_text(encoding="utf-8")
    for short in ('"clonazepam"', '"1 mg twice a day"', '"Dr <b>Patel</b>"', '"Sam Lee"'):
        assert short in text
        text = text.replace(short, f'"{LONG}"')
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["letters", "--details", str(path), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    # Nothing is cut off: the card is not made, and the message names an answer on it (by its
    # key and line), never the answer's text.
    assert "wallet-card.pdf" not in captured.out and not (out / "wallet-card.pdf").exists()
    [warning] = [line for line in captured.err.splitlines() if "wallet-card" in line]
    assert warning.startswith(f"warning: {path.as_posix()}:11: medication.name: is too long")
    assert "so no wallet card was made: shorten this" in warning and LONG not in warning
    assert (out / "physician-letter.pdf").exists()
    # Asked for alone, it is refused (exit 2).
    argv = ["letters", "--details", str(path), "--out", str(out), "--only", "wallet-card"]
    assert main(argv) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"error: {path.as_posix()}:11: medication.name: is too long for")
