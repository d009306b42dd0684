"""A translation's sheets (handouts/<code>/): one per English sheet, matched by file name."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from .content import Handout, load_handouts
from .errors import ContentError, Problem
from .project import Project

# What a translation must keep from its English sheet: the reader and the kind of page are the
# same in every language (the page budget may grow by a page: Spanish runs longer).
SAME = ("audience", "kind")


def load_translations(
    project: Project,
    lang: str,
    english: Sequence[Handout],
    only: Collection[str] | None = None,
) -> tuple[list[Handout], list[Problem]]:
    """The sheets of `lang`, in the English order, and warnings about them (an English sheet
    reviewed after its translation: the translation may be stale); raise ContentError listing
    every problem.

    Each English sheet has handouts/<lang>/<same file name>, unless its front matter says
    `spanish: false` (a form for US clinicians). `only` (sheet ids, maybe none) checks and loads
    just those sheets, so a translation can be built while the rest are still being written;
    without it (None), a missing or extra file is a problem.
    """
    folder = project.sheets(lang)
    shown = f"{folder.relative_to(project.root).as_posix()}/"
    wanted = {_file(h): h for h in english if h.spanish and (only is None or h.id in only)}
    left_out = {_file(h): h for h in english if not h.spanish}
    present = {p.name for p in folder.glob("*.md")} if folder.is_dir() else set()
    present = {name for name in present if not name.startswith((".", "#"))}
    if not present and only is None:
        return _raise(Problem(shown, f"no sheets: a {lang} build needs one per English sheet"))
    problems = [
        Problem(f"{shown}{name}", f"missing: the translation of {english_h.source}")
        for name, english_h in wanted.items()
        if name not in present
    ]
    if only is None:
        for name in sorted(present - set(wanted)):
            if name in left_out:
                reason = f"{left_out[name].source} says `spanish: false`: it has no translation"
            else:
                reason = f"no English sheet handouts/{name}: a translation keeps its file name"
            problems.append(Problem(f"{shown}{name}", f"extra file; {reason}"))
    translated: list[Handout] = []
    try:
        translated = load_handouts(folder, project.root, names=set(wanted) & present)
    except ContentError as exc:
        problems += exc.problems
    for handout in translated:
        original = wanted[_file(handout)]
        for key in SAME:
            if getattr(handout, key) != getattr(original, key):
                problems.append(
                    Problem(
                        handout.source,
                        f"front matter '{key}' must be {getattr(original, key)!r}, as in "
                        f"{original.source}; got {getattr(handout, key)!r}",
                    )
                )
    if problems:
        _raise(*problems)
    return translated, [w for h in translated if (w := _stale(h, wanted[_file(h)]))]


def english_problems(english: Sequence[Handout]) -> list[Problem]:
    """An English sheet is not a translation: it has no `translation_reviewed`."""
    return [
        Problem(h.source, "front matter 'translation_reviewed' is for a translation "
                "(handouts/<lang>/), not an English sheet; use 'reviewed'")
        for h in english
        if h.translation_reviewed is not None
    ]  # fmt: skip


def _stale(translated: Handout, original: Handout) -> Problem | None:
    if original.reviewed <= translated.reviewed:
        return None
    return Problem(
        translated.source,
        f"{original.source} was reviewed on {original.reviewed.isoformat()}, after this "
        f"translation ({translated.reviewed.isoformat()}): it may be out of date; bring it up "
        "to date, then update its 'reviewed'",
        field="reviewed",
    )


def _file(handout: Handout) -> str:
    return handout.source.rsplit("/", 1)[-1]


def _raise(*problems: Problem):
    raise ContentError(list(problems))
