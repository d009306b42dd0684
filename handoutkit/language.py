"""Language as an axis beside paper and type size: the strings file, dates and output paths."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ContentError, Problem, toml_problem

DEFAULT_LANG = "en"
SPANISH = "es"
LANGS = (DEFAULT_LANG, SPANISH)
# Pages whose footer is the page number alone: a letter's (print.css), and letter.css's own
# names for a letter printed on its own, which has narrower margins.
PAGES_ONLY = ("pages-only", "letter-alone", "letter-runs-on")


@dataclass(frozen=True)
class Language:
    """One language's printed words (from templates/strings/<code>.toml) and date style."""

    code: str
    strings: Mapping[str, Any] = field(hash=False, compare=False)

    @property
    def tag(self) -> str:
        return self.strings["lang_tag"]

    @property
    def translation(self) -> bool:
        """Its sheets are translations (handouts/<code>/), not the English originals."""
        return self.code != DEFAULT_LANG

    @property
    def folder(self) -> str:
        """Output folder prefix: English keeps build/<edition>/, others build/<code>/<edition>/."""
        return "" if self.code == DEFAULT_LANG else f"{self.code}/"

    def long_date(self, value: dt.date) -> str:
        month = self.strings["months"][value.month - 1]
        return self.strings["long_date"].format(day=value.day, month=month, year=value.year)

    def letter_date(self, value: dt.date, region: str) -> str:
        """A date in a letter, as the letter's region writes dates ("November 20, 2026" in us)."""
        styles = self.strings["letter_date"]
        month = self.strings["months"][value.month - 1]
        style = styles.get(region, styles["default"])
        return style.format(day=value.day, month=month, year=value.year)

    def text(self, key: str, **values: Any) -> str:
        """A dotted key ('crisis.emergency') with its placeholders filled."""
        node: Any = self.strings
        for part in key.split("."):
            node = node[part]
        return node.format(**values) if values else node

    def page_css(self, stacked: bool = False) -> str:
        """The words of the running footers; print.css places them, this says them.

        Stacked (large print, the folded booklet's small pages): the footer is one box the
        width of the page, as there is room for two lines and no more (a page-number box beside
        it squeezed the first line onto a second and the clinic's line off the paper): "Title ·
        Reviewed date", then "Clinic · phone · Page x of y".
        """
        footer = self.strings["footer"]
        booklet = self.strings["booklet"]
        reviewed, page, of = (
            _css_string(footer["running_reviewed"]),
            _css_string(footer["page"]),
            _css_string(footer["page_of"]),
        )
        pages = f'"{page} " counter(page) " {of} " counter(pages)'
        title = f'string(sheet-title) " \\00B7  {reviewed} " string(reviewed)'
        contents, notes = _css_string(booklet["contents"]), _css_string(booklet["notes"])
        if stacked:
            return (
                f'@page {{ @bottom-left {{ content: {title} "\\A" string(clinic-lead) {pages}; }}\n'
                "  @bottom-right { content: none; } }\n"
                + "".join(
                    f"@page {name} {{ @bottom-left {{ content: {pages}; }} }}\n"
                    for name in PAGES_ONLY
                )
                + f'@page contents {{ @bottom-left {{ content: "{contents}\\A" string(clinic-lead) '
                f"{pages}; }} }}\n"
                f'@page notes {{ @bottom-left {{ content: "{notes}\\A" string(clinic-lead) '
                f"{pages}; }} }}\n"
            )
        return (
            "@page {\n"
            f'  @bottom-left {{ content: {title} "\\A" string(clinic); }}\n'
            f"  @bottom-right {{ content: {pages}; }}\n"
            "}\n"
            f'@page contents {{ @bottom-left {{ content: "{contents}\\A" string(clinic); }} }}\n'
            f'@page notes {{ @bottom-left {{ content: "{notes}\\A" string(clinic); }} }}\n'
        )


def _css_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def load_language(strings_folder: Path, code: str = DEFAULT_LANG) -> Language:
    """Read strings/<code>.toml; every key the English file has must be there."""
    path = strings_folder / f"{code}.toml"
    shown = f"templates/strings/{path.name}"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContentError(Problem(shown, f"file is missing; it holds the {code} words")) from None
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(toml_problem(exc, shown)) from None
    if code != DEFAULT_LANG:
        english = tomllib.loads((strings_folder / f"{DEFAULT_LANG}.toml").read_text("utf-8"))
        missing = sorted(set(_keys(english)) - set(_keys(data)))
        if missing:
            raise ContentError([Problem(shown, f"missing string '{key}'") for key in missing])
    return Language(code, data)


def _keys(data: Mapping[str, Any], prefix: str = "") -> list[str]:
    keys = []
    for key, value in data.items():
        if isinstance(value, Mapping):
            keys += _keys(value, f"{prefix}{key}.")
        else:
            keys.append(f"{prefix}{key}")
    return keys
