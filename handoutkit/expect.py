"""What a document's pages must show: each sheet's rules, the crisis box's words, the clinic."""

from __future__ import annotations

from dataclasses import dataclass

from .kinds import Kind


@dataclass(frozen=True)
class SheetRule:
    """What the pages of one sheet must show."""

    id: str
    source: str
    kind: Kind
    title: str
    reviewed: str  # the review date as the footer prints it


@dataclass(frozen=True)
class Expect:
    """What a document's pages must show: its sheets' rules, the crisis box's words, the clinic."""

    sheets: dict[str, SheetRule]
    crisis: tuple[str, ...]  # texts the crisis box must show: the emergency line, each number
    clinic: tuple[str, ...] = ()  # the clinic's name and phone, when there is a clinic file
    page: str = "Page {n} of {total}"  # the page number as the footer prints it
    edition: str = ""
    booklet: bool = False
    back_cover: bool = False  # the folded booklet: its last page shows every crisis line
