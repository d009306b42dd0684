"""QR codes: every printed web address on the resources sheet has a code made from that address."""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import segno
from pypdf import PdfReader

from handoutkit import Edition, Job, Project, Renderer
from handoutkit.qr import add_codes, display

from .conftest import ROOT
from .test_config import figure_alt_texts

CARD = re.compile(
    r'<li class="resource"><img class="qr" src="data:image/svg\+xml;base64,([^"]+)" '
    r'alt="QR code for ([^"]+)">.*?<a class="address" href="([^"]+)">([^<]+)</a>',
    re.S,
)


def resources_html() -> str:
    renderer = Renderer(Project(ROOT))
    sheet = next(h for h in renderer.library.handouts if h.kind == "resources")
    return renderer.html(Job("sheet", sheet.id, Edition("letter")))


def fresh_code(url: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(
        buffer, kind="svg", border=2, xmldecl=False, unit="mm"
    )
    return buffer.getvalue()


def test_each_printed_address_has_the_code_for_exactly_that_address():
    html = resources_html()
    cards = CARD.findall(html)
    assert len(cards) >= 10
    links = re.findall(r'<a class="address" href="([^"]+)">', html)
    assert len(cards) == len(links), "every printed address has a code beside it"
    for data, alt_url, href, printed in cards:
        assert alt_url == href
        assert printed == display(href)
        # Rebuild the code from the printed text alone: it must be the very same drawing.
        typed = "https://" + printed
        assert base64.b64decode(data) == fresh_code(typed), printed


def test_every_resource_and_crisis_website_is_covered():
    html = resources_html()
    for address in (
        "988lifeline.org",
        "www.crisistextline.org",
        "988.ca",
        "www.samaritans.org",
        "giveusashout.org",
        "www.lifeline.org.au",
        "warmline.org",
        "askjan.org",
        "www.samhsa.gov",
    ):
        assert f">{address}</a>" in html, address


def test_codes_in_the_pdf_have_alt_text_naming_the_address(real_build: Path):
    pdf = real_build / "letter" / "help-and-resources.pdf"
    reader = PdfReader(pdf)
    alts = figure_alt_texts(reader)
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert len(alts) >= 10
    for alt in alts:
        assert alt.startswith("QR code for https://")
        printed = display(alt.removeprefix("QR code for "))
        assert printed.replace("/", "") in text.replace(" ", "").replace("/", ""), printed


def test_add_codes_leaves_items_without_links_alone():
    html = '<ul><li>No link here</li><li>See <a href="https://example.org/">here</a></li></ul>'
    out = add_codes(html, lambda url: f"QR code for {url}")
    assert "<li>No link here</li>" in out
    assert 'alt="QR code for https://example.org/"' in out
    assert '<a class="address" href="https://example.org/">example.org</a>' in out
