#!/usr/bin/env python3
"""Command line for the handout builder: parses arguments, calls handoutkit, prints and exits."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

from handoutkit import (
    Built,
    Edition,
    HandoutError,
    InputError,
    Problem,
    Project,
    build,
    load_project,
)
from handoutkit.config import Clinic, find_clinic, load_clinic
from handoutkit.editions import PAPERS

COMMANDS = ("build", "list", "check", "letters", "init-details", "watch")
HERE = Path(__file__).resolve().parent

DESCRIPTION = """\
Builds printable handouts about benzodiazepine tapering and withdrawal: one PDF per sheet
and a booklet with all of them, from the Markdown files in handouts/.

Commands:
  build   render every sheet and the booklet (the default when no command is given)
  list    show every sheet: id, audience, title and page budget
  check   validate every sheet and render it in memory; writes nothing
  watch   build, then rebuild every time you save a sheet, template or style (Ctrl-C stops)
  init-details FILE
          write a details file to fill in, for your personal letters
  letters --details FILE
          make your own letters for your doctor and your employer, filled in

Examples:
  python make_handouts.py                      build the US Letter edition into build/letter/
  python make_handouts.py --paper a4           build the A4 edition into build/a4/
  python make_handouts.py --large-print        build the large-print edition (18 pt)
  python make_handouts.py --only for-physicians
  python make_handouts.py check
  python make_handouts.py init-details my-details.toml
  python make_handouts.py letters --details my-details.toml
