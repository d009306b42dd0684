"""Letters for many patients: a CSV of details in, a folder per patient and one print file out.

Each row is a details file in another shape: its columns are the field registry's keys, and each
row goes through the same validation (details.validate_details) as a person's own file. Every
row is checked before anything renders, every letter is rendered (on the process pool) before
anything is written, and nothing is written unless every row is good (or skip_bad says to leave
the bad ones out). The values travel to the workers inside each Job, through the pool's pipes
only: no temporary file, log, cache or manifest ever holds them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

from .config import Clinic
from .content import Handout
from .details import validate_details
from .editions import Edition
from .errors import InputError, Problem, did_you_mean
from .fields import (
    BOOL,
    BY_KEY,
    CHOICES,
    DATE,
    FIELDS,
    LETTER_SECTIONS,
    NUMBER,
    NUMBERS,
    ON_REQUEST,
    ONE,
    SETTINGS,
)
from .kinds import KINDS
from .language import DEFAULT_LANG, load_language
from .library import Library, load_library, select
from .output import write_atomic
from .personal import (
    PRIVATE,
    PRIVATE_FOLDER,
    RenderedLetters,
    beside_ids,
    letters_for,
    letters_of,
    letters_to_make,
    made_in,
    off_card,
    personal_name,
)
from .pool import default_jobs, run_jobs
from .project import Project
from .regions import today as today_is
from .renderer import Job, Rendered
from .settings import Settings, resolve

ID = "id"  # the one column that is not a detail: the patient's folder
# A setting may be named alone (lang for settings.lang), as at the top of a details file.
SHORT = {f.name: f.key for f in SETTINGS}
TEMPLATE_COLUMNS = (ID, *(f.key for f in FIELDS))
COLUMNS = (*TEMPLATE_COLUMNS, *SHORT)
SEPARATOR = ";"  # between the choices of one cell: flexible-hours;breaks
COMBINED = "letters.pdf"
# A folder name that is the same on every system: no path, no hidden file, no Windows device,
# no dot at the end (which Windows drops).
SAFE_ID = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9_.-]{0,62}[A-Za-z0-9_-])?$")
DEVICES = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$", re.IGNORECASE)
YES_NO = {"true": True, "yes": True, "y": True, "false": False, "no": False, "n": False}
# A spreadsheet saves with ; between columns where the decimal mark is a comma.
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
TEMPLATE_NOTE = "init-batch writes a template with every column"


@dataclass(frozen=True)
class Patient:
    """One good row: where its letters go, how they are made, and its checked details."""

    row: int
    folder: str
    settings: Settings
    letters: tuple[str, ...]
    own: bool  # has letters of their own (not a plan, note or card alone): the how-to sheet too
    values: Mapping[str, Any] = field(repr=False)


@dataclass(frozen=True)
class Progress:
    """Where a batch is: `done` of `total` patients rendered (`folder` the last one), then
    `writing` their folders and the print file."""

    done: int
    total: int
    folder: str = ""
    writing: bool = False


@dataclass
class Batch:
    """What a batch wrote: a folder per patient, the print file, rows left out, warnings."""

    out: Path
    folders: list[str] = field(default_factory=list)
    letters: int = 0
    cards: int = 0  # wallet cards, beside the letters
    pages: int = 0  # in the print file
    skipped: list[Problem] = field(default_factory=list)  # the bad rows' problems (skip_bad)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def combined(self) -> Path:
        return self.out / COMBINED


def make_batch(
    project: Project,
    table: Path,
    out: Path,
    *,
    paper: str | None = None,
    large_print: bool = False,
    region: str | None = None,
    lang: str | None = None,
    only: Sequence[str] | None = None,
    clinic: Clinic | None = None,
    skip_bad: bool = False,
    jobs: int | None = None,
    today: dt.date | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> Batch:
    """Check every row, render every patient's letters, then write them under `out`.

    `paper`, `region` and `lang` are the command line's, which outrank each row's columns
    (settings.py). `out` must be new or empty, so one batch's letters never mix with another's.
    """
    shown = _shown(table)
    columns, rows, problems = read_table(table, shown)
    problems += _out_problems(out)
    english = load_library(project, clinic)
    letters = letters_of(english)
    select(letters, only, what="letter")  # an unknown id is said once, not on every row
    # Messages in the command's language (--lang, else the clinic's): one reader, many rows.
    told = lang or (clinic.lang if clinic else None) or DEFAULT_LANG
    words = load_language(project.strings, told).strings.get("messages")
    patients, bad = check_rows(
        rows,
        shown,
        letters,
        only,
        project.styles / "print.css",
        today or today_is(),
        words,
        missing=() if "person.name" in columns else ("person.name",),
    )
    if problems or (bad and not skip_bad) or not patients:
        raise InputError([*problems, *bad] or Problem(shown, "has no patients: add a row"))
    patients = [_settled(p, paper, region, lang, clinic) for p in patients]
    libraries = _libraries(project, clinic, patients, english)
    made = render_batch(project, clinic, libraries, patients, large_print, shown, jobs, progress)
    if made.problems and not skip_bad:
        raise InputError(made.problems)
    good = [p for p in patients if p.row in made.documents]
    if not good:
        raise InputError([*bad, *made.problems])
    if progress:
        progress(Progress(len(patients), len(patients), writing=True))
    pages = write_batch(out, good, made.documents)
    return Batch(
        out,
        folders=[p.folder for p in good],
        letters=made.letters,
        cards=made.cards,
        pages=pages,
        skipped=sorted([*bad, *made.problems], key=_by_row),
        warnings=made.warnings,
    )


def read_table(path: Path, shown: str) -> tuple[list[str], list[tuple[int, dict[str, str]]], list]:
    """The CSV's columns, its rows (data row number, column -> cell) and the header's problems.

    Row 1 is the first row under the header. A row with every cell empty is left out (a
    spreadsheet saves them at the end), but keeps its number.
    """
    text = _text(path, shown)
    lines = text.splitlines()
    delimiter = _delimiter(lines[0] if lines else "")
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if not records or not any(cell.strip() for cell in records[0]):
        raise InputError(Problem(shown, f"has no header row naming the columns; {TEMPLATE_NOTE}"))
    header = [cell.strip() for cell in records[0]]
    problems = _header_problems(header, records[1:], shown)
    rows = []
    for number, record in enumerate(records[1:], start=1):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) > len(header) and any(c.strip() for c in record[len(header) :]):
            problems.append(
                Problem(
                    _row(shown, number),
                    f"has {len(record)} cells, more than the header's {len(header)} columns; "
                    f"a value with a {DELIMITERS[delimiter]} in it goes between double quote "
                    "marks",
                )
            )
            continue
        cells = {name: cell for name, cell in zip(header, record, strict=False) if name}
        rows.append((number, cells))
    return [name for name in header if name], rows, problems


def _text(path: Path, shown: str) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(Problem(shown, f"file not found; {TEMPLATE_NOTE}")) from None
    except IsADirectoryError:
        raise InputError(Problem(shown, "is a folder, not a CSV file")) from None
    except OSError as exc:
        raise InputError(Problem(shown, f"cannot be read ({exc.strerror})")) from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")  # a spreadsheet's "Unicode text"
    if b"\x00" in raw or raw.startswith((b"%PDF", b"PK\x03\x04")):
        message = "is not a CSV file: save the spreadsheet as CSV (comma-separated values)"
        raise InputError(Problem(shown, message))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = raw.count(b"\n", 0, exc.start)  # the header is line 1, so row n is line n + 1
        where = _row(shown, row) if row else shown
        message = "is not saved as UTF-8: save it again as CSV UTF-8 (in Excel: Save As, CSV UTF-8)"
        raise InputError(Problem(where, message)) from None


def _delimiter(header: str) -> str:
    """The separator that splits the header into the most known columns (comma on a tie)."""
    return max(DELIMITERS, key=lambda d: sum(c.strip() in COLUMNS for c in header.split(d)))


def _header_problems(header: list[str], records: list[list[str]], shown: str) -> list[Problem]:
    where = f"{shown}: header"
    problems = []
    seen: dict[str, int] = {}
    for index, name in enumerate(header, start=1):
        if not name:
            if any(len(r) >= index and r[index - 1].strip() for r in records):
                problems.append(Problem(where, f"column {index} has values but no name"))
            continue
        key = SHORT.get(name, name)
        if key in seen:
            message = f"is column {seen[key]} and column {index}: keep one of them"
            problems.append(Problem(where, message, field=name))
        seen.setdefault(key, index)
        if name not in COLUMNS:
            problems.append(Problem(where, f"unknown column{_column_hint(name)}", field=name))
    if header and "person.name" not in seen:
        message = "is missing: every patient's letters need their name"
        problems.append(Problem(where, message, field="person.name"))
    return problems


def _column_hint(name: str) -> str:
    hint = did_you_mean(name, COLUMNS)
    if hint.startswith("; did you mean"):
        return hint
    # A details file's name alone (region, dose) when one field has it: say its column.
    keys = [f.key for f in FIELDS if f.name == name.split(".")[-1]]
    if len(keys) == 1:
        return f"; did you mean '{keys[0]}'?"
    return f"; columns are named like person.name ({TEMPLATE_NOTE})"


def check_rows(
    rows: Iterable[tuple[int, Mapping[str, str]]],
    shown: str,
    letters: Sequence[Handout],
    only: Sequence[str] | None,
    stylesheet: Path,
    today: dt.date,
    words: Mapping[str, str] | None = None,
    missing: Sequence[str] = (),
) -> tuple[list[Patient], list[Problem]]:
    """Every row checked: the good ones as Patients, and every problem of the bad ones.

    `letters` are the project's letters; `only` the ids of those asked for by name; `words` the
    messages' language. `missing` are columns the header lacks, said once there rather than on
    every row. A Patient's settings are settled later (settings.py's order).
    """
    patients: list[Patient] = []
    problems: list[Problem] = []
    folders: dict[str, int] = {}
    for number, cells in rows:
        source = _row(shown, number)
        found: list[Problem] = []
        folder, refused = _folder(cells.get(ID, ""), number, source)
        found += refused
        taken = folders.get(folder.casefold())
        if taken and not refused:
            message = f"names the same folder as row {taken}: each patient needs their own id"
            found.append(Problem(source, message, field=ID))
        folders.setdefault(folder.casefold(), number)
        data = details(cells)
        wanted, mine, empty, absent = letters_for(data, letters, only)
        values, invalid = validate_details(data, wanted, today, source, None, stylesheet, words)
        found += [p for p in invalid if p.field not in missing]
        found += _example(cells, source)
        if only and (empty or absent):
            found += [_nothing_for(id, source) for id in [*empty, *absent]]
        elif not wanted:
            found.append(_nothing_for(None, source))
        if found:
            problems += found
        else:
            own = bool(mine)
            patients.append(Patient(number, folder, Settings(), tuple(wanted), own, values))
    return patients, problems


def details(cells: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """A row as a details file's data: an empty cell is a key left out, choices split at ;."""
    data: dict[str, dict[str, Any]] = {}
    for key, cell in cells.items():
        known = BY_KEY.get(SHORT.get(key, key))
        if known is None or not cell.strip():
            continue
        data.setdefault(known.section, {})[known.name] = _value(known.type, cell)
    return data


