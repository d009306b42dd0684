"""Reads handouts/*.md: splits YAML front matter from the body, validates it, returns Handouts."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import ContentError, Problem, did_you_mean
from .kinds import KINDS
from .rawhtml import check_html

AUDIENCES = ("patient", "supporter", "physician", "employer")
PARTIALS = "partials"
# Shared wording (the red flags, the symptom list) lives once: a line `[[include:red-flags]]`
# takes the text of partials/red-flags.md, so it is written, reviewed and translated once.
INCLUDE = re.compile(r"^\[\[include:([a-z0-9-]+)\]\][ \t]*$", re.M)
REQUIRED = ("id", "title", "audience", "kind", "reviewed", "sources")
OPTIONAL = {
    "pages": 1,
    "large_print_pages": 2,
    "label": None,
    "max_grade": None,
    "booklet": True,  # false: built on its own only (a clinician's form has no place there)
    "spanish": True,  # false: not translated, so no Spanish edition (a form for US clinicians)
    # A translation: the day a clinician who speaks the language reviewed it. Until then its
    # footer says it has not been reviewed.
    "translation_reviewed": None,
}
FLAGS = ("booklet", "spanish")
KNOWN = (*REQUIRED, *OPTIONAL)

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
FILE_NAME = re.compile(r"^(\d{2})-(.+)\.md$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text, so a bad date is our message and not a crash."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class Handout:
    """One validated sheet: its front matter and its Markdown body."""

    id: str
    title: str
    audience: str
    kind: str
    reviewed: dt.date
    sources: tuple[str, ...]
    body: str
    source: str
    pages: int = 1
    large_print_pages: int = 2
    label: str | None = None  # overrides the audience line printed above the title
    max_grade: float | None = None  # overrides the audience's reading-grade limit
    booklet: bool = True  # printed in the booklet
    spanish: bool = True  # has a Spanish edition
    translation_reviewed: dt.date | None = None  # a translation reviewed by a clinician, when

    def page_budget(self, large_print: bool) -> int:
        return self.large_print_pages if large_print else self.pages


def load_handouts(
    folder: Path, root: Path | None = None, names: Collection[str] | None = None
) -> list[Handout]:
    """Load every NN-*.md in folder (or just the files `names` lists), in file order; raise
    ContentError listing every problem."""
    root = root or folder.parent
    files = [p for p in _sheet_files(folder) if names is None or p.name in names]
    problems: list[Problem] = []
    handouts: list[Handout] = []
    if not files and names is None:
        raise ContentError(Problem(_display(folder, root), "no handout files (*.md) found"))
    first_seen: dict[str, str] = {}
    partials = load_partials(folder / PARTIALS)
    for name in partials:
        partial = folder / PARTIALS / f"{name}.md"
        text = partial.read_text(encoding="utf-8")
        problems.extend(check_html(text, _display(partial, root), skip_front_matter=False))
    for path in files:
        source = _display(path, root)
        text = path.read_text(encoding="utf-8")
        # The sheet's own HTML is checked before shared text goes in, so lines are the file's.
        refused = check_html(text, source)
        text, missing = expand_includes(text, partials, source)
        handout, found = parse_handout(text, source, path.name)
        found = missing + found + refused
        problems.extend(found)
        if handout is None:
            continue
        if handout.id in first_seen:
            problems.append(
                Problem(source, f"id '{handout.id}' is already used by {first_seen[handout.id]}")
            )
            continue
        first_seen[handout.id] = source
        handouts.append(handout)
    if problems:
        raise ContentError(problems)
    return handouts


def load_partials(folder: Path) -> dict[str, str]:
    """Shared wording by name: partials/<name>.md, plain Markdown without front matter."""
    if not folder.is_dir():
        return {}
    return {p.stem: p.read_text(encoding="utf-8").strip("\n") for p in _sheet_files(folder)}


def _sheet_files(folder: Path) -> list[Path]:
    # An editor's lock or backup of a sheet (.#01-x.md, an emacs lock) is not a sheet.
    return sorted(p for p in folder.glob("*.md") if not p.name.startswith((".", "#")))


def expand_includes(text: str, partials: dict[str, str], source: str) -> tuple[str, list[Problem]]:
    """Replace each `[[include:name]]` line with that partial; an unknown name is a problem."""
    problems = []

    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name in partials:
            return partials[name]
        line = text.count("\n", 0, match.start()) + 1
        known = ", ".join(partials) or "none"
        problems.append(
            Problem(source, f"no shared text '{name}' in {PARTIALS}/ (known: {known})", line)
        )
        return match.group(0)

    return INCLUDE.sub(replace, text), problems


def parse_handout(text: str, source: str, file_name: str) -> tuple[Handout | None, list[Problem]]:
    """Parse one file's text; return the Handout (or None) and every problem found in it."""
    split = _split_front_matter(text, source)
    if isinstance(split, Problem):
        return None, [split]
    front_text, body = split
    try:
        key_lines = _key_lines(front_text)
        data = yaml.load(front_text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else None
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, [Problem(source, f"front matter is not valid YAML: {reason}", line)]
    if not isinstance(data, dict):
        return None, [Problem(source, "front matter must be a mapping of key: value lines", 2)]

    problems = _check_front_matter(data, key_lines, source, file_name)
    if not body.strip():
        problems.append(Problem(source, "the sheet has no text after the front matter"))
    if problems:
        return None, sorted(problems, key=lambda p: p.line or 0)
    values = {**OPTIONAL, **{k: data[k] for k in data if k in KNOWN}}
    values["sources"] = tuple(values["sources"])
    values["reviewed"] = parse_date(values["reviewed"])
    if values["translation_reviewed"] is not None:
        values["translation_reviewed"] = parse_date(values["translation_reviewed"])
    return Handout(body=body, source=source, **values), []


def _split_front_matter(text: str, source: str) -> tuple[str, str] | Problem:
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return Problem(source, "must start with '---' and a YAML front matter block", 1)
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            return "".join(lines[1:index]), "".join(lines[index + 1 :])
    return Problem(source, "front matter is not closed: add a line with '---' after it", 1)


def _key_lines(front_text: str) -> dict[str, int]:
    node = yaml.compose(front_text, Loader=_Loader)
    if not isinstance(node, yaml.MappingNode):
        return {}
    # File line 1 is the opening '---', so front matter line 0 is file line 2.
    return {key.value: key.start_mark.line + 2 for key, _ in node.value}


def _check_front_matter(
    data: dict[Any, Any], key_lines: dict[str, int], source: str, file_name: str
) -> list[Problem]:
    problems: list[Problem] = []

    def problem(key: str, message: str) -> None:
        problems.append(Problem(source, f"front matter '{key}' {message}", key_lines.get(key)))

    for key in data:
        if key not in KNOWN:
            suffix = did_you_mean(key, KNOWN, "known keys:", cutoff=0.6)
            problems.append(
                Problem(source, f"unknown front matter key '{key}'{suffix}", key_lines.get(key))
            )
    for key in REQUIRED:
        if key not in data:
            problems.append(Problem(source, f"front matter is missing required key '{key}'", 2))

    _check_id(data, problem, source, file_name, problems)
    if "title" in data and not _is_text(data["title"]):
        problem("title", "must be non-empty text")
    if "label" in data and not _is_text(data["label"]):
        problem("label", "must be non-empty text")
    for key, allowed in (("audience", AUDIENCES), ("kind", tuple(KINDS))):
        if key in data and data[key] not in allowed:
            problem(key, f"must be one of {', '.join(allowed)}; got {data[key]!r}")
    for key in ("pages", "large_print_pages"):
        value = data.get(key, 1)
        if key in data and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            problem(key, f"must be a whole number of pages, 1 or more; got {value!r}")
    if "max_grade" in data and (
        isinstance(data["max_grade"], bool)
        or not isinstance(data["max_grade"], int | float)
        or not 1 <= data["max_grade"] <= 18
    ):
        problem("max_grade", f"must be a reading grade from 1 to 18; got {data['max_grade']!r}")
    for key in FLAGS:
        if key in data and not isinstance(data[key], bool):
            problem(key, f"must be true or false; got {data[key]!r}")
    for key in ("reviewed", "translation_reviewed"):
        if key in data and parse_date(data[key]) is None:
            problem(key, f"must be a real date written YYYY-MM-DD; got {data[key]!r}")
    if "sources" in data:
        sources = data["sources"]
        if not isinstance(sources, list) or not sources or not all(map(_is_text, sources)):
            problem("sources", "must be a list of one or more short references (text)")
    return problems


def _check_id(data, problem, source, file_name, problems) -> None:
    if "id" not in data:
        return
    value = data["id"]
    if not isinstance(value, str) or not SLUG.match(value):
        problem("id", f"must be a slug of lowercase letters, digits and hyphens; got {value!r}")
        return
    match = FILE_NAME.match(file_name)
    if not match or match.group(2) != value:
        problems.append(Problem(source, f"file name must be NN-{value}.md to match its id"))


def parse_date(value: Any) -> dt.date | None:
    """A date from YYYY-MM-DD text, or None when it is not one."""
    if not isinstance(value, str) or not ISO_DATE.match(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
