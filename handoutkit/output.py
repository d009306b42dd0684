"""Writing outputs: atomic file writes and build/manifest.json."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Written:
    """A file's bytes described: its size and digest."""

    pages: int
    bytes: int
    sha256: str


@dataclass(frozen=True)
class Output:
    """One file the build wrote, as the manifest lists it."""

    id: str
    edition: str
    kind: str
    audience: str
    path: str
    pages: int
    bytes: int
    sha256: str
    lang: str = "en"


def write_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write to a temporary file beside the target, then rename: readers never see half a file.

    `mode` 0o600 keeps a file readable by its owner only (personal letters).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def remove_stale_temporaries(out: Path, folders) -> None:
    """Temporary files left by a build that was killed mid-write; never a finished output."""
    for folder in [out, *(out / name for name in sorted(folders))]:
        for stale in folder.glob(".*.tmp"):
            with contextlib.suppress(OSError):
                stale.unlink()


def describe(data: bytes, pages: int) -> Written:
    """The size and digest of a file's bytes, written or not."""
    return Written(pages, len(data), hashlib.sha256(data).hexdigest())


def update_manifest(out: Path, outputs: list[Output]) -> Path:
    """Merge this build's outputs into the manifest; entries whose files are gone are dropped."""
    path = out / MANIFEST
    entries: dict[str, dict] = {}
    if path.exists():
        try:
            for entry in json.loads(path.read_text(encoding="utf-8")).get("outputs", []):
                if (out / entry["path"]).exists():
                    entries[entry["path"]] = entry
        except (ValueError, KeyError, TypeError, AttributeError):
            entries = {}  # A damaged manifest is rebuilt from this build alone.
    for output in outputs:
        entries[output.path] = asdict(output)
    ordered = [entries[key] for key in sorted(entries)]
    text = json.dumps({"outputs": ordered}, indent=2, ensure_ascii=False) + "\n"
    write_atomic(path, text.encode("utf-8"))
    return path


def read_manifest(out: Path) -> list[dict]:
    """The manifest's entries; a missing or damaged manifest has none."""
    try:
        entries = json.loads((out / MANIFEST).read_text(encoding="utf-8")).get("outputs", [])
    except (OSError, ValueError, AttributeError):
        return []
    return [e for e in entries if isinstance(e, dict) and isinstance(e.get("path"), str)]


def remove_listed(out: Path, withdrawn: list[dict]) -> list[str]:
    """Delete outputs the manifest listed and drop them from it; return their paths.

    Only a PDF the manifest names, inside out and never in out/personal/, is ever deleted.
    """
    root = out.resolve()
    removed = []
    for entry in withdrawn:
        path = (out / entry["path"]).resolve()
        inside = path.is_relative_to(root) and not path.is_relative_to(root / "personal")
        if not inside or path.suffix != ".pdf":
            continue
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        removed.append(entry["path"])
    if removed:
        kept = [e for e in read_manifest(out) if e["path"] not in removed]
        text = json.dumps({"outputs": kept}, indent=2, ensure_ascii=False) + "\n"
        write_atomic(out / MANIFEST, text.encode("utf-8"))
    return removed
