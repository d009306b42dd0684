"""Reading ease, offline: Flesch-Kincaid (English), INFLESZ and Fernández-Huerta (Spanish)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
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


def _counts(blocks: Iterable[str], url, word, count) -> tuple[int, int, int]:
    """Words, sentences and syllables of texts that each stand alone, addresses left out."""
    sentences: list[str] = []
    for block in blocks:
        block = url.sub(" ", block)
        sentences += [s for s in SENTENCE_END.split(block) if word.search(s)]
    words = [w for s in sentences for w in word.findall(s)]
    return len(words), len(sentences), sum(count(w) for w in words)


def grade_of_blocks(blocks: Iterable[str]) -> float:
    """Flesch-Kincaid grade of texts that each stand alone (a heading, a cell, a paragraph)."""
    words, sentences, total = _counts(blocks, URL, WORD, syllables)
    if not words:
        return 0.0
    return 0.39 * words / sentences + 11.8 * total / words - 15.59


# Spanish: Flesch-Kincaid does not apply. The Szigriszt-Pazos index read on the INFLESZ scale
# (Barrio-Cantalejo 2008) is the one built for patient texts; Fernández-Huerta is printed beside
# it. Syllables are counted by Spanish rules, not by pyphen: its Spanish patterns are for line
# breaks and miss hiatus (día, leer) and word-initial vowels (idea), about 1 syllable in 20.
SPANISH_WORD = re.compile(r"[^\W\d_]+")
SPANISH_URL = re.compile(
    r"\S*[a-z0-9]\.(?:org|gov|gob|com|net|edu|info|us|ca|uk|au|es|mx)\b\S*|\S+/\S*",
    re.IGNORECASE,
)
STRONG = set("aeoáéó")
ACCENTED_WEAK = set("íú")
VOWELS = STRONG | ACCENTED_WEAK | set("iuü")
# A u between q or g and e or i is silent (que, guitarra); ü is spoken (pingüino).
SILENT_U = re.compile(r"(?<=[qg])u(?=[eiéí])")


def spanish_syllables(word: str) -> int:
    """Syllables of one Spanish word: one per vowel group, plus one per hiatus inside it.

    Hiatus: two strong vowels (po-e-ta, le-er, a-é-re-o), or a stressed í or ú beside any vowel
    (dí-a, pa-ís, re-ú-ne). A weak vowel beside another vowel, unstressed, is a diphthong (ciu-
    dad, a-gua, -ción), three a triphthong (U-ru-guay). h is silent and does not part vowels
    (ahu-mar); a final y after a vowel is a vowel (hoy, muy); the word "y" is one syllable.
    """
    word = word.lower()
    if word == "y":
        return 1
    word = SILENT_U.sub("", word.replace("h", ""))
    if len(word) > 1 and word.endswith("y") and word[-2] in VOWELS:
        word = word[:-1] + "i"
    count, previous = 0, ""
    for letter in word:
        if letter not in VOWELS:
            previous = ""
            continue
        if not previous or _hiatus(previous, letter):
            count += 1
        previous = letter
    return max(1, count)


def _hiatus(first: str, second: str) -> bool:
    both_strong = first in STRONG and second in STRONG
    return both_strong or first in ACCENTED_WEAK or second in ACCENTED_WEAK


@dataclass(frozen=True)
class SpanishScores:
    """A Spanish text's readability: INFLESZ (the gate) and Fernández-Huerta (beside it)."""

    inflesz: float  # Szigriszt-Pazos: 206.835 - 62.3 S/W - W/F
    fernandez_huerta: float  # corrected form: 206.84 - 60 S/W - 1.02 W/F
    words: int = 0
    sentences: int = 0
    syllables: int = 0

    @property
    def band(self) -> str:
        """The INFLESZ band, as the scale names it."""
        for floor, name in INFLESZ_BANDS:
            if self.inflesz >= floor:
                return name
        return INFLESZ_BANDS[-1][1]


INFLESZ_BANDS = (
    (80.0, "muy fácil"),
    (65.0, "bastante fácil"),
    (55.0, "normal"),
    (40.0, "algo difícil"),
    (float("-inf"), "muy difícil"),
)


def spanish_scores(blocks: Iterable[str]) -> SpanishScores:
    """INFLESZ and Fernández-Huerta of texts that each stand alone (a heading, a cell, a
    paragraph); addresses and numbers are left out."""
    words, sentences, total = _counts(blocks, SPANISH_URL, SPANISH_WORD, spanish_syllables)
    if not words:
        return SpanishScores(0.0, 0.0)
    per_word, per_sentence = total / words, words / sentences
    return SpanishScores(
        206.835 - 62.3 * per_word - per_sentence,
        206.84 - 60 * per_word - 1.02 * per_sentence,
        words,
        sentences,
        total,
    )
