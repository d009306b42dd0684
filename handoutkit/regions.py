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
from .language import DEFAULT_LANG, LANGS
from .project import Project
from .rawhtml import check_html
from .tomllines import KeyLines

REGIONS = ("us", "ca", "uk", "ie", "au", "spain", "mexico")
# Languages other than English have their own wording under each region: [regions.us.es].
TRANSLATED = tuple(code for code in LANGS if code != DEFAULT_LANG)
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
_ONE = r"(?:[A-Z]+ (?:to|al) )?\+?\d+(?:[ -]\d+)*(?: \([^()]+\))?"
NUMBER = re.compile(rf"^{_ONE}(?: (?:or|o) {_ONE})*$")
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
            'like "988", "116 123", "HOME to 741741" or "AYUDA al 741741"'
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


def _decimal(value: Any) -> str | None:
    return None if value in (".", ",") else f'must be "." or ","; got {value!r}'


def _listed(value: Any) -> str | None:
    if not isinstance(value, dict) or not all(
        isinstance(v, list) and all(code in REGIONS for code in v) for v in value.values()
    ):
        return f"must be a table of languages, each a list of regions ({', '.join(REGIONS)})"
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
    # Not yet confirmed on the live service (only in a secondary source): what to confirm.
    # `check` and `build` warn until it is confirmed and the key removed.
    "to_confirm": Field(_text, required=False),
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
    # The decimal sign of the taper plan's numbers: "0.5 mg" (US, Mexico) or "0,5 mg" (Spain).
    "decimal_sign": Field(_decimal, required=False),
    # Each translation's wording: [regions.<region>.<lang>], checked on its own.
    **{lang: Field(lambda v: None) for lang in TRANSLATED},
}
# [regions.<region>.<lang>]: the same words in another language; the numbers may differ (988 has
# its own Spanish line), the emergency number is the region's unless given.
LANG_KEYS = {
    key: Field(field.check, required=field.required and key != "emergency", markdown=field.markdown,
               empty_ok=field.empty_ok)
    for key, field in REGION_KEYS.items()
    if key not in TRANSLATED
}  # fmt: skip
FILE_KEYS = {
    "reviewed": Field(_date),  # when every number was last checked (a line may say `checked`)
    "missing_law": Field(_text, markdown=True),  # printed where a region has no law line
    # Which regions' lines the help sheet lists, per language (the reader's own comes first).
    "listed": Field(_listed, required=False),
    "regions": Field(lambda v: None),
    # Each translation's file-wide words: [es] missing_law = "...".
    **{lang: Field(lambda v: None) for lang in TRANSLATED},
}
LANG_FILE_KEYS = {"missing_law": FILE_KEYS["missing_law"]}


