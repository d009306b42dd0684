"""Command line: parses arguments, calls the library, prints and exits; nothing else prints."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shlex
import shutil
import sys
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from .build import WHOLE_BOOKLET_IDS, Built, build
from .config import Clinic, find_clinic, load_clinic
from .editions import ALL_EDITIONS, DUPLEX, PAPERS, Edition
from .errors import ContentError, HandoutError, InputError, Problem, did_you_mean
from .language import DEFAULT_LANG, LANGS
from .library import load_library
from .project import CONTENT_FOLDERS, Project, find_project
from .regions import REGIONS

PROG = "handouts"
EXAMPLE_CLINIC = "clinic.example.toml"
BAR_WIDTH = 30  # the batch's progress bar, in characters
ALL_EDITIONS_ALONE = (
    "makes both papers in standard and large print; leave out --paper and --large-print"
)

DESCRIPTION = """\
Printable handouts about benzodiazepine tapering and withdrawal: one PDF per sheet and a
booklet with all of them, from the Markdown files in handouts/. With no command, builds."""

EPILOG = """\
examples:
  handouts                                    build the US Letter edition into build/letter/
  handouts build --paper a4 --large-print     the large-print A4 edition, into build/a4-large/
  handouts check                              validate every sheet and print its reading grade
  handouts init-details my-details.toml       a details file to fill in for your own letters
  handouts letters --details my-details.toml  your letters, into build/personal/
  handouts init-batch patients.csv            a CSV for letters for many patients
  handouts letters --batch patients.csv --out letters/   a folder of letters per patient
  handouts new my-clinic                      start your clinic's own copy of the sheets
  handouts serve                              make your letters in the browser

