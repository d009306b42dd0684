"""Clinic branding and regions: validation, and what a branded build prints on every page."""

from __future__ import annotations

import shutil
from pathlib import Path

import page as page_validation
import pytest
from pypdf import PdfReader

from handoutkit import ContentError, InputError, Project, load_handouts, load_library
from handoutkit.config import contrast_on_white, load_clinic
from handoutkit.kinds import KINDS
from handoutkit.regions import REGIONS, load_regions
from make_handouts import main

from .conftest import ROOT

DATA = Path(__file__).parent / "data"
# The first line of each region is one no other region prints.
CRISIS = {
    "us": ["call or text 988", "HOME to 741741", "call 911"],
    "ca": ["call or text 9-8-8", "call 911"],
    "uk": ["SHOUT to 85258", "call 116 123", "call 999"],
    "ie": ["call 112 or 999", "call 116 123"],
    "au": ["call 13 11 14", "0477 13 11 14", "call 000"],
    "spain": ["call 024", "call 717 003 717", "call 112"],
    "mexico": ["call 800 911 2000", "call 911"],
}
# A law line says "requires" and names its law and threshold; without a line the content brief
# can source (ca, ie, au), the sheet sends the reader to HR or a local advice service.
NO_LAW = "Ask HR or a local advice service about rights at work."
LAW = {
    "us": "Disabilities Act (ADA) covers employers with 15 or more staff. It requires them",
    "ca": NO_LAW,
    "uk": "Equality Act 2010 requires employers to make reasonable adjustments",
    "ie": NO_LAW,
    "au": NO_LAW,
    "spain": NO_LAW,
    "mexico": NO_LAW,
}


def flat(path: Path) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())


def figure_alt_texts(reader: PdfReader) -> list[str]:
    """Alt text of every Figure in the tag tree: what a screen reader says for each image."""
    found: list[str] = []

    def walk(node) -> None:
        node = node.get_object()
        if not isinstance(node, dict):
            return
        if node.get("/S") == "/Figure":
            found.append(str(node.get("/Alt")))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids]:
            if kid is not None and hasattr(kid, "get_object"):
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def clinic_errors(tmp_path: Path, body: str) -> list[str]:
    path = tmp_path / "clinic.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_clinic(path, "clinic.toml")
    return caught.value.lines()


@pytest.fixture
def branded(branded_build: Path) -> Path:
    """The issue's own command: the test clinic (A4, its paper), standard and large print."""
    return branded_build


def test_contrast_is_computed_as_wcag_does():
    assert contrast_on_white("#000000") == pytest.approx(21.0)
    assert contrast_on_white("#ffffff") == pytest.approx(1.0)
    assert contrast_on_white("#767676") == pytest.approx(4.54, abs=0.01)


def test_a_light_accent_is_rejected_with_the_contrast_it_reached(tmp_path: Path):
    assert clinic_errors(tmp_path, '[clinic]\nname = "A"\naccent = "#ffcc00"\n') == [
        "clinic.toml: clinic.accent: #ffcc00 reaches only 1.5:1 contrast on white; "
        "text needs 4.5:1 or more (try a darker shade)"
    ]


def test_every_clinic_problem_at_once(tmp_path: Path):
    body = (
        '[clinic]\nnmae = "A"\nregion = "nz"\npaper = "legal"\nlogo = "../secret.png"\n'
        'website = "example.org"\naccent = "blue"\n'
    )
    assert clinic_errors(tmp_path, body) == [
        "clinic.toml: clinic.nmae: unknown key; did you mean 'name'?",
        "clinic.toml: clinic.name: is required",
        "clinic.toml: clinic.paper: must be one of letter, a4; got 'legal'",
        "clinic.toml: clinic.region: must be one of us, ca, uk, ie, au, spain, mexico; got 'nz'",
        "clinic.toml: clinic.website: must be a web address starting https://; got 'example.org'",
        "clinic.toml: clinic.accent: must be a colour like \"#1d4e89\"; got 'blue'",
        "clinic.toml: clinic.logo: must be a file in the clinic file's folder; got '../secret.png'",
    ]


def test_clinic_errors_exit_2_before_anything_is_written(tmp_path: Path, capsys):
    path = tmp_path / "clinic.toml"
    path.write_text('[clinic]\nname = "A"\naccent = "#eeeeee"\n', encoding="utf-8")
    out = tmp_path / "out"
    code = main(["--clinic", str(path), "--out", str(out)])
    assert code == 2
    assert capsys.readouterr().err.startswith(f"error: {path.as_posix()}: clinic.accent: #eeeeee")
    assert not out.exists()


