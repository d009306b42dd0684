"""handouts/regions.toml: each region's crisis lines, emergency number and law line, validated."""

from __future__ import annotations

import calendar
import datetime as dt
import os
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .content import parse_date
from .errors import ContentError, InputError, Problem, did_you_mean, toml_problem
from .project import Project
from .rawhtml import check_html
from .tomllines import KeyLines

REGIONS = ("us", "ca", "uk", "ie", "au")
DEFAULT_REGION = "us"
# Sheets take region text with [[region:NAME]]: one of these fields, or one of the region's words.
REGION_TEXT = re.compile(r"\[\[region:([a-z_]+)\]\]")
REGION_VALUES = ("name", "emergency", "employment_law", "help", "employer_sources", "help_sources")
NO_LAW = (
    "no line the content brief can source; the employer sheet tells readers to ask HR or a local "
    "advice service"
)
# Crisis services change numbers and close: numbers older than this are flagged by check/build.
STALE_MONTHS = 6
# The day staleness is counted from, when set (YYYY-MM-DD): tests and reproducible CI runs.
TODAY_VARIABLE = "HANDOUTS_TODAY"

# A number as printed: digit groups ("988", "116 123", "1-800-662-4357", "+61 477"), maybe after
# a keyword to text ("HOME to 741741"), maybe with a note ("999 (UK)"), alternatives joined by
# "or" ("112 or 999").
_ONE = r"(?:[A-Z]+ to )?\+?\d+(?:[ -]\d+)*(?: \([^()]+\))?"
NUMBER = re.compile(rf"^{_ONE}(?: or {_ONE})*$")
WEB = re.compile(r"^https://\S+$")


# Each check returns what is wrong with a value, or None.
def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return f"must be text in quotes; got {value!r}"
    return "must not be empty" if not value.strip() else None


def _number(value: Any) -> str | None:
    if (wrong := _text(value)) is not None:
        return wrong
    if not NUMBER.match(value.strip()):
        return (
            f"{value!r} is not a phone number; write digits with spaces or hyphens, "
            'like "988", "116 123" or "HOME to 741741"'
        )
    return None


def _texts(value: Any) -> str | None:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        return f"must be a list of texts in quotes; got {value!r}"
    return None


def _words(value: Any) -> str | None:
    if not isinstance(value, dict):
        return 'must be a table of words: [regions.<region>.words], then name = "text" lines'
    wrong = [k for k, v in value.items() if not isinstance(v, str) or not v.strip()]
    return f"'{wrong[0]}' must be non-empty text in quotes" if wrong else None


def _web(value: Any) -> str | None:
    if not isinstance(value, str) or not WEB.match(value):
        return f"must be a web address starting https://; got {value!r}"
    return None


def _date(value: Any) -> str | None:
    if _as_date(value) is None:
        return f"must be a date written YYYY-MM-DD; got {value!r}"
    return None


@dataclass(frozen=True)
class Field:
    """One key the file may hold: its check, and whether it must be there."""

    check: Callable[[Any], str | None]
    required: bool = True
    markdown: bool = False  # goes into a sheet as Markdown: the sheets' HTML allow-list applies
    empty_ok: bool = False  # "" means the same as leaving the key out


# The schema, as data: a new key is one line here (and its use in the templates).
LINE_KEYS = {
    "action": Field(_text),  # "Call", "Call or text", "Text"
    "number": Field(_number),
    "name": Field(_text),
    "website": Field(_web, required=False),
    "checked": Field(_date, required=False),  # when this number was last checked, if not `reviewed`
}
REGION_KEYS = {
    "name": Field(_text),
    "emergency": Field(_number),
    "lines": Field(lambda v: None),  # a list of LINE_KEYS tables, checked on its own
    # Only a line the content brief can source; without one the sheet prints `missing_law` and
    # `check` warns for the clinic's region.
    "employment_law": Field(_text, required=False, markdown=True, empty_ok=True),
    "employer_sources": Field(_texts, required=False),  # added to the employer sheet's sources
    "help": Field(_texts, markdown=True),  # the help sheet's own services, listed first
    "help_sources": Field(_texts, required=False),  # added to the help sheet's sources
    "words": Field(_words, markdown=True),  # [[region:er]] and the like; every region has each
}
FILE_KEYS = {
    "reviewed": Field(_date),  # when every number was last checked (a line may say `checked`)
    "missing_law": Field(_text, markdown=True),  # printed where a region has no law line
    "regions": Field(lambda v: None),
}