`python make_handouts.py ...` and `python -m handoutkit ...` take the same commands."""


def version_text() -> str:
    try:
        return f"{PROG} {version('handoutkit')}"
    except PackageNotFoundError:  # Run from a checkout that was never installed.
        return f"{PROG} (not installed)"


def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(
        prog=PROG,
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    main_parser.add_argument("--version", action="version", version=version_text())
    commands = main_parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--clinic",
        type=Path,
        metavar="FILE",
        help="clinic file: name, phone, logo, colour, paper, region "
        "(default: clinic.toml in the current folder, if there is one)",
    )
    common.add_argument(
        "--project",
        type=Path,
        metavar="DIR",
        help="folder with handouts/, templates/ and styles/ (default: the current folder "
        "when it has handouts/, else the sheets that come with the program)",
    )
    edition = argparse.ArgumentParser(add_help=False)
    edition.add_argument(
        "--paper", choices=PAPERS, help="letter (US) or a4; default: the clinic's, else letter"
    )
    edition.add_argument(
        "--large-print", action="store_true", help="18 pt text, into <paper>-large/"
    )
    language = argparse.ArgumentParser(add_help=False)
    language.add_argument(
        "--lang",
        choices=LANGS,
        help="the sheets' language: en (handouts/) or es (Spanish, handouts/es/, into "
        "build/es/<edition>/); default: the clinic's, else en",
    )

    def command(name, help, description, example, parents=(common,)):
        return commands.add_parser(
            name,
            parents=list(parents),
            help=help,
            description=description,
            epilog=f"example:\n  {example}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    build_cmd = command(
        "build",
        "render every sheet and the booklet (the default)",
        "Render every sheet to build/<edition>/<id>.pdf, plus booklet.pdf and the letters' "
        "fillable twins, and list them in build/manifest.json. Unchanged outputs are reused.",
        "handouts build --paper a4 --only for-physicians",
        (common, edition, language),
    )
    build_cmd.add_argument(
        "--only", nargs="+", action="extend", metavar="ID", help="just these sheets; no booklet"
    )
    build_cmd.add_argument(
        "--out", type=Path, metavar="DIR", help="where to write (default: build/ here)"
    )
    build_cmd.add_argument(
        "--jobs", type=_positive, metavar="N", help="render in N processes (default: per CPU)"
    )
    build_cmd.add_argument(
        "--all-editions",
        action="store_true",
        help="every paper, standard and large print, in every language (or --lang's), in one run",
    )
    build_cmd.add_argument(
        "--duplex",
        choices=DUPLEX,
        default=DUPLEX[0],
        help="how your printer turns the paper for booklet-print.pdf: short-edge (the default; "
        "backs upright) or long-edge (backs printed upside down, for printers that need it)",
    )
    build_cmd.add_argument("--force", action="store_true", help="render even unchanged outputs")
    build_cmd.add_argument("--html", action="store_true", help="also write an HTML preview")
    _strict_option(build_cmd)
    build_cmd.set_defaults(run=cmd_build)

    command(
        "list", "list the sheets", "Show every sheet: id, audience, title, page budget.",
        "handouts list --lang es", (common, language),
    ).set_defaults(run=cmd_list)  # fmt: skip
    check_cmd = command(
        "check",
        "validate and render everything in memory; write nothing",
        "Validate every sheet, render every edition in memory, check page budgets and each "
        "sheet's reading grade against its audience's limit. Writes nothing.",
        "handouts check --paper a4",
        (common, language),
    )
    check_cmd.add_argument(
        "--paper", choices=PAPERS, action="append", help="only this paper (default: both)"
    )
    check_cmd.add_argument(
        "--only", nargs="+", action="extend", metavar="ID", help="just these sheets; no booklet"
    )
    _strict_option(check_cmd)
    check_cmd.set_defaults(run=cmd_check)
    watch_cmd = command(
        "watch",
        "rebuild on every save (Ctrl-C stops)",
        "Build, then rebuild what changed each time a sheet, template, style or the clinic "
        "file is saved.",
        "handouts watch --paper a4",
        (common, edition, language),
    )
    watch_cmd.add_argument("--out", type=Path, metavar="DIR", help="default: build/ here")
    watch_cmd.add_argument(
        "--only", nargs="+", action="extend", metavar="ID", help="just these sheets; no booklet"
    )
    watch_cmd.set_defaults(run=cmd_watch)
    _letter_commands(command)
    _serve_command(command)
    new_cmd = command(
        "new",
        "start a clinic's own project",
        "Copy the sheets, templates and styles into a new folder, with a clinic.toml to fill "
        "in. Nothing that exists is overwritten.",
        "handouts new my-clinic && cd my-clinic && handouts build",
    )
    new_cmd.add_argument("folder", type=Path, metavar="DIR", help="a new or empty folder")
    new_cmd.set_defaults(run=cmd_new)
    return main_parser


def _letter_commands(command) -> None:
    init_cmd = command(
        "init-details",
        "write a details file to fill in, for your letters",
        "Write a commented details file for your personal letters. An existing file is "
        "never overwritten.",
        "handouts init-details my-details.toml",
    )
    init_cmd.add_argument("file", type=Path, metavar="FILE", help="the file to create")
    init_cmd.add_argument(
        "--lang", choices=LANGS, help="the file's comments: en or es (Spanish); default: en"
    )
    init_cmd.set_defaults(run=cmd_init_details)
    letters_cmd = command(
        "letters",
        "make your letters from a details file",
        "Fill the physician letter and the employer request with your details; a [plan] "
        "section adds the taper plan, a [clinician_note] section the note of work limits. The "
        "PDFs hold health information: they are written only to --out (default "
        "build/personal/). With --batch, a CSV with a row per patient makes each patient's "
        "letters in a folder of their own under --out, and letters.pdf to print them all.",
        "handouts letters --details my-details.toml --paper a4",
    )
    letters_cmd.add_argument(
        "--paper",
        choices=PAPERS,
        help="letter (US) or a4; default: the details file's, else the clinic's, else letter",
    )
    letters_cmd.add_argument(
        "--large-print", action="store_true", help="18 pt text, into <id>-large.pdf"
    )
    source = letters_cmd.add_mutually_exclusive_group(required=True)
    source.add_argument("--details", type=Path, metavar="FILE", help="your details file")
    source.add_argument(
        "--batch",
        type=Path,
        metavar="CSV",
        help="letters for many patients: one row each, columns named like person.name "
        "(make a template with init-batch); needs --out",
    )
    letters_cmd.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="where to write (default: build/personal/; with --batch: a new or empty folder, "
        "which you must name)",
    )
    letters_cmd.add_argument(
        "--skip-bad",
        action="store_true",
        help="with --batch: make the letters of every good row, and list the bad rows",
    )
    letters_cmd.add_argument(
        "--jobs", type=_positive, metavar="N", help="with --batch: render in N processes"
    )
    letters_cmd.add_argument(
        "--only",
        nargs="+",
        action="extend",
        metavar="ID",
        help="just these, by id (for example physician-letter or taper-plan)",
    )
    letters_cmd.add_argument(
        "--region",
        choices=REGIONS,
        help="where you live: crisis lines, law and date style (default: the details "
        "file's, else the clinic's, else us)",
    )
    letters_cmd.add_argument(
        "--lang",
        choices=LANGS,
        help="the letters' language: en, or es (Spanish, into <id>-es.pdf); default: the "
        "details file's, else the clinic's, else en",
    )
    letters_cmd.set_defaults(run=cmd_letters)
    batch_cmd = command(
        "init-batch",
        "write a CSV template for letters for many patients",
        "Write a CSV with a column for every detail and one made-up example row, for "
        "`letters --batch`; each column is explained here. An existing file is never "
        "overwritten.",
        "handouts init-batch patients.csv",
    )
    batch_cmd.add_argument("file", type=Path, metavar="FILE", help="the CSV file to create")
    batch_cmd.set_defaults(run=cmd_init_batch)


def _strict_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--strict",
        action="store_true",
        help="fail on warnings too (crisis numbers not checked for six months, a missing law line)",
    )


def _serve_command(command) -> None:
    serve_cmd = command(
        "serve",
        "make your letters in the browser",
        "Start the web page for making your letters and downloading the handouts, and open it "
        "in your browser. It runs on this computer only (127.0.0.1) unless --host says "
        "otherwise. Nothing you type is kept. Ctrl-C stops it.",
        "handouts serve --port 8080 --no-open",
    )
    serve_cmd.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"
    )
    serve_cmd.add_argument(
        "--port", type=_port, default=8000, metavar="N", help="port (default: 8000; 0: any free)"
    )
    serve_cmd.add_argument(
        "--no-open", action="store_true", help="do not open the page in a browser"
    )
    serve_cmd.add_argument(
        "--workers",
        type=_positive,
        default=2,
        metavar="N",
        help="render processes (default: 2; each holds about 80 MB)",
    )
    serve_cmd.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a host name the page may be opened by, when --host is not this computer "
        "(repeat for more)",
    )
    serve_cmd.set_defaults(run=cmd_serve)


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"must be a port number, 0 to 65535; got {text!r}")
    return int(text)


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number, 1 or more; got {text!r}")
    return int(text)


def _commands(main_parser: argparse.ArgumentParser) -> list[str]:
    action = next(a for a in main_parser._actions if isinstance(a, argparse._SubParsersAction))
    return list(action.choices)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    main_parser = parser()
    names = _commands(main_parser)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
        argv.insert(0, "build")
    elif argv[0] not in names and not argv[0].startswith("-"):
        hint = did_you_mean(argv[0], names, "commands:", cutoff=0.5)
        print(f"error: unknown command '{argv[0]}'{hint}", file=sys.stderr)
        return 2
    args = main_parser.parse_args(argv)
    try:
        return args.run(args)
    except HandoutError as exc:
        for line in exc.lines():
            print(f"error: {line}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(
            "interrupted: files already written are complete; nothing is half-written",
            file=sys.stderr,
        )
        return 130


def _project(args: argparse.Namespace) -> Project:
    return find_project(args.project)


def _clinic(args: argparse.Namespace) -> Clinic | None:
    found = find_clinic(args.clinic)
    return load_clinic(found, _shown(found)) if found else None


def _edition(args: argparse.Namespace, clinic: Clinic | None) -> Edition:
    paper = args.paper or (clinic.paper if clinic and clinic.paper else "letter")
    return Edition(paper, args.large_print)


def _lang(args: argparse.Namespace, clinic: Clinic | None) -> str:
    """--lang, else the clinic file's language, else English."""
    return args.lang or (clinic.lang if clinic else None) or DEFAULT_LANG


