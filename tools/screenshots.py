"""Screenshots of every web page at phone (320 px) and desktop (1280 px) widths, to look at.

    .venv/bin/python tools/screenshots.py [OUT] [--lang es] [--project DIR]
    (default OUT: build/screenshots)

Starts `handouts serve` on a free port, drives Debian's Chromium with Playwright, and writes
full-page PNGs: home, every letter form (empty; the doctor letter and the taper plan also filled
with the preview, and with errors), the same without JavaScript, and the not-found page. With
--lang, the pages in that language (?lang=es), named <page>-<lang>-<width>.png.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.web_helpers import CHROMIUM, CHROMIUM_ARGS, Served  # noqa: E402

WIDTHS = {"phone": 320, "desktop": 1280}
FILLED = {
    "person.name": "Ana Pérez",
    "medication.name": "clonazepam",
    "medication.dose": "0.5 mg twice a day",
    "medication.symptoms": "Poor sleep and a racing heart when a dose is late.",
}
PLAN = {
    "person.name": "Jordan Lee",
    "plan.medicine": "diazepam",
    "plan.dose_mg": "20",
    "plan.tablets_mg": "2, 5, 10",
    "plan.cut_percent": "10",
    "plan.every_weeks": "2",
    "plan.start": "2027-01-04",
    "plan.stop_mg": "0",
    "plan.prescriber": "Dr Ana Ruiz",
}
LETTERS = ("physician-letter", "employer-accommodation", "taper-plan", "work-limits-note")


DOWNLOAD = "#letter-form .actions button"


def shoot(out: Path, lang: str = "", project: Path | None = None) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    query = f"?lang={lang}" if lang else ""
    args = ("--project", str(project)) if project else ()
    with (
        tempfile.TemporaryDirectory() as cwd,
        Served(Path(cwd), *args) as app,
        sync_playwright() as p,
    ):
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for js in (True, False):
            for device, width in WIDTHS.items():
                page = browser.new_page(
                    viewport={"width": width, "height": 900}, java_script_enabled=js
                )
                suffix = f"{lang + '-' if lang else ''}{device}{'' if js else '-nojs'}"

                def save(name: str, page=page, suffix=suffix) -> None:
                    path = out / f"{name}-{suffix}.png"
                    page.screenshot(path=path, full_page=True)
                    written.append(path)

                page.goto(app.url + query)
                save("home")
                for letter in LETTERS:
                    page.goto(f"{app.url}letters/{letter}{query}")
                    save(letter)
                page.goto(f"{app.url}letters/physician-letter{query}")
                page.locator(DOWNLOAD).click()
                page.wait_for_selector("#error-summary")
                save("physician-letter-errors")
                if js:
                    page.goto(f"{app.url}letters/physician-letter{query}")
                    for key, value in FILLED.items():
                        page.locator(f'[name="{key}"]').fill(value)
                    page.wait_for_selector("#preview-pages img", timeout=30_000)
                    page.wait_for_timeout(1500)
                    save("physician-letter-preview")
                    page.goto(f"{app.url}letters/taper-plan{query}")
                    for key, value in PLAN.items():
                        page.locator(f'[name="{key}"]').fill(value)
                    page.locator('[name="plan.split_tablets"][value="true"]').check()
                    page.wait_for_selector("#preview-pages img", timeout=30_000)
                    page.wait_for_timeout(1500)
                    save("taper-plan-preview")
                page.goto(f"{app.url}no-such-page{query}")
                save("not-found")
                page.close()
        browser.close()
    return written


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, default=ROOT / "build" / "screenshots")
    parser.add_argument("--lang", default="", help="the pages' language, for example es")
    parser.add_argument("--project", type=Path, help="another project (default: this one)")
    options = parser.parse_args()
    for path in shoot(options.out, options.lang, options.project):
        print(path)
