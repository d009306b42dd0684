"""Language as an axis: every word printed around a sheet's own text comes from the strings file."""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from pathlib import Path

import pytest
from pypdf import PdfReader

from handoutkit import ContentError, Edition, Project, build
from handoutkit.language import load_language

from .conftest import ROOT, copy_project, sheet_text

MARK = re.compile(r"«[^«»]*»")


def marked(value):
    """Every string wrapped in «», keeping {placeholders} usable."""
    if isinstance(value, str):
        return f"«{value}»"
    if isinstance(value, list):
        return [marked(v) for v in value]
    if isinstance(value, dict):
        return {k: marked(v) for k, v in value.items()}
    return value


def toml_value(value) -> str:
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'"{escaped}"'
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    return "[" + ", ".join(toml_value(v) for v in value) + "]"


def toml_text(data: dict, prefix: str = "") -> str:
    """A small TOML writer for nested tables of strings and lists."""
    lines, tables = [], []
    for key, value in data.items():
        name = f'"{key}"' if "." in key else key
        if isinstance(value, dict):
            tables.append((f"{prefix}{name}", value))
        else:
            lines.append(f"{name} = {toml_value(value)}")
    out = "\n".join(lines) + "\n"
    for name, table in tables:
        out += f"\n[{name}]\n" + toml_text(table, f"{name}.")
    return out


def digits(number: str) -> str:
    return " ".join(re.findall(r"\d+", number))


@pytest.fixture
def stub_project(tmp_path: Path) -> Path:
    """A project whose every word (strings, sheets, region data) is marked «like this»."""
    root = copy_project(tmp_path / "p", with_handouts=False)
    english = tomllib.loads((root / "templates" / "strings" / "en.toml").read_text())
    stub = {k: (v if k == "lang_tag" else marked(v)) for k, v in english.items()}
    (root / "templates" / "strings" / "xx.toml").write_text(toml_text(stub), encoding="utf-8")
    regions = tomllib.loads((root / "handouts" / "regions.toml").read_text())
    for region in regions["regions"].values():
        for key in ("name", "employment_law", "help", "words", "employer_sources"):
            if key in region:
                region[key] = marked(region[key])
        # Numbers must be numbers (regions.py refuses anything else): their digits, unmarked.
        region["emergency"] = digits(region["emergency"])
        for line in region["lines"]:
            line.pop("website", None)
            for key in ("action", "name"):
                line[key] = marked(line[key])
            line["number"] = digits(line["number"])
    missing_law = toml_value(marked(regions["missing_law"]))
    (root / "handouts" / "regions.toml").write_text(
        f'reviewed = "{regions["reviewed"]}"\nmissing_law = {missing_law}\n\n'
        + toml_text({k: v for k, v in regions.items() if k not in ("reviewed", "missing_law")})
    )
    body = '## «Heading»\n\n«Some words.»\n\n<div class="action" markdown>\n«Do this.»\n</div>\n'
    (root / "handouts" / "01-a-sheet.md").write_text(
        sheet_text("a-sheet", "«A title»", body, action="", label="«Label»").replace(
            "Test source (2025)", "«Test source»"
        )
    )
    letter = '<div class="blanks">[[patient_name|«Name»]] [[letter_date|«Date»]]</div>\n\n«Text.»\n'
    (root / "handouts" / "02-a-letter.md").write_text(
        sheet_text("a-letter", "«A letter»", letter, action="", kind="letter", label="«From me»")
    )
    # The stub language's own sheets: the same marked files, where a translation lives.
    (root / "handouts" / "xx").mkdir()
    for sheet in (root / "handouts").glob("*.md"):
        (root / "handouts" / "xx" / sheet.name).write_text(sheet.read_text())
    return root


def test_every_printed_word_comes_from_the_strings_file(stub_project: Path, tmp_path: Path):
    out = tmp_path / "out"
    editions = [Edition("letter"), Edition("a4", large_print=True)]
    build(Project(stub_project), editions, out, langs=["xx"], jobs=1)
    pdfs = sorted(out.glob("xx/*/*.pdf"))
    assert {p.parent.name for p in pdfs} == {"letter", "a4-large"}
    # Sheet, letter, its fillable twin, the booklet; Letter also folds one (small pages, print).
    assert len(pdfs) == 2 * 4 + 2
    for pdf in pdfs:
        for number, page in enumerate(PdfReader(pdf).pages, start=1):
            text = page.extract_text()
            while MARK.search(text):
                text = MARK.sub(" ", text)
            leftover = re.sub(r"[\s\d.,:;()·/\-\u2013]+", "", text)
            assert leftover == "", (pdf.relative_to(out).as_posix(), number, leftover)


def test_every_language_goes_through_one_pool(stub_project: Path, tmp_path: Path):
    editions = [Edition("letter")]
    both = build(Project(stub_project), editions, tmp_path / "both", langs=["en", "xx"], jobs=2)
    alone = build(Project(stub_project), editions, tmp_path / "alone", langs=["xx"], jobs=1)
    assert {b.output.lang for b in both} == {"en", "xx"}
    assert {(b.output.path, b.output.sha256) for b in alone} <= {
        (b.output.path, b.output.sha256) for b in both
    }
    manifest = json.loads((tmp_path / "both" / "manifest.json").read_text())
    paths = {(e["lang"], e["path"]) for e in manifest["outputs"]}
    assert ("en", "letter/a-sheet.pdf") in paths
    assert ("xx", "xx/letter/a-sheet.pdf") in paths
    # Each job met the renderer of its own language: English words only in the English sheet.
    english = PdfReader(tmp_path / "both" / "letter" / "a-sheet.pdf").pages[0].extract_text()
    marked = PdfReader(tmp_path / "both" / "xx" / "letter" / "a-sheet.pdf").pages[0].extract_text()
    assert "Reviewed 1 November 2026" in english and "«Reviewed» «1 «November»" in marked


def test_a_translation_missing_a_string_is_refused(tmp_path: Path):
    strings = tmp_path / "strings"
    strings.mkdir()
    english = (ROOT / "templates" / "strings" / "en.toml").read_text()
    (strings / "en.toml").write_text(english)
    (strings / "xx.toml").write_text(english.replace('or = " or"\n', ""))
    with pytest.raises(ContentError) as caught:
        load_language(strings, "xx")
    assert caught.value.lines() == ["templates/strings/xx.toml: missing string 'crisis.or'"]


def test_dates_follow_the_language():
    english = load_language(ROOT / "templates" / "strings")
    assert english.long_date(dt.date(2026, 11, 1)) == "1 November 2026"
