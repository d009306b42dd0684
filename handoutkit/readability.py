"""Flesch-Kincaid grade level, offline: syllables from pyphen's hyphenation dictionaries."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import pyphen

WORD = re.compile(r"[A-Za-z]+(?:['\u2019][A-Za-z]+)*")
SENTENCE_END = re.compile(r"[.!?:;]+(?=\s|$)")
# Web addresses, and the pieces of one that a line break split off (they keep a slash).
URL = re.compile(r"\S*[a-z0-9]\.(?:org|gov|com|ca|uk|au|net)\b\S*|\S+/\S*", re.IGNORECASE)


@lru_cache(maxsize=1)
def _dictionary() -> pyphen.Pyphen:
    # left/right=1: count every break, not just those allowed at a line end.
    return pyphen.Pyphen(lang="en_US", left=1, right=1)


def syllables(word: str) -> int:
    """The larger of two estimates: pyphen misses breaks near word ends (pre-scrib-er)."""
    word = word.lower()
    by_dictionary = len(_dictionary().positions(word)) + 1
    return max(1, by_dictionary, _vowel_groups(word))


def _vowel_groups(word: str) -> int:
    count = len(re.findall(r"[aeiouy]+", word))
    silent = (
        (word.endswith("e") and not word.endswith(("le", "ee", "ye")))
        or (word.endswith("ed") and not word.endswith(("ted", "ded")))
        or (word.endswith("es") and not word.endswith(("ses", "zes", "ces", "ges", "ches", "shes")))
    )
    return count - 1 if silent and count > 1 else count


def grade_level(text: str, blocks: Iterable[str] = ()) -> float:
    """Flesch-Kincaid grade of plain text; sentences end at . ! ? : ;

    `blocks` are texts that stand alone on the page (headings, table cells, form labels):
    they end a sentence even without a full stop, as a reader takes them. Web and print
    addresses are not prose and are left out, as readability tools usually do.
    """
    text = URL.sub(" ", text)
    for block in sorted(set(blocks), key=len, reverse=True):
        if block.strip():
            text = text.replace(block, f"{block}.")
    sentences = [s for s in SENTENCE_END.split(text) if WORD.search(s)]
    words = WORD.findall(text)
    if not words or not sentences:
        return 0.0
    total = sum(syllables(w) for w in words)
    return 0.39 * len(words) / len(sentences) + 11.8 * total / len(words) - 15.59


def grade_of_blocks(blocks: Iterable[str]) -> float:
    """Flesch-Kincaid grade of texts that each stand alone (a heading, a cell, a paragraph)."""
    sentences: list[str] = []
    for block in blocks:
        block = URL.sub(" ", block)
        sentences += [s for s in SENTENCE_END.split(block) if WORD.search(s)]
    words = [w for s in sentences for w in WORD.findall(s)]
    if not words:
        return 0.0
    total = sum(syllables(w) for w in words)
    return 0.39 * len(words) / len(sentences) + 11.8 * total / len(words) - 15.59
