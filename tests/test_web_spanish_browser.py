"""The Spanish pages in a real browser (Playwright and Debian's Chromium, as test_web_browser.py):
the doctor's letter made with the keyboard alone in Spanish, the switch to English keeping the
answers, no sideways scrolling at 320 px, and no axe-core violation on any Spanish page."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from .test_web_browser import DOWNLOAD, _need_browser, check_letter, focused, tab_to
from .test_web_spanish import spanish_project
from .web_helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    Served,
    axe_failures,
    refuse_app_script,
    reported,
    wider_than,
)

PAGES = (
    "",
    "letters/physician-letter",
    "letters/employer-accommodation",
    "letters/taper-plan",
    "letters/work-limits-note",
    "no-such-page",
)


@pytest.fixture(scope="module")
def app():
    _need_browser()
    with tempfile.TemporaryDirectory() as folder:
        project = spanish_project(Path(folder) / "project")
        with Served(Path(folder), "--project", str(project)) as served:
            yield served


@pytest.fixture(scope="module")
def browser(app):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(accept_downloads=True, locale="es-US")
    page = context.new_page()
    yield page
    context.close()


def spanish(app, path: str) -> str:
    return f"{app.url}{path}?lang=es"


def test_keyboard_alone_makes_the_doctor_letter_in_spanish(app, page, tmp_path):
    page.goto(spanish(app, "letters/physician-letter"))
    assert page.locator("html").get_attribute("lang") == "es-US"
    tab_to(page, '[name="medication.dose"]')
    page.keyboard.type("1 mg en la noche")
    tab_to(page, DOWNLOAD)
    page.keyboard.press("Enter")
    page.wait_for_selector("#error-summary")
    # The answer comes back in Spanish, the language kept in the address the form posted to.
    assert page.url.endswith("/letters/physician-letter.pdf?lang=es")
    # The page's script moves the focus once it has loaded; under load that comes a little later.
    page.wait_for_function("() => document.activeElement?.id === 'error-summary'")
    assert focused(page, "#error-summary")
    assert page.locator("#error-summary-title").inner_text() == "Hay un problema"
    assert page.title().startswith("Error: ")
    assert page.locator("#error-summary a").all_inner_texts() == [
        "Su nombre completo es obligatorio",
        "Su medicamento es obligatorio para esta carta",
    ]
    assert page.locator('[name="medication.dose"]').input_value() == "1 mg en la noche"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert focused(page, '[name="person.name"]')
    page.keyboard.type("Ana Pérez")
    tab_to(page, '[name="medication.name"]')
    page.keyboard.type("clonazepam")
    # The letter's language follows the page's unless the person chooses otherwise.
    assert page.locator('[name="settings.lang"][value="es"]').is_checked()
    tab_to(page, DOWNLOAD)
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.name == "physician-letter-es.pdf"
    check_letter(path, "Ana Pérez", "1 mg en la noche")
    assert PdfReader(path).trailer["/Root"]["/Lang"] == "es-US"


def test_the_switch_to_english_keeps_the_answers(app, page, tmp_path):
    page.goto(spanish(app, "letters/physician-letter"))
    tab_to(page, '[name="person.name"]')
    page.keyboard.type("Ana Pérez")
    # Back to the top: the switch is in the page's header, reached with Shift+Tab.
    for _ in range(10):
        page.keyboard.press("Shift+Tab")
        if focused(page, ".language-switch button"):
            break
    assert page.locator(".language-switch button").inner_text() == "English"
    # The switch posts the form: wait for the page it answers with, not the one still showing.
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator('[name="person.name"]').input_value() == "Ana Pérez"
    # The letter stays in the language chosen for it; the switch back is there in Spanish.
    assert page.locator('[name="settings.lang"][value="es"]').is_checked()
    assert page.locator(".language-switch button").inner_text() == "Español"


def _pages_to_check(page, app):
    for path in PAGES:
        page.goto(spanish(app, path))
        yield path
    page.goto(spanish(app, "letters/employer-accommodation"))
    page.locator(DOWNLOAD).click()
    page.wait_for_selector("#error-summary")
    yield "letters/employer-accommodation (errors)"


def test_no_spanish_page_scrolls_sideways_at_320_px(app, browser):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    try:
        assert wider_than(page, _pages_to_check(page, app), 320) == {}
    finally:
        context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_axe_finds_no_violation_on_any_spanish_page(app, browser, javascript):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = browser.new_context()
    if not javascript:
        refuse_app_script(context)
    page = context.new_page()

    def spanish_pages():
        for name in _pages_to_check(page, app):
            assert page.locator("html").get_attribute("lang") == "es-US", name
            yield name

    try:
        failures = axe_failures(axe, page, spanish_pages())
        assert failures == {}, reported(failures)
    finally:
        context.close()