def cmd_list(args: argparse.Namespace) -> int:
    library = load_library(_project(args), lang=args.lang or DEFAULT_LANG)
    rows = [("id", "audience", "title", "pages")]
    rows += [(h.id, h.audience, h.title, str(h.pages)) for h in library.handouts]
    print(_table(rows))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    clinic = _clinic(args)
    papers = args.paper or list(PAPERS)
    editions = [edition for edition in ALL_EDITIONS if edition.paper in papers]
    lang = _lang(args, clinic)
    built = build(
        _project(args),
        editions,
        out=None,
        clinic=clinic,
        warn=_warn,
        strict=args.strict,
        langs=(lang,),
        only=args.only,
    )
    grades = {b.output.id: b.grade for b in built if b.grade is not None}
    scores = {b.output.id: b.scores for b in built if b.scores is not None}
    if grades:
        print(_table([("sheet", "reading grade"), *((i, f"{g:.1f}") for i, g in grades.items())]))
    if scores:
        rows = [
            (i, f"{s.inflesz:.1f}", s.band, f"{s.fernandez_huerta:.1f}") for i, s in scores.items()
        ]
        print(_table([("sheet", "INFLESZ", "band", "Fernández-Huerta"), *rows], right={1, 3}))
    sheets = len({b.output.id for b in built if b.output.id not in WHOLE_BOOKLET_IDS})
    booklet = "" if args.only else " and the booklets"
    language = "" if lang == DEFAULT_LANG else f" ({lang})"
    print(
        f"\nok: {_count(sheets, 'sheet')}{booklet}{language} fit their page budgets in "
        f"{', '.join(e.name for e in editions)}; nothing written"
    )
    return 0