def test_clinic_name_and_phone_on_every_page(branded: Path):
    pdfs = sorted((branded / "a4").glob("*.pdf")) + sorted((branded / "a4-large").glob("*.pdf"))
    handouts = load_handouts(ROOT / "handouts", ROOT)
    made = sum(len(KINDS[h.kind].documents(large)) for h in handouts for large in (False, True))
    # A booklet in each; A4 also folds one: small pages, print layout.
    assert len(pdfs) == made + 2 + 2
    # The print layout's pages are booklet-small's, read there.
    pdfs = [pdf for pdf in pdfs if pdf.stem != "booklet-print"]
    # A letter is handed to someone else: it never names the clinic (its kind has no footer).
    # A wallet card names it with its phone (tests/data/clinic.toml has one), on every card.
    letter_ids = tuple(
        h.id for h in handouts if not KINDS[h.kind].running_footer and h.kind != "card"
    )
    letters = {h.title for h in handouts if h.id in letter_ids}
    for pdf in pdfs:
        reader = PdfReader(pdf)
        letter_pages = _letter_pages(reader, letters)
        for number, pdf_page in enumerate(reader.pages, start=1):
            text = " ".join(pdf_page.extract_text().split())
            expected = number - 1 not in letter_pages and not pdf.stem.startswith(letter_ids)
            if pdf.stem == "wallet-card-avery":
                expected = number == 2  # on the back of each card; page 1 holds the fronts
            assert ("Harbour Lane Clinic" in text) == expected, (pdf.name, number)


def _letter_pages(reader: PdfReader, titles: set[str]) -> set[int]:
    """Page indexes of the letters in a booklet, from its bookmarks (each sheet starts one)."""
    marks = sorted(
        (reader.get_destination_page_number(item), item.title)
        for item in reader.outline
        if not isinstance(item, list)
    )
    if not marks:
        return set()  # a sheet of wallet cards has no headings, so no bookmarks
    ends = [start for start, _ in marks[1:]] + [len(reader.pages)]
    return {
        index
        for (start, title), end in zip(marks, ends, strict=True)
        if title in titles
        for index in range(start, end)
    }


def test_branded_outputs_are_a4_and_accessible(branded: Path):
    # The booklet to fold: A5 pages, printed two to a landscape A4 side (a print layout only).
    widths = {"booklet-small": 420, "booklet-print": 842}
    for pdf in sorted(branded.glob("a4*/*.pdf")):
        reader = PdfReader(pdf)
        width = widths.get(pdf.stem, 595)
        assert round(reader.pages[0].mediabox.width) == width, "the clinic's paper is A4"
        if pdf.stem == "booklet-print":
            continue
        report = page_validation.validate_pdf(pdf, profile="ua1")
        assert report.is_compliant, (pdf.name, [f.message for f in report.failures])


def test_cover_has_clinic_block_and_logo(branded: Path):
    reader = PdfReader(branded / "a4" / "booklet.pdf")
    cover = " ".join(reader.pages[0].extract_text().split())
    for part in (
        "Harbour Lane Clinic",
        "020 7946 0000",
        "https://example.org",
        "1 Harbour Lane",
        "Bristol",
    ):
        assert part in cover
    assert figure_alt_texts(reader)[0] == "Harbour Lane Clinic logo"


def test_region_lines_in_a_branded_build(branded: Path):
    text = flat(branded / "a4" / "understanding-withdrawal.pdf")
    for expected in CRISIS["uk"]:
        assert expected in text
    assert "988" not in text
    assert LAW["uk"] in flat(branded / "a4" / "for-employers.pdf")


def test_no_clinic_means_no_clinic_block(real_build: Path):
    text = flat(real_build / "letter" / "booklet.pdf")
    assert "Harbour" not in text


@pytest.mark.parametrize("region", REGIONS)
def test_each_region_prints_its_crisis_lines_and_law(tmp_path: Path, region: str):
    project = tmp_path / "project"
    for name in ("handouts", "templates", "styles"):
        shutil.copytree(ROOT / name, project / name)
    clinic = tmp_path / "clinic.toml"
    clinic.write_text(f'[clinic]\nname = "Test Clinic"\nregion = "{region}"\n', encoding="utf-8")
    out = tmp_path / "out"
    only = ["understanding-withdrawal", "for-employers"]
    assert (
        main(
            ["--project", str(project), "--clinic", str(clinic), "--out", str(out), "--only", *only]
        )
        == 0
    )
    sheet = flat(out / "letter" / "understanding-withdrawal.pdf")
    for expected in CRISIS[region]:
        assert expected in sheet, (region, expected)
    for other, lines in CRISIS.items():
        if other != region:
            assert lines[0] not in sheet, (region, other)
    assert LAW[region] in flat(out / "letter" / "for-employers.pdf")


