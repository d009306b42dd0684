"""The README's clinic recipe: `uvicorn --factory handoutkit.web:create_app`, set up by HANDOUTS_*
variables, behind a proxy's sub-path (--root-path)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

import httpx2 as httpx

from .conftest import ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_clinic_recipe_runs_under_uvicorn(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "HANDOUTS_PROJECT": str(ROOT),
        "HANDOUTS_BUILD": str(tmp_path / "build"),
        "HANDOUTS_ALLOWED_HOSTS": "letters.clinic.example",
        "HANDOUTS_RENDER_WORKERS": "1",
    }
    command = [sys.executable, "-m", "uvicorn", "--factory", "handoutkit.web:create_app"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--root-path", "/letters"]
    command += ["--no-server-header"]
    process = subprocess.Popen(
        command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert process.stdout
        for line in process.stdout:
            lines.append(line)
            if "Application startup complete" in line:
                ready.set()
        ready.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        assert ready.wait(180) and process.poll() is None, "".join(lines)
        clinic = {"host": "letters.clinic.example"}
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=clinic) as client:
            health = client.get("/healthz?monitor=secret-query")
            assert (health.status_code, health.text) == (200, "ok")
            assert "server" not in health.headers
            assert health.headers["cache-control"] == "no-store"
            # The proxy strips /letters; every link the pages make puts it back.
            home = client.get("/")
            assert 'href="/letters/letters/physician-letter"' in home.text
            assert 'href="/letters/static/app.css"' in home.text
            assert client.get("/", headers={"host": "127.0.0.1"}).status_code == 400
            origin = {"origin": "https://letters.clinic.example"}
            data = {"person.name": "Ana Pérez", "medication.name": "clonazepam"}
            letter = client.post("/letters/physician-letter.pdf", data=data, headers=origin)
            assert letter.status_code == 200
            assert letter.content.startswith(b"%PDF")
            foreign = {"origin": "https://elsewhere.example"}
            assert client.post("/clear", headers=foreign).status_code == 403
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
        time.sleep(0.1)
    log = "".join(lines)
    assert re.search(r'"GET /letters/healthz HTTP/1.1" 200', log), log
    assert "secret-query" not in log
    assert "Ana" not in log
