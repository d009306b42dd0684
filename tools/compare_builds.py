"""Compare two build folders page by page as images: did a change alter how any page looks?

    python tools/compare_builds.py BEFORE AFTER [--dpi 100]

Every PDF listed in BEFORE's manifest must exist in AFTER with the same page count; each page
is rasterised by poppler's pdftoppm (greyscale, the same resolution for both) and the pixels
compared exactly. Identical PDF bytes are reported as such without rasterising. Exit status 0
when every page matches, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path


def pages(pdf: Path, folder: Path, dpi: int) -> list[bytes]:
    prefix = folder / "p"
    subprocess.run(
        ["pdftoppm", "-gray", "-r", str(dpi), str(pdf), str(prefix)],
        check=True,
    )
    images = sorted(folder.glob("p-*.pgm"), key=lambda p: int(p.stem.split("-")[-1]))
    data = [image.read_bytes() for image in images]
    for image in images:
        image.unlink()
    return data


def differing_pixels(a: bytes, b: bytes) -> int:
    if len(a) != len(b):
        return max(len(a), len(b))
    return sum(1 for x, y in zip(a, b, strict=True) if x != y)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--dpi", type=int, default=100)
    args = parser.parse_args(argv)
    entries = json.loads((args.before / "manifest.json").read_text(encoding="utf-8"))["outputs"]
    same_bytes = same_look = 0
    changed: list[str] = []
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        for entry in entries:
            path = entry["path"]
            old, new = args.before / path, args.after / path
            if not new.exists():
                changed.append(f"{path}: missing after")
                continue
            if old.read_bytes() == new.read_bytes():
                same_bytes += 1
                continue
            (work / "a").mkdir(exist_ok=True)
            (work / "b").mkdir(exist_ok=True)
            before, after = pages(old, work / "a", args.dpi), pages(new, work / "b", args.dpi)
            if len(before) != len(after):
                changed.append(f"{path}: {len(before)} pages before, {len(after)} after")
                continue
            diffs = [differing_pixels(a, b) for a, b in zip(before, after, strict=True)]
            if any(diffs):
                where = ", ".join(f"page {i} ({n} px)" for i, n in enumerate(diffs, 1) if n)
                changed.append(f"{path}: {where}")
            else:
                same_look += 1
    print(
        f"{len(entries)} PDFs: {same_bytes} byte-identical, {same_look} look the same at "
        f"{args.dpi} dpi, {len(changed)} differ"
    )
    for line in changed:
        print(f"  {line}")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
