"""The Spanish edition's machinery, on tiny Spanish sheets in throwaway projects."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path

import pytest
from pypdf import PdfReader

from handoutkit import ContentError, Edition, Project, build, load_library
from handoutkit.cli import main
from handoutkit.language import LANGS, _keys, load_language

from .conftest import ROOT, copy_project, sheet_text

SPANISH_BODY = (
    "## Qué es\n\nSu cuerpo se acostumbró al medicamento. Si lo deja de golpe, puede sentirse "
    "mal.\n"
)
SPANISH_ACTION = '\n<div class="action" markdown>\nHable con su médico.\n</div>\n'


def spanish_sheet(id: str, title: str = "Una hoja", **front: object) -> str:
    return sheet_text(id, title, SPANISH_BODY, SPANISH_ACTION, **front)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Two English sheets and a US-only form; the two sheets translated in handouts/es/."""
    root = copy_project(tmp_path / "p", with_handouts=False)
    handouts = root / "handouts"
    (handouts / "01-first-sheet.md").write_text(sheet_text("first-sheet", "First sheet"))
    (handouts / "02-second-sheet.md").write_text(
        sheet_text("second-sheet", "Second sheet", audience="supporter")
    )
    (handouts / "03-us-form.md").write_text(sheet_text("us-form", spanish="false"))
    (handouts / "es").mkdir()
    (handouts / "es" / "01-first-sheet.md").write_text(spanish_sheet("first-sheet", "Primera"))
    (handouts / "es" / "02-second-sheet.md").write_text(
        spanish_sheet("second-sheet", "Segunda", audience="supporter")
    )
    return root


def problems(root: Path, **options) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_library(Project(root), lang="es", **options)
    return caught.value.lines()


def test_spanish_is_a_language():
    assert "es" in LANGS
    english = tomllib.loads((ROOT / "templates/strings/en.toml").read_text(encoding="utf-8"))
    spanish = load_language(ROOT / "templates" / "strings", "es")
    assert set(_keys(spanish.strings)) == set(_keys(english))
    assert spanish.tag == "es-US"
    assert spanish.long_date(dt.date(2026, 11, 20)) == "20 de noviembre de 2026"
    assert spanish.letter_date(dt.date(2026, 3, 5), "us") == "5 de marzo de 2026"


def test_a_spanish_library_reads_handouts_es(project: Path):
    spanish = load_library(Project(project), lang="es")
    assert [(h.id, h.title, h.source) for h in spanish.handouts] == [
        ("first-sheet", "Primera", "handouts/es/01-first-sheet.md"),
        ("second-sheet", "Segunda", "handouts/es/02-second-sheet.md"),
    ]
    assert spanish.language.code == "es"


def test_english_builds_never_need_spanish_files(project: Path):
    import shutil

    shutil.rmtree(project / "handouts" / "es")
    english = load_library(Project(project))
    assert [h.id for h in english.handouts] == ["first-sheet", "second-sheet", "us-form"]


def test_a_missing_translation_is_one_line_naming_it(project: Path):
    (project / "handouts" / "es" / "02-second-sheet.md").unlink()
    assert problems(project) == [
        "handouts/es/02-second-sheet.md: missing: the translation of handouts/02-second-sheet.md"
    ]


def test_no_spanish_folder_at_all(project: Path):
    import shutil

    shutil.rmtree(project / "handouts" / "es")
    assert problems(project) == ["handouts/es/: no sheets: a es build needs one per English sheet"]


def test_an_extra_translation_is_named(project: Path):
    (project / "handouts" / "es" / "04-stray.md").write_text(spanish_sheet("stray"))
    (project / "handouts" / "es" / "03-us-form.md").write_text(spanish_sheet("us-form"))
    assert problems(project) == [
        "handouts/es/03-us-form.md: extra file; handouts/03-us-form.md says `spanish: false`: "
        "it has no translation",
        "handouts/es/04-stray.md: extra file; no English sheet handouts/04-stray.md: a "
        "translation keeps its file name",
    ]


def test_a_translation_keeps_its_audience_and_kind(project: Path):
    (project / "handouts" / "es" / "02-second-sheet.md").write_text(
        spanish_sheet("second-sheet", audience="patient", kind="diary")
    )
    assert problems(project) == [
        "handouts/es/02-second-sheet.md: front matter 'audience' must be 'supporter', as in "
        "handouts/02-second-sheet.md; got 'patient'",
        "handouts/es/02-second-sheet.md: front matter 'kind' must be 'handout', as in "
        "handouts/02-second-sheet.md; got 'diary'",
    ]


def test_a_translation_keeps_its_id(project: Path):
    (project / "handouts" / "es" / "02-second-sheet.md").write_text(spanish_sheet("segunda"))
    assert problems(project) == [
        "handouts/es/02-second-sheet.md: file name must be NN-segunda.md to match its id"
    ]


def test_only_reads_the_translations_it_names(project: Path):
    """A writer can build the sheets already translated while the others are being written."""
    (project / "handouts" / "es" / "02-second-sheet.md").unlink()
    (project / "handouts" / "es" / "04-stray.md").write_text("not even a sheet")
    spanish = load_library(Project(project), lang="es", only=["first-sheet"])
    assert [h.id for h in spanish.handouts] == ["first-sheet"]
    assert problems(project, only=["second-sheet"]) == [
        "handouts/es/02-second-sheet.md: missing: the translation of handouts/02-second-sheet.md"
    ]


def test_spanish_partials_resolve_in_handouts_es(project: Path):
    (project / "handouts" / "partials").mkdir()
    (project / "handouts" / "partials" / "note.md").write_text("An English note.\n")
    (project / "handouts" / "es" / "partials").mkdir()
    (project / "handouts" / "es" / "partials" / "note.md").write_text("Una nota en español.\n")
    body = SPANISH_BODY + "\n[[include:note]]\n"
    (project / "handouts" / "es" / "01-first-sheet.md").write_text(
        sheet_text("first-sheet", "Primera", body, SPANISH_ACTION)
    )
    spanish = load_library(Project(project), lang="es")
    assert "Una nota en español." in spanish.by_id("first-sheet").body
    assert "English note" not in spanish.by_id("first-sheet").body


def test_a_spanish_build_goes_to_build_es(project: Path, tmp_path: Path):
    out = tmp_path / "out"
    built = build(Project(project), [Edition("letter")], out, langs=["es"], only=["first-sheet"])
    assert [b.output.path for b in built] == ["es/letter/first-sheet.pdf"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert [(e["path"], e["lang"]) for e in manifest["outputs"]] == [
        ("es/letter/first-sheet.pdf", "es")
    ]
    reader = PdfReader(out / "es" / "letter" / "first-sheet.pdf")
    text = reader.pages[0].extract_text()
    assert "Revisado el 1 de noviembre de 2026" in text
    assert "Página 1 de 1" in text
    assert reader.trailer["/Root"]["/Lang"] == "es-US"


def test_cli_lang_es(project: Path, tmp_path: Path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "cli"
    args = ["build", "--project", str(project), "--out", str(out), "--lang", "es"]
    assert main([*args, "--only", "first-sheet"]) == 0
    assert (out / "es" / "letter" / "first-sheet.pdf").is_file()
    (project / "handouts" / "es" / "02-second-sheet.md").unlink()
    assert main(args) == 1
    assert capsys.readouterr().err.strip().splitlines() == [
        "error: handouts/es/02-second-sheet.md: missing: the translation of "
        "handouts/02-second-sheet.md"
    ]
