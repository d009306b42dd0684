"""The check on the laid-out pages: a crisis box or footer that a stylesheet, a clinic file or
a long line hides, clips or pushes off the paper fails the build, naming the sheet and page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from handoutkit import BuildError, Edition, Project, build
from handoutkit.config import load_clinic
from handoutkit.language import Language
from handoutkit.renderer import Job, Renderer

from .conftest import ROOT, copy_project, text_runs

CLINIC = ROOT / "tests" / "data" / "clinic.toml"
SHEET = "handouts/01-first-sheet.md"
CRISIS_GONE = (
    "the crisis box is missing or cannot be read (no 'Emergency or seizure: call 911.' in it); "
    "every handout must show it"
)


def add_css(project: Path, css: str, name: str = "handout.css") -> None:
    path = project / "styles" / name
    path.write_text(path.read_text() + "\n" + css + "\n")


def failures(project: Path, out: Path, **options) -> list[str]:
    with pytest.raises(BuildError) as caught:
        build(Project(project), [options.pop("edition", Edition("letter"))], out, jobs=1, **options)
    return caught.value.lines()


@pytest.mark.parametrize(
    "css",
    [
        ".crisis { display: none; }",
        ".crisis { visibility: hidden; }",
        ".crisis p { color: #fff; }",
        ".crisis { opacity: 0; }",
        ".crisis { font-size: 2pt; }",
        ".crisis { position: absolute; top: -2000pt; }",
        ".crisis { height: 0; padding: 0; border: 0; overflow: hidden; }",
        ".crisis { transform: scale(0.01); }",
        ".crisis .number { background: #111; }",
        ".sheet { opacity: 0.2; }",
    ],
)
def test_a_crisis_box_hidden_by_css_fails_the_build(mini_project: Path, tmp_path: Path, css: str):
    add_css(mini_project, css)
    lines = failures(mini_project, tmp_path / "out", only=["first-sheet"])
    # Every way leaves the numbers unreadable; hiding the whole sheet also hides its footer.
    gone = [line for line in lines if "the crisis box is missing or cannot be read" in line]
    assert gone == [f"{SHEET}: letter, page 1: {CRISIS_GONE}"] or (
        css.startswith(".crisis .number")
        and gone[0].endswith("(no '988' in it); every handout must show it")
    )
    assert not (tmp_path / "out" / "letter" / "first-sheet.pdf").exists()


def test_the_booklet_is_checked_page_by_page(mini_project: Path, tmp_path: Path):
    # Only in the booklet, and only on the second sheet: the sheet PDFs are fine.
    add_css(
        mini_project, ".contents ~ #second-sheet .crisis { visibility: hidden; }", "booklet.css"
    )
    lines = failures(mini_project, tmp_path / "out")
    # Both booklets: the one to read, and the small pages of the one to fold.
    assert lines == [
        f"booklet (letter): page 4, sheet second-sheet: {CRISIS_GONE}",
        f"booklet (letter, small pages): page 4, sheet second-sheet: {CRISIS_GONE}",
    ]
    assert (tmp_path / "out" / "letter" / "second-sheet.pdf").exists()
    for name in ("booklet", "booklet-small", "booklet-print"):
        assert not (tmp_path / "out" / "letter" / f"{name}.pdf").exists()


@pytest.mark.parametrize(
    "css",
    [
        ".back-cover .help-lines { display: none; }",
        ".back-cover .number { color: #fff; }",
        ".back-cover .help-lines { font-size: 2pt; }",
    ],
)
def test_a_back_cover_without_its_crisis_lines_fails_the_build(
    mini_project: Path, tmp_path: Path, css: str
):
    add_css(mini_project, css, "booklet-small.css")
    lines = failures(mini_project, tmp_path / "out")
    assert len(lines) == 1
    # Caught on the first layout, before the notes pages that pad it are counted.
    assert re.fullmatch(
        r"booklet \(letter, small pages\): page \d+: the back cover does not show '.+'; "
        "it must show every line",
        lines[0],
    )
    assert (tmp_path / "out" / "letter" / "booklet.pdf").exists()  # the booklet to read is fine
    assert not (tmp_path / "out" / "letter" / "booklet-print.pdf").exists()


def test_nothing_may_follow_the_back_cover(mini_project: Path, tmp_path: Path):
    template = mini_project / "templates" / "booklet.html"
    after = '<section class="notes"><h1>Notes</h1></section>\n{% endblock %}'
    template.write_text(template.read_text().replace("{% endblock %}", after))
    lines = failures(mini_project, tmp_path / "out")
    assert lines[-1].endswith("the last page is not the back cover; nothing may follow it")
    assert lines[-1].startswith("booklet (letter, small pages): page ")


def test_a_footer_without_its_review_date_or_clinic(mini_project: Path, tmp_path: Path):
    add_css(
        mini_project,
        "@page { @bottom-left { content: string(sheet-title) !important; } }",
        "print.css",
    )
    clinic = load_clinic(CLINIC, "clinic.toml")
    lines = failures(mini_project, tmp_path / "out", only=["first-sheet"], clinic=clinic)
    assert lines == [
        f"{SHEET}: letter, page 1: the footer does not show the {what} '{text}'"
        for what, text in (
            ("clinic's name", "Harbour Lane Clinic"),
            ("clinic's phone", "020 7946 0000"),
            ("review date", "1 November 2026"),
        )
    ]


def test_a_letter_footer_never_names_the_clinic(tmp_path: Path):
    project = copy_project(tmp_path / "p")
    # A letter printed on its own has its own page (letter.css), with narrower margins.
    footer = "{ @bottom-left { content: string(clinic) !important; } }"
    add_css(project, f"@page pages-only {footer} @page letter-alone {footer}", "print.css")
    clinic = load_clinic(CLINIC, "clinic.toml")
    lines = failures(project, tmp_path / "out", only=["physician-letter"], clinic=clinic)
    assert lines[0] == (
        "handouts/07-physician-letter.md: letter, page 1: the footer names the clinic, but this "
        "page is a letter for someone else"
    )


def old_footer(monkeypatch) -> None:
    """Large print with the standard footer, as before: title and date beside the page number."""
    standard = Language.page_css
    monkeypatch.setattr(Language, "page_css", lambda self, large_print=False: standard(self))


def test_the_old_large_print_footer_is_caught_before_the_pdf(tmp_path: Path, monkeypatch):
    old_footer(monkeypatch)
    clinic = load_clinic(CLINIC, "clinic.toml")
    lines = failures(
        ROOT,
        tmp_path / "out",
        only=["understanding-withdrawal"],
        clinic=clinic,
        edition=Edition("a4", large_print=True),
    )
    # Every page of the sheet, each naming itself.
    assert len(lines) >= 2
    assert lines == [
        f"handouts/01-understanding-withdrawal.md: a4-large, page {n}: the footer runs off the "
        "paper: 'Harbour Lane Clinic · 020 7946 0000' ends 8.4 pt below its bottom edge"
        for n in range(1, len(lines) + 1)
    ]


def test_the_old_footer_read_back_from_its_pdf_is_off_the_paper(monkeypatch):
    """What the issue saw, made without the check: the clinic's line below the paper's edge."""
    old_footer(monkeypatch)
    clinic = load_clinic(CLINIC, "clinic.toml")
    renderer = Renderer(Project(ROOT), clinic)
    edition = Edition("a4", large_print=True)
    job = Job("sheet", "understanding-withdrawal", edition)
    out = renderer.pdfs.render(renderer.html(job), edition, renderer.library.language, "x")
    path = Path("old-footer.pdf")
    path.write_bytes(out.data)
    runs = text_runs(PdfReader(path).pages[0])
    (clinic_line,) = [r for r in runs if r.text.startswith("Harbour Lane Clinic")]
    assert clinic_line.y < 0, "drawn below the bottom edge of the paper"
    (date,) = [r for r in runs if r.text == "2026"]
    assert date.y < 0.8 * 72 and date.x0 < 50, "the review date wrapped onto a line of its own"


@pytest.mark.parametrize(
    "css, name",
    [
        (".cover { padding-top: 9in; }", "cover"),
        (".back-cover { padding-top: 7in; }", "back cover"),
    ],
)
def test_a_cover_that_runs_onto_a_second_page_fails_the_build(
    mini_project: Path, tmp_path: Path, css: str, name: str
):
    add_css(mini_project, css, "booklet-small.css")
    lines = failures(mini_project, tmp_path / "out")
    assert any(
        re.fullmatch(
            rf"booklet \(letter, small pages\): page \d+: the {name} runs onto a second page", line
        )
        for line in lines
    ), lines
