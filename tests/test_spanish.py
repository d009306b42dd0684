"""The Spanish edition's machinery, on tiny Spanish sheets in throwaway projects."""

from __future__ import annotations

import datetime as dt
import json
import time
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
    # The Spanish numbers the research could not confirm on their live services are warned of.
    warnings = capsys.readouterr().err.splitlines()
    assert len(warnings) == 5
    assert all("is not yet confirmed on its live service" in w for w in warnings)
    assert any("regions.us.es.lines[1].to_confirm: '988'" in w for w in warnings)
    (project / "handouts" / "es" / "02-second-sheet.md").unlink()
    assert main(args) == 1
    assert capsys.readouterr().err.strip().splitlines() == [
        "error: handouts/es/02-second-sheet.md: missing: the translation of "
        "handouts/02-second-sheet.md"
    ]


# Syllables by the rules of Spanish spelling (RAE): hiatus, diphthongs, silent u and h, final y.
SYLLABLES = {
    "día": 2, "idea": 3, "agua": 2, "leer": 2, "línea": 3, "reacción": 3, "ayuda": 3,
    "poeta": 3, "país": 2, "ciudad": 2, "cuidado": 3, "pingüino": 3, "hoy": 1, "muy": 1,
    "guerra": 2, "aéreo": 4, "irritabilidad": 6, "desescalada": 5, "y": 1, "que": 1,
    "quien": 1, "guitarra": 3, "averigüe": 4, "reúne": 3, "oído": 3, "ahumar": 2, "ahí": 2,
    "prohíbe": 3, "búho": 2, "buey": 1, "Uruguay": 3, "rey": 1, "caer": 2, "maíz": 2,
    "huevo": 2, "ahora": 3, "baúl": 2, "continúa": 4, "náusea": 3, "mareo": 3, "baile": 2,
    "benzodiazepinas": 6, "abstinencia": 4, "convulsiones": 4, "médico": 3, "síntomas": 3,
    "también": 2, "después": 2, "información": 4, "teléfono": 4, "emergencia": 4,
    "farmacéutico": 5, "ansiedad": 3, "Él": 1, "ÁREA": 3,
}  # fmt: skip


@pytest.mark.parametrize("word, count", SYLLABLES.items())
def test_spanish_syllables(word: str, count: int):
    from handoutkit.readability import spanish_syllables

    assert spanish_syllables(word) == count


def test_spanish_scores_by_the_formulas():
    from handoutkit.readability import spanish_scores

    # 2 sentences, 10 words; syllables: Su(1) cuerpo(2) se(1) acostumbró(4) ; Pida(2) ayuda(3)
    # a(1) su(1) médico(3) hoy(1) = 19.
    scores = spanish_scores(["Su cuerpo se acostumbró.", "Pida ayuda a su médico hoy."])
    assert (scores.words, scores.sentences, scores.syllables) == (10, 2, 19)
    assert scores.inflesz == pytest.approx(206.835 - 62.3 * 1.9 - 5)
    assert scores.fernandez_huerta == pytest.approx(206.84 - 60 * 1.9 - 1.02 * 5)
    assert scores.band == "muy fácil"  # 83.5
    # Accented words are whole words (médico is not "m" + "dico"); numbers and addresses are
    # not words; ¿ and ¡ open a sentence, they do not end one.
    same = spanish_scores(
        ["¿Su cuerpo se acostumbró?", "¡Pida ayuda a su médico hoy! 988lifeline.org"]
    )
    assert (same.words, same.sentences, same.syllables) == (10, 2, 19)


def hard_sheet(id: str, **front: object) -> str:
    body = (
        "## Información\n\nLa discontinuación farmacológica de benzodiazepinas administradas "
        "prolongadamente ocasiona habitualmente manifestaciones neuropsiquiátricas "
        "considerablemente heterogéneas, incluyendo irritabilidad, hipersensibilidad sensorial, "
        "despersonalización e insomnio persistente durante semanas consecutivas.\n"
    )
    return sheet_text(id, "Información", body, SPANISH_ACTION, **front)


def test_the_inflesz_gate_follows_the_audience(project: Path, tmp_path: Path):
    (project / "handouts" / "es" / "02-second-sheet.md").write_text(
        hard_sheet("second-sheet", audience="supporter")
    )
    from handoutkit import BuildError

    with pytest.raises(BuildError) as caught:
        build(Project(project), [Edition("letter")], None, langs=["es"], jobs=1)
    [line] = caught.value.lines()
    assert line.startswith("handouts/es/02-second-sheet.md: INFLESZ ")
    assert "is below 65 for supporter sheets (Fernández-Huerta " in line
    # The English gate (Flesch-Kincaid) does not judge Spanish words.
    built = build(
        Project(project), [Edition("letter")], None, langs=["es"], only=["first-sheet"], jobs=1
    )
    assert built[0].grade is None and built[0].scores.inflesz > 65