@dataclass(frozen=True)
class Regions:
    """The validated file: every region's data, and what `check` and `build` should warn about."""

    regions: dict[str, dict[str, Any]]
    reviewed: dt.date  # the oldest date any printed number was checked
    missing_law: str
    source: str
    warnings: tuple[Problem, ...] = ()  # about every region: all their numbers are printed
    law_lines: dict[str, int | None] = field(default_factory=dict)  # region -> line, for warnings

    def region(self, code: str) -> dict[str, Any]:
        """What the templates see as `crisis`: one region, then every region, its own first."""
        data = self.regions[code]
        law = (data.get("employment_law") or "").strip()
        return {
            **data,
            "region": code,
            "reviewed": self.reviewed,
            "all": [self.regions[key] for key in (code, *(k for k in REGIONS if k != code))],
            "source": self.source,
            "employment_law": law or self.missing_law,
            "law_missing": not law,
            "employer_sources": data.get("employer_sources", []),
            "help_sources": data.get("help_sources", []),
        }

    def warnings_for(self, code: str) -> tuple[Problem, ...]:
        """The file's warnings, and, for the region in use, a missing law line."""
        if (self.regions[code].get("employment_law") or "").strip():
            return self.warnings
        law = Problem(
            self.source, NO_LAW, self.law_lines.get(code), f"regions.{code}.employment_law"
        )
        return (*self.warnings, law)


def region_text(region: dict[str, Any], name: str) -> str | None:
    """The Markdown a [[region:NAME]] stands for, or None when no region defines NAME."""
    value = region[name] if name in REGION_VALUES else region["words"].get(name)
    if isinstance(value, list):
        return "\n".join(f"- {item}" for item in value)
    return value


def region_problems(texts: dict[str, str], region: dict[str, Any]) -> list[Problem]:
    """Every [[region:NAME]] in texts (by source) that the region data cannot fill."""
    known = sorted({*REGION_VALUES, *region["words"]})
    return [
        Problem(
            source, f"no region text '{name}' in {region['source']} (known: {', '.join(known)})"
        )
        for source, text in texts.items()
        for name in dict.fromkeys(REGION_TEXT.findall(text))
        if region_text(region, name) is None
    ]


def today() -> dt.date:
    """The real date, or the one HANDOUTS_TODAY sets."""
    value = os.environ.get(TODAY_VARIABLE)
    if value is None:
        return dt.date.today()
    day = parse_date(value)
    if day is None:
        raise InputError(
            Problem(TODAY_VARIABLE, f"must be a date written YYYY-MM-DD; got {value!r}")
        )
    return day


def load_regions(project: Project, on: dt.date | None = None) -> Regions:
    """Read and validate regions.toml; raise ContentError listing every problem, one per line."""
    source = project.regions.relative_to(project.root).as_posix()
    try:
        text = project.regions.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except FileNotFoundError:
        raise ContentError(Problem(source, "file is missing; it holds the crisis lines")) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(Problem(source, f"cannot be read as UTF-8 text ({exc})")) from None
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(toml_problem(exc, source)) from None
    check = _Checker(source, KeyLines(text))
    check.table(data, FILE_KEYS, ())
    regions = data.get("regions")
    if isinstance(regions, dict):
        # A misspelt region is most likely the one that is missing.
        missing = [code for code in REGIONS if code not in regions] or list(REGIONS)
        for code, region in regions.items():
            check.region(code, region, missing)
        for code in REGIONS:
            if code not in regions:
                check.problem(
                    ("regions", code),
                    f"is missing; every region ({', '.join(REGIONS)}) needs its crisis lines",
                )
        check.same_words(regions)
    elif regions is not None:
        check.problem(("regions",), "must be a table of regions: [regions.us], [regions.uk], ...")
    if check.problems:
        raise ContentError(sorted(check.problems, key=_by_line))
    return _validated(data, check, on or today())


def _validated(data: dict[str, Any], check: _Checker, on: dt.date) -> Regions:
    reviewed = _as_date(data["reviewed"])
    regions = {code: data["regions"][code] for code in REGIONS}
    dates = [reviewed]
    for code, region in regions.items():
        if _stale(reviewed, on):
            check.warning(
                ("regions", code),
                f"numbers last checked {_iso(reviewed)}, over {STALE_MONTHS} months ago (today is "
                f"{_iso(on)}); check each one with its service, then update 'reviewed'",
            )
        for index, line in enumerate(region["lines"], start=1):
            if "checked" not in line:
                continue
            checked = _as_date(line["checked"])
            dates.append(checked)
            if _stale(checked, on):
                check.warning(
                    ("regions", code, "lines", index, "checked"),
                    f"{line['number']!r} last checked {_iso(checked)}, over {STALE_MONTHS} "
                    f"months ago (today is {_iso(on)}); check it, then update its 'checked' date",
                )
    if reviewed > on:
        check.warning(
            ("reviewed",),
            f"{_iso(reviewed)} is after today ({_iso(on)}); write the day the numbers were checked",
        )
    warnings = tuple(sorted(check.warnings, key=_by_line))
    laws = {code: check.lines.line(("regions", code, "employment_law")) for code in REGIONS}
    return Regions(regions, min(dates), data["missing_law"], check.source, warnings, laws)


