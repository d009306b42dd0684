"""The settings order for letters: a flag, then the details file, then the clinic, then defaults."""

from __future__ import annotations

from handoutkit.config import Clinic
from handoutkit.settings import Settings, resolve

CLINIC = Clinic(name="Clinic", paper="a4", region="au")


def test_defaults_when_nothing_says_otherwise():
    assert resolve() == Settings(region="us", paper="letter", lang="en")


def test_the_clinic_file_sets_what_the_details_file_leaves_out():
    assert resolve(clinic=CLINIC) == Settings(region="au", paper="a4")
    assert resolve(details={"settings": {"paper": "letter"}}, clinic=CLINIC) == Settings(
        region="au", paper="letter"
    )


def test_the_details_file_outranks_the_clinic_and_a_flag_outranks_both():
    details = {"settings": {"region": "uk", "paper": "a4"}}
    assert resolve(details=details, clinic=CLINIC) == Settings(region="uk", paper="a4")
    assert resolve("ca", "letter", details, CLINIC) == Settings(region="ca", paper="letter")
    assert resolve(region="ca", details=details) == Settings(region="ca", paper="a4")
