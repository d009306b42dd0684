"""QR codes for printed web addresses: one address makes both the printed text and the code."""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Callable
from functools import lru_cache

from markupsafe import Markup

LINK = re.compile(r'<a href="(https?://[^"]+)">[^<]*</a>')
LIST_ITEM = re.compile(r"<li>((?:(?!</li>).)*?)</li>", re.S)


def display(url: str) -> str:
    """The address as a person types it: no scheme, no trailing slash."""
    return re.sub(r"^https?://", "", url).rstrip("/")


@lru_cache(maxsize=256)
def svg(url: str) -> bytes:
    """A vector QR code for url (error correction M, a two-module quiet zone)."""
    import segno  # Only resource sheets need it.

    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(
        buffer, kind="svg", border=2, xmldecl=False, unit="mm"
    )
    return buffer.getvalue()


def image(url: str, alt: str) -> Markup:
    """An <img> of the code; its alt text (in the sheet's language) names the address."""
    data = base64.b64encode(svg(url)).decode("ascii")
    tag = '<img class="qr" src="data:image/svg+xml;base64,{}" alt="{}">'
    return Markup(tag).format(data, alt)


def address(url: str) -> Markup:
    return Markup('<a class="address" href="{}">{}</a>').format(url, display(url))


def add_codes(html: str, alt: Callable[[str], str]) -> str:
    """Give every list item with a web link a QR code, and print the link as its address."""

    def item(match: re.Match) -> str:
        inner = match.group(1)
        links = LINK.findall(inner)
        if not links:
            return match.group(0)
        inner = LINK.sub(lambda m: str(address(m.group(1))), inner)
        codes = "".join(str(image(url, alt(url))) for url in links)
        return f'<li class="resource">{codes}{inner}</li>'

    return LIST_ITEM.sub(item, html)
