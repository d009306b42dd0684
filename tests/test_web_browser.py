"""The web app in a real browser: Playwright drives Debian's Chromium against `handouts serve`.

Both letters are filled in with the keyboard alone, with JavaScript on and off; the PDFs that
arrive are read back with pypdf and checked for PDF/UA. No page scrolls sideways at 320 px, and
axe-core finds no violation on any page. In CI (CI set) a missing Chromium fails; elsewhere the
tests are skipped with the command that installs it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import page as page_validation
import pytest
from pypdf import PdfReader

from handoutkit.fields import BY_KEY

from .web_helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    Served,
    axe_failures,
    refuse_app_script,
    reported,
    wider_than,
)

DOWNLOAD = "#letter-form .actions button"
INSTALL = "sh tools/system-libs.sh --browser   (as root: apt-get install chromium)"


def _need_browser():
    problem = None
    try:
        import playwright.sync_api  # noqa: F401
        from axe_playwright_python.sync_playwright import Axe  # noqa: F401
    except ImportError as exc:
        problem = f"the test packages are missing ({exc.name}): pip install -e '.[test]'"
    if problem is None and not Path(CHROMIUM).exists():
        problem = f"Chromium is not installed at {CHROMIUM}: {INSTALL}"
    if problem is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"browser tests must run in CI: {problem}", pytrace=False)
    pytest.skip(problem)


@pytest.fixture(scope="module")
def app():
    _need_browser()
    with tempfile.TemporaryDirectory() as cwd, Served(Path(cwd)) as served:
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
    context = browser.new_context(accept_downloads=True, locale="en-US")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def page_without_js(browser):
    context = browser.new_context(accept_downloads=True, java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()


def focused(page, selector: str) -> bool:
    return page.evaluate(
        "(s) => !!document.activeElement && document.activeElement.matches(s)", selector
    )


def tab_to(page, selector: str, limit: int = 250) -> None:
    """Press Tab until the element matching `selector` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused(page, selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def download_with_enter(page, tmp_path: Path) -> Path:
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    download = info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    return path


def check_letter(path: Path, *expected: str) -> None:
    text = "\n".join(p.extract_text() for p in PdfReader(path).pages)
    for words in expected:
        assert words in text, words
    assert page_validation.validate_pdf(path, profile="ua1").is_compliant


def fill_physician_letter(page) -> None:
    tab_to(page, '[name="person.name"]')
    page.keyboard.type("Ana Pérez")
    tab_to(page, '[name="medication.name"]')
    page.keyboard.type("clonazepam")
    tab_to(page, '[name="medication.dose"]')
    page.keyboard.type("0.5 mg twice a day")
    tab_to(page, '[name="medication.symptoms"]')
    page.keyboard.type("Poor sleep when a dose is late.")
    page.keyboard.press("Enter")
    page.keyboard.type("A racing heart in the evening.")
    # Untick one request with the space bar.
    tab_to(page, '[name="letter.requests"][value="therapy-referral"]')
    page.keyboard.press("Space")
    tab_to(page, DOWNLOAD)


def fill_employer_letter(page) -> None:
    tab_to(page, '[name="person.name"]')
    page.keyboard.type("Ana Pérez")
    tab_to(page, '[name="medication.name"]')
    page.keyboard.type("clonazepam")
    tab_to(page, '[name="employer.recipient"]')
    page.keyboard.type("Sam Rivera, HR")
    tab_to(page, '[name="employer.limitations"][value="fatigue"]')
    page.keyboard.press("Space")
    tab_to(page, '[name="employer.accommodations"][value="remote-work"]')
    page.keyboard.press("Space")
    # Name the condition: the radio group takes the arrow keys.
    tab_to(page, '[name="employer.disclose_condition"]')
    page.keyboard.press("ArrowLeft")
    assert focused(page, '[name="employer.disclose_condition"][value="true"]:checked')
    tab_to(page, DOWNLOAD)


def test_keyboard_alone_makes_the_doctor_letter_with_a_live_preview(app, page, tmp_path):
    page.goto(f"{app.url}letters/physician-letter")
    fill_physician_letter(page)
    page.wait_for_selector("#preview-pages img", timeout=60_000)
    page.wait_for_function(
        "() => document.getElementById('preview-status').textContent.includes('1 page')",
        timeout=60_000,
    )
    assert page.locator("#preview-pages img").first.get_attribute("alt") == (
        "Page 1 of your letter"
    )
    path = download_with_enter(page, tmp_path)
    assert path.name == "physician-letter.pdf"
    check_letter(path, "Ana Pérez", "clonazepam", "A racing heart in the evening.")
    assert "refer me for therapy" not in "\n".join(p.extract_text() for p in PdfReader(path).pages)


def test_keyboard_alone_makes_the_work_letter(app, page, tmp_path):
    page.goto(f"{app.url}letters/employer-accommodation")
    fill_employer_letter(page)
    path = download_with_enter(page, tmp_path)
    check_letter(path, "Ana Pérez", "Sam Rivera, HR", "clonazepam", "Working from home")


def test_keyboard_alone_makes_the_taper_plan_and_the_note(app, page, tmp_path):
    page.goto(f"{app.url}letters/taper-plan")
    for key, text in (("person.name", "Jordan Lee"), ("plan.medicine", "diazepam"),
                      ("plan.dose_mg", "20"), ("plan.tablets_mg", "2, 5, 10")):  # fmt: skip
        tab_to(page, f'[name="{key}"]')
        page.keyboard.type(text)
    tab_to(page, '[name="plan.split_tablets"]')  # "No" is chosen: the arrow keys change it
    page.keyboard.press("ArrowLeft")
    assert focused(page, '[name="plan.split_tablets"][value="true"]:checked')
    for key, text in (("plan.cut_percent", "10"), ("plan.every_weeks", "2"),
                      ("plan.stop_mg", "0"), ("plan.prescriber", "Dr Ana Ruiz")):  # fmt: skip
        tab_to(page, f'[name="{key}"]')
        page.keyboard.type(text)
    page.locator('[name="plan.start"]').fill("2027-01-04")  # a date box's own keys vary
    tab_to(page, DOWNLOAD)
    path = download_with_enter(page, tmp_path)
    assert path.name == "taper-plan.pdf"
    check_letter(path, "Jordan Lee", "Prepared for Dr Ana Ruiz", "16.5 mg", "Hold")
    page.goto(f"{app.url}letters/work-limits-note")
    for key, text in (("person.name", "Jordan Lee"), ("clinician_note.clinician_name", "Dr Ruiz")):
        tab_to(page, f'[name="{key}"]')
        page.keyboard.type(text)
    tab_to(page, '[name="clinician_note.accommodations"][value="check-ins"]')
    page.keyboard.press("Space")
    tab_to(page, DOWNLOAD)
    path = download_with_enter(page, tmp_path)
    assert path.name == "work-limits-note.pdf"
    check_letter(path, "Jordan Lee", "Dr Ruiz", "Regular short check-ins.")


def test_the_error_summary_takes_focus_and_leads_to_the_box(app, page, tmp_path):
    page.goto(f"{app.url}letters/physician-letter")
    tab_to(page, '[name="medication.dose"]')
    page.keyboard.type("1 mg at night")
    tab_to(page, DOWNLOAD)
    page.keyboard.press("Enter")
    page.wait_for_selector("#error-summary")
    # The page's script moves the focus once it has loaded; under load that comes a little later.
    page.wait_for_function("() => document.activeElement?.id === 'error-summary'")
    assert focused(page, "#error-summary")
    assert page.title().startswith("Error: ")
    links = page.locator("#error-summary a")
    assert links.all_inner_texts() == [
        "Your full name is required",
        "Your medicine is required for this letter",
    ]
    assert page.locator('[name="medication.dose"]').input_value() == "1 mg at night"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert focused(page, '[name="person.name"]')
    page.keyboard.type("Ana Pérez")
    tab_to(page, '[name="medication.name"]')
    page.keyboard.type("clonazepam")
    tab_to(page, DOWNLOAD)
    check_letter(download_with_enter(page, tmp_path), "Ana Pérez", "1 mg at night")


def test_both_letters_work_with_javascript_off(app, page_without_js, tmp_path):
    page = page_without_js
    page.goto(f"{app.url}letters/physician-letter")
    assert page.locator("#preview").is_hidden()  # the preview needs JavaScript
    tab_to(page, DOWNLOAD)
    page.keyboard.press("Enter")
    page.wait_for_selector("#error-summary")
    # No script needed: the summary asks the browser for the focus (autofocus). Headless
    # Chromium applies autofocus only some of the time to a page loaded by a POST, so the test
    # checks what the page asks for, not whether this browser did it.
    summary = page.locator("#error-summary")
    assert summary.get_attribute("autofocus") is not None
    assert summary.get_attribute("tabindex") == "-1"
    fill_physician_letter(page)
    check_letter(download_with_enter(page, tmp_path), "Ana Pérez", "clonazepam")
    page.goto(f"{app.url}letters/employer-accommodation")
    fill_employer_letter(page)
    check_letter(download_with_enter(page, tmp_path), "Ana Pérez", "Sam Rivera, HR")


def test_saved_answers_open_again_and_make_the_other_letter(app, page, tmp_path):
    page.goto(f"{app.url}letters/physician-letter")
    fill_physician_letter(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Save my answers to a file").click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert saved.name == "my-details.toml"
    page.goto(f"{app.url}letters/employer-accommodation")
    page.locator("details.open-answers summary").click()
    page.set_input_files("#f-answers", saved)
    with page.expect_navigation():  # the upload posts the form; wait for the page it answers
        page.get_by_role("button", name="Open my answers").click()
    assert page.locator('[name="person.name"]').input_value() == "Ana Pérez"
    assert page.locator('[name="medication.name"]').input_value() == "clonazepam"
    # The employer letter asks for at least one limit and one change: nothing is chosen for them.
    for key, value in (("limitations", "fatigue"), ("accommodations", "breaks")):
        tab_to(page, f'[name="employer.{key}"][value="{value}"]')
        page.keyboard.press("Space")
    tab_to(page, DOWNLOAD)
    check_letter(download_with_enter(page, tmp_path), "Ana Pérez", "Short rest breaks.")


def test_a_draft_is_kept_only_when_asked_and_clear_everything_wipes_it(app, page):
    page.goto(f"{app.url}letters/physician-letter")
    page.locator('[name="person.name"]').fill("Ana Pérez")
    page.reload()
    assert page.locator('[name="person.name"]').input_value() == ""  # nothing kept by default
    assert page.evaluate("() => sessionStorage.length") == 0
    page.locator("#keep-draft").check()
    page.locator('[name="person.name"]').fill("Ana Pérez")
    page.reload()
    assert page.locator('[name="person.name"]').input_value() == "Ana Pérez"
    page.get_by_role("button", name="Clear everything").click()
    page.wait_for_load_state()
    assert page.locator('[name="person.name"]').input_value() == ""
    assert page.evaluate("() => sessionStorage.length") == 0
    assert page.evaluate("() => localStorage.length") == 0


def test_the_preview_says_which_answer_makes_the_letter_too_long(app, page):
    page.goto(f"{app.url}letters/physician-letter")
    page.locator('[name="person.name"]').fill("Ana Pérez")
    page.locator('[name="medication.name"]').fill("clonazepam")
    page.locator('[name="medication.symptoms"]').fill("Worse at night and after each cut. " * 34)
    page.wait_for_function(
        "() => document.getElementById('preview-status').textContent.includes('Symptoms')",
        timeout=60_000,
    )
    link = page.locator("#preview-status a")
    link.click()
    assert focused(page, '[name="medication.symptoms"]')


def test_character_count_shows_the_registry_limit(app, page):
    page.goto(f"{app.url}letters/physician-letter")
    count = page.locator("#f-medication-symptoms-count")
    limit = BY_KEY["medication.symptoms"].max_length
    assert count.inner_text() == f"You have {limit} characters remaining."
    page.locator('[name="medication.symptoms"]').fill("x" * (limit + 5))
    assert count.inner_text() == "You have 5 characters too many."


PAGES = (
    "",
    "letters/physician-letter",
    "letters/employer-accommodation",
    "letters/taper-plan",
    "letters/work-limits-note",
    "no-such-page",
)


def _pages_to_check(page, app):
    """Every page, and the form with its error summary, yielded once loaded."""
    for path in PAGES:
        page.goto(f"{app.url}{path}")
        yield path
    page.goto(f"{app.url}letters/employer-accommodation")
    page.locator(DOWNLOAD).click()
    page.wait_for_selector("#error-summary")
    yield "letters/employer-accommodation (errors)"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_no_page_scrolls_sideways_at_320_px(app, browser, javascript):
    viewport = {"width": 320, "height": 640}
    context = browser.new_context(viewport=viewport, java_script_enabled=javascript)
    page = context.new_page()
    try:
        assert wider_than(page, _pages_to_check(page, app), 320) == {}
    finally:
        context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_axe_finds_no_violation_on_any_page(app, browser, javascript):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = browser.new_context()
    if not javascript:
        refuse_app_script(context)
    page = context.new_page()
    try:
        failures = axe_failures(axe, page, _pages_to_check(page, app))
        if javascript:  # the preview, once it shows the letter, and the sheet's text open
            page.goto(f"{app.url}letters/physician-letter")
            page.locator('[name="person.name"]').fill("Ana Pérez")
            page.locator('[name="medication.name"]').fill("clonazepam")
            page.wait_for_selector("#preview-pages img", timeout=60_000)
            if page.locator("details.howto").count():
                page.locator("details.howto summary").click()
            page.locator("details.open-answers summary").click()
            failures |= axe_failures(axe, page, ["preview"])
        assert failures == {}, reported(failures)
    finally:
        context.close()