def _value(kind: str, cell: str) -> Any:
    if kind in (CHOICES, NUMBERS):
        items = [item.strip() for item in cell.split(SEPARATOR) if item.strip()]
        return [int(i) if kind == CHOICES and i.isdigit() else i for i in items]
    if kind == BOOL:
        return YES_NO.get(cell.strip().casefold(), cell)
    return cell


def _folder(written: str, number: int, source: str) -> tuple[str, list[Problem]]:
    """A patient's folder: their id, else the row number (0007), so names stay out of paths."""
    id = written.strip()
    if not id:
        return f"{number:04d}", []
    if SAFE_ID.match(id) and not DEVICES.match(id) and id.casefold() != COMBINED:
        return id, []
    message = (
        "cannot name a folder: use letters, digits, - _ and . (up to 64, starting with a "
        "letter or digit), or leave it empty for the row number"
    )
    return f"{number:04d}", [Problem(source, message, field=ID)]


def _example(cells: Mapping[str, str], source: str) -> list[Problem]:
    """The template's example row, left as it was: its made-up person must not get letters."""
    name = BY_KEY["person.name"]
    if cells.get(name.key, "").strip() != name.example:
        return []
    message = (
        f"{name.example} is the template's made-up example: write a patient's own details in "
        "this row, or delete it"
    )
    return [Problem(source, message, field=name.key)]