def test_check_prints_both_scores_per_spanish_sheet(project: Path, capsys):
    assert main(["check", "--project", str(project), "--lang", "es", "--paper", "letter"]) == 0
    out = capsys.readouterr().out
    assert "INFLESZ" in out and "Fernández-Huerta" in out
    rows = [line.split() for line in out.splitlines() if line.startswith(("first", "second"))]
    assert [row[0] for row in rows] == ["first-sheet", "second-sheet"]
    assert all(float(row[1]) > 65 and float(row[-1]) > 70 for row in rows)


def test_decimals_follow_the_region_in_the_taper_plan():
    """es-US writes "0.5 mg", Spain "0,5 mg" (RAE); the plan's numbers follow the region."""
    from handoutkit import plan
    from handoutkit.regions import load_regions

    values = {
        "plan": {
            "medicine": "clonazepam", "dose_mg": 1.5, "tablets_mg": [0.5], "split_tablets": True,
            "liquid_mg_per_ml": 0, "cut_percent": 10, "every_weeks": 2, "start": "2027-01-04",
            "stop_mg": 0, "prescriber": "Dra. Ruiz",
        }
    }  # fmt: skip
    schedule = plan.schedule_of(values)
    spanish = load_language(ROOT / "templates" / "strings", "es")
    regions = load_regions(Project(ROOT))
    us = plan.view(schedule, "Dra. Ruiz", spanish, regions.region("us", "es")["decimal_sign"])
    spain = plan.view(schedule, "Dra. Ruiz", spanish, regions.region("spain", "es")["decimal_sign"])
    assert us.rows[0].dose == "1.5 mg" and "tabletas de 0.5 mg" in us.forms
    assert spain.rows[0].dose == "1,5 mg" and "tabletas de 0,5 mg" in spain.forms
    assert us.rows[1].start == "4 ene 2027"
    assert "cada 2 semanas" in us.pace


NOT_REVIEWED = "Un profesional clínico todavía no ha revisado este texto en español."


def test_the_footer_says_so_until_a_clinician_reviewed_the_translation(project: Path, tmp_path):
    (project / "handouts" / "es" / "02-second-sheet.md").write_text(
        spanish_sheet("second-sheet", audience="supporter", translation_reviewed="2026-11-20")
    )
    out = tmp_path / "out"
    build(Project(project), [Edition("letter")], out, langs=["es"], only=None, jobs=1)
    first = PdfReader(out / "es" / "letter" / "first-sheet.pdf").pages[0].extract_text()
    second = PdfReader(out / "es" / "letter" / "second-sheet.pdf").pages[0].extract_text()
    flat = lambda text: " ".join(text.split())  # noqa: E731
    assert NOT_REVIEWED in flat(first)
    assert NOT_REVIEWED not in flat(second)
    booklet = " ".join(p.extract_text() for p in PdfReader(out / "es/letter/booklet.pdf").pages)
    assert flat(booklet).count(NOT_REVIEWED) == 1
    # English sheets never carry it.
    build(Project(project), [Edition("letter")], out, only=["first-sheet"], jobs=1)
    english = PdfReader(out / "letter" / "first-sheet.pdf").pages[0].extract_text()
    assert "not yet reviewed" not in english


def test_translation_reviewed_is_a_date_and_only_for_translations(project: Path):
    (project / "handouts" / "es" / "02-second-sheet.md").write_text(
        spanish_sheet("second-sheet", audience="supporter", translation_reviewed="pronto")
    )
    assert problems(project) == [
        "handouts/es/02-second-sheet.md:7: front matter 'translation_reviewed' must be a real "
        "date written YYYY-MM-DD; got 'pronto'"
    ]
    (project / "handouts" / "01-first-sheet.md").write_text(
        sheet_text("first-sheet", "First sheet", translation_reviewed="2026-11-20")
    )
    with pytest.raises(ContentError) as caught:
        load_library(Project(project))
    assert caught.value.lines() == [
        "handouts/01-first-sheet.md: front matter 'translation_reviewed' is for a translation "
        "(handouts/<lang>/), not an English sheet; use 'reviewed'"
    ]


