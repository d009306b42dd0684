"""Where a key sits in a TOML file's text, since tomllib gives values but no line numbers."""

from __future__ import annotations

import re

HEADER = re.compile(r"^\s*(\[\[?)\s*([^\[\]]+?)\s*\]\]?\s*(?:#.*)?$")


def _split(dotted: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in dotted.split("."))


class KeyLines:
    """Finds the line of a key path such as ("regions", "uk", "lines", 2, "number").

    Strings are table names and keys; a number n is the n-th table (counting from 1) of an array,
    written either as [[array]] headers or as inline { ... } tables. An unknown path gives the
    nearest line that holds it (its table's header), or None.
    """

    def __init__(self, text: str):
        self.text = text
        self.lines = text.splitlines()
        self.headers: list[tuple[int, tuple[str, ...], bool]] = []
        for index, line in enumerate(self.lines):
            if match := HEADER.match(line):
                self.headers.append((index, _split(match.group(2)), match.group(1) == "[["))

    def line(self, path: tuple[str | int, ...]) -> int | None:
        start, end, rest = self._section(path)
        if not rest:
            return start + 1
        found = self._key(rest[0], start + 1 if start >= 0 else 0, end)
        if found is None:
            return start + 1 if start >= 0 else None
        if len(rest) > 1 and isinstance(rest[1], int):
            item = self._inline_item(found, rest[1])
            return (item if item is not None else found) + 1
        return found + 1

    def _section(self, path) -> tuple[int, int, tuple]:
        """The header holding the longest prefix of path: its line, the next header's, the rest."""
        for size in range(len(path), 0, -1):
            prefix = path[:size]
            if isinstance(prefix[-1], int):
                name, nth = tuple(prefix[:-1]), prefix[-1]
                found = [i for i, h, array in self.headers if array and h == name]
                index = found[nth - 1] if 0 < nth <= len(found) else None
            else:
                index = next((i for i, h, array in self.headers if not array and h == prefix), None)
            if index is not None and all(isinstance(p, str) for p in prefix[:-1]):
                return index, self._next_header(index), tuple(path[size:])
        first = self.headers[0][0] if self.headers else len(self.lines)
        return -1, first, tuple(path)

    def _next_header(self, index: int) -> int:
        return next((i for i, _, _ in self.headers if i > index), len(self.lines))

    def _key(self, key, start: int, end: int) -> int | None:
        if not isinstance(key, str):
            return None
        name = re.escape(key)
        pattern = re.compile(rf"^\s*(?:{name}|\"{name}\"|'{name}')\s*=")
        return next((i for i in range(start, end) if pattern.match(self.lines[i])), None)

    def _inline_item(self, key_line: int, nth: int) -> int | None:
        """The line of the nth { ... } in the array that starts on key_line."""
        offset = sum(len(line) + 1 for line in self.lines[:key_line])
        text = "\n".join(self.lines)
        position = text.index("=", offset) + 1
        brackets = braces = count = 0
        quote = None
        while position < len(text):
            char = text[position]
            if quote:
                if char == "\\" and quote == '"':
                    position += 1
                elif char == quote:
                    quote = None
            elif char in "\"'":
                quote = char
            elif char == "#":
                position = text.find("\n", position)
                if position < 0:
                    return None
            elif char == "[":
                brackets += 1
            elif char == "]":
                brackets -= 1
                if brackets <= 0:
                    return None
            elif char == "{":
                if brackets == 1 and braces == 0:
                    count += 1
                    if count == nth:
                        return text.count("\n", 0, position)
                braces += 1
            elif char == "}":
                braces -= 1
            position += 1
        return None
