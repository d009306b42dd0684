"""Checks on a Spanish sheet's words: English left in, ¿…? and ¡…! in pairs, missing accents."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from .readability import SPANISH_URL, SPANISH_WORD


def _split(words: str) -> list[str]:
    return words.split()


# Names that stay in English on a Spanish page: services, laws, organisations (and the sources
# line, which is not checked). Taken out of a block before its words are counted.
ENGLISH_NAMES = (
    "Americans with Disabilities Act",
    "Family and Medical Leave Act",
    "Job Accommodation Network",
    "Suicide & Crisis Lifeline",
    "Suicide Crisis Helpline",
    "Crisis Text Line",
    "Equality Act",
    "National Helpline",
    "Samaritans",
    "Lifeline",
    "Shout",
)
# The commonest words of each language: a block with more English than Spanish ones, and at
# least three, is English left in (a sentence not translated, a template word, a region's line).
ENGLISH_WORDS = frozenset(
    _split(
        "the and you your to of with is are for if this that it be not or can will do have "
        "what when how about from by at on an as may should"
    )
)
SPANISH_WORDS = frozenset(
    _split(
        "de la el que y en su no para con los las un una se por es lo le del al usted sus "
        "más pero como si o a cuando qué puede"
    )
)
ENGLISH_AT_LEAST = 3
# Common words written without their accent (or ñ): the slip a keyboard without Spanish keys
# makes. Words that are right both ways in another sense ("esta" this, "estas" these, "como"
# as, "solo", "que", "mas") are not here; "año" is, as "ano" is another word altogether.
NEED_ACCENTS = _split(
    "médico médicos médica médicas síntoma síntomas también después información teléfono "
    "teléfonos número números día días podría podrían atención reducción además aquí así "
    "fácil difícil rápido rápida pánico crónico ánimo músculos náuseas visión clínica "
    "clínicas clínico farmacéutico farmacéutica psicológico psicológica línea líneas página "
    "páginas mañana año años pequeño pequeña pequeñas pequeños señal señales español "
    "próximo próxima sábado miércoles convulsión convulsiones decisión opción opciones "
    "están todavía jamás quizás según través"
)


def _plain(word: str) -> str:
    """The word as typed without accents or tildes: médico -> medico, año -> ano."""
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


ACCENTED = {_plain(word): word for word in NEED_ACCENTS if _plain(word) != word}


# Doses as the ISMP writes them, in es-US: a point ("0.5 mg", the sheets' decimal sign; only the
# taper plan's numbers follow a region), a leading zero (not ".5 mg"), no trailing zero (not
# "1.0 mg", read as 10 mg).
UNIT = r"\s*(?:mg|mL|ml)\b"
DOSES = (
    (re.compile(r"\d,\d+" + UNIT), "writes {found}: a dose's decimal sign is a point (0.5 mg)"),
    (re.compile(r"(?<![\d.,])\.\d+" + UNIT), "writes {found}: write the zero first (0.5 mg)"),
    (re.compile(r"\b\d+\.0" + UNIT), "writes {found}: leave out the trailing zero (1 mg)"),
)


def leftover_english(block: str) -> bool:
    """A block of text that reads as English: more English common words than Spanish ones."""
    for name in ENGLISH_NAMES:
        block = block.replace(name, " ")
    words = [w.lower() for w in SPANISH_WORD.findall(SPANISH_URL.sub(" ", block))]
    english = sum(w in ENGLISH_WORDS for w in words)
    spanish = sum(w in SPANISH_WORDS for w in words)
    return english >= ENGLISH_AT_LEAST and english > spanish


def unpaired(block: str) -> list[str]:
    """Each ? without its ¿ (or ¿ without its ?), and the same for ! and ¡, in one block."""
    found = []
    for opening, closing in (("¿", "?"), ("¡", "!")):
        depth = 0
        for char in SPANISH_URL.sub(" ", block):
            if char == opening:
                depth += 1
            elif char == closing:
                if depth == 0:
                    found.append(f"'{closing}' without its '{opening}'")
                else:
                    depth -= 1
        if depth:
            found.append(f"'{opening}' without its '{closing}'")
    return found


def missing_accents(text: str) -> dict[str, str]:
    """Words written without the accent they need: the word as written -> as it is spelt."""
    found = {}
    for word in SPANISH_WORD.findall(SPANISH_URL.sub(" ", text)):
        right = ACCENTED.get(word.lower())
        if right:
            found.setdefault(word, right if word.islower() else right.capitalize())
    return found


def problems(blocks: Iterable[str]) -> list[str]:
    """What is wrong with a Spanish sheet's own words, one message each."""
    found = []
    blocks = list(blocks)
    for block in blocks:
        if leftover_english(block):
            found.append(f"reads as English, not Spanish: {_short(block)!r}")
        for pair in unpaired(block):
            found.append(f"has {pair}: {_short(block)!r}")
    for wrong, right in missing_accents(" ".join(blocks)).items():
        found.append(f"writes '{wrong}' without its accent: '{right}'")
    for pattern, message in DOSES:
        for dose in dict.fromkeys(m.group(0) for b in blocks for m in pattern.finditer(b)):
            found.append(message.format(found=f"'{dose}'"))
    return found


def _short(block: str, length: int = 60) -> str:
    return block if len(block) <= length else block[: length - 1].rstrip() + "…"
