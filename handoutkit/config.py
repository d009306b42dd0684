"""The clinic config file: name, phone, logo, colour, paper, region and language, validated."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .editions import PAPERS
from .errors import InputError, Problem, did_you_mean, toml_problem
from .language import LANGS
from .regions import DEFAULT_REGION, REGIONS

CLINIC_KEYS = (
    "name", "phone", "website", "address", "logo", "accent", "paper", "region", "lang"
)  # fmt: skip
LOGO_TYPES = (".png", ".svg")
MIN_CONTRAST = 4.5
HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")


@dataclass(frozen=True)
class Clinic:
    """A clinic's branding: printed in every footer and on the booklet cover."""

    name: str
    phone: str = ""
    website: str = ""
    address: str = ""
    logo: Path | None = None
    accent: str | None = None
    paper: str | None = None
    region: str = DEFAULT_REGION
    lang: str | None = None  # the default language of build, check and letters

    @property
    def folder(self) -> Path | None:
        return self.logo.parent if self.logo else None


CLINIC_FILE = "clinic.toml"


def find_clinic(path: Path | None, cwd: Path | None = None) -> Path | None:
    """The clinic file to use: the one named, else clinic.toml in the current folder if present.

    Never one inside the project: an installed package holds no clinic's file.
    """
    if path is not None:
        return path
    default = (cwd or Path.cwd()) / CLINIC_FILE
    return default if default.is_file() else None


def load_clinic(path: Path, shown: str) -> Clinic | None:
    """Read and validate a clinic file; raise InputError listing every problem.

    An empty [clinic] table (every line still commented out, as `new` writes it) means no clinic.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(Problem(shown, "file not found")) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(Problem(shown, f"cannot be read as UTF-8 text ({exc})")) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(toml_problem(exc, shown)) from None
    problems: list[Problem] = []
    for section in data:
        if section != "clinic":
            problems.append(Problem(shown, f"[{section}]: unknown section; expected [clinic]"))
    table = data.get("clinic")
    if not isinstance(table, dict):
        problems.append(Problem(shown, "needs a [clinic] table"))
        raise InputError(problems)
    if not table and not problems:
        return None
    values = _check_clinic(table, path.parent.resolve(), shown, problems)
    if problems:
        raise InputError(problems)
    return Clinic(**values)


def _check_clinic(table: dict, folder: Path, shown: str, problems: list[Problem]) -> dict:
    def bad(key: str, message: str) -> None:
        problems.append(Problem(shown, f"clinic.{key}: {message}"))

    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in CLINIC_KEYS:
            bad(key, f"unknown key{did_you_mean(key, CLINIC_KEYS, 'known keys:')}")
        elif not isinstance(value, str):
            bad(key, f"must be text in quotes; got {value!r}")
        else:
            values[key] = value.strip("\n")
    if not values.get("name", "").strip():
        if "name" not in table:
            bad("name", "is required")
        elif isinstance(table["name"], str):
            bad("name", "must not be empty")
    for key, allowed in (("paper", PAPERS), ("region", REGIONS), ("lang", LANGS)):
        if key in values and values[key] not in allowed:
            bad(key, f"must be one of {', '.join(allowed)}; got {values[key]!r}")
    if "website" in values and not re.match(r"^https?://\S+$", values["website"]):
        bad("website", f"must be a web address starting https://; got {values['website']!r}")
    if "accent" in values:
        _check_accent(values["accent"], bad)
    if "logo" in values:
        values["logo"] = _check_logo(values["logo"], folder, bad)
    return {k: v for k, v in values.items() if v is not None}


def _check_accent(colour: str, bad) -> None:
    if not HEX_COLOUR.match(colour):
        bad("accent", f'must be a colour like "#1d4e89"; got {colour!r}')
        return
    ratio = contrast_on_white(colour)
    if ratio < MIN_CONTRAST:
        bad(
            "accent",
            f"{colour} reaches only {ratio:.1f}:1 contrast on white; text needs "
            f"{MIN_CONTRAST}:1 or more (try a darker shade)",
        )


def _check_logo(name: str, folder: Path, bad) -> Path | None:
    path = (folder / name).resolve()
    if not path.is_relative_to(folder):
        bad("logo", f"must be a file in the clinic file's folder; got {name!r}")
    elif path.suffix.lower() not in LOGO_TYPES:
        bad("logo", f"must be a .png or .svg file; got {name!r}")
    elif not path.is_file():
        bad("logo", f"file not found: {name!r}")
    else:
        return path
    return None


def contrast_on_white(colour: str) -> float:
    """WCAG 2 contrast ratio of a #rgb or #rrggbb colour against white."""
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)
