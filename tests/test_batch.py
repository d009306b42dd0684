"""Letters for many patients: a CSV in, a private folder each and one print file out."""

from __future__ import annotations

import csv
import io
import re
import stat
import sys
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from handoutkit.batch import TEMPLATE_COLUMNS
from handoutkit.language import LANGS
from make_handouts import main

HOW_TO = "using-your-letters.pdf"
PHYSICIAN, EMPLOYER = "physician-letter.pdf", "employer-accommodation.pdf"
CARD = "wallet-card.pdf"  # filled from the same row, beside the patient's letters
# Each patient's details, with words no message may ever show.
ANA = {
    "person.name": "Ana Quillfeather",
    "person.date_of_birth": "1980-01-02",
    "medication.name": "clonazepam",
    "medication.dose": "1 mg twice a day",
    "physician.name": "Dr Okonkwo-Vale",
}
SAM = {
    "person.name": "Sam Brightwater",
    "medication.name": "diazepam",
    "employer.organisation": "Larkspur Mills",
    "employer.limitations": "fatigue;sleep",
    "employer.accommodations": "flexible-hours;breaks",
}
LI = {"person.name": "Li Marrowfield", "medication.name": "lorazepam"}


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def table(*rows: dict[str, str], delimiter: str = ",") -> Path:
    """patients.csv in the current folder, with the columns the rows use, in their order."""
    columns = list(dict.fromkeys(key for row in rows for key in row))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, delimiter=delimiter, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path = Path("patients.csv")
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def batch(capsys, csv_file: Path, out: Path, *more) -> tuple[int, str, str]:
    # In this process (--jobs 1) unless a test says otherwise: the pool starts in seconds.
    jobs = () if "--jobs" in more else ("--jobs", "1")
    return run(capsys, "letters", "--batch", csv_file, "--out", out, *jobs, *more)


def text_of(pdf: PdfReader, pages=None) -> str:
    chosen = pdf.pages if pages is None else [pdf.pages[i] for i in pages]
    return unicodedata.normalize("NFC", "\n".join(p.extract_text() for p in chosen))


def outline(pdf: PdfReader) -> list[tuple[str, int, list[tuple[str, int]]]]:
    """(title, first page, [(child title, its page)]) for each top-level bookmark."""
    marks, items = [], pdf.outline
    for index, item in enumerate(items):
        if isinstance(item, list):
            continue
        after = items[index + 1] if index + 1 < len(items) else []
        children = after if isinstance(after, list) else []
        marks.append(
            (
                item.title,
                pdf.get_destination_page_number(item),
                [(c.title, pdf.get_destination_page_number(c)) for c in children],
            )
        )
    return marks


