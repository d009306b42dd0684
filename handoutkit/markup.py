"""Markdown to an HTML fragment, one fresh converter per call so no state leaks between sheets."""

from __future__ import annotations

import markdown
from markdown.extensions.toc import slugify

EXTENSIONS = ["tables", "attr_list", "md_in_html", "sane_lists", "smarty", "toc"]


def to_html(text: str, id_prefix: str) -> str:
    """Convert a sheet's Markdown; heading ids carry the sheet's id so a booklet has no clashes."""

    def prefixed_slug(value: str, separator: str) -> str:
        return f"{id_prefix}-{slugify(value, separator)}"

    converter = markdown.Markdown(
        extensions=EXTENSIONS,
        extension_configs={"toc": {"slugify": prefixed_slug, "toc_depth": "2-3"}},
        output_format="html",
    )
    return converter.convert(text)
