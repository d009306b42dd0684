"""The taper schedule: a prescriber's numbers in, the doses a patient can actually make out.

Pure arithmetic, no I/O. Every quantity is an exact Fraction (from decimal text, never through
binary floats), so "can this dose be made" and "does this step cut more than asked" are exact.
Each step takes a percent of the dose taken now (so steps shrink toward the end), then the
smallest dose that can be made that is below the current one and cuts no more than asked. When
none can be made the plan holds there; it never makes a bigger cut to get past it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

# JCPG 2025: reductions generally no faster than 25% every 2 weeks; a single cut is capped at
# the same 25%, so even a long interval never allows a bigger single step.
MAX_CUT_PERCENT = 25
PACE_WEEKS = 2
LIQUID_STEP_ML = Fraction(1, 10)  # what an oral syringe measures reliably
DECIMALS = 3  # mg given to 0.001: finer numbers are typing slips, and they bound the arithmetic
MAX_MG = 1000
MAX_MG_PER_ML = 100
MAX_STRENGTHS = 8
MAX_WEEKS = 52
PRINTED_STEPS = 40  # what the plan sheet holds on two pages; a longer plan is planned in parts
# Tablet strengths used when the prescriber gives none: only those the research read on a
# label (research/next-features.md C3, marked [V]). Any other medicine must list its forms.
KNOWN_TABLETS_MG: dict[str, tuple[Fraction, ...]] = {
    "clonazepam": (Fraction(1, 2), Fraction(1), Fraction(2)),
    "diazepam": (Fraction(2), Fraction(5), Fraction(10)),
}
FIELDS = (
    "medicine",
    "dose_mg",
    "tablets_mg",
    "split_tablets",
    "liquid_mg_per_ml",
    "cut_percent",
    "every_weeks",
    "start",
    "stop_mg",
)


class Refused(ValueError):
    """The inputs cannot make a plan; each problem names its field: [(field, message), ...]."""

    def __init__(self, problems: Iterable[tuple[str, str]]):
        self.problems = tuple(problems)
        super().__init__("; ".join(f"{name}: {message}" for name, message in self.problems))


@dataclass(frozen=True)
class Plan:
    """A prescriber's validated inputs."""

    medicine: str
    dose_mg: Fraction
    tablets_mg: tuple[Fraction, ...]
    split_tablets: bool
    liquid_mg_per_ml: Fraction
    cut_percent: Fraction
    every_weeks: int
    start: dt.date
    stop_mg: Fraction
    defaulted_tablets: bool = False  # tablets_mg came from KNOWN_TABLETS_MG


@dataclass(frozen=True)
class Makeup:
    """What makes a day's dose: (strength mg, number of half tablets) and mL of liquid."""

    halves: tuple[tuple[Fraction, int], ...] = ()
    liquid_ml: Fraction = Fraction(0)

    def mg(self, liquid_mg_per_ml: Fraction) -> Fraction:
        tablets = sum((strength * count / 2 for strength, count in self.halves), Fraction(0))
        return tablets + self.liquid_ml * liquid_mg_per_ml


@dataclass(frozen=True)
class Step:
    """One row: step 0 is the dose taken now; then one row per cut, or the hold that ends it."""

    number: int
    start: dt.date | None  # None for the dose taken now
    dose_mg: Fraction
    makeup: Makeup | None  # None only for a current dose these forms cannot make
    cut_mg: Fraction = Fraction(0)
    hold: bool = False

    def cut_percent(self, previous: Fraction) -> Fraction:
        return self.cut_mg / previous * 100 if previous else Fraction(0)


@dataclass(frozen=True)
class Schedule:
    """The plan and its rows, first (the dose now) to last (the stop dose, or a hold)."""

    plan: Plan
    steps: tuple[Step, ...]

    @property
    def held(self) -> bool:
        return self.steps[-1].hold

    @property
    def cuts(self) -> int:
        return sum(1 for s in self.steps[1:] if not s.hold)

    def percent(self, index: int) -> Fraction:
        """The real percent step `index` cut from the dose before it."""
        return self.steps[index].cut_percent(self.steps[index - 1].dose_mg)