def cmd_init_details(args: argparse.Namespace) -> int:
    from .starter import starter_text

    path: Path = args.file
    lang = args.lang or DEFAULT_LANG
    project = _project(args)
    # The language's words and region names; the letters' sentences come one letter at a time.
    library = load_library(project, lang=lang, only=())
    command = f"{self_command()} letters --details {shlex.quote(_shown(path))}"
    if lang != DEFAULT_LANG:
        command += f" --lang {lang}"
    text = starter_text(
        command,
        dt.date.today(),
        library.language.strings,
        _choice_sentences(project, lang),
        _region_names(library),
    )
    try:
        # Readable by its owner only, as the letters are: it will hold their health details.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with open(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        problem = Problem(_shown(path), "already exists; not overwritten (pick another name)")
        raise InputError(problem) from None
    except OSError as exc:
        raise InputError(Problem(_shown(path), f"cannot be written: {exc.strerror}")) from None
    print(f"wrote {_shown(path)}: fill it in, then run")
    print(f"    {command}")
    return 0


def _region_names(library) -> dict[str, str]:
    return dict(library.region["names"])


def _choice_sentences(project: Project, lang: str) -> dict[str, dict[str, str]]:
    """What each letter says for each choice, for the starter file to show beside its name.

    A translation still being written may lack a letter: its choices are then listed without
    their sentences, never with the English ones."""
    from .kinds import KINDS
    from .placeholders import choice_sentences

    sentences: dict[str, dict[str, str]] = {}
    for letter in load_library(project).handouts:
        if not KINDS[letter.kind].fields or (lang != DEFAULT_LANG and not letter.spanish):
            continue
        try:
            handout = load_library(project, lang=lang, only=[letter.id]).by_id(letter.id)
        except ContentError:
            continue
        for key, said in choice_sentences(handout.body).items():
            sentences.setdefault(key, {}).update(said)
    return sentences