"""


def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(
        prog="make_handouts.py",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = main_parser.add_subparsers(dest="command", metavar="COMMAND")

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--clinic",
        type=Path,
        default=None,
        metavar="FILE",
        help="clinic config: name, phone, logo, colour, paper, region "
        "(default: clinic.toml in the project, if there is one)",
    )
    common.add_argument(
        "--project",
        type=Path,
        default=HERE,
        metavar="DIR",
        help="project folder with handouts/, templates/ and styles/ (default: this script's)",
    )

    build_cmd = commands.add_parser(
        "build",
        parents=[common],
        help="render the sheets and the booklet (default)",
        description="Render every sheet to build/<edition>/<id>.pdf, plus booklet.pdf.",
    )
    build_cmd.add_argument(
        "--paper",
        choices=PAPERS,
        default=None,
        help="paper size: letter (US) or a4; default: the clinic's paper, else letter",
    )
    build_cmd.add_argument(
        "--jobs",
        type=_positive,
        default=None,
        metavar="N",
        help="render with N processes (default: one per CPU); the PDFs are the same for any N",
    )
    build_cmd.add_argument(
        "--force", action="store_true", help="render everything, even outputs that are unchanged"
    )
    build_cmd.add_argument(
        "--html", action="store_true", help="also write each page's HTML beside its PDF, to preview"
    )
    build_cmd.add_argument(
        "--large-print",
        action="store_true",
        help="the large-print edition: 18 pt text, into build/<paper>-large/",
    )
    build_cmd.add_argument(
        "--only",
        nargs="+",
        action="extend",
        metavar="ID",
        help="build just these sheets (ids as `list` shows them); the booklet is skipped",
    )
    build_cmd.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help="where to write the PDFs and manifest.json (default: build/ in the project)",
    )

    commands.add_parser(
        "list", parents=[common], help="list the sheets: id, audience, title, page budget"
    )
    check_cmd = commands.add_parser(
        "check", parents=[common], help="validate and render everything in memory; write nothing"
    )
    check_cmd.add_argument(
        "--paper",
        choices=PAPERS,
        action="append",
        default=None,
        help="check only this paper size (default: letter and a4)",
    )
    watch_cmd = commands.add_parser(
        "watch",
        parents=[common],
        help="rebuild on every save (Ctrl-C to stop)",
        description="Build, then rebuild what changed each time a file in handouts/, "
        "templates/ or styles/ (or the clinic file) is saved.",
    )
    watch_cmd.add_argument("--paper", choices=PAPERS, default=None, help="letter or a4")
    watch_cmd.add_argument("--large-print", action="store_true", help="the large-print edition")
    watch_cmd.add_argument("--out", type=Path, default=None, metavar="DIR", help="default: build/")
    _letter_commands(commands, common)
    return main_parser


def _letter_commands(commands, common) -> None:
    init_cmd = commands.add_parser(
        "init-details",
        parents=[common],
        help="write a details file to fill in",
        description="Write a commented details file for your personal letters. "
        "An existing file is never overwritten.",
    )
    init_cmd.add_argument("file", type=Path, metavar="FILE", help="the file to create")

    letters_cmd = commands.add_parser(
        "letters",
        parents=[common],
        help="make your personal letters from a details file",
        description="Fill the physician letter and the employer request with your details. "
        "The PDFs hold your health information: they are written only to --out "
        "(default build/personal/) and nowhere else.",
    )
    letters_cmd.add_argument(
        "--details",
        type=Path,
        required=True,
        metavar="FILE",
        help="your details file (make one with init-details)",
    )
    letters_cmd.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help="where to write your letters (default: build/personal/)",
    )
    letters_cmd.add_argument(
        "--only",
        nargs="+",
        action="extend",
        metavar="ID",
        help="make just this letter: physician-letter or employer-accommodation",
    )
    letters_cmd.add_argument(
        "--paper", choices=PAPERS, default=None, help="letter or a4 (default: as for build)"
    )
    letters_cmd.add_argument(
        "--large-print", action="store_true", help="18 pt text; a letter may take two pages"
    )


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number, 1 or more; got {text!r}")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help")):
        argv.insert(0, "build")
    args = parser().parse_args(argv)
    project = Project(args.project.resolve())
    try:
        clinic = _clinic(project, args.clinic)
        if args.command == "list":
            return cmd_list(project)
        if args.command == "check":
            return cmd_check(project, args.paper or list(PAPERS), clinic)
        if args.command == "init-details":
            return cmd_init_details(args.file)
        if args.command == "letters":
            return cmd_letters(project, args, clinic)
        if args.command == "watch":
            return cmd_watch(project, args, clinic)
        return cmd_build(project, args, clinic)
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


def cmd_list(project: Project) -> int:
    handouts, _ = load_project(project)
    rows = [("id", "audience", "title", "pages")]
    rows += [(h.id, h.audience, h.title, str(h.pages)) for h in handouts]
    print(_table(rows))
    return 0


def _clinic(project: Project, path: Path | None) -> Clinic | None:
    found = find_clinic(project, path)
    return load_clinic(found, _shown(found)) if found else None


def _paper(args: argparse.Namespace, clinic: Clinic | None) -> str:
    return args.paper or (clinic.paper if clinic and clinic.paper else "letter")


def cmd_check(project: Project, papers: list[str], clinic: Clinic | None) -> int:
    editions = [Edition(paper, large) for paper in papers for large in (False, True)]
    built = build(project, editions, out=None, clinic=clinic)
    sheets = len({b.output.id for b in built if b.output.kind != "booklet"})
    print(
        f"ok: {sheets} sheets and the booklet fit their page budgets in "
        f"{', '.join(e.name for e in editions)}; nothing written"
    )
    return 0


def cmd_init_details(path: Path) -> int:
    from handoutkit.details import starter_text

    try:
        with path.open("x", encoding="utf-8") as handle:
            handle.write(starter_text(_shown(path), dt.date.today()))
    except FileExistsError:
        problem = Problem(_shown(path), "already exists; not overwritten (pick another name)")
        raise InputError(problem) from None
    except OSError as exc:
        raise InputError(Problem(_shown(path), f"cannot be written: {exc.strerror}")) from None
    print(f"wrote {_shown(path)}: fill it in, then run")
    print(f"    python make_handouts.py letters --details {_shown(path)}")
    return 0


def cmd_letters(project: Project, args: argparse.Namespace, clinic: Clinic | None) -> int:
    from handoutkit.personal import build_letters

    out = (args.out or project.root / "build" / "personal").resolve()
    edition = Edition(_paper(args, clinic), args.large_print)
    written = build_letters(project, args.details, out, edition, only=args.only, clinic=clinic)
    for path in written:
        print(f"wrote {_shown(path)}")
    print("These letters hold your health information: print them, then keep them private.")
    return 0


def cmd_watch(project: Project, args: argparse.Namespace, clinic: Clinic | None) -> int:
    from handoutkit.watch import Round, watch

    out = (args.out or project.root / "build").resolve()
    edition = Edition(_paper(args, clinic), args.large_print)

    def report(round_: Round) -> None:
        if round_.changed:
            print(f"changed: {', '.join(round_.changed)}")
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
        watch(project, [edition], out, args.clinic, report, progress=_progress(out))
    except KeyboardInterrupt:
        print("stopped watching")
    return 0


def cmd_build(project: Project, args: argparse.Namespace, clinic: Clinic | None) -> int:
    out = (args.out or project.root / "build").resolve()
    edition = Edition(_paper(args, clinic), args.large_print)
    started = time.perf_counter()
    built = build(
        project,
        [edition],
        out,
        only=args.only,
        progress=_progress(out),
        clinic=clinic,
        jobs=args.jobs,
        force=args.force,
        html=args.html,
    )
    elapsed = time.perf_counter() - started
    reused = sum(1 for b in built if b.reused)
    print()
    print(_summary(built))
    print(
        f"\n{len(built)} PDFs in {_shown(out / edition.name)} in {elapsed:.1f} s: "
        f"{len(built) - reused} rendered, {reused} unchanged and reused; "
        f"list: {_shown(out / 'manifest.json')}"
    )
    return 0


def _progress(out: Path):
    def report(item: Built) -> None:
        o = item.output
        if item.reused:
            return  # The summary lists what was reused; progress is for what takes time.
        print(
            f"  wrote {_shown(out / o.path)}  ({_pages(o.pages)}, {item.seconds:.2f} s)", flush=True
        )

    return report


def _summary(built: list[Built]) -> str:
    rows = [("sheet", "pages", "size", "time")]
    for item in built:
        o = item.output
        took = "reused" if item.reused else f"{item.seconds:.2f} s"
        rows.append((Path(o.path).stem, str(o.pages), f"{o.bytes / 1024:.0f} KB", took))
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


def _pages(n: int) -> str:
    return f"{n} page" if n == 1 else f"{n} pages"


def _shown(path: Path) -> str:
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


if __name__ == "__main__":
    sys.exit(main())