def plan_from(values: Mapping[str, Any]) -> Plan:
    """Check and convert raw inputs (numbers, decimal text); raise Refused naming each field."""
    problems: list[tuple[str, str]] = []

    def bad(name: str, message: str) -> None:
        problems.append((name, message))

    medicine = values.get("medicine")
    if not isinstance(medicine, str) or not medicine.strip():
        bad("medicine", "must be the medicine's name")
        medicine = ""
    dose = _mg(values.get("dose_mg"), "dose_mg", bad, zero=False, most=MAX_MG)
    tablets = _strengths(values.get("tablets_mg"), bad)
    split = values.get("split_tablets", False)
    if not isinstance(split, bool):
        bad("split_tablets", f"must be true or false; got {_show(split)}")
    liquid = _mg(
        values.get("liquid_mg_per_ml", 0),
        "liquid_mg_per_ml",
        bad,
        zero=True,
        most=MAX_MG_PER_ML,
        unit="mg per mL",
    )
    cut = _number(values.get("cut_percent"), "cut_percent", bad, "a percent")
    if cut is not None and not 0 < cut <= MAX_CUT_PERCENT:
        bad(
            "cut_percent",
            f"must be more than 0 and at most {MAX_CUT_PERCENT} percent of the "
            f"current dose; got {_show(values.get('cut_percent'))}",
        )
        cut = None
    weeks = _weeks(values.get("every_weeks"), bad)
    if cut is not None and weeks is not None and cut * PACE_WEEKS / weeks > MAX_CUT_PERCENT:
        bad(
            "every_weeks",
            f"{number_text(cut)} percent every {_count(weeks, 'week')} is faster than "
            f"{MAX_CUT_PERCENT} percent in {PACE_WEEKS} weeks; cut less or wait longer",
        )
    start = values.get("start")
    if isinstance(start, str):
        try:
            start = dt.date.fromisoformat(start)
        except ValueError:
            start = None
    if not isinstance(start, dt.date) or isinstance(start, dt.datetime):
        bad("start", f"must be a date written year-month-day; got {_show(values.get('start'))}")
    stop = _mg(values.get("stop_mg", 0), "stop_mg", bad, zero=True, most=MAX_MG)
    defaulted = False
    if tablets is not None and not tablets and liquid == 0 and medicine:
        known = KNOWN_TABLETS_MG.get(medicine.strip().lower())
        if known:
            tablets, defaulted = known, True
        else:
            names = ", ".join(KNOWN_TABLETS_MG)
            bad(
                "tablets_mg",
                f"give the tablet strengths or a liquid for {medicine.strip()}; "
                f"only {names} have strengths built in",
            )
    if dose is not None and stop is not None and stop >= dose:
        bad(
            "stop_mg",
            f"must be below the current dose of {number_text(dose)} mg; got {number_text(stop)}",
        )
    if problems:
        raise Refused(problems)
    plan = Plan(medicine.strip(), dose, tablets, split, liquid, cut, weeks, start, stop, defaulted)
    if stop and not Forms(plan).can_make(stop):
        raise Refused([("stop_mg", f"{number_text(stop)} mg cannot be made from these forms")])
    return plan


def schedule(plan: Plan) -> Schedule:
    """The rows of a plan: cut a percent of the dose taken now, until the stop dose or a hold."""
    forms = Forms(plan)
    dose = plan.dose_mg
    steps = [Step(0, None, dose, forms.makeup(dose) if forms.can_make(dose) else None)]
    keep = 1 - plan.cut_percent / 100
    while True:
        number = len(steps)
        start = plan.start + dt.timedelta(weeks=plan.every_weeks * (number - 1))
        lowest = max(dose * keep, plan.stop_mg)
        found = forms.smallest_between(lowest, dose)
        if found is None:
            steps.append(Step(number, start, dose, steps[-1].makeup, hold=True))
            break
        steps.append(Step(number, start, found, forms.makeup(found), dose - found))
        dose = found
        if dose == plan.stop_mg:
            break
    return Schedule(plan, tuple(steps))