def self_command() -> str:
    """How the person ran this program, so the next command printed is one that works."""
    script = Path(sys.argv[0])
    if script.name == PROG:
        return PROG
    # Not resolved: .venv/bin/python is a link to the system's Python, which lacks the packages.
    python = shlex.quote(_as_typed(Path(sys.executable)))
    if script.name == "__main__.py":
        return f"{python} -m handoutkit"
    return f"{python} {shlex.quote(_as_typed(script))}" if script.suffix == ".py" else PROG


def _as_typed(path: Path) -> str:
    """A path relative to the current folder when inside it, links left as they are."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(Path(os.path.abspath(Path.cwd()))).as_posix()
    except ValueError:
        return absolute.as_posix()


def cmd_letters(args: argparse.Namespace) -> int:
    from .personal import build_letters

    if args.batch:
        return _letters_batch(args)
    for flag in ("skip_bad", "jobs"):
        if getattr(args, flag):
            option = "--" + flag.replace("_", "-")
            raise InputError(Problem(option, "goes with --batch, for letters for many patients"))
    out = (args.out or Path("build") / "personal").resolve()
    made = build_letters(_project(args), args.details, out, **_letter_options(args))
    for problem in made.skipped:
        print(f"skipped: {problem}")
    for path in made.written:
        print(f"wrote {_shown(path)}")
    for problem in made.warnings:
        print(f"warning: {problem}", file=sys.stderr)
    settings = made.settings
    language = "" if settings.lang == DEFAULT_LANG else f", language {settings.lang}"
    print(f"(region {settings.region}, paper {settings.paper}{language})")
    print("These letters hold your health information: print them, then keep them private.")
    return 0


def _letter_options(args: argparse.Namespace) -> dict[str, Any]:
    """How letters are made, as `letters` takes it for one person and for a batch alike."""
    return {
        "paper": args.paper,
        "large_print": args.large_print,
        "region": args.region,
        "lang": args.lang,
        "only": args.only,
        "clinic": _clinic(args),
    }


def _letters_batch(args: argparse.Namespace) -> int:
    from .batch import Progress, make_batch

    if args.out is None:
        message = (
            "--batch needs --out DIR: a new or empty folder for every patient's letters, which "
            "hold their health information"
        )
        raise InputError(Problem("--out", message))
    started = time.perf_counter()
    drawing = sys.stderr.isatty()

    def progress(step: Progress) -> None:
        if step.writing:
            print("  writing a folder for each patient, and the print file", file=sys.stderr)
        elif drawing:
            filled = BAR_WIDTH * step.done // step.total
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            end = "\n" if step.done == step.total else ""
            print(f"\r  [{bar}] {step.done}/{step.total} patients", end=end, file=sys.stderr)
        elif step.done:
            print(f"  {step.folder}/ rendered ({step.done} of {step.total})", file=sys.stderr)
        sys.stderr.flush()

    made = make_batch(
        _project(args),
        args.batch,
        args.out.resolve(),
        **_letter_options(args),
        skip_bad=args.skip_bad,
        jobs=args.jobs,
        progress=progress,
    )
    for problem in made.skipped:
        print(f"skipped: {problem}", file=sys.stderr)
    for problem in made.warnings:
        print(f"warning: {problem}", file=sys.stderr)
    skipped = len({p.source for p in made.skipped})
    print(
        f"ok: {_count(len(made.folders), 'patient')}, {_count(made.letters, 'letter')}"
        + (f" and {_count(made.cards, 'wallet card')}" if made.cards else "")
        + " in "
        f"{_shown(made.out)}/ (a folder each) and {_shown(made.combined)} "
        f"({_count(made.pages, 'page')} to print) in {time.perf_counter() - started:.1f} s"
        + (f"; {_count(skipped, 'bad row')} skipped" if skipped else "")
    )
    print("These letters hold health information: print them, then keep them private.")
    return 0


def cmd_init_batch(args: argparse.Namespace) -> int:
    from .batch import column_guide, template

    path: Path = args.file
    library = load_library(_project(args))
    try:
        # Readable by its owner only: it will hold patients' health details.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with open(descriptor, "wb") as handle:
            handle.write(template())
    except FileExistsError:
        problem = Problem(_shown(path), "already exists; not overwritten (pick another name)")
        raise InputError(problem) from None
    except OSError as exc:
        raise InputError(Problem(_shown(path), f"cannot be written: {exc.strerror}")) from None
    shown = shlex.quote(_shown(path))
    print(f"wrote {_shown(path)}: a row per patient. Its columns:")
    guide = column_guide(library.language.strings)
    width = max(len(column) for column, _ in guide)
    for column, said in guide:
        print(f"  {column.ljust(width)}  {said}")
    print(
        "Leave a cell empty for anything to write by hand. The example row's person is made "
        "up: write over it.\nThen run:"
    )
    out = shlex.quote(_shown(path.with_name(f"{path.stem}-letters")))
    print(f"    {self_command()} letters --batch {shown} --out {out}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .web.serve import serve
    from .web.settings import LOCAL_HOSTS, Settings, is_loopback

    host = args.host
    if is_loopback(host):
        hosts = LOCAL_HOSTS  # local mode: turn away any other Host (DNS rebinding)
    elif args.allowed_host:
        hosts = tuple(args.allowed_host)
    elif host in ("0.0.0.0", "::"):
        problem = Problem("--host", f"{host} listens on every network: name the addresses "
                          "people will type with --allowed-host NAME")  # fmt: skip
        raise InputError(problem)
    else:
        hosts = (host,)
    settings = Settings(
        project=_project(args),
        clinic=_clinic(args),
        build_dir=Path("build").resolve(),
        allowed_hosts=hosts,
        workers=args.workers,
    )

    def ready(url: str) -> None:
        print(f"Make my letter is ready at {url}", flush=True)
        print("Nothing you type is kept. Press Ctrl-C here to stop.", flush=True)
        if not args.no_open:
            import webbrowser

            webbrowser.open(url)

    print("Starting: the letter makers warm up for a few seconds...", flush=True)
    serve(settings, host, args.port, ready)
    print("stopped")
    return 0


def cmd_watch(args: argparse.Namespace) -> int:
    from .watch import Round, watch

    clinic = _clinic(args)
    out = (args.out or Path("build")).resolve()
    edition = _edition(args, clinic)

    def report(round_: Round) -> None:
        if round_.changed:
            print(f"changed: {', '.join(round_.changed)}")
        for path in round_.removed:
            print(f"  removed {_shown(out / path)}: no sheet in handouts/ makes it any more")
        for line in round_.warnings:
            print(f"warning: {line}", file=sys.stderr, flush=True)
        for line in round_.errors:
            print(f"error: {line}", file=sys.stderr, flush=True)
        rendered = sum(1 for b in round_.built if not b.reused)
        if not round_.errors:
            print(
                f"ok: {rendered} rendered, {len(round_.built) - rendered} unchanged; "
                "watching for changes (Ctrl-C stops)",
                flush=True,
            )

    try:
        watch(
            _project(args),
            [edition],
            out,
            args.clinic,
            report,
            progress=_progress(out),
            lang=_lang(args, clinic),
            only=args.only,
        )
    except KeyboardInterrupt:
        print("stopped watching", file=sys.stderr)
        return 130
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    clinic = _clinic(args)
    out = (args.out or Path("build")).resolve()
    if args.all_editions:
        if args.paper or args.large_print:
            raise InputError(Problem("--all-editions", ALL_EDITIONS_ALONE))
        editions, langs = ALL_EDITIONS, (args.lang,) if args.lang else LANGS
    else:
        editions, langs = [_edition(args, clinic)], (_lang(args, clinic),)
    started = time.perf_counter()
    removed: list[str] = []

    def withdrawn(path: str) -> None:
        removed.append(path)
        print(f"  removed {_shown(out / path)}: no sheet in handouts/ makes it any more")

    built = build(
        _project(args),
        editions,
        out,
        removed=withdrawn,
        only=args.only,
        progress=_progress(out),
        clinic=clinic,
        jobs=args.jobs,
        force=args.force,
        html=args.html,
        langs=langs,
        warn=_warn,
        strict=args.strict,
        duplex=args.duplex,
    )
    elapsed = time.perf_counter() - started
    folder = "" if langs[0] == DEFAULT_LANG else f"{langs[0]}/"
    where = out if len(editions) > 1 or len(langs) > 1 else out / f"{folder}{editions[0].name}"
    reused = sum(1 for b in built if b.reused)
    print()
    print(_summary(built))
    print(
        f"\n{_count(len(built), 'PDF')} in {_shown(where)} in {elapsed:.1f} s: "
        f"{len(built) - reused} rendered, {reused} unchanged and reused"
        + (f", {_count(len(removed), 'withdrawn output')} removed" if removed else "")
        + f"; list: {_shown(out / 'manifest.json')}"
    )
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    source = _project(args)
    folder: Path = args.folder
    shown = _shown(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise InputError(Problem(shown, "already exists and is not empty; nothing was copied"))
    for name in CONTENT_FOLDERS:
        shutil.copytree(source.root / name, folder / name, ignore=_leftovers)
    example = source.root / EXAMPLE_CLINIC
    (folder / "clinic.toml").write_text(_blank_clinic(example), encoding="utf-8")
    print(f"made {shown}/ with handouts/, templates/, styles/ and clinic.toml")
    print(f"    cd {shown}   then fill in clinic.toml, and run: {self_command()} build")
    return 0


def _leftovers(folder: str, names: list[str]) -> list[str]:
    return [n for n in names if n == "__pycache__" or n.endswith((".pyc", "~", ".swp"))]


def _blank_clinic(example: Path) -> str:
    """The example clinic file with every setting commented out: an empty [clinic] is none."""
    lines = []
    for line in example.read_text(encoding="utf-8").splitlines():
        is_setting = line and not line.startswith(("#", "[", " ")) and "=" in line
        lines.append(f"# {line}" if is_setting or line.startswith(("Bristol",)) else line)
    return "\n".join(lines) + "\n"


def _warn(problem: Problem) -> None:
    print(f"warning: {problem}", file=sys.stderr, flush=True)


def _progress(out: Path):
    def report(item: Built) -> None:
        o = item.output
        if item.reused:
            return  # The summary lists what was reused; progress is for what takes time.
        took = f"{_count(o.pages, 'page')}, {item.seconds:.2f} s"
        print(f"  wrote {_shown(out / o.path)}  ({took})", flush=True)

    return report


def _summary(built: list[Built]) -> str:
    # One edition: its sheets by name. Several: each with its folder, as it sits under build/.
    several = len({Path(b.output.path).parent for b in built}) > 1
    rows = [("sheet", "pages", "size", "time")]
    for item in built:
        o = item.output
        name = Path(o.path).with_suffix("").as_posix() if several else Path(o.path).stem
        took = "reused" if item.reused else f"{item.seconds:.2f} s"
        rows.append((name, str(o.pages), f"{o.bytes / 1024:.0f} KB", took))
    return _table(rows, right={1, 2, 3})


def _table(rows: list[tuple[str, ...]], right: set[int] = frozenset()) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()
