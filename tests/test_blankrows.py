"""Rows of blanks in one flex box: the same rows, placed exactly where the nested boxes put them."""

from __future__ import annotations

import re

import pytest
from weasyprint import HTML

from handoutkit import Edition, Job, Project, Renderer, blankrows

from .conftest import ROOT

NESTED_ROW = (
    '<div class="blanks"><span class="blank inline"><span class="label">Dear</span> '
    '<span class="write-in" title="Name"></span></span> <span class="blank inline">'
    '<span class="label">Practice</span> <span class="write-in" title="Where"></span></span></div>'
)
STORY_ROW = (
    '<div class="blanks story"><span class="blank multiline"><span class="label">Symptoms</span> '
    '<span class="write-in" title="Say"></span><span class="write-in"></span></span></div>'
)


def test_a_row_of_one_line_blanks_holds_its_labels_and_lines_itself():
    assert blankrows.flatten(NESTED_ROW) == (
        '<div class="blanks flat"><span class="label">Dear</span> '
        '<span class="write-in" title="Name"></span> <span class="label">Practice</span> '
        '<span class="write-in" title="Where"></span></div>'
    )


def test_a_blank_with_lines_under_it_keeps_its_box_in_a_plain_row():
    assert blankrows.flatten(STORY_ROW) == STORY_ROW.replace(
        'class="blanks story"', 'class="blanks story single"'
    )


@pytest.mark.parametrize(
    "html",
    [
        # A story beside another blank: its lines need the blank's own box.
        NESTED_ROW.replace("</div>", STORY_ROW[STORY_ROW.index("<span class") : -6] + "</div>"),
        # Form fields and typed values are not lines to write on.
        NESTED_ROW.replace('<span class="write-in" title="Name"></span>', '<input name="n">'),
        NESTED_ROW.replace(
            '<span class="label">Dear</span>', '<span class="label"><span>D</span></span>'
        ),
    ],
)
def test_rows_it_cannot_rewrite_are_left_as_they_are(html: str):
    assert blankrows.flatten(html) == html


def _placed(html: str, renderer: Renderer, edition: Edition) -> list[tuple]:
    """Every label's text and every drawn line, by position, page by page."""
    pdfs = renderer.pdfs
    document = HTML(string=html, base_url=pdfs._base_url, url_fetcher=pdfs.fetcher).render(
        stylesheets=pdfs.stylesheets(edition, renderer.library.language),
        font_config=pdfs.font_config,
    )
    found: list[tuple] = []

    def walk(box, page: int) -> None:
        element = getattr(box, "element", None)
        classes = (element.get("class") or "").split() if element is not None else []
        style = box.style
        if "label" in classes and hasattr(box, "text"):
            found.append(
                (page, "label", box.text, round(box.position_x, 2), round(box.position_y, 2))
            )
        if (
            "write-in" in classes
            and style["border_bottom_width"]
            and style["border_bottom_color"].alpha
            and hasattr(box, "border_height")
        ):
            bottom = box.position_y + box.border_height()
            found.append(
                (page, "line", round(box.position_x, 2), round(bottom, 2), round(box.width, 2))
            )
        for child in getattr(box, "children", ()):
            walk(child, page)

    for number, page in enumerate(document.pages, 1):
        walk(page._page_box, number)
    return sorted(found)


@pytest.mark.parametrize(
    ("id", "edition"),
    [
        ("physician-letter", Edition("letter")),
        ("employer-accommodation", Edition("a4")),
        ("work-limits-note", Edition("letter")),
        ("wallet-card", Edition("a4")),
        # Large print: a row too wide for the page wraps, each label with its line.
        ("taper-plan", Edition("letter", large_print=True)),
        ("physician-letter", Edition("a4", large_print=True)),
        ("tapering-safely", Edition("a4", large_print=True)),
    ],
    ids=lambda value: value.name if isinstance(value, Edition) else value,
)
def test_flat_rows_put_every_label_and_line_where_nested_rows_do(id, edition, monkeypatch):
    renderer = Renderer(Project(ROOT))
    job = Job("sheet", id, edition)
    flat = renderer.html(job)
    assert 'class="blanks flat"' in flat
    monkeypatch.setattr(blankrows, "flatten", lambda html: html)
    nested = Renderer(Project(ROOT)).html(job)
    assert 'class="blanks flat"' not in nested
    placed = _placed(flat, renderer, edition)
    assert any(kind == "line" for _, kind, *_ in placed)
    assert placed == _placed(nested, renderer, edition)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_row_of_a_sheet_to_fill_by_hand_is_rewritten(lang: str):
    """A row left nested still looks right but costs twice the layout: a new way of writing a
    blank (or a label with markup the pattern does not know) should be noticed here."""
    renderer = Renderer(Project(ROOT), lang=lang)
    rows = {}
    for handout in renderer.library.handouts:
        html = renderer.html(Job("sheet", handout.id, Edition("letter")))
        for row in re.findall(r'<div class="blanks[^"]*"', html):
            rows.setdefault(row, []).append(handout.id)
    assert rows, "no rows of blanks found"
    assert set(rows) <= {
        '<div class="blanks flat"',
        '<div class="blanks story single"',
    }, {row: ids for row, ids in rows.items()}
