"""Markdown to an HTML fragment, one fresh converter per call so no state leaks between sheets."""

from __future__ import annotations

import markdown
from markdown.extensions import Extension
from markdown.extensions.toc import slugify
from markdown.treeprocessors import Treeprocessor

EXTENSIONS = ["tables", "attr_list", "md_in_html", "sane_lists", "smarty", "toc"]


class _TwoColumnRows(Treeprocessor):
    """Mark each two-column list for a grid of half as many rows (rounded up).

    WeasyPrint balances CSS columns by laying the list out again and again: a tenth to a fifth
    of such a sheet's time. Items of one line each (as these lists are written) split in half,
    the first column the longer, which is where balancing splits them, so a grid (handout.css)
    places them the same way in one pass; and the list stays one list in the PDF's tags, where
    balanced columns tagged each column as a list of its own. Under an odd count balancing
    leaves some space (class "odd"; handout.css adds it back).
    """

    def run(self, root):
        for div in root.iter("div"):
            if "two-col" not in div.get("class", "").split():
                continue
            lists = [child for child in div if child.tag == "ul"]
            if len(div) != 1 or len(lists) != 1:
                continue
            items = [child for child in lists[0] if child.tag == "li"]
            if not items or len(items) != len(lists[0]):
                continue
            div.set("class", div.get("class") + (" by-rows odd" if len(items) % 2 else " by-rows"))
            rows = (len(items) + 1) // 2
            lists[0].set("style", f"grid-template-rows: repeat({rows}, auto)")


class _TwoColumnRowsExtension(Extension):
    def extendMarkdown(self, md):
        # After md_in_html (priority 0.1 is below every built-in) so the lists exist as elements.
        md.treeprocessors.register(_TwoColumnRows(md), "two_col_rows", 0.1)


def to_html(text: str, id_prefix: str) -> str:
    """Convert a sheet's Markdown; heading ids carry the sheet's id so a booklet has no clashes."""

    def prefixed_slug(value: str, separator: str) -> str:
        return f"{id_prefix}-{slugify(value, separator)}"

    converter = markdown.Markdown(
        extensions=[*EXTENSIONS, _TwoColumnRowsExtension()],
        extension_configs={"toc": {"slugify": prefixed_slug, "toc_depth": "2-3"}},
        output_format="html",
    )
    return converter.convert(text)