def _nothing_for(letter: str | None, source: str) -> Problem:
    if letter in ON_REQUEST:
        message = f"the {letter} needs its {ON_REQUEST[letter]}.* columns filled in"
        return Problem(source, message)
    if letter is not None:
        return Problem(source, f"the {letter} needs {_columns(letter)} filled in")
    either = " or ".join(f"{_columns(id)} (the {id})" for id in LETTER_SECTIONS)
    return Problem(source, f"no letter to make: fill in {either}")


def _columns(letter: str) -> str:
    return " or ".join(f"the {section}.* columns" for section in LETTER_SECTIONS[letter])


def _settled(
    patient: Patient, paper: str | None, region: str | None, lang: str | None, clinic
) -> Patient:
    """Region, paper and language: the command line's, else the row's, else the clinic's."""
    return replace(patient, settings=resolve(region, paper, patient.values, clinic, lang))


def _libraries(
    project: Project, clinic: Clinic | None, patients: Sequence[Patient], english: Library
) -> dict[str, Library]:
    """Each language's sheets that the patients need (a translation may be in progress)."""
    libraries = {DEFAULT_LANG: english}
    for code in sorted({p.settings.lang for p in patients} - {DEFAULT_LANG}):
        needed = {id for p in patients if p.settings.lang == code for id in p.letters}
        needed |= set(beside_ids(english))
        libraries[code] = load_library(project, clinic, code, only=needed)
    return libraries


