"""The real handouts built at Letter and A4, read back with pypdf: pages, sizes, text, manifest."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import page as page_validation
import pytest
from pypdf import PdfReader

from handoutkit import BuildError, Edition, Project, build, load_handouts
from handoutkit.kinds import KINDS
from handoutkit.language import load_language

from .conftest import ROOT, copy_project, sheet_text

STRINGS = load_language(ROOT / "templates" / "strings").strings

HANDOUTS = load_handouts(ROOT / "handouts", ROOT)
SIZES = {"letter": (612, 792), "a4": (595, 842)}
FILLABLE = [h.id for h in HANDOUTS if KINDS[h.kind].fillable]
EDITIONS = ["letter", "a4", "letter-large", "a4-large"]
# Each sheet's documents in each edition (a letter's fillable twin, a card's Avery sheet; a card
# has no large print), and the booklet.
EXPECTED_PATHS = {
    f"{edition}/{h.id if document == 'sheet' else f'{h.id}-{document}'}.pdf"
    for edition in EDITIONS
    for h in HANDOUTS
    for document in KINDS[h.kind].documents(edition.endswith("-large"))
} | {f"{edition}/booklet.pdf" for edition in EDITIONS}
# Letter and A4 also fold a booklet: its small pages and their print layout.
EXPECTED_PATHS |= {
    f"{paper}/{name}.pdf"
    for paper in ("letter", "a4")
    for name in ("booklet-small", "booklet-print")
}
MADE = [
    (h, edition)
    for edition in EDITIONS
    for h in HANDOUTS
    if KINDS[h.kind].documents(edition.endswith("-large"))
]


def text_of(path: Path) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(path).pages)


@pytest.mark.parametrize(("handout", "edition"), MADE, ids=lambda v: getattr(v, "id", v))
def test_each_sheet_fits_its_budget_at_the_right_size(real_build: Path, handout, edition):
    reader = PdfReader(real_build / edition / f"{handout.id}.pdf")
    assert len(reader.pages) <= handout.page_budget(edition.endswith("-large"))
    for pdf_page in reader.pages:
        width, height = pdf_page.mediabox.width, pdf_page.mediabox.height
        assert (round(width), round(height)) == SIZES[edition.removesuffix("-large")]


def font_sizes(path: Path) -> list[tuple[float, str]]:
    """The size in points at which each run of text is drawn, read back from the PDF."""
    sizes: list[tuple[float, str]] = []
    for pdf_page in PdfReader(path).pages:

        def visit(text, cm, tm, font, size, sizes=sizes):
            if text.strip():
                scale = (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5
                sizes.append((round(size * scale, 1), text.strip()))

        pdf_page.extract_text(visitor_text=visit)
    return sizes


LARGE = [h.id for h in HANDOUTS if KINDS[h.kind].large_print]  # a wallet card has no large print


@pytest.mark.parametrize("name", [*LARGE, "booklet"])
def test_large_print_has_no_text_under_14pt_and_body_at_18pt(real_build: Path, name: str):
    sizes = font_sizes(real_build / "letter-large" / f"{name}.pdf")
    assert min(size for size, _ in sizes) >= 14, [s for s in sizes if s[0] < 14][:5]
    body = max({size for size, _ in sizes}, key=lambda s: sum(1 for x, _ in sizes if x == s))
    assert body >= 18


def test_standard_edition_body_is_12pt_and_says_large_print_exists(real_build: Path):
    sizes = font_sizes(real_build / "letter" / "understanding-withdrawal.pdf")
    body = max({size for size, _ in sizes}, key=lambda s: sum(1 for x, _ in sizes if x == s))
    assert body == 12
    text = " ".join(text_of(real_build / "letter" / "understanding-withdrawal.pdf").split())
    assert "Also available in large print." in text
    large = " ".join(text_of(real_build / "letter-large" / "understanding-withdrawal.pdf").split())
    assert "Also available in large print." not in large


# A wallet card prints no title band: its first line says what it is (a sheet of cards).
@pytest.mark.parametrize(
    "handout", [h for h in HANDOUTS if KINDS[h.kind].template == "handout.html"], ids=lambda h: h.id
)
def test_title_and_audience_are_in_the_text(real_build: Path, handout):
    text = " ".join(text_of(real_build / "letter" / f"{handout.id}.pdf").split())
    assert handout.title in text
    assert (handout.label or STRINGS["audience"][handout.audience]) in text


@pytest.mark.parametrize(
    "handout", [h for h in HANDOUTS if KINDS[h.kind].running_footer], ids=lambda h: h.id
)
def test_running_footer_and_sources_are_in_the_text(real_build: Path, handout):
    path = real_build / "letter" / f"{handout.id}.pdf"
    text = " ".join(text_of(path).split())
    reviewed = f"Reviewed {handout.reviewed.day} {handout.reviewed:%B %Y}"
    assert f"{handout.title} · {reviewed}" in text, "running footer"
    pages = len(PdfReader(path).pages)
    assert f"Page {pages} of {pages}" in text
    # The how-to for the letters prints no sources line (design.md section 8); the rest do.
    assert ("Sources:" in text) is KINDS[handout.kind].sources


def test_pdf_metadata_names_title_and_language(real_build: Path):
    for handout in HANDOUTS:
        reader = PdfReader(real_build / "letter" / f"{handout.id}.pdf")
        assert reader.metadata.title == handout.title
        assert reader.trailer["/Root"]["/Lang"] == "en"
        assert "/StructTreeRoot" in reader.trailer["/Root"], "tagged PDF"


def test_fonts_are_embedded_atkinson(real_build: Path):
    reader = PdfReader(real_build / "letter" / f"{HANDOUTS[0].id}.pdf")
    fonts = set()
    for pdf_page in reader.pages:
        for font in pdf_page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert fonts and all("Atkinson-Hyperlegible" in f for f in fonts), fonts


def test_manifest_lists_every_output_with_matching_hashes(real_build: Path):
    manifest = json.loads((real_build / "manifest.json").read_text())
    entries = manifest["outputs"]
    assert {e["path"] for e in entries} == EXPECTED_PATHS
    for entry in entries:
        data = (real_build / entry["path"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["bytes"] == len(data)
        assert entry["pages"] == len(PdfReader(real_build / entry["path"]).pages)
        assert entry["kind"] in {
            *KINDS,
            "fillable",
            "avery",
            "booklet",
            "booklet-small",
            "booklet-print",
        }
        assert set(entry) == {
            "id",
            "edition",
            "kind",
            "audience",
            "path",
            "pages",
            "bytes",
            "sha256",
            "lang",
        }
        assert entry["lang"] == "en"


def test_every_output_passes_pdf_ua1(real_build: Path):
    pdfs = sorted(real_build.rglob("*.pdf"))
    assert {p.relative_to(real_build).as_posix() for p in pdfs} == EXPECTED_PATHS
    # The print layout is for printing only: merged pages cannot keep their tags (impose.py).
    for pdf in [p for p in pdfs if p.name != "booklet-print.pdf"]:
        report = page_validation.validate_pdf(pdf, profile="ua1")
        failures = [f"{f.rule_id}: {f.message}" for f in report.failures]
        assert report.is_compliant, (pdf.name, failures)


def test_two_builds_are_byte_identical(real_build: Path, tmp_path: Path):
    build(Project(ROOT), [Edition("letter")], tmp_path)
    for first in sorted((real_build / "letter").glob("*.pdf")):
        assert (tmp_path / "letter" / first.name).read_bytes() == first.read_bytes(), first.name


def test_output_does_not_depend_on_the_project_folder(tmp_path: Path, mini_project: Path):
    elsewhere = copy_project(tmp_path / "elsewhere" / "deeper", with_handouts=False)
    for sheet in (mini_project / "handouts").glob("*.md"):
        (elsewhere / "handouts" / sheet.name).write_text(sheet.read_text())
    build(Project(mini_project), [Edition("a4")], tmp_path / "one")
    build(Project(elsewhere), [Edition("a4")], tmp_path / "two")
    for first in sorted((tmp_path / "one" / "a4").glob("*.pdf")):
        second = tmp_path / "two" / "a4" / first.name
        assert second.read_bytes() == first.read_bytes(), first.name
        assert str(tmp_path).encode() not in first.read_bytes()


def test_a_weasyprint_warning_fails_the_build(mini_project: Path, tmp_path: Path):
    css = mini_project / "styles" / "handout.css"
    css.write_text(css.read_text() + "\n.sheet { colour: red; }\n")
    with pytest.raises(BuildError) as caught:
        build(Project(mini_project), [Edition("letter")], tmp_path / "out")
    assert any("WeasyPrint: Ignored `colour: red`" in line for line in caught.value.lines())


def test_a_resource_outside_the_project_is_refused(mini_project: Path, tmp_path: Path):
    secret = tmp_path / "secret.svg"
    secret.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>')
    body = f"![A secret]({secret.as_uri()})\n\nText.\n"
    (mini_project / "handouts" / "01-first-sheet.md").write_text(
        sheet_text("first-sheet", body=body)
    )
    with pytest.raises(BuildError) as caught:
        build(Project(mini_project), [Edition("letter")], tmp_path / "out", only=["first-sheet"])
    assert caught.value.lines() == [
        f"handouts/01-first-sheet.md: refused to load '{secret.as_uri()}' (outside the project)"
    ]


def test_no_temporary_files_are_left_behind(real_build: Path):
    leftovers = [p for p in real_build.rglob("*") if p.suffix == ".tmp"]
    assert leftovers == []
    hidden = [p.name for p in real_build.rglob(".*")]
    assert hidden == [".build-cache.json"]


def test_booklet_manifest_entry(real_build: Path):
    manifest = json.loads((real_build / "manifest.json").read_text())
    (entry,) = [e for e in manifest["outputs"] if e["path"] == "letter/booklet.pdf"]
    assert (entry["kind"], entry["audience"]) == ("booklet", "all")
    assert re.fullmatch(r"[0-9a-f]{64}", entry["sha256"])


def test_a_booklet_is_laid_out_once_from_its_sheets_page_counts(
    mini_project: Path, tmp_path: Path, monkeypatch
):
    from handoutkit.pdf import PdfRenderer

    # The first sheet may run to two pages but takes one: its budget alone would guess an odd
    # count (a notes page) and the booklet would be laid out again without it.
    (mini_project / "handouts" / "01-first-sheet.md").write_text(
        sheet_text("first-sheet", "First sheet", pages=2)
    )
    # A sheet made on its own only takes no page of the booklet.
    (mini_project / "handouts" / "03-own-sheet.md").write_text(
        sheet_text("own-sheet", "Own sheet", booklet="false")
    )
    sources = []
    original = PdfRenderer.render

    def counted(self, html, edition, language, source, **options):
        sources.append(source)
        return original(self, html, edition, language, source, **options)

    monkeypatch.setattr(PdfRenderer, "render", counted)
    built = build(Project(mini_project), [Edition()], tmp_path / "out", jobs=1)
    booklet = next(b for b in built if b.output.kind == "booklet")
    assert booklet.output.pages == 4  # cover, contents, two one-page sheets; no notes page
    assert [s for s in sources if s.startswith("booklet ")] == ["booklet (letter)"]
    text = PdfReader(tmp_path / "out" / "letter" / "booklet.pdf").pages[3].extract_text()
    assert "Page 4 of 4" in text
