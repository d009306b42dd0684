"""The sandbox and atomic writes: no network, nothing outside the project, no half-written PDF."""

from __future__ import annotations

import http.server
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import ClassVar

import pytest
from pypdf import PdfReader

from handoutkit import BuildError, ContentError, Edition, Project, build

from .conftest import ROOT, copy_project, sheet_text


class CountingHandler(http.server.BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self):
        CountingHandler.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { color: red }")

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    CountingHandler.requests = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), CountingHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def attempt(project_root: Path, body: str, out: Path) -> list[str]:
    sheet = project_root / "handouts" / "01-first-sheet.md"
    sheet.write_text(sheet_text("first-sheet", body=body))
    with pytest.raises(BuildError) as caught:
        build(Project(project_root), [Edition("letter")], out, only=["first-sheet"], jobs=1)
    return caught.value.lines()


def test_no_request_reaches_a_server(mini_project: Path, server: str, tmp_path: Path):
    lines = attempt(mini_project, f"![a picture]({server}/picture.png)\n", tmp_path / "out")
    assert CountingHandler.requests == []
    assert lines == [
        f"handouts/01-first-sheet.md: refused to load '{server}/picture.png' (outside the project)"
    ]
    assert not (tmp_path / "out" / "letter" / "first-sheet.pdf").exists()


def test_html_that_would_fetch_is_refused_before_rendering(
    mini_project: Path, server: str, tmp_path: Path
):
    body = (
        f'<link rel="stylesheet" href="{server}/style.css">\n\n'
        f'<div style="background: url({server}/bg.png)">Text</div>\n'
    )
    sheet = mini_project / "handouts" / "01-first-sheet.md"
    sheet.write_text(sheet_text("first-sheet", body=body))
    with pytest.raises(ContentError) as caught:
        build(Project(mini_project), [Edition("letter")], tmp_path / "out", jobs=1)
    assert caught.value.lines() == [
        "handouts/01-first-sheet.md:11: <link> is not allowed in a sheet: it could hide or "
        "change the crisis box",
        "handouts/01-first-sheet.md:13: <div>: attribute 'style' is not allowed: a sheet's look "
        "comes from styles/",
    ]
    assert CountingHandler.requests == []
    assert not (tmp_path / "out").exists()


def secret_svg(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "secret.svg"
    path.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40">'
        '<text x="0" y="30">TOPSECRETWORD</text></svg>'
    )
    return path


def test_a_file_outside_the_project_is_refused(mini_project: Path, tmp_path: Path):
    secret = secret_svg(tmp_path / "elsewhere")
    lines = attempt(mini_project, f"![x]({secret.as_uri()})\n", tmp_path / "out")
    assert lines == [
        f"handouts/01-first-sheet.md: refused to load '{secret.as_uri()}' (outside the project)"
    ]


def test_relative_paths_cannot_climb_out(mini_project: Path, tmp_path: Path):
    secret_svg(tmp_path)
    lines = attempt(mini_project, "![x](../secret.svg)\n", tmp_path / "out")
    assert len(lines) == 1 and "refused to load" in lines[0] and "secret.svg" in lines[0]


def test_a_symlink_out_of_the_tree_is_refused(mini_project: Path, tmp_path: Path):
    secret = secret_svg(tmp_path / "elsewhere")
    (mini_project / "handouts" / "logo.svg").symlink_to(secret)
    lines = attempt(mini_project, "![x](handouts/logo.svg)\n", tmp_path / "out")
    assert len(lines) == 1 and "refused to load" in lines[0]


def test_files_inside_the_project_still_load(mini_project: Path, tmp_path: Path):
    secret_svg(mini_project / "handouts")
    sheet = mini_project / "handouts" / "01-first-sheet.md"
    sheet.write_text(sheet_text("first-sheet", body="![A test picture](handouts/secret.svg)\n"))
    build(
        Project(mini_project), [Edition("letter")], tmp_path / "out", only=["first-sheet"], jobs=1
    )
    assert (tmp_path / "out" / "letter" / "first-sheet.pdf").exists()


def test_a_killed_build_leaves_every_earlier_pdf_whole(tmp_path: Path):
    project = copy_project(tmp_path / "p")
    out = tmp_path / "out"
    build(Project(project), [Edition("letter")], out, jobs=1)
    before = {p.name: p.read_bytes() for p in (out / "letter").glob("*.pdf")}
    css = project / "styles" / "handout.css"
    css.write_text(css.read_text() + "\n.sheet-foot { color: #222; }\n")
    command = [
        sys.executable,
        str(ROOT / "make_handouts.py"),
        "--project",
        str(project),
        "--out",
        str(out),
        "--jobs",
        "1",
    ]
    # A process killed with SIGKILL cannot remove WeasyPrint's font folder: keep it in this
    # test's own folder, not the machine's temporary directory.
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}
    child = subprocess.Popen(
        command, stdout=subprocess.PIPE, text=True, start_new_session=True, env=env
    )
    for line in child.stdout:
        if "wrote" in line:
            break
    os.killpg(child.pid, signal.SIGKILL)
    child.wait()
    pdfs = sorted((out / "letter").glob("*.pdf"))
    assert {p.name for p in pdfs} == set(before)
    changed = [p.name for p in pdfs if p.read_bytes() != before[p.name]]
    assert 1 <= len(changed) < len(pdfs), "killed part-way: some new, the rest untouched"
    for pdf in pdfs:
        assert len(PdfReader(pdf).pages) >= 1, pdf.name
    # The next build finishes the job and clears any temporary file the kill left.
    build(Project(project), [Edition("letter")], out, jobs=1)
    assert list(out.rglob("*.tmp")) == []
