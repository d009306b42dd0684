"""Benchmark: warm cost per page of every sheet and the booklet, against a plain WeasyPrint page.

Run with `make bench-pages`. One process, the renderer warm (fonts and stylesheets loaded, every
job rendered once before timing), content checks on: what a clinic's rebuild, the web app's
preview and a batch of letters each pay per page. The plain page is the same sheet's text with
the same font and a minimal stylesheet, rendered by WeasyPrint in the same run, so the ratio
says how much the design costs over WeasyPrint's floor on this machine.
"""

from __future__ import annotations

import argparse
import html
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from weasyprint import CSS, HTML  # noqa: E402

from bench.run import machine  # noqa: E402
from handoutkit.editions import Edition  # noqa: E402
from handoutkit.fonts import font_face_css  # noqa: E402
from handoutkit.project import Project  # noqa: E402
from handoutkit.renderer import BOOKLET_ID, Job, Renderer  # noqa: E402

PLAIN_CSS = """
@page { size: letter; margin: 2cm; }
html { font-family: "Atkinson Hyperlegible"; font-size: 12pt; line-height: 1.4; }
"""
TAG = re.compile(r"<[^>]+>")


def plain_html(body_html: str) -> str:
    """The sheet's own words as paragraphs, nothing else: WeasyPrint's floor for this text."""
    blocks = [TAG.sub(" ", b) for b in re.split(r"</(?:p|li|h[1-6])>", body_html)]
    paragraphs = "".join(f"<p>{html.escape(' '.join(b.split()))}</p>" for b in blocks if b.strip())
    return f'<!doctype html><html lang="en"><body>{paragraphs}</body></html>'


def timings(run, rounds: int) -> list[float]:
    """CPU seconds of this process per run: rendering is single-threaded, and CPU time does not
    count the time other programs on a busy machine took from it."""
    out = []
    for _ in range(rounds):
        started = time.process_time()
        run()
        out.append(time.process_time() - started)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="timed renders of each job")
    parser.add_argument("--paper", choices=("letter", "a4"), default="letter")
    parser.add_argument("--large-print", action="store_true")
    args = parser.parse_args(argv)

    edition = Edition(args.paper, args.large_print)
    renderer = Renderer(Project(ROOT))
    library = renderer.library
    jobs = [Job("sheet", h.id, edition) for h in library.handouts]
    pdfs = renderer.pdfs
    fonts = [CSS(string=font_face_css(), font_config=pdfs.font_config)]
    plain_css = [*fonts, CSS(string=PLAIN_CSS, font_config=pdfs.font_config)]

    def plain(job: Job):
        text = plain_html(renderer.templates.body(library.by_id(job.id)).body_html)

        def run():
            return HTML(string=text).render(stylesheets=plain_css, font_config=pdfs.font_config)

        return run

    # Warm everything once: fonts, parsed stylesheets, templates, the booklet's bodies. The
    # booklet's notes page is decided from its sheets' page counts, as the build decides it.
    sheet_pages = sum(renderer.pdf(job).pages for job in jobs if library.by_id(job.id).booklet)
    booklet = Job("booklet", BOOKLET_ID, edition, notes_page=(2 + sheet_pages) % 2 == 1)
    renderer.pdf(booklet)
    plain_runs = {job.id: plain(job) for job in jobs}
    plain_pages = {}
    for job in jobs:
        plain_pages[job.id] = len(plain_runs[job.id]().pages)

    rows = []
    for job in jobs:
        pages = renderer.pdf(job).pages
        full = statistics.median(timings(lambda job=job: renderer.pdf(job), args.rounds))
        run = plain_runs[job.id]
        floor = statistics.median(timings(lambda run=run: run().write_pdf(), args.rounds))
        rows.append((job.id, pages, full / pages, floor / plain_pages[job.id]))
    book_pages = renderer.pdf(booklet).pages
    book = statistics.median(timings(lambda: renderer.pdf(booklet), args.rounds)) / book_pages
    renderer.close()

    print(f"machine: {machine()}")
    print(f"edition: {edition.name}; median CPU time of {args.rounds} warm renders, checks on\n")
    print(f"  {'sheet':<28} {'pages':>5} {'ms/page':>8} {'plain':>7} {'ratio':>6}")
    for name, pages, per_page, floor in rows:
        ratio = per_page / floor
        print(f"  {name:<28} {pages:5d} {per_page * 1000:8.1f} {floor * 1000:7.1f} {ratio:6.2f}")
    per_page = [r[2] for r in rows]
    floor = statistics.median(r[3] for r in rows)
    median, worst = statistics.median(per_page), max(per_page)
    print()
    print(f"  sheets, median  {median * 1000:7.1f} ms/page  ({median / floor:.2f} x plain)")
    print(f"  sheets, worst   {worst * 1000:7.1f} ms/page  ({worst / floor:.2f} x plain)")
    print(f"  booklet         {book * 1000:7.1f} ms/page  ({book / floor:.2f} x plain)")
    print(f"  plain, median   {floor * 1000:7.1f} ms/page")
    ok = median <= 0.060 and book <= 0.100
    print("\ntargets (median at most 60 ms/page; booklet at most 100 ms/page):", end=" ")
    print("met" if ok else "NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
