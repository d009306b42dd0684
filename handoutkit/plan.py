"""The taper plan sheet's schedule block: a schedule's rows put into the sheet's own words."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from . import taper
from .language import Language

# A line `[[steps]]` on its own in a plan sheet's Markdown: the table of steps goes there.
STEPS = re.compile(r"<p>\[\[steps\]\]</p>")
BLANK_STEPS = 10  # rows to fill by hand on the blank plan
PAUSE_ROWS = 3


@dataclass(frozen=True)
class Row:
    """One printed row of the plan."""

    step: str
    start: str
    dose: str
    take: tuple[str, ...]  # the parts of a day's dose; each is printed on one line
    cut: str
    note: str
    kind: str  # now | cut | hold | stop


@dataclass(frozen=True)
class PlanView:
    """What the plan block prints for one schedule: summary lines and rows."""

    prescriber: str
    medicine: str
    forms: str
    pace: str
    key: str  # how to read the table's tablet counts; empty for a liquid alone
    rows: tuple[Row, ...]


def insert(html: str, block: Callable[[], str]) -> str:
    """Put the schedule block where the sheet has `[[steps]]`."""
    return STEPS.sub(lambda _: block(), html)


def schedule_of(values: Mapping[str, Any] | None) -> taper.Schedule | None:
    """The schedule a details mapping's [plan] makes, or None when it has none."""
    plan = (values or {}).get("plan")
    return taper.make_schedule(plan) if plan else None


def view(
    schedule: taper.Schedule, prescriber: str, language: Language, decimal_sign: str | None = None
) -> PlanView:
    """The plan's table in one language; `decimal_sign` is the region's when it has its own
    ("0,5 mg" in Spain), else the language's."""
    words = Words(language, decimal_sign)
    plan = schedule.plan
    rows = [
        Row(
            words.t("now"),
            "",
            words.mg(plan.dose_mg),
            words.makeup(schedule.steps[0].makeup, plan) or (words.t("as_now"),),
            "",
            "",
            "now",
        )
    ]
    for index, step in enumerate(schedule.steps[1:], start=1):
        last = index == len(schedule.steps) - 1
        kind = "hold" if step.hold else ("stop" if last else "cut")
        rows.append(
            Row(
                str(step.number),
                words.date(step.start),
                words.mg(step.dose_mg),
                words.makeup(step.makeup, plan) or (words.t("as_now"),),
                words.t("hold") if step.hold else words.percent(schedule.percent(index)),
                words.hold(plan) if step.hold else (words.t("stop_here") if last else ""),
                kind,
            )
        )
    return PlanView(
        prescriber,
        plan.medicine,
        words.forms(plan),
        words.t(
            "pace", percent=words.number(plan.cut_percent), weeks=words.weeks(plan.every_weeks)
        ),
        words.key(plan),
        tuple(rows),
    )


class Words:
    """Numbers, doses, tablets and dates in one language's words (strings [plan])."""

    def __init__(self, language: Language, decimal_sign: str | None = None):
        self.language = language
        self.strings = language.strings["plan"]
        self.decimal_sign = decimal_sign or self.strings["decimal_point"]

    def t(self, key: str, **values: Any) -> str:
        text = self.strings[key]
        return text.format(**values) if values else text

    def number(self, value: Fraction) -> str:
        text = taper.number_text(value)
        return text.replace(".", self.decimal_sign)

    def mg(self, value: Fraction) -> str:
        return self.t("mg", mg=self.number(value))

    def percent(self, value: Fraction) -> str:
        """Rounded down to a tenth, so a printed cut never looks bigger than the real one."""
        tenths = Fraction(int(value * 10), 10)
        return self.t("percent", percent=self.number(tenths))

    def date(self, value) -> str:
        month = self.strings["months_short"][value.month - 1]
        return self.strings["short_date"].format(day=value.day, month=month, year=value.year)

    def weeks(self, count: int) -> str:
        return self.t("week") if count == 1 else self.t("weeks", n=count)

    def listing(self, items: Sequence[str]) -> str:
        if len(items) <= 1:
            return "".join(items)
        return self.t("comma").join(items[:-1]) + self.t("and") + items[-1]

    def makeup(self, makeup: taper.Makeup | None, plan: taper.Plan) -> tuple[str, ...]:
        """The parts of a day's dose (1½ tablets of 5 mg, 2.4 mL): the sheet puts plus between."""
        if makeup is None:
            return ()
        parts = []
        for strength, halves in makeup.halves:
            whole, half = divmod(halves, 2)
            count = (str(whole) if whole else "") + (self.t("half") if half else "")
            parts.append(self.t("tablets_part", count=count, mg=self.number(strength)))
        if makeup.liquid_ml:
            parts.append(self.t("ml", ml=self.number(makeup.liquid_ml)))
        return tuple(parts)

    def forms(self, plan: taper.Plan) -> str:
        forms = []
        if plan.tablets_mg:
            strengths = self.listing([self.number(s) for s in sorted(plan.tablets_mg)])
            key = "tablets_usual" if plan.defaulted_tablets else "tablets"
            text = self.t(key, strengths=strengths)
            forms.append(text + (self.t("split") if plan.split_tablets else self.t("whole")))
        if plan.liquid_mg_per_ml:
            forms.append(self.t("liquid", mg=self.number(plan.liquid_mg_per_ml)))
        return self.t("forms_and").join(forms)

    def key(self, plan: taper.Plan) -> str:
        if not plan.tablets_mg:
            return ""
        mg = self.number(min(plan.tablets_mg))
        return self.t("tablets_key_half" if plan.split_tablets else "tablets_key", mg=mg)

    def hold(self, plan: taper.Plan) -> str:
        return self.t("hold_liquid" if plan.liquid_mg_per_ml else "hold_tablets")