class Document(NamedTuple):
    """One PDF of a patient's: its file name, its title (the print file's bookmark) and bytes."""

    name: str
    title: str
    data: bytes


@dataclass
class Rendering:
    """Every good patient's documents (by row), the letters' warnings, and rows that failed."""

    documents: dict[int, list[Document]] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    letters: int = 0
    cards: int = 0


def render_batch(
    project: Project,
    clinic: Clinic | None,
    libraries: Mapping[str, Library],
    patients: Sequence[Patient],
    large_print: bool,
    shown: str,
    jobs: int | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> Rendering:
    """Every patient's letters, and the how-to sheet beside them (once for each edition,
    language and region), rendered on the process pool, in memory."""
    work: list[Job] = []
    letters: dict[int, list[Handout]] = {}
    for patient in patients:
        settings = patient.settings
        source = _row(shown, patient.row)
        library = libraries[settings.lang]
        letters[patient.row] = letters_to_make(library, patient.values, patient.letters, source)
        work += [
            replace(_job(patient, letter, large_print), values=patient.values)
            for letter in letters[patient.row]
        ]
    beside = {_beside(p, large_print) for p in patients if p.own}
    for edition, lang, region in sorted(beside, key=lambda b: (b[0].name, b[1], b[2])):
        for sheet in libraries[lang].handouts:
            if KINDS[sheet.kind].beside_letters:
                work.append(Job("sheet", sheet.id, edition, lang, region=region))
    if progress:
        progress(Progress(0, len(patients)))
    results: dict[Job, Rendered] = {}
    remaining = {p.row: len(letters[p.row]) for p in patients}
    folders = {p.row: p.folder for p in patients}
    # Just the sheets the batch needs, in every language (a translation may be in progress).
    needed = sorted(
        {id for p in patients for id in p.letters} | set(beside_ids(libraries[DEFAULT_LANG]))
    )
    for result in run_jobs(project, clinic, work, jobs or default_jobs(), only=needed):
        # A Job's identity leaves out its values: the row tells one patient's from another's.
        results[result.job] = result
        row = result.job.row
        if row:
            remaining[row] -= 1
            if not remaining[row] and progress:
                done = sum(1 for left in remaining.values() if not left)
                progress(Progress(done, len(patients), folders[row]))
    made = Rendering()
    for patient in patients:
        source = _row(shown, patient.row)
        rendered = RenderedLetters()
        failed = False
        to_make = letters[patient.row]
        for letter in to_make:
            result = results[_job(patient, letter, large_print)]
            if not result.problems:
                rendered.add(letter, result, patient.values, source)
            elif _card(letter) and len(to_make) > 1:
                # A card that does not fit is not made; the letters are made without it.
                found = result.problems
                rendered.warnings.append(off_card(letter, patient.values, found, source, {}, False))
            else:
                made.problems.append(_not_made(letter, patient.values, result, source))
                failed = True
        if failed:
            continue
        edition, lang, region = _beside(patient, large_print)
        sheets = [h for h in libraries[lang].handouts if KINDS[h.kind].beside_letters]
        documents = [
            Document(
                personal_name(h.id, edition, lang),
                h.title,
                results[Job("sheet", h.id, edition, lang, region=region)].data,
            )
            for h in (sheets if patient.own else [])
        ]
        titles = {personal_name(h.id, made_in(h, edition), lang): h.title for h in to_make}
        documents += [Document(name, titles[name], data) for name, data in rendered]
        cards = {personal_name(h.id, made_in(h, edition), lang) for h in to_make if _card(h)}
        made.cards += sum(1 for name, _ in rendered if name in cards)
        made.letters += sum(1 for name, _ in rendered if name not in cards)
        made.documents[patient.row] = documents
        made.warnings += rendered.warnings
    return made


def _job(patient: Patient, letter: Handout, large_print: bool) -> Job:
    """A patient's letter as a job, without its values (which a job's identity leaves out)."""
    settings = patient.settings
    edition = made_in(letter, Edition(settings.paper, large_print))
    return Job(
        "personal", letter.id, edition, settings.lang, region=settings.region, row=patient.row
    )


def _beside(patient: Patient, large_print: bool) -> tuple[Edition, str, str]:
    settings = patient.settings
    return Edition(settings.paper, large_print), settings.lang, settings.region


def _card(letter: Handout) -> bool:
    """The wallet card: made beside a person's letters, and counted apart from them."""
    return KINDS[letter.kind].with_letters


def _not_made(letter: Handout, values: Mapping[str, Any], result: Rendered, source: str):
    """A letter past the most pages it may take, or a card asked for alone that does not fit:
    rare, for the registry's lengths prevent both."""
    if _card(letter):
        return off_card(letter, values, result.problems, source, {}, True)
    said = "; ".join(p.message for p in result.problems)
    return Problem(source, f"the {letter.id} does not fit ({said}): shorten the longest answers")


def write_batch(out: Path, patients: Sequence[Patient], documents: Mapping[int, list[Document]]):
    """A private folder per patient (the how-to sheet, then the letters), then the print file:
    every patient's documents in row order, a bookmark per patient named by their folder.

    Returns the print file's page count.
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    writer = PdfWriter()
    writer.add_metadata({"/Creator": "handoutkit"})
    # What a print dialog offers first: one-sided (each letter goes to a different person, so
    # no two may share a sheet) and at actual size.
    preferences = writer.create_viewer_preferences()
    preferences.duplex = NameObject("/Simplex")
    preferences.print_scaling = NameObject("/None")
    # The same how-to sheet is beside every letter of one paper and region: read once, its
    # pages are added again and again, sharing their fonts (a smaller file, made sooner).
    uses = Counter(d.data for mine in documents.values() for d in mine)
    read: dict[bytes, PdfReader] = {}
    try:
        out.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
        for patient in patients:
            folder = out / patient.folder
            folder.mkdir(mode=PRIVATE_FOLDER)
            starts = []
            for document in documents[patient.row]:
                write_atomic(folder / document.name, document.data, PRIVATE)
                starts.append(len(writer.pages))
                pdf = read.get(document.data) or PdfReader(io.BytesIO(document.data))
                if uses[document.data] > 1:
                    read[document.data] = pdf
                for page in pdf.pages:
                    writer.add_page(page)
            # By folder, not by name: the bookmarks list every patient at a glance on screen.
            mark = writer.add_outline_item(title=patient.folder, page_number=starts[0])
            for document, start in zip(documents[patient.row], starts, strict=True):
                writer.add_outline_item(title=document.title, page_number=start, parent=mark)
        buffer = io.BytesIO()
        writer.write(buffer)
        write_atomic(out / COMBINED, buffer.getvalue(), PRIVATE)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise InputError(Problem(_shown(out), f"cannot be written ({reason})")) from None
    return len(writer.pages)


def template() -> bytes:
    """The CSV that init-batch writes: a header naming every column, and one example row.

    The example row holds only what a person's starter file holds (a made-up name and date of
    birth, every request), and is refused until its name is changed, so its made-up person never
    gets letters. Saved with a byte-order mark, so that Excel opens accented names right.
    """
    buffer = io.StringIO()
    rows = [TEMPLATE_COLUMNS, ["", *(_example_cell(f) for f in FIELDS)]]
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def _example_cell(known) -> str:
    if known.section in ON_REQUEST.values():
        return ""  # a plan or a clinician's note is written by a clinician: no made-up one
    example = known.example
    if isinstance(example, bool):
        return str(example).lower()
    if isinstance(example, tuple | list):
        return SEPARATOR.join(str(e) for e in example)
    return str(example)


def column_guide(strings: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Each column and what it takes, for init-batch to show (CSV has no comments)."""
    guide = [
        (ID, "the patient's folder: letters, digits, - _ and .; empty: the row number (0007)"),
    ]
    for known in FIELDS:
        said = [strings["fields"][known.key]["help"].split(";")[0]]
        if known.always_required:
            said.append("required")
        elif known.required_for:
            said.append(f"needed for the {known.required_for[0]}")
        said.append(_how_written(known))
        guide.append((known.key, "; ".join(s for s in said if s)))
    return guide


