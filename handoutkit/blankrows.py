"""Rows of blanks to write on, rewritten so WeasyPrint lays each out as one flex box.

A row is written (by placeholders.py, or by hand in a sheet) as a flex box of blanks, each
blank a flex box of its label and its line. WeasyPrint measures and lays out every item of a
nested flex box several times: about half of a letter's layout. In a sheet to fill by hand
every blank is a label and its line, so the row can hold the labels and lines itself, and
handout.css places them where the nested boxes put them (pixel for pixel, in every edition).
Rows it cannot rewrite keep the nested form: a paragraph's worth of lines (a story) keeps its
own box, in a row laid out as a plain block; fillable and personal letters are left as they are.
"""

from __future__ import annotations

import re

# One blank as placeholders.py writes it (and as sheets write it by hand): a label, then one or
# more lines. Labels are the sheet's own HTML: inline markup, never a nested <span>.
_BLANK = (
    r'<span class="blank(?: inline| multiline)?">'
    r'<span class="label">((?:(?!</?span\b).)*)</span> ?'
    r'(<span class="write-in"[^>]*></span>(?:<span class="write-in"></span>)*)'
    r"</span>"
)
BLANK = re.compile(_BLANK, re.S)
ROW = re.compile(r'<div class="blanks( story)?">((?:\s*' + _BLANK + r")+)\s*</div>", re.S)


def flatten(html: str) -> str:
    """Each row of one-line blanks becomes one flex box of labels and lines (class "flat"); a
    row of one blank with several lines becomes a block around it (class "single")."""
    return ROW.sub(_row, html)


def _row(match: re.Match) -> str:
    story = match.group(1) or ""
    blanks = BLANK.findall(match.group(2))
    if all(line.count('class="write-in"') == 1 for _, line in blanks):
        items = " ".join(f'<span class="label">{label}</span> {line}' for label, line in blanks)
        return f'<div class="blanks{story} flat">{items}</div>'
    if len(blanks) == 1:
        return f'<div class="blanks{story} single">{match.group(2).strip()}</div>'
    return match.group(0)