def too_long(plan_schedule: Schedule) -> tuple[str, str] | None:
    """(field, message) when a schedule has more steps than a printed plan holds.

    The plan is never cut short or sped up: the prescriber sets a stop dose for a first part.
    """
    steps = len(plan_schedule.steps) - 1
    if steps <= PRINTED_STEPS:
        return None
    weeks = (steps - 1) * plan_schedule.plan.every_weeks
    there = plan_schedule.steps[PRINTED_STEPS].dose_mg
    return (
        "stop_mg",
        f"the plan takes {steps} steps (over {weeks} weeks), more than the {PRINTED_STEPS} a "
        f"printed plan holds; set stop_mg to plan a first part, for example {number_text(there)} "
        f"(step {PRINTED_STEPS})",
    )


def make_schedule(values: Mapping[str, Any]) -> Schedule:
    """plan_from, then schedule: raw inputs to rows, or Refused."""
    return schedule(plan_from(values))


class Forms:
    """The doses the available forms make, as a bitset on an exact grid of mg.

    Every piece (a tablet, half a tablet, 0.1 mL of liquid) is a whole number of grid units,
    so a dose can be made exactly when its bit is set. Bit i means i / scale mg.
    """

    def __init__(self, plan: Plan):
        self.liquid = plan.liquid_mg_per_ml
        pieces: list[tuple[Fraction, Fraction | None, bool]] = []  # (mg, strength, is half)
        for strength in sorted(set(plan.tablets_mg), reverse=True):
            pieces.append((strength, strength, False))
            if plan.split_tablets:
                pieces.append((strength / 2, strength, True))
        if self.liquid:
            pieces.append((self.liquid * LIQUID_STEP_ML, None, False))
        # Larger pieces first and whole tablets before halves of the same size: the makeup
        # uses as few pieces as it can, whole tablets where it can, and liquid for the rest.
        pieces.sort(key=lambda p: (-p[0], p[1] is None, p[2]))
        self.pieces = pieces
        self.scale = math.lcm(
            *(p[0].denominator for p in pieces),
            plan.dose_mg.denominator,
            plan.stop_mg.denominator,
        )
        self.top = int(plan.dose_mg * self.scale)
        self.units = [int(p[0] * self.scale) for p in pieces]
        # suffix[i]: doses made from pieces i onward; suffix[0] is everything.
        self.suffix = [1]
        for unit in reversed(self.units):
            self.suffix.insert(0, _close(self.suffix[0], unit, self.top))
        self.all = self.suffix[0]

    def can_make(self, mg: Fraction) -> bool:
        index = mg * self.scale
        return index.denominator == 1 and 0 <= index <= self.top and _bit(self.all, int(index))

    def smallest_between(self, low: Fraction, high: Fraction) -> Fraction | None:
        """The smallest dose that can be made in [low, high), or None."""
        first, end = math.ceil(low * self.scale), math.ceil(high * self.scale)
        if first >= end:
            return None
        window = (self.all >> first) & ((1 << (end - first)) - 1)
        if not window:
            return None
        return Fraction(first + (window & -window).bit_length() - 1, self.scale)

    def makeup(self, mg: Fraction) -> Makeup:
        """Greedy over the pieces, largest first, always leaving a remainder the rest can make."""
        left = int(mg * self.scale)
        halves: dict[Fraction, int] = {}
        liquid_units = 0
        for index, (unit, piece) in enumerate(zip(self.units, self.pieces, strict=True)):
            rest = self.suffix[index + 1]
            count = left // unit
            while count and not _bit(rest, left - count * unit):
                count -= 1
            left -= count * unit
            _, strength, is_half = piece
            if strength is None:
                liquid_units += count
            elif count:
                halves[strength] = halves.get(strength, 0) + count * (1 if is_half else 2)
        assert left == 0, "makeup() is only asked for doses that can be made"
        ordered = tuple(sorted(halves.items(), key=lambda item: -item[0]))
        return Makeup(ordered, liquid_units * LIQUID_STEP_ML)