@dataclass(frozen=True)
class Regions:
    """The validated file: every region's data, and what `check` and `build` should warn about."""

    regions: dict[str, dict[str, Any]]
    reviewed: dt.date  # the oldest date any printed number was checked
    missing_law: dict[str, str]  # by language
    source: str
    warnings: tuple[Problem, ...] = ()  # about every region: all their numbers are printed
    # (region, language) -> line of its law, for warnings
    law_lines: dict[tuple[str, str], int | None] = field(default_factory=dict)
    listed: dict[str, tuple[str, ...]] = field(default_factory=dict)  # language -> regions
    # (region, language) -> a warning for each of its numbers not yet confirmed
    unconfirmed: dict[tuple[str, str], tuple[Problem, ...]] = field(default_factory=dict)

    def wording(self, code: str, lang: str = DEFAULT_LANG) -> dict[str, Any]:
        """One region in one language: its own table ([regions.us.es]) when it has one; the
        numbers of the region itself otherwise, and its emergency number unless given."""
        base = {k: v for k, v in self.regions[code].items() if k not in TRANSLATED}
        own = self.regions[code].get(lang) if lang != DEFAULT_LANG else None
        if isinstance(own, dict):
            base = {"emergency": base["emergency"], **own}
        return {**base, "code": code}

    def printed(self, code: str, lang: str = DEFAULT_LANG) -> tuple[str, ...]:
        """The regions whose numbers a sheet in `lang` prints: its own, then the help sheet's."""
        return (code, *(k for k in self.listed.get(lang, REGIONS) if k != code))

    def region(self, code: str, lang: str = DEFAULT_LANG) -> dict[str, Any]:
        """What the templates see as `crisis`: one region, then the ones the help sheet lists
        in that language, its own first."""
        data = self.wording(code, lang)
        law = (data.get("employment_law") or "").strip()
        missing_law = self.missing_law.get(lang, self.missing_law[DEFAULT_LANG])
        return {
            **data,
            "region": code,
            "lang": lang,
            "reviewed": self.reviewed,
            "all": [self.wording(key, lang) for key in self.printed(code, lang)],
            "names": {key: self.wording(key, lang)["name"] for key in REGIONS},
            "source": self.source,
            "employment_law": law or missing_law,
            "law_missing": not law,
            "employer_sources": data.get("employer_sources", []),
            "help_sources": data.get("help_sources", []),
            "decimal_sign": data.get("decimal_sign"),
        }

    def warnings_for(self, code: str, lang: str = DEFAULT_LANG) -> tuple[Problem, ...]:
        """The file's warnings; for the region in use, a missing law line; and each printed
        number not yet confirmed on its live service."""
        unconfirmed = tuple(
            warning
            for key in self.printed(code, lang)
            for warning in self.unconfirmed.get((key, lang), ())
        )
        if (self.wording(code, lang).get("employment_law") or "").strip():
            return (*self.warnings, *unconfirmed)
        field_name = f"regions.{code}.employment_law"
        if lang != DEFAULT_LANG:
            field_name = f"regions.{code}.{lang}.employment_law"
        law = Problem(self.source, NO_LAW, self.law_lines.get((code, lang)), field_name)
        return (*self.warnings, law, *unconfirmed)


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
    for lang in TRANSLATED:
        if isinstance(data.get(lang), dict):
            check.table(data[lang], LANG_FILE_KEYS, (lang,))
        elif lang in data:
            check.problem((lang,), f'must be a table: [{lang}] followed by missing_law = "..."')
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
    unconfirmed: dict[tuple[str, str], tuple[Problem, ...]] = {}
    laws: dict[tuple[str, str], int | None] = {}
    for code, region in regions.items():
        if _stale(reviewed, on):
            check.warning(
                ("regions", code),
                f"numbers last checked {_iso(reviewed)}, over {STALE_MONTHS} months ago (today is "
                f"{_iso(on)}); check each one with its service, then update 'reviewed'",
            )
        for lang in LANGS:
            path = ("regions", code) if lang == DEFAULT_LANG else ("regions", code, lang)
            wording = region if lang == DEFAULT_LANG else region[lang]
            laws[code, lang] = check.lines.line((*path, "employment_law"))
            to_confirm = []
            for index, line in enumerate(wording["lines"], start=1):
                where = (*path, "lines", index)
                if "to_confirm" in line:
                    to_confirm.append(
                        check.located(
                            (*where, "to_confirm"),
                            f"{line['number']!r} is not yet confirmed on its live service: "
                            f"{line['to_confirm']}. Confirm it before a print run, then remove "
                            "'to_confirm'",
                        )
                    )
                if "checked" not in line:
                    continue
                checked = _as_date(line["checked"])
                dates.append(checked)
                if _stale(checked, on):
                    check.warning(
                        (*where, "checked"),
                        f"{line['number']!r} last checked {_iso(checked)}, over {STALE_MONTHS} "
                        f"months ago (today is {_iso(on)}); check it, then update its 'checked' "
                        "date",
                    )
            unconfirmed[code, lang] = tuple(to_confirm)
    if reviewed > on:
        check.warning(
            ("reviewed",),
            f"{_iso(reviewed)} is after today ({_iso(on)}); write the day the numbers were checked",
        )
    warnings = tuple(sorted(check.warnings, key=_by_line))
    missing_law = {DEFAULT_LANG: data["missing_law"]}
    missing_law.update({lang: data[lang]["missing_law"] for lang in TRANSLATED})
    listed = {lang: tuple(codes) for lang, codes in data.get("listed", {}).items()}
    return Regions(
        regions,
        min(dates),
        missing_law,
        check.source,
        warnings,
        laws,
        listed,
        unconfirmed,
    )


class _Checker:
    """Walks the file against the schema, collecting problems and warnings with their lines."""

    def __init__(self, source: str, lines: KeyLines):
        self.source, self.lines = source, lines
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    def located(self, path: tuple, message: str) -> Problem:
        field = ".".join(f"[{p}]" if isinstance(p, int) else p for p in path).replace(".[", "[")
        return Problem(self.source, message, self.lines.line(path), field or None)

    def problem(self, path: tuple, message: str) -> None:
        self.problems.append(self.located(path, message))

    def warning(self, path: tuple, message: str) -> None:
        self.warnings.append(self.located(path, message))

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
        """A sheet's [[region:word]] must work in every region, so each has every word (in each
        language: a translation may have words of its own)."""
        for lang in LANGS:
            tables = {}
            for code, region in regions.items():
                if code not in REGIONS or not isinstance(region, dict):
                    continue
                wording = region if lang == DEFAULT_LANG else region.get(lang)
                if isinstance(wording, dict) and isinstance(wording.get("words"), dict):
                    path = ("regions", code) if lang == DEFAULT_LANG else ("regions", code, lang)
                    tables[path] = wording["words"]
            every = {word for words in tables.values() for word in words}
            for path, words in tables.items():
                for word in sorted(every - set(words)):
                    self.problem((*path, "words"), f"needs '{word}', as every region has it")

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
        self.crisis_lines(region, path)
        for lang in TRANSLATED:
            wording = region.get(lang)
            if isinstance(wording, dict):
                self.table(wording, LANG_KEYS, (*path, lang))
                self.crisis_lines(wording, (*path, lang))
            elif lang in region:
                self.problem((*path, lang), f"must be a table: [regions.{code}.{lang}]")

    def crisis_lines(self, region: dict[str, Any], path: tuple) -> None:
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