def test_check_warns_when_the_english_sheet_was_reviewed_after_its_translation(
    project: Path, capsys
):
    (project / "handouts" / "02-second-sheet.md").write_text(
        sheet_text("second-sheet", "Second sheet", audience="supporter", reviewed="2026-11-20")
    )
    library = load_library(Project(project), lang="es")
    stale = [str(w) for w in library.warnings if "may be out of date" in w.message]
    assert stale == [
        "handouts/es/02-second-sheet.md: reviewed: handouts/02-second-sheet.md was reviewed on "
        "2026-11-20, after this translation (2026-11-01): it may be out of date; bring it up to "
        "date, then update its 'reviewed'"
    ]
    assert not [w for w in load_library(Project(project)).warnings if "out of date" in w.message]
    code = main(["check", "--project", str(project), "--lang", "es", "--paper", "a4", "--strict"])
    assert code == 1
    assert "may be out of date" in capsys.readouterr().err


def test_spanish_checks_on_words():
    from handoutkit import spanish

    assert spanish.problems(
        [
            "Pida ayuda a su médico.",
            "Que puede hacer?",
            "¡Llame ya",
            "¿Le duele? ¡Llame al 988!",
            "Call your doctor if you have a seizure and the pain is bad.",
            "Llame al 988 (Suicide & Crisis Lifeline) o envíe AYUDA al 741741 (Crisis Text Line).",
            "El medico dice que tambien hay dias malos; Telefono: 988. Esta es su dosis.",
            "Tome 0,5 mg, no .5 mg ni 1.0 mg; 0.5 mg y 1.25 mL están bien.",
        ]
    ) == [
        "has '?' without its '¿': 'Que puede hacer?'",
        "has '¡' without its '!': '¡Llame ya'",
        "reads as English, not Spanish: 'Call your doctor if you have a seizure and the pain "
        "is bad.'",
        "writes 'medico' without its accent: 'médico'",
        "writes 'tambien' without its accent: 'también'",
        "writes 'dias' without its accent: 'días'",
        "writes 'Telefono' without its accent: 'Teléfono'",
        "writes '0,5 mg': a dose's decimal sign is a point (0.5 mg)",
        "writes '.5 mg': write the zero first (0.5 mg)",
        "writes '1.0 mg': leave out the trailing zero (1 mg)",
    ]


def test_a_spanish_sheet_with_english_left_in_fails_the_build_naming_each_problem(project: Path):
    body = (
        "## Qué es\n\nSu cuerpo se acostumbró al medicamento. Que puede hacer?\n\n"
        "Talk to your doctor before you change the dose.\n\nHable con su medico. 😀\n"
    )
    (project / "handouts" / "es" / "01-first-sheet.md").write_text(
        sheet_text("first-sheet", "Primera", body, SPANISH_ACTION)
    )
    from handoutkit import BuildError

    with pytest.raises(BuildError) as caught:
        build(Project(project), [Edition("letter")], None, langs=["es"], only=["first-sheet"])
    assert caught.value.lines() == [
        "handouts/es/01-first-sheet.md: has '?' without its '¿': 'Su cuerpo se acostumbró al "
        "medicamento. Que puede hacer?'",
        "handouts/es/01-first-sheet.md: reads as English, not Spanish: 'Talk to your doctor "
        "before you change the dose.'",
        "handouts/es/01-first-sheet.md: writes 'medico' without its accent: 'médico'",
        "handouts/es/01-first-sheet.md: has characters no font of the page has: '😀' (U+1F600)",
    ]


def test_validation_messages_in_spanish():
    from handoutkit.details import validate_details

    spanish = load_language(ROOT / "templates" / "strings", "es").strings["messages"]
    english = tomllib.loads((ROOT / "templates/strings/en.toml").read_text(encoding="utf-8"))
    assert set(spanish) == set(english["messages"])
    data = {
        "person": {"name": 5, "date_of_birth": "1980-02-30"},
        "settings": {"region": "mexcio"},
        "letter": {"requests": ["no-abrupt-stop", "nada"]},
    }
    _, problems = validate_details(
        data, ["physician-letter"], dt.date(2026, 11, 26), "mis-datos.toml", {}, None, spanish
    )
    assert [f"{p.field}: {p.message}" for p in problems] == [
        "settings.region: opción desconocida 'mexcio'; ¿quiso decir 'mexico'?",
        'person.name: el texto va entre dos comillas rectas: name = "5"',
        "person.date_of_birth: 1980-02-30 no es una fecha real: revise el mes y el día (las "
        'fechas se escriben año-mes-día, como "2026-12-01")',
        "medication.name: es obligatorio para physician-letter: escríbalo entre las comillas: "
        'name = "clonazepam"',
        "letter.requests: opción desconocida 'nada'; elija nombres de estos: all, "
        "dependence-not-addiction, no-abrupt-stop, shared-plan, gradual-pace, review-and-pause, "
        "small-dose-forms, no-added-sedatives, therapy-referral, contact-plan, protracted-symptoms",
    ]


