"""--html previews: standalone files (fonts and pictures inside, no file:// paths, no scripts)
that a real browser shows at the paper's width, with its margins and footer."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from make_handouts import main

from .conftest import ROOT, sheet_text

CLINIC = ROOT / "tests" / "data" / "clinic.toml"
PICTURE = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
    '<rect width="40" height="20"/></svg>'
)


@pytest.fixture(scope="module")
def previews(tmp_path_factory) -> Path:
    """A4 (the clinic's paper) and Letter large print previews of a sheet with a picture."""
    root = tmp_path_factory.mktemp("preview")
    for name in ("templates", "styles"):
        shutil.copytree(ROOT / name, root / name)
    (root / "handouts").mkdir()
    shutil.copy(ROOT / "handouts" / "regions.toml", root / "handouts")
    (root / "handouts" / "picture.svg").write_text(PICTURE)
    body = "## A picture\n\n![A black box](handouts/picture.svg)\n\nSome words.\n"
    (root / "handouts" / "01-first-sheet.md").write_text(sheet_text("first-sheet", body=body))
    out = root / "out"
    for extra in ([], ["--paper", "letter", "--large-print"]):
        argv = ["--project", str(root), "--clinic", str(CLINIC), "--out", str(out), "--html"]
        assert main([*argv, "--jobs", "1", *extra]) == 0
    return out


def test_previews_point_at_nothing_on_this_machine(previews: Path):
    pages = sorted(previews.rglob("*.html"))
    assert [p.relative_to(previews).as_posix() for p in pages] == [
        "a4/booklet-small.html",  # the folded booklet's small pages (its print file has none)
        "a4/booklet.html",
        "a4/first-sheet.html",
        "letter-large/booklet.html",
        "letter-large/first-sheet.html",
    ]
    for page in pages:
        text = page.read_text()
        assert "file:" not in text, page
        assert "<script" not in text.lower(), page
        fonts = re.findall(r"@font-face \{[^}]*src: url\(\"([^\"]{0,20})", text)
        assert fonts == ["data:font/ttf;base64"] * 4, page
        sources = re.findall(r'<img[^>]* src="([^"]{0,22})', text)
        assert sources and all(s.startswith("data:image/svg+xml;") for s in sources), page
    booklet = (previews / "a4" / "booklet.html").read_text()
    assert 'alt="Harbour Lane Clinic logo"' in booklet


def chromium() -> str:
    """Debian's Chromium; as for the web app's browser tests, missing it fails in CI only."""
    found = next(
        (shutil.which(n) for n in ("chromium", "chromium-browser") if shutil.which(n)), None
    )
    if found is None:
        problem = "Chromium is missing: sh tools/system-libs.sh --browser"
        if os.environ.get("CI"):
            pytest.fail(f"the preview's browser test must run in CI: {problem}", pytrace=False)
        pytest.skip(problem)
    return found


MEASURE = """<script>
document.fonts.ready.then(() => {
  const sheet = document.querySelector('.sheet');
  const style = getComputedStyle(sheet);
  const footer = sheet.querySelector('.running-footer');
  document.body.dataset.result = JSON.stringify({
    width: sheet.getBoundingClientRect().width,
    padding: [style.paddingTop, style.paddingRight, style.paddingBottom, style.paddingLeft],
    footer: footer ? footer.innerText : null,
    footerShown: footer ? footer.getBoundingClientRect().height > 0 : false,
    fonts: [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family),
    pictures: [...document.images].map(i => i.naturalWidth),
  });
});
</script>"""


def measure(page: Path, elsewhere: Path) -> dict:
    """Open a copy of the page far from the build, as a browser would; measure its layout."""
    copy = elsewhere / page.name
    # The measuring script is the test's, added to the copy only: the preview has none.
    copy.write_text(page.read_text().replace("</body>", MEASURE + "</body>"))
    result = subprocess.run(
        [chromium(), "--headless=new", "--no-sandbox", "--disable-gpu",
         "--virtual-time-budget=10000", "--window-size=1200,1600", "--dump-dom", copy.as_uri()],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    match = re.search(r'data-result="([^"]*)"', result.stdout)
    assert match, result.stderr[-2000:]
    return json.loads(match.group(1).replace("&quot;", '"').replace("&amp;", "&"))


@pytest.mark.parametrize(
    ("edition", "width_in", "margins_in"),
    [("a4", 210 / 25.4, (0.55, 0.7, 0.7, 0.7)), ("letter-large", 8.5, (0.6, 0.6, 0.8, 0.6))],
)
def test_a_browser_shows_the_sheet_at_paper_width_with_margins_and_footer(
    previews: Path, tmp_path: Path, edition: str, width_in: float, margins_in: tuple
):
    found = measure(previews / edition / "first-sheet.html", tmp_path)
    assert found["width"] == pytest.approx(width_in * 96, abs=1)
    assert [float(p.removesuffix("px")) for p in found["padding"]] == pytest.approx(
        [m * 96 for m in margins_in], abs=0.5
    )
    assert found["footerShown"]
    assert found["footer"].split("\n") == [
        "A sample sheet · Reviewed 1 November 2026",
        "Harbour Lane Clinic · 020 7946 0000",
    ]
    assert "Atkinson Hyperlegible" in found["fonts"], "the embedded font loads"
    assert found["pictures"] == [40], "the sheet's picture loads"
