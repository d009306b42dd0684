"""The taper schedule: worked plans, refusals, and properties over any inputs (hypothesis)."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from handoutkit.taper import (
    LIQUID_STEP_ML,
    MAX_CUT_PERCENT,
    PRINTED_STEPS,
    Refused,
    make_schedule,
    plan_from,
    schedule,
    too_long,
)

START = dt.date(2027, 1, 4)
TEN_EVERY_TWO = {"cut_percent": 10, "every_weeks": 2, "start": "2027-01-04", "stop_mg": 0}


def rows(values: dict) -> list[tuple]:
    """(step, start, dose mg, makeup, real percent or 'hold') for each row after 'now'."""
    plan = make_schedule(values)
    out = []
    for index, step in enumerate(plan.steps[1:], start=1):
        cut = "hold" if step.hold else plan.percent(index)
        out.append((step.number, step.start, step.dose_mg, step.makeup, cut))
    return out


def test_clonazepam_in_halvable_half_mg_tablets_holds_at_once():
    """A 10% cut of 2 mg needs 1.8 mg or more; halves of 0.5 mg make 1.75 or 2: hold."""
    plan = make_schedule(
        {"medicine": "clonazepam", "dose_mg": 2, "tablets_mg": [0.5], "split_tablets": True}
        | TEN_EVERY_TWO
    )
    assert len(plan.steps) == 2 and plan.held
    hold = plan.steps[1]
    assert (hold.number, hold.start, hold.dose_mg, hold.cut_mg) == (1, START, 2, 0)
    assert hold.makeup.halves == ((Fraction(1, 2), 8),)  # 4 whole tablets


def test_clonazepam_liquid_shrinks_each_step_and_holds_below_a_tenth_of_a_mg():
    plan = make_schedule(
        {"medicine": "clonazepam", "dose_mg": 2, "tablets_mg": [], "liquid_mg_per_ml": 0.1}
        | TEN_EVERY_TWO
    )
    doses = [s.dose_mg for s in plan.steps]
    assert [str(Decimal(d.numerator) / d.denominator) for d in doses[:5]] == [
        "2",
        "1.8",
        "1.62",
        "1.46",
        "1.32",
    ]
    assert plan.steps[3].makeup.liquid_ml == Fraction("14.6")
    # 0.09 mg is 0.9 mL; a 10% cut would be 0.09 mL, below the syringe's 0.1 mL step.
    assert plan.held and plan.steps[-1].dose_mg == Fraction("0.09")
    assert len(plan.steps) - 1 == 35
    assert plan.steps[-1].start == START + dt.timedelta(weeks=2 * 34)


def test_diazepam_with_halvable_2_5_10_mg_tablets():
    got = rows(
        {"medicine": "diazepam", "dose_mg": 20, "tablets_mg": [2, 5, 10], "split_tablets": True}
        | TEN_EVERY_TWO
    )
    doses = [float(r[2]) for r in got]
    assert doses == [18, 16.5, 15, 13.5, 12.5, 11.5, 10.5, 9.5, 9, 8.5, 8, 7.5, 7, 6.5, 6, 5.5,
                     5, 4.5, 4.5]  # fmt: skip
    assert got[-1][4] == "hold"
    assert got[1][3].halves == ((10, 2), (5, 1), (2, 4))  # 1 x 10 + half x 5 + 2 x 2 = 16.5
    assert got[1][4] == Fraction(35, 420) * 100  # 1.5 of 18 mg: 8.33...%


def test_a_maintenance_dose_ends_the_plan_there():
    plan = make_schedule(
        {"medicine": "diazepam", "dose_mg": 10, "tablets_mg": [2], "split_tablets": True}
        | TEN_EVERY_TWO
        | {"cut_percent": 20, "every_weeks": 4, "stop_mg": 7}
    )
    # 10 -> 8; then 20% would allow 6.4, but the plan stops at 7.
    assert [s.dose_mg for s in plan.steps] == [10, 8, 7]
    assert not plan.held


def test_known_medicines_without_strengths_use_the_usual_tablets():
    plan = plan_from({"medicine": "Diazepam", "dose_mg": 20} | TEN_EVERY_TWO)
    assert plan.tablets_mg == (2, 5, 10) and plan.defaulted_tablets
    assert plan.medicine == "Diazepam"


def refusal(**changes) -> list[str]:
    values = {"medicine": "clonazepam", "dose_mg": 2, "tablets_mg": [0.5]} | TEN_EVERY_TWO
    with pytest.raises(Refused) as caught:
        plan_from(values | changes)
    return [f"{name}: {message}" for name, message in caught.value.problems]


def test_refusals_name_the_field():
    assert refusal(cut_percent=30) == [
        "cut_percent: must be more than 0 and at most 25 percent of the current dose; got 30"
    ]
    assert refusal(cut_percent=20, every_weeks=1) == [
        "every_weeks: 20 percent every 1 week is faster than 25 percent in 2 weeks; "
        "cut less or wait longer"
    ]
    assert refusal(dose_mg=0) == ["dose_mg: must be a positive number of mg, at most 1000; got 0"]
    assert refusal(dose_mg=-2) == ["dose_mg: must be a positive number of mg, at most 1000; got -2"]
    assert refusal(tablets_mg=[0.5, 0]) == [
        "tablets_mg: each strength must be a positive number of mg, at most 1000; got 0"
    ]
    assert refusal(tablets_mg=["half"]) == [
        "tablets_mg: must be a list of positive numbers of mg; got 'half'"
    ]
    assert refusal(liquid_mg_per_ml=-0.1) == [
        "liquid_mg_per_ml: must be 0 or a positive number of mg per mL, at most 100; got -0.1"
    ]
    assert refusal(medicine="bromazepam", tablets_mg=[]) == [
        "tablets_mg: give the tablet strengths or a liquid for bromazepam; only clonazepam, "
        "diazepam have strengths built in"
    ]
    assert refusal(stop_mg=2) == ["stop_mg: must be below the current dose of 2 mg; got 2"]
    assert refusal(stop_mg=0.3) == ["stop_mg: 0.3 mg cannot be made from these forms"]
    assert refusal(every_weeks=1.5) == [
        "every_weeks: must be a whole number of weeks from 1 to 52; got 1.5"
    ]
    assert refusal(dose_mg=0.0001) == ["dose_mg: has more than 3 decimal places; got 0.0001"]


def test_every_problem_is_reported_at_once():
    assert [p.split(":")[0] for p in refusal(dose_mg=0, cut_percent=40, start="soon")] == [
        "dose_mg",
        "cut_percent",
        "start",
    ]


def test_the_pace_limit_is_exactly_25_percent_in_2_weeks():
    plan_from({"medicine": "diazepam", "dose_mg": 20} | TEN_EVERY_TWO | {"cut_percent": 25})
    plan_from(
        {"medicine": "diazepam", "dose_mg": 20} | TEN_EVERY_TWO | {"cut_percent": 12.5}
        | {"every_weeks": 1}
    )  # fmt: skip
    assert refusal(cut_percent=12.6, every_weeks=1)[0].startswith("every_weeks: 12.6 percent")


def test_a_plan_longer_than_a_printed_sheet_suggests_a_stop_dose():
    plan = make_schedule(
        {"medicine": "diazepam", "dose_mg": 40, "tablets_mg": [], "liquid_mg_per_ml": 1}
        | TEN_EVERY_TWO
        | {"cut_percent": 5}
    )
    field, message = too_long(plan)
    assert field == "stop_mg"
    there = plan.steps[PRINTED_STEPS].dose_mg
    assert f"for example {float(there):g} (step {PRINTED_STEPS})" in message
    shorter = make_schedule(
        {"medicine": "diazepam", "dose_mg": 40, "tablets_mg": [], "liquid_mg_per_ml": 1}
        | TEN_EVERY_TWO
        | {"cut_percent": 5, "stop_mg": there}
    )
    assert too_long(shorter) is None and shorter.steps[-1].dose_mg == there


def test_floats_are_read_as_the_decimals_they_were_typed_as():
    """0.1 as a binary float is not one tenth; the plan must not inherit that error."""
    plan = plan_from({"medicine": "x", "dose_mg": 0.3, "liquid_mg_per_ml": 0.1} | TEN_EVERY_TWO)
    assert plan.dose_mg == Fraction(3, 10) and plan.liquid_mg_per_ml == Fraction(1, 10)


# Properties over any inputs a prescriber could give ---------------------------------------

mg = st.decimals(min_value=Decimal("0.125"), max_value=Decimal("20"), places=3)


@st.composite
def plans(draw):
    tablets = draw(st.lists(mg, min_size=0, max_size=3, unique=True))
    liquid = draw(st.sampled_from([0, 0, Decimal("0.1"), Decimal("0.5"), Decimal("2")]))
    assume(tablets or liquid)
    split = draw(st.booleans())
    smallest = min(tablets) if tablets else liquid / 10
    dose = draw(st.decimals(min_value=smallest, max_value=Decimal("40"), places=3))
    weeks = draw(st.integers(1, 8))
    cut = draw(st.decimals(min_value=Decimal("0.5"), max_value=Decimal("25"), places=1))
    assume(cut * 2 / weeks <= MAX_CUT_PERCENT)
    # A stop dose the forms can make: some number of the smallest piece, below the dose.
    stop = draw(st.integers(0, 4)) * smallest
    assume(stop < dose)
    values = {
        "medicine": "test",
        "dose_mg": dose,
        "tablets_mg": tablets,
        "split_tablets": split,
        "liquid_mg_per_ml": liquid,
        "cut_percent": cut,
        "every_weeks": weeks,
        "start": START,
        "stop_mg": stop,
    }
    return plan_from(values)


def pieces(plan) -> list[Fraction]:
    found = list(plan.tablets_mg)
    if plan.split_tablets:
        found += [t / 2 for t in plan.tablets_mg]
    if plan.liquid_mg_per_ml:
        found.append(plan.liquid_mg_per_ml * LIQUID_STEP_ML)
    return found


def makeable_doses(plan) -> set[Fraction]:
    """Every dose up to the current one, by a plain coin-change table (not the bitset's way)."""
    options = pieces(plan)
    scale = math.lcm(*(p.denominator for p in options), plan.dose_mg.denominator)
    top = int(plan.dose_mg * scale)
    can = [True] + [False] * top
    for piece in (int(p * scale) for p in options):
        for total in range(piece, top + 1):
            can[total] = can[total] or can[total - piece]
    return {Fraction(i, scale) for i, ok in enumerate(can) if ok}


PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(plans())
def test_doses_never_rise(plan):
    steps = schedule(plan).steps
    for before, after in pairwise(steps):
        assert after.dose_mg <= before.dose_mg
        assert (after.dose_mg == before.dose_mg) == after.hold


@PROPERTY
@given(plans())
def test_no_step_cuts_more_than_asked(plan):
    steps = schedule(plan).steps
    for before, after in pairwise(steps):
        assert (before.dose_mg - after.dose_mg) / before.dose_mg * 100 <= plan.cut_percent
        assert after.dose_mg >= plan.stop_mg


@PROPERTY
@given(plans())
def test_every_dose_is_makeable_and_its_makeup_adds_up(plan):
    steps = schedule(plan).steps
    for step in steps[1:]:
        if step.hold and step.number == 1 and steps[0].makeup is None:
            continue  # holds at once on a current dose these forms never made: nothing to check
        makeup = step.makeup
        assert makeup.mg(plan.liquid_mg_per_ml) == step.dose_mg
        for strength, halves in makeup.halves:
            assert strength in plan.tablets_mg and halves > 0
            assert plan.split_tablets or halves % 2 == 0
        assert (makeup.liquid_ml / LIQUID_STEP_ML).denominator == 1
        assert not makeup.liquid_ml or plan.liquid_mg_per_ml


@PROPERTY
@given(plans())
def test_the_schedule_ends_at_the_stop_dose_or_the_first_hold(plan):
    steps = schedule(plan).steps
    last = steps[-1]
    assert last.hold or last.dose_mg == plan.stop_mg
    assert not any(s.hold for s in steps[:-1])
    assert all(s.dose_mg > plan.stop_mg for s in steps[:-1])
    for number, step in enumerate(steps[1:], start=1):
        assert step.number == number
        assert step.start == START + dt.timedelta(weeks=plan.every_weeks * (number - 1))


@settings(max_examples=80, deadline=None)
@given(plans())
def test_each_step_takes_the_nearest_makeable_dose_and_holds_only_when_there_is_none(plan):
    """Checked against a plain table: nothing makeable lies between the target and the pick."""
    scale = math.lcm(*(p.denominator for p in pieces(plan)), plan.dose_mg.denominator)
    assume(plan.dose_mg * scale <= 20000)  # keeps the plain table small
    makeable = makeable_doses(plan)
    steps = schedule(plan).steps
    for before, after in pairwise(steps):
        low = max(before.dose_mg * (1 - plan.cut_percent / 100), plan.stop_mg)
        upper = before.dose_mg if after.hold else after.dose_mg
        assert [d for d in makeable if low <= d < upper] == []
        assert after.hold or after.dose_mg in makeable
