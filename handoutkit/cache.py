"""Incremental builds: a fingerprint of every input that shapes an output, and their record."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from importlib.metadata import version
from pathlib import Path

from .config import Clinic
from .content import Handout
from .output import write_atomic
from .project import Project

CACHE_FILE = ".build-cache.json"
# Anything whose version can change the bytes of a PDF.
PACKAGES = ("weasyprint", "pydyf", "fontpkg-atkinson-hyperlegible", "segno", "markdown", "jinja2")
PACKAGE_DIR = Path(__file__).resolve().parent


# Code that never shapes a PDF's bytes: the web app only hands its answers to the renderer.
NOT_RENDERING = ("__pycache__", "web")


def _hash_files(digest, folder: Path, pattern: str = "*", skip: tuple[str, ...] = ()) -> None:
    for path in sorted(p for p in folder.rglob(pattern) if p.is_file()):
        if "__pycache__" in path.parts or set(skip) & set(path.relative_to(folder).parts):
            continue
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(path.read_bytes())


def base_fingerprint(project: Project, clinic: Clinic | None) -> str:
    """Everything every output shares: code, templates, styles, regions, clinic, versions."""
    digest = hashlib.sha256()
    for name in PACKAGES:
        digest.update(f"{name}={version(name)};".encode())
    _hash_files(digest, PACKAGE_DIR, "*.py", skip=NOT_RENDERING)
    _hash_files(digest, project.templates)
    _hash_files(digest, project.styles)
    digest.update(project.regions.read_bytes())
    if clinic:
        digest.update(json.dumps(asdict(clinic), default=str, sort_keys=True).encode())
        if clinic.logo:
            digest.update(clinic.logo.read_bytes())
    return digest.hexdigest()


def handout_fingerprint(handout: Handout) -> str:
    """A sheet's own input: its front matter and text, as validated."""
    text = json.dumps(asdict(handout), default=str, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def job_key(base: str, parts: list[str], edition: str, variant: str, lang: str) -> str:
    digest = hashlib.sha256(f"{base}|{lang}|{edition}|{variant}|".encode())
    for part in parts:
        digest.update(part.encode())
    return digest.hexdigest()


def load(out: Path) -> dict[str, dict]:
    """path -> {key, sha256}; an unreadable record just means a full rebuild."""
    try:
        data = json.loads((out / CACHE_FILE).read_text(encoding="utf-8"))
        return {k: v for k, v in data.items() if isinstance(v, dict)}
    except (OSError, ValueError, AttributeError):
        return {}


def file_matches(path: Path, sha256: str) -> bool:
    """The output is still the one we wrote: present, and unchanged by anyone else."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() == sha256
    except OSError:
        return False


def save(out: Path, entries: dict[str, dict]) -> None:
    text = json.dumps(dict(sorted(entries.items())), indent=1) + "\n"
    write_atomic(out / CACHE_FILE, text.encode())