class _Checker:
    """Walks the file against the schema, collecting problems and warnings with their lines."""

    def __init__(self, source: str, lines: KeyLines):
        self.source, self.lines = source, lines
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    def _located(self, path: tuple, message: str) -> Problem:
        field = ".".join(f"[{p}]" if isinstance(p, int) else p for p in path).replace(".[", "[")
        return Problem(self.source, message, self.lines.line(path), field or None)

    def problem(self, path: tuple, message: str) -> None:
        self.problems.append(self._located(path, message))

    def warning(self, path: tuple, message: str) -> None:
        self.warnings.append(self._located(path, message))

    def table(self, table: dict[str, Any], schema: dict[str, Field], path: tuple) -> None:
        meant = set()  # a typo for a key is one problem, not also "is required"
        for key, value in table.items():
            if key not in schema:
                hint = did_you_mean(key, schema, "known keys:")
                meant.update(k for k in schema if hint == f"; did you mean '{k}'?")
                self.problem((*path, key), f"unknown key{hint}")
            elif schema[key].empty_ok and isinstance(value, str) and not value.strip():
                continue
            elif (wrong := schema[key].check(value)) is not None:
                self.problem((*path, key), wrong)
            elif schema[key].markdown:
                self.markdown((*path, key), value)
        for key, wanted in schema.items():
            if key not in table and key not in meant and wanted.required:
                self.problem((*path, key), "is required")

    def markdown(self, path: tuple, value: Any) -> None:
        """Text that goes into a sheet keeps to the sheets' HTML allow-list (rawhtml.py)."""
        if isinstance(value, dict):
            items = [((*path, key), text) for key, text in value.items()]
        elif isinstance(value, list):
            items = [((*path, index), text) for index, text in enumerate(value, start=1)]
        else:
            items = [(path, value)]
        for where, text in items:
            for problem in check_html(text, "", skip_front_matter=False):
                self.problem(where, problem.message)

    def same_words(self, regions: dict[str, Any]) -> None:
        """A sheet's [[region:word]] must work in every region, so each has every word."""
        tables = {
            code: region["words"]
            for code, region in regions.items()
            if code in REGIONS
            and isinstance(region, dict)
            and isinstance(region.get("words"), dict)
        }
        every = {word for words in tables.values() for word in words}
        for code, words in tables.items():
            for word in sorted(every - set(words)):
                self.problem(("regions", code, "words"), f"needs '{word}', as every region has it")

    def region(self, code: str, region: Any, missing: list[str]) -> None:
        path = ("regions", code)
        if code not in REGIONS:
            hint = did_you_mean(code, missing, "")
            if not hint.startswith("; did you mean"):
                hint = did_you_mean(code, REGIONS, "known regions:")
            self.problem(path, f"unknown region{hint}")
            return
        if not isinstance(region, dict):
            self.problem(path, "must be a table: [regions.{code}] followed by its keys")
            return
        self.table(region, REGION_KEYS, path)
        lines = region.get("lines")
        if "lines" not in region:
            return
        if not isinstance(lines, list) or not all(isinstance(line, dict) for line in lines):
            self.problem(
                (*path, "lines"),
                'must be a list of crisis lines like { action = "Call", number = "988", '
                'name = "..." }',
            )
        elif not lines:
            self.problem((*path, "lines"), "needs at least one crisis line")
        else:
            for index, line in enumerate(lines, start=1):
                self.table(line, LINE_KEYS, (*path, "lines", index))


def _as_date(value: Any) -> dt.date | None:
    # TOML has dates of its own (reviewed = 2026-11-01); quoted text is accepted too.
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    return parse_date(value)


def _stale(checked: dt.date, on: dt.date) -> bool:
    """Checked more than STALE_MONTHS calendar months before `on` (31 August + 6 = 28 February)."""
    months = checked.month - 1 + STALE_MONTHS
    year, month = checked.year + months // 12, months % 12 + 1
    due = dt.date(year, month, min(checked.day, calendar.monthrange(year, month)[1]))
    return on > due


def _iso(day: dt.date) -> str:
    return day.isoformat()


def _by_line(problem: Problem) -> tuple[bool, int]:
    return problem.line is None, problem.line or 0
