"""HTML written in a sheet: only the allow-listed tags, classes and attributes (design.md 8).

A sheet is Markdown. The few blocks Markdown cannot say (an action box, two columns, blanks to
fill in, the diary's table) are written as HTML, and only those: anything else could hide or
fake the crisis box and the footer (a <style>, a `style=` or `hidden` attribute, a class the
stylesheets give another look) or run in a preview (a <script>, an `on...=` handler).
"""

from __future__ import annotations

import re

from .errors import Problem, did_you_mean

# Each tag a sheet may write, and the classes it may carry. A new block is one line here, its
# look in styles/handout.css, and a line in the README.
ALLOWED: dict[str, tuple[str, ...]] = {
    "div": ("action", "wide", "two-col", "checklist", "blanks", "cards", "card-front", "card-back"),
    "span": ("write-in", "blank", "label"),
    "table": ("diary", "taper"),
    "thead": (),
    "tbody": (),
    "tr": ("example",),
    "th": ("day", "date", "dose", "score", "sleep"),
    "td": (),
    "br": (),
}
# Attributes any of those tags may carry: `markdown` lets Markdown work inside a block.
ATTRIBUTES = ("class", "markdown", "colspan", "rowspan")
# Classes a Markdown attribute list may add: {: .key-points} after a sheet's summary paragraph,
# {: .back } on the heading that starts the back of a two-page sheet.
LIST_CLASSES: tuple[str, ...] = ("key-points", "back")
# Tags whose very presence could change every page, not just the sheet's own words.
DANGEROUS = {"style", "script", "link", "iframe", "object", "embed", "base", "meta", "frame"}

# Python-Markdown's automatic links (<https://...>, <name@example.org>): links, not tags.
AUTOLINK = re.compile(r"<(?:(?:https?|ftp)://[^<>\s]*|[^<> !]+@[^@<> ]+)>")
# A comment holding no tag; any other <!...> or <?...> is refused.
COMMENT = re.compile(r"<!--[^<>]*?-->")
# Anything that a browser or Markdown could take for the start of a tag. The name alone decides;
# a tag that does not close is still refused (it is not worth guessing how it would be read).
OPENING = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)|<([!?])")
TAG = re.compile(
    r"""<[a-zA-Z][a-zA-Z0-9-]*((?:\s+[^\s"'<>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*/?>"""
)
ATTRIBUTE = re.compile(r"""([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
RAW_TEXT = re.compile(r"<(style|script)\b.*?(?:</\1\s*>|\Z)", re.S | re.I)
SCRIPT_URL = re.compile(r"\b(?:java|vb)script:", re.I)
# Python-Markdown's attribute list, {: #id .class key="value" }, and its tokens.
ATTR_LIST = re.compile(r"\{:?[ ]*([^}\n ][^}\n]*)[ ]*\}")
ATTR_TOKEN = re.compile(r"""[^ =}]+=(?:"[^"]*"|'[^']*'|[^ =}]*)|[^ =}]+""")


def check_html(text: str, source: str, skip_front_matter: bool = True) -> list[Problem]:
    """Every tag, attribute and class in a sheet's text that the allow-list refuses, by line.

    Conservative on purpose: a tag is refused wherever it is written, even in `code`, since
    Markdown passes a block of HTML through untouched, backticks and all.
    """
    text = _mask(text, skip_front_matter)
    problems: list[Problem] = []

    def line_at(position: int) -> int:
        return text.count("\n", 0, position) + 1

    for match in OPENING.finditer(text):
        where = line_at(match.start())
        for message in _tag_problems(text, match):
            problems.append(Problem(source, message, where))
    # The inside of a <style> or <script> (already refused) is CSS or code, not attribute lists.
    text = RAW_TEXT.sub(_blank, text)
    for match in ATTR_LIST.finditer(text):
        for token in ATTR_TOKEN.findall(match.group(1)):
            if message := _list_token(token):
                message = f"attribute list {match.group(0)}: {message}"
                problems.append(Problem(source, message, line_at(match.start())))
    for match in SCRIPT_URL.finditer(text):
        message = f"'{match.group(0)}' links are not allowed: a sheet runs no scripts"
        problems.append(Problem(source, message, line_at(match.start())))
    return sorted(problems, key=lambda p: p.line or 0)


def _tag_problems(text: str, opening: re.Match) -> list[str]:
    if opening.group(2):
        return [f"<{opening.group(2)}...> is not allowed in a sheet (only plain <!-- comments -->)"]
    tag = opening.group(1).lower()
    if tag not in ALLOWED:
        if tag in DANGEROUS:
            return [f"<{tag}> is not allowed in a sheet: it could hide or change the crisis box"]
        return [f"<{tag}> is not allowed in a sheet{did_you_mean(tag, ALLOWED, 'allowed tags:')}"]
    whole = TAG.match(text, opening.start())
    if not whole:
        return [f'<{tag}> is not written as a whole tag: <{tag} class="...">']
    problems = []
    for match in ATTRIBUTE.finditer(whole.group(1)):
        name = match.group(1).lower()
        value = next((v for v in match.groups()[1:] if v is not None), "")
        if name == "class":
            for cls in value.split():
                if cls not in ALLOWED[tag]:
                    known = ALLOWED[tag]
                    hint = did_you_mean(cls, known, "allowed:") if known else ": it takes none"
                    problems.append(f"<{tag}>: class '{cls}' is not allowed{hint}")
        elif name not in ATTRIBUTES:
            problems.append(f"<{tag}>: {_attribute_message(name, ATTRIBUTES)}")
    return problems


def _list_token(token: str) -> str | None:
    if token.startswith("#"):
        return None  # an id only names a heading for links
    key, _, value = token.partition("=")
    if token.startswith("."):
        key, value = "class", token[1:]
    if key == "id":
        return None
    if key != "class":
        return _attribute_message(key, ("id", "class"))
    for name in value.strip("\"'").split():
        if name not in LIST_CLASSES:
            hint = did_you_mean(name, LIST_CLASSES, "allowed:") if LIST_CLASSES else ""
            return f"class '{name}' is not allowed{hint}"
    return None


def _attribute_message(name: str, allowed) -> str:
    if name == "style":
        return "attribute 'style' is not allowed: a sheet's look comes from styles/"
    if name.startswith("on"):
        return f"attribute '{name}' is not allowed: a sheet runs no scripts"
    return f"attribute '{name}' is not allowed{did_you_mean(name, allowed, 'allowed:')}"


def _mask(text: str, skip_front_matter: bool) -> str:
    """Blank out what is not HTML (front matter, links, plain comments), keeping every line."""

    if skip_front_matter and text.startswith("---"):
        lines = text.split("\n")
        end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), 0)
        text = "\n" * (end + 1) + "\n".join(lines[end + 1 :]) if end else text
    for pattern in (AUTOLINK, COMMENT):
        text = pattern.sub(_blank, text)
    return text


def _blank(match: re.Match) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))