def _how_written(known) -> str:
    if known.type == DATE:
        return "year-month-day, like 2026-12-01"
    if known.type == BOOL:
        return "true or false"
    if known.type == ONE:
        return f"one of {', '.join(known.choices)}; empty: the clinic's"
    if known.type == NUMBER:
        return "a number"
    if known.type == NUMBERS:
        return f"numbers, with {SEPARATOR} between them"
    if known.type == CHOICES:
        every = "all, or " if known.all_choice else ""
        return f"{every}some of {SEPARATOR.join(known.choices)} (with {SEPARATOR} between them)"
    return "line breaks allowed" if known.multiline else ""


def _out_problems(out: Path) -> list[Problem]:
    """A batch writes into a new or empty folder only: one batch's letters never mix with
    another's, and a folder left from an earlier run is never half overwritten."""
    if out.exists() and not out.is_dir():
        return [Problem(_shown(out), "is a file, not a folder: choose another with --out")]
    if out.is_dir() and any(out.iterdir()):
        message = "is not empty: choose a new folder with --out, or empty this one first"
        return [Problem(_shown(out), message)]
    return []


def _row(shown: str, number: int) -> str:
    return f"{shown}: row {number}"


def _by_row(problem: Problem) -> tuple[int, str]:
    match = re.search(r": row (\d+)$", problem.source)
    return (int(match.group(1)) if match else 0, problem.source)


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()