def test_default_clinic_file_is_picked_up(tmp_path: Path, monkeypatch):
    project = tmp_path / "project"
    for name in ("handouts", "templates", "styles"):
        shutil.copytree(ROOT / name, project / name)
    (project / "clinic.toml").write_text('[clinic]\nname = "Default Clinic"\n', encoding="utf-8")
    monkeypatch.chdir(project)  # clinic.toml is looked for in the current folder
    out = tmp_path / "out"
    assert main(["--project", str(project), "--out", str(out), "--only", "taper-diary"]) == 0
    assert "Default Clinic" in flat(out / "letter" / "taper-diary.pdf")


def test_example_clinic_file_is_valid(tmp_path: Path):
    shutil.copy(ROOT / "clinic.example.toml", tmp_path / "clinic.toml")
    shutil.copy(DATA / "logo.svg", tmp_path / "logo.svg")
    clinic = load_clinic(tmp_path / "clinic.toml", "clinic.toml")
    assert (clinic.name, clinic.region, clinic.paper) == ("Harbour Lane Clinic", "uk", "a4")


def test_uk_help_sheet_lists_its_own_country_first(branded: Path):
    """The UK edition: UK lines and services first, and no US-only service at all."""
    text = flat(branded / "a4" / "help-and-resources.pdf")
    assert text.index("United Kingdom: emergency 999") < text.index("United States")
    assert text.index("Your GP or pharmacist") < text.index("A patient guide to tapering")
    for us_only in ("SAMHSA", "1-800-662-4357", "askjan", "warmline", "Job Accommodation"):
        assert us_only not in text, us_only


def test_words_and_sources_follow_the_region(branded: Path, real_build: Path):
    uk, us = branded / "a4", real_build / "letter"
    assert "go to A&E" in flat(uk / "understanding-withdrawal.pdf")
    assert "A seizure (fit)" in flat(uk / "understanding-withdrawal.pdf")
    assert "lifts" in flat(uk / "supporting-someone.pdf")
    assert "emergency room" in flat(us / "understanding-withdrawal.pdf")
    assert "rides" in flat(us / "supporting-someone.pdf")
    uk_employer, us_employer = flat(uk / "for-employers.pdf"), flat(us / "for-employers.pdf")
    assert "Equality Act 2010 (GB)" in uk_employer.split("Sources:")[1]
    assert "EEOC" not in uk_employer and "ADA" not in uk_employer
    assert "EEOC guidance on the ADA" in us_employer.split("Sources:")[1]
    assert "This is a request for reasonable adjustments at work." in flat(
        uk / "employer-accommodation.pdf"
    )


def line_of(path: Path, fragment: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if line.startswith(fragment))


@pytest.mark.parametrize("region", REGIONS)
def test_only_regions_without_a_sourced_law_line_warn(region: str):
    regions = load_regions(Project(ROOT))
    data = regions.region(region)
    # Spain's and Mexico's numbers are still to be confirmed on their services (test_spanish.py).
    found = regions.warnings_for(region)
    assert all("is not yet confirmed" in p.message for p in found if "to_confirm" in p.field)
    warnings = [str(p) for p in found if not p.field.endswith("to_confirm")]
    if region in ("us", "uk"):
        assert warnings == []
        assert "requires" in data["employment_law"]
    else:
        where = line_of(ROOT / "handouts" / "regions.toml", f"[regions.{region}]")
        assert warnings == [
            f"handouts/regions.toml:{where}: regions.{region}.employment_law: no line the content "
            "brief can source; the employer sheet tells readers to ask HR or a local advice service"
        ]
        assert data["employment_law"].endswith(NO_LAW)


def test_ireland_is_a_region_of_its_own():
    regions = load_regions(Project(ROOT))
    ireland = regions.region("ie")
    assert ireland["name"] == "Ireland"
    assert [line["number"] for line in ireland["lines"]] == ["116 123"]
    uk = regions.region("uk")
    assert "Ireland" not in uk["name"] and "112" not in uk["emergency"]


def test_a_region_missing_a_word_is_reported(mini_project: Path):
    regions = mini_project / "handouts" / "regions.toml"
    regions.write_text(
        regions.read_text(encoding="utf-8").replace('rides = "lifts"\n', "", 1), encoding="utf-8"
    )
    with pytest.raises(ContentError) as caught:
        load_regions(Project(mini_project))
    assert caught.value.lines() == [
        f"handouts/regions.toml:{line_of(regions, '[regions.uk.words]')}: regions.uk.words: "
        "needs 'rides', as every region has it"
    ]


def test_a_sheet_asking_for_unknown_region_text_is_reported(mini_project: Path):
    sheet = mini_project / "handouts" / "01-first-sheet.md"
    sheet.write_text(sheet.read_text(encoding="utf-8") + "\nGo to [[region:hospital]].\n")
    with pytest.raises(ContentError) as caught:
        load_library(Project(mini_project))
    assert caught.value.lines()[0].startswith(
        "handouts/01-first-sheet.md: no region text 'hospital' in handouts/regions.toml (known: "
    )