def everything_under(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*"))


def test_every_bad_row_is_reported_at_once_and_nothing_is_written(capsys):
    rows = [
        ANA,
        {**SAM, "person.name": "", "employer.accommodations": "flexible-hours;sofa"},
        {**LI, "person.date_of_birth": "1975-13-45"},
    ]
    out = Path("out")
    code, stdout, stderr = batch(capsys, table(*rows), out)
    assert code == 2
    assert stderr.splitlines() == [
        "error: patients.csv: row 2: person.name: is required",
        "error: patients.csv: row 2: employer.accommodations: unknown choice 'sofa'; pick names "
        "from flexible-hours, remote-work, breaks, quiet-space, written-instructions, task-steps, "
        "appointments-leave, check-ins",
        "error: patients.csv: row 3: person.date_of_birth: 1975-13-45 is not a real date: check "
        'the month and the day (dates are written year-month-day, like "2026-12-01")',
    ]
    assert stdout == ""
    assert not out.exists()


def test_the_csv_values_stay_out_of_every_message(capsys):
    """A bad row's message quotes at most the one cell it is about; the rest never appear."""
    secrets = ["Ana Quillfeather", "Okonkwo", "1 mg twice a day", "Sam Brightwater", "Larkspur"]
    rows = [
        {**ANA, "person.date_of_birth": "02/01/1980", "letter.requests": "gradual-pace;12"},
        {**SAM, "employer.disclose_condition": "maybe", "employer.start": "soon"},
        {**LI, "person.email": "x" * 121},
    ]
    out = Path("out")
    code, stdout, stderr = batch(capsys, table(*rows), out)
    assert code == 2
    # Each message quotes its own cell at most, in a table's words (no details file syntax).
    assert stderr.splitlines() == [
        "error: patients.csv: row 1: person.date_of_birth: dates are written year-month-day, "
        "not 02/01/1980: 1980-02-01 or 1980-01-02",
        'error: patients.csv: row 1: letter.requests: there is no number 12: choose "all", or '
        "some by number (1 to 10) or by name",
        "error: patients.csv: row 2: employer.start: write the date year-month-day, like "
        "2026-12-01",
        "error: patients.csv: row 2: employer.disclose_condition: write true or false",
        "error: patients.csv: row 3: person.email: is 121 characters long; at most 120 fit. "
        "Shorten it by 1 character",
    ]
    for secret in secrets:
        assert secret not in stdout + stderr
    # With --skip-bad nothing is good, so nothing is written, and the names stay out too.
    code, stdout, stderr = batch(capsys, table(*rows), out, "--skip-bad")
    assert code == 2 and not out.exists()
    for secret in secrets:
        assert secret not in stdout + stderr
    # A good batch prints folders, never names; and writes nothing outside --out.
    code, stdout, stderr = batch(capsys, table(ANA, SAM), out)
    assert code == 0
    for secret in secrets:
        assert secret not in stdout + stderr
    here = everything_under(Path.cwd())
    written = [p for p in here if not p.is_relative_to(out.resolve()) and p.name != "patients.csv"]
    assert written == [], "a batch writes only under --out"


def test_skip_bad_writes_the_good_rows_and_lists_the_bad(capsys):
    out = Path("out")
    rows = [ANA, {**SAM, "employer.accommodations": ""}, LI]
    code, stdout, stderr = batch(capsys, table(*rows), out, "--skip-bad")
    assert code == 0
    assert stderr.splitlines()[-1] == (
        "skipped: patients.csv: row 2: employer.accommodations: is required for the "
        "employer-accommodation: choose at least one"
    )
    assert sorted(p.name for p in out.iterdir()) == ["0001", "0003", "letters.pdf"]
    assert [title for title, _, _ in outline(PdfReader(out / "letters.pdf"))] == ["0001", "0003"]
    assert stdout.splitlines()[0].startswith(
        "ok: 2 patients, 2 letters and 2 wallet cards in out/ (a folder each) and "
        "out/letters.pdf (6 pages to "
        "print) in "
    )
    assert stdout.splitlines()[0].endswith("; 1 bad row skipped")


def test_folders_are_named_by_row_number_or_id(capsys):
    """Row N is the Nth row under the header; an empty row keeps its number but makes nothing."""
    out = Path("out")
    rows = [ANA, {"person.name": ""}, {**SAM, "id": "clinic-17"}, LI]
    csv_file = table(*rows)
    # An empty row, as a spreadsheet saves it: every cell empty.
    assert ",,,," in csv_file.read_text()
    code, _, stderr = batch(capsys, csv_file, out)
    assert code == 0, stderr
    assert sorted(p.name for p in out.iterdir()) == ["0001", "0004", "clinic-17", "letters.pdf"]
    assert sorted(p.name for p in (out / "clinic-17").iterdir()) == [
        EMPLOYER,
        PHYSICIAN,
        HOW_TO,
        CARD,
    ]
    assert sorted(p.name for p in (out / "0004").iterdir()) == [PHYSICIAN, HOW_TO, CARD]
    assert "Li Marrowfield" in text_of(PdfReader(out / "0004" / PHYSICIAN))


@pytest.mark.parametrize(
    ("ids", "expected"),
    [
        (
            ["../up", "ok"],
            ["row 1: id: cannot name a folder: use letters, digits, - _ and . (up to 64, "
             "starting with a letter or digit), or leave it empty for the row number"],
        ),
        (["same", "SAME"], ["row 2: id: names the same folder as row 1: each patient needs their "
                            "own id"]),
        (["0002", ""], ["row 2: id: names the same folder as row 1: each patient needs their "
                        "own id"]),
        ([".hidden", "a/b"], ["row 1: id: cannot name a folder",
                              "row 2: id: cannot name a folder"]),
        (["nul", "Letters.pdf"], ["row 1: id: cannot name a folder",
                              "row 2: id: cannot name a folder"]),
    ],
)  # fmt: skip
def test_ids_must_be_safe_unique_folder_names(capsys, ids, expected):
    rows = [{**ANA, "id": ids[0]}, {**LI, "id": ids[1]}]
    code, _, stderr = batch(capsys, table(*rows), Path("out"))
    assert code == 2
    lines = stderr.splitlines()
    assert len(lines) == len(expected)
    for line, start in zip(lines, expected, strict=True):
        assert line.startswith(f"error: patients.csv: {start}")
    assert not (Path("out")).exists()


def test_the_print_file_has_every_patient_with_a_bookmark_each(capsys):
    out = Path("out")
    rows = [{**ANA, "settings.paper": "a4"}, {**SAM, "id": "B-2"}]
    code, _, stderr = batch(capsys, table(*rows), out)
    assert code == 0, stderr
    pdf = PdfReader(out / "letters.pdf")
    # A print dialog offers one-sided printing at actual size first.
    assert pdf.viewer_preferences.duplex == "/Simplex"
    assert pdf.viewer_preferences.print_scaling == "/None"
    how_to = "How to use your two letters"
    doctor, work = "A letter for my doctor about my taper", "Request for changes at work"
    card = "Wallet card"
    # Bookmarks name the folder, never the patient; under each, its documents in print order.
    assert outline(pdf) == [
        ("0001", 0, [(how_to, 0), (doctor, 1), (card, 2)]),
        ("B-2", 3, [(how_to, 3), (doctor, 4), (work, 5), (card, 6)]),
    ]
    # The pages are the folders' own, in order: the how-to sheet, the letters, the card.
    pages = [
        len(PdfReader(out / folder / name).pages)
        for folder, names in (
            ("0001", [HOW_TO, PHYSICIAN, CARD]),
            ("B-2", [HOW_TO, PHYSICIAN, EMPLOYER, CARD]),
        )
        for name in names
    ]
    assert pages == [1] * 7 and len(pdf.pages) == 7
    assert "Ana Quillfeather" in text_of(pdf, [1, 2]) and "Sam" not in text_of(pdf, [0, 1, 2])
    assert "Sam Brightwater" in text_of(pdf, [4, 5, 6]) and "Larkspur Mills" in text_of(pdf, [5])
    # Ana's row asked for A4; Sam's took the default, Letter.
    sizes = [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in pdf.pages]
    assert sizes == [(595, 842)] * 3 + [(612, 792)] * 4
    # Choices separated by ; reached the letter, and only those.
    work_text = re.sub(r"\s+", " ", text_of(pdf, [5]))
    assert "Flexible hours" in work_text and "Short rest breaks" in work_text
    assert "Working from home" not in work_text and "Tiredness" in work_text


def test_a_rows_settings_and_the_command_lines(capsys):
    """A row's settings.region sets its date style and crisis lines; --region outranks it."""
    rows = [{**ANA, "settings.region": "uk", "letter.date": "2026-12-06"}]
    assert batch(capsys, table(*rows), Path("uk"))[0] == 0
    assert batch(capsys, table(*rows), Path("us"), "--region", "us")[0] == 0
    uk, us = (text_of(PdfReader(Path(name, "letters.pdf"))) for name in ("uk", "us"))
    assert "6 December 2026" in uk and "December 6, 2026" in us
    assert "Samaritans" in uk and "Samaritans" not in us


def test_a_long_answer_runs_on_with_a_warning_naming_its_row(capsys):
    story = "\n".join(["My hands shake and my ears ring for days after each cut."] * 10)
    code, _, stderr = batch(capsys, table(ANA, {**LI, "medication.symptoms": story}), Path("o"))
    assert code == 0
    warnings = [line for line in stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1
    assert re.fullmatch(
        r"warning: patients\.csv: row 2: medication\.symptoms: is long, so the physician-letter "
        r"runs onto page 2 \(headed as its continuation\); to keep it to one page, shorten this "
        r"by about \d+ characters",
        warnings[0],
    )
    assert len(PdfReader(Path("o", "0002", PHYSICIAN)).pages) == 2


def test_a_card_that_does_not_fit_is_left_out_with_a_warning(capsys):
    """Answers too long for a wallet card: the patient's letters are made without it."""
    long = "Extended-release clonazepam wafers " * 2
    rows = [ANA, {**LI, "medication.name": long.strip(), "medication.dose": long.strip()}]
    code, stdout, stderr = batch(capsys, table(*rows), Path("o"), "--jobs", "2")
    assert code == 0
    assert sorted(p.name for p in Path("o", "0002").iterdir()) == [PHYSICIAN, HOW_TO]
    warnings = [line for line in stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and long.strip() not in stderr
    assert warnings[0].startswith("warning: patients.csv: row 2: medication.")
    assert "so no wallet card was made: shorten this" in warnings[0]
    assert "2 letters and 1 wallet card in " in stdout


def test_batches_are_byte_identical_in_the_pool_or_not(capsys):
    rows = [ANA, SAM, {**LI, "settings.region": "uk"}]
    csv_file = table(*rows)
    one, pool = Path("one"), Path("pool")
    assert batch(capsys, csv_file, one, "--jobs", "1")[0] == 0
    assert batch(capsys, csv_file, pool, "--jobs", "2")[0] == 0
    files = [p.relative_to(one) for p in everything_under(one) if p.is_file()]
    # Each how-to sheet, letter and card (Sam has both letters), and the print file.
    assert len(files) == 3 + 4 + 3 + 1
    for name in files:
        assert (one / name).read_bytes() == (pool / name).read_bytes(), name
    # The pool's workers made Li's how-to sheet in her region: the UK's crisis lines.
    assert "Samaritans" in text_of(PdfReader(pool / "0003" / HOW_TO))
    assert "Samaritans" not in text_of(PdfReader(pool / "0001" / HOW_TO))


def test_progress_is_plain_lines_off_a_terminal(capsys):
    code, stdout, stderr = batch(capsys, table(ANA, {**LI, "id": "li"}), Path("o"))
    assert code == 0
    assert stderr.splitlines() == [
        "  0001/ rendered (1 of 2)",
        "  li/ rendered (2 of 2)",
        "  writing a folder for each patient, and the print file",
    ]
    assert "\r" not in stderr
    assert stdout.splitlines()[1] == (
        "These letters hold health information: print them, then keep them private."
    )


def test_progress_is_a_bar_on_a_terminal(capsys, monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    code, _, stderr = batch(capsys, table(ANA, LI), Path("o"))
    assert code == 0
    assert stderr.split("\r")[1:] == [
        f"  [{'-' * 30}] 0/2 patients",
        f"  [{'#' * 15}{'-' * 15}] 1/2 patients",
        f"  [{'#' * 30}] 2/2 patients\n  writing a folder for each patient, and the print file\n",
    ]


def test_files_are_private(capsys):
    out = Path("new", "out")
    assert batch(capsys, table(ANA, SAM), out)[0] == 0
    for path in [out, *everything_under(out)]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), path


def test_init_batch_template_round_trips(capsys):
    template = Path("patients.csv")
    code, stdout, _ = run(capsys, "init-batch", template)
    assert code == 0
    assert stat.S_IMODE(template.stat().st_mode) == 0o600
    assert "employer.accommodations" in stdout and "flexible-hours;remote-work" in stdout
    assert stdout.endswith(" letters --batch patients.csv --out patients-letters\n")
    header, example = list(csv.reader(io.StringIO(template.read_text(encoding="utf-8-sig"))))
    assert tuple(header) == TEMPLATE_COLUMNS
    # Left as it is, the made-up example is refused: no letters for a person who does not exist.
    out = Path("out")
    code, _, stderr = batch(capsys, template, out)
    assert code == 2 and not out.exists()
    assert stderr.splitlines()[0] == (
        "error: patients.csv: row 1: person.name: Jordan Lee is the template's made-up example: "
        "write a patient's own details in this row, or delete it"
    )
    # Filled in, the same row makes a letter.
    filled = dict(zip(header, example, strict=True))
    filled.update(ANA)
    with template.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([header, [filled[c] for c in header]])
    code, _, stderr = batch(capsys, template, out)
    assert code == 0, stderr
    assert "Ana Quillfeather" in text_of(PdfReader(out / "0001" / PHYSICIAN))
    # Never overwritten.
    code, _, stderr = run(capsys, "init-batch", template)
    assert (code, stderr) == (2, "error: patients.csv: already exists; not overwritten (pick "
                                 "another name)\n")  # fmt: skip


def test_unknown_and_missing_columns(capsys):
    rows = [{"person.nmae": "x", "dose": "1 mg", "medication.name": "clonazepam"}]
    code, _, stderr = batch(capsys, table(*rows), Path("out"))
    assert code == 2
    assert stderr.splitlines() == [
        "error: patients.csv: header: person.nmae: unknown column; did you mean 'person.name'?",
        "error: patients.csv: header: dose: unknown column; did you mean 'medication.dose'?",
        "error: patients.csv: header: person.name: is missing: every patient's letters need "
        "their name",
    ]
    # A column's mistake is every row's: --skip-bad cannot leave it out.
    assert batch(capsys, table(*rows), Path("out"), "--skip-bad")[0] == 2
    assert not Path("out").exists()


def test_a_setting_by_its_short_and_long_names_is_one_column_twice(capsys):
    code, _, stderr = batch(capsys, table({**ANA, "lang": "en", "settings.lang": "es"}), Path("o"))
    assert code == 2
    assert stderr == (
        "error: patients.csv: header: settings.lang: is column 6 and column 7: keep one of them\n"
    )


def test_a_spreadsheets_semicolons_and_the_lang_column(capsys):
    """Where a comma is the decimal mark, spreadsheets save CSV with ; between columns."""
    rows = [{**SAM, "lang": "en"}, {**LI, "lang": "fr"}]
    csv_file = table(*rows, delimiter=";")
    assert '"fatigue;sleep"' in csv_file.read_text()
    code, _, stderr = batch(capsys, csv_file, Path("out"))
    assert code == 2
    # lang is settings.lang for short, as at the top of a details file.
    languages = ", ".join(LANGS)  # en, es
    assert stderr == (
        "error: patients.csv: row 2: settings.lang: unknown choice 'fr'; write one of "
        f"{languages}\n"
    )


def test_each_patient_in_their_own_language(capsys):
    rows = [ANA, {**LI, "lang": "es", "id": "li"}]
    code, _, stderr = batch(capsys, table(*rows), Path("o"), "--only", "physician-letter")
    assert code == 0, stderr
    assert sorted(p.name for p in Path("o", "li").iterdir()) == [
        "physician-letter-es.pdf",
        "using-your-letters-es.pdf",
    ]
    spanish = text_of(PdfReader(Path("o", "li", "physician-letter-es.pdf")))
    english = text_of(PdfReader(Path("o", "0001", PHYSICIAN)))
    assert "Li Marrowfield" in spanish and "Dear" in english and "Dear" not in spanish
    titles = [
        [t for t, _ in children] for _, _, children in outline(PdfReader(Path("o", "letters.pdf")))
    ]
    assert titles[0] != titles[1], "each bookmark in its patient's language"


def test_where_batch_letters_may_go(capsys):
    csv_file = table(ANA)
    code, _, stderr = run(capsys, "letters", "--batch", csv_file)
    assert code == 2 and stderr.startswith("error: --out: --batch needs --out DIR")
    (Path("full")).mkdir()
    (Path("full") / "old.pdf").write_bytes(b"%PDF")
    code, _, stderr = batch(capsys, csv_file, Path("full"))
    assert code == 2 and "full: is not empty" in stderr
    code, _, stderr = run(capsys, "letters", "--details", "d.toml", "--skip-bad")
    assert (code, stderr) == (2, "error: --skip-bad: goes with --batch, for letters for many "
                                 "patients\n")  # fmt: skip