def _close(reach: int, unit: int, top: int) -> int:
    """Every sum of `reach` plus any number of `unit`, up to top (bits shift by doubling)."""
    mask = (1 << (top + 1)) - 1
    step = unit
    while step <= top:
        reach = (reach | (reach << step)) & mask
        step *= 2
    return reach


def _bit(bits: int, index: int) -> bool:
    return index >= 0 and (bits >> index) & 1 == 1


def _number(value: Any, name: str, bad, what: str) -> Fraction | None:
    """An exact number from an int, a float (by its shortest decimal text), Decimal or text."""
    if isinstance(value, bool) or value is None:
        bad(name, f"must be {what}; got {_show(value)}")
        return None
    if isinstance(value, Fraction | int):
        number = Fraction(value)
    else:
        try:
            number = Fraction(Decimal(str(value).strip()))
        except (InvalidOperation, ValueError, OverflowError):
            bad(name, f"must be {what}; got {_show(value)}")
            return None
    if (number * 10**DECIMALS).denominator != 1:
        bad(name, f"has more than {DECIMALS} decimal places; got {_show(value)}")
        return None
    return number


def _mg(value, name: str, bad, zero: bool, most: int, unit: str = "mg") -> Fraction | None:
    what = f"0 or a positive number of {unit}" if zero else f"a positive number of {unit}"
    number = _number(value, name, bad, what)
    if number is None:
        return None
    if number < 0 or (number == 0 and not zero) or number > most:
        bad(name, f"must be {what}, at most {most}; got {_show(value)}")
        return None
    return number


def _strengths(value: Any, bad) -> tuple[Fraction, ...] | None:
    if value is None:
        return ()
    if not isinstance(value, list | tuple):
        bad(
            "tablets_mg", f"must be a list of strengths in mg, like [0.5, 1, 2]; got {_show(value)}"
        )
        return None
    if len(value) > MAX_STRENGTHS:
        bad("tablets_mg", f"lists {len(value)} strengths; at most {MAX_STRENGTHS}")
        return None
    strengths = []
    for item in value:
        number = _number(item, "tablets_mg", bad, "a list of positive numbers of mg")
        if number is None:
            return None
        if not 0 < number <= MAX_MG:
            bad(
                "tablets_mg",
                f"each strength must be a positive number of mg, at most {MAX_MG}; "
                f"got {_show(item)}",
            )
            return None
        strengths.append(number)
    return tuple(dict.fromkeys(strengths))


def _weeks(value: Any, bad) -> int | None:
    number = _number(value, "every_weeks", bad, "a whole number of weeks")
    if number is None:
        return None
    if number.denominator != 1 or not 1 <= number <= MAX_WEEKS:
        bad(
            "every_weeks",
            f"must be a whole number of weeks from 1 to {MAX_WEEKS}; got {_show(value)}",
        )
        return None
    return int(number)


def decimal(value: Fraction) -> Decimal:
    """An exact decimal for a Fraction whose denominator divides a power of ten."""
    places = 0
    while (value * 10**places).denominator != 1:
        places += 1
        if places > 12:
            raise ValueError(f"{value} is not a short decimal")
    return Decimal(int(value * 10**places)).scaleb(-places)


def number_text(value: Fraction) -> str:
    """0.5, 2, 12.25: the shortest exact decimal text."""
    text = format(decimal(value), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, Decimal | Fraction):
        return number_text(Fraction(value)) if isinstance(value, Decimal) else str(value)
    return repr(value)