def test_init_details_in_spanish_has_the_same_keys(tmp_path: Path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["init-details", "mine.toml"]) == 0
    assert main(["init-details", "mis-datos.toml", "--lang", "es"]) == 0
    out = capsys.readouterr().out
    assert "letters --details mis-datos.toml --lang es" in out
    english = (tmp_path / "mine.toml").read_text(encoding="utf-8")
    spanish = (tmp_path / "mis-datos.toml").read_text(encoding="utf-8")
    assert "# Mis datos, para las cartas a mi médico y a mi empleador." in spanish
    assert "Su nombre completo; obligatorio" in spanish
    assert "My details" not in spanish

    def keys(data, prefix=""):
        return {
            k
            for key, value in data.items()
            for k in (keys(value, f"{prefix}{key}.") if isinstance(value, dict) else [prefix + key])
        }

    assert keys(tomllib.loads(spanish)) == keys(tomllib.loads(english))
    assert "lang" in tomllib.loads(spanish)["settings"]


LETTER_ES = """\
---
id: physician-letter
title: Una carta para mi médico
audience: patient
kind: letter
reviewed: 2026-11-01
sources:
  - Guía conjunta (2025)
---

<div class="blanks">[[physician_name|Estimada doctora]] [[patient_name|Me llamo]]</div>
<div class="blanks">[[medication|Tomo]]</div>

Quiero bajar la dosis poco a poco, con su ayuda.

<div class="blanks">[[letter_date|Fecha]]</div>
"""


CARD_ES = """\
---
id: wallet-card
title: Tarjeta de bolsillo
audience: patient
kind: card
booklet: false
reviewed: 2026-12-06
sources:
  - Guía conjunta (2025)
---

<div class="card-front" markdown="1">

Información médica

**Estoy bajando poco a poco la dosis de un medicamento, con mi médico. No lo deje de golpe:
puede dar convulsiones.**

Si tengo una convulsión, llame al [[region:emergency]].

<div class="blanks">[[patient_name|Nombre]]</div>

</div>

<div class="card-back" markdown="1">

<div class="blanks">[[medication|Medicamento]]</div>
<div class="blanks">[[dose|Dosis]] [[dose_as_of|el]]</div>
<div class="blanks">[[physician_name|Quien receta]]</div>
<div class="blanks">[[physician_phone|Teléfono]]</div>
<div class="blanks">[[emergency_contact|Contacto]]</div>
<div class="blanks">[[emergency_phone|Teléfono]]</div>

</div>
"""


@pytest.fixture
def letters_project(tmp_path: Path) -> Path:
    """The real English sheets, and the Spanish ones personal letters need."""
    root = copy_project(tmp_path / "p")
    spanish = root / "handouts" / "es"
    spanish.mkdir(exist_ok=True)
    (spanish / "07-physician-letter.md").write_text(LETTER_ES)
    (spanish / "13-wallet-card.md").write_text(CARD_ES)
    (spanish / "06-using-your-letters.md").write_text(
        spanish_sheet("using-your-letters", "Cómo usar sus cartas", kind="howto")
    )
    return root


def details(tmp_path: Path, settings: str = "") -> Path:
    path = tmp_path / "mis-datos.toml"
    path.write_text(
        f'{settings}[person]\nname = "Ana Pérez"\n\n[medication]\nname = "clonazepam"\n\n'
        '[physician]\nname = "Dra. Ruiz"\n\n[letter]\ndate = "2026-11-20"\n',
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("how", ["flag", "file"])
def test_personal_spanish_letters(letters_project: Path, tmp_path: Path, capsys, how):
    out = tmp_path / "out"
    settings = '[settings]\nlang = "es"\n\n' if how == "file" else ""
    args = ["letters", "--project", str(letters_project), "--details"]
    args += [str(details(tmp_path, settings)), "--out", str(out)]
    assert main([*args, "--lang", "es"] if how == "flag" else args) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "physician-letter-es.pdf",
        "using-your-letters-es.pdf",
        "wallet-card-es.pdf",
    ]
    assert "language es" in capsys.readouterr().out
    text = " ".join(PdfReader(out / "physician-letter-es.pdf").pages[0].extract_text().split())
    assert "Ana Pérez" in text and "20 de noviembre de 2026" in text
    assert PdfReader(out / "physician-letter-es.pdf").trailer["/Root"]["/Lang"] == "es-US"


def test_a_flag_outranks_the_details_file_language(letters_project: Path, tmp_path: Path):
    out = tmp_path / "out"
    path = details(tmp_path, '[settings]\nlang = "es"\n\n')
    args = ["letters", "--project", str(letters_project), "--details", str(path)]
    assert main([*args, "--out", str(out), "--lang", "en", "--only", "physician-letter"]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "physician-letter.pdf",
        "using-your-letters.pdf",
    ]


def test_spanish_pdfs_pass_pdf_ua_with_their_language(project: Path, tmp_path: Path):
    import page as page_validation

    out = tmp_path / "out"
    editions = [Edition("letter"), Edition("a4", large_print=True)]
    build(Project(project), editions, out, langs=["es"], jobs=1)
    # The print layout of the booklet to fold is untagged by design (impose.py); the rest are
    # two sheets and the booklet in each edition, and the small booklet in the standard one.
    pdfs = sorted(p for p in out.glob("es/*/*.pdf") if p.name != "booklet-print.pdf")
    assert len(pdfs) == 3 + 4
    for pdf in pdfs:
        assert PdfReader(pdf).trailer["/Root"]["/Lang"] == "es-US"
        report = page_validation.validate_pdf(pdf, profile="ua1")
        assert report.is_compliant, (pdf.name, [f.message for f in report.failures])


def test_every_spanish_string_is_spanish_with_the_same_placeholders():
    import string

    from handoutkit import spanish

    strings = ROOT / "templates" / "strings"
    english = load_language(strings).strings
    translated = load_language(strings, "es").strings

    def values(data, prefix=""):
        for key, value in data.items():
            if isinstance(value, dict):
                yield from values(value, f"{prefix}{key}.")
            elif isinstance(value, list):
                yield from ((f"{prefix}{key}[{i}]", v) for i, v in enumerate(value))
            else:
                yield f"{prefix}{key}", value

    def fields(text):
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    wanted = dict(values(english))
    for key, text in values(translated):
        assert fields(text) == fields(wanted[key]), key
        assert not spanish.leftover_english(text), key
        assert not spanish.unpaired(text), key
        assert not spanish.missing_accents(text), key


def test_building_some_spanish_sheets_keeps_the_others(project: Path, tmp_path: Path):
    out = tmp_path / "out"
    letter = [Edition("letter")]
    build(Project(project), letter, out, langs=["es"], only=["first-sheet"], jobs=1)
    build(Project(project), letter, out, langs=["es"], only=["second-sheet"], jobs=1)
    assert sorted(p.name for p in (out / "es" / "letter").glob("*.pdf")) == [
        "first-sheet.pdf",
        "second-sheet.pdf",
    ]
    # A sheet taken out of the project (English and Spanish) is withdrawn from build/es/ too.
    (project / "handouts" / "02-second-sheet.md").unlink()
    (project / "handouts" / "es" / "02-second-sheet.md").unlink()
    removed: list[str] = []
    build(Project(project), letter, out, langs=["es"], jobs=1, removed=removed.append)
    assert removed == ["es/letter/second-sheet.pdf"]
    assert not (out / "es" / "letter" / "second-sheet.pdf").exists()


def test_watch_one_spanish_sheet_while_writing_it(project: Path, tmp_path: Path):
    import threading

    from handoutkit.watch import Round, watch

    from .test_watch import wait_for

    (project / "handouts" / "es" / "02-second-sheet.md").unlink()  # not written yet
    sheet = project / "handouts" / "es" / "01-first-sheet.md"
    rounds: list[Round] = []
    stop = threading.Event()
    args = (Project(project), [Edition("letter")], tmp_path / "out", None, rounds.append)
    options = {"stop": stop, "lang": "es", "only": ["first-sheet"]}
    thread = threading.Thread(target=watch, args=args, kwargs=options, daemon=True)
    thread.start()
    try:
        wait_for(rounds, 1)
        assert rounds[0].errors == []
        assert [b.output.path for b in rounds[0].built] == ["es/letter/first-sheet.pdf"]
        time.sleep(0.5)
        sheet.write_text(spanish_sheet("first-sheet", "Primera hoja"))
        wait_for(rounds, 2)
        assert rounds[1].changed == ["handouts/es/01-first-sheet.md"]
        assert [b.reused for b in rounds[1].built] == [False]
    finally:
        stop.set()
        thread.join(timeout=10)
