"""The canary: a string made fresh for this run goes into every field of every route of the real
server (`handouts serve`); afterwards it is in no file under the project, in no temporary
directory and in no line the server logged. It is only ever in the responses."""

from __future__ import annotations

import io
import secrets
import subprocess
import tempfile
import time
import tomllib
from pathlib import Path

import httpx2 as httpx
from pypdf import PdfReader

from handoutkit.fields import BOOL, CHOICES, DATE, FIELDS, TEXT
from handoutkit.web.forms import SETTINGS

from .conftest import ROOT
from .web_helpers import Served

DATA = Path(__file__).parent / "data"
LETTERS = ("physician-letter", "employer-accommodation")


def filled(canary: str, letter: str) -> dict:
    """A valid form for `letter` with the canary inside every text answer."""
    data: dict = {}
    for field in FIELDS:
        if field.type == TEXT:
            data[field.key] = f"{canary[: field.max_length - 1]}"[: field.max_length]
        elif field.type == CHOICES:
            data[field.key] = ["", *field.choices[:2]]
        elif field.type == BOOL:
            data[field.key] = "true"
    data["medication.symptoms"] = f"Poor sleep {canary} and worse in the evening"
    return data


def everywhere(canary: str, letter: str) -> dict:
    """The canary in every field, including dates, choices and settings (an invalid form)."""
    data = {f.key: canary for f in FIELDS if f.type in (TEXT, DATE, BOOL)}
    data.update({f.key: ["", canary] for f in FIELDS if f.type == CHOICES})
    settings = dict.fromkeys(SETTINGS, canary)
    return {**data, **settings, "letter": canary}


def grep(canary: str, *folders: Path) -> list[str]:
    """Every file under the folders whose bytes hold the canary (grep reads binary files too)."""
    found = subprocess.run(
        ["grep", "-r", "-l", "-F", "--", canary, *map(str, folders)],
        capture_output=True,
        text=True,
    )
    # Other people's temporary files may vanish while grep walks /tmp: only that is forgiven.
    errors = [
        line for line in found.stderr.splitlines() if not line.endswith("No such file or directory")
    ]
    assert found.returncode in (0, 1) or not errors, found.stderr
    return found.stdout.splitlines()


def changed_since(folder: Path, started: float) -> list[Path]:
    changed = []
    for path in folder.rglob("*"):
        try:
            if path.is_file() and path.stat().st_mtime >= started:
                changed.append(path)
        except OSError:
            continue
    return changed


def holds_canary(path: Path, canary: str) -> bool:
    """Also the forms grep cannot see: UTF-16 text and the compressed text of a PDF."""
    try:
        data = path.read_bytes()
    except OSError:
        return False
    if canary.encode("utf-16-le") in data:
        return True
    if data.startswith(b"%PDF"):
        try:
            reader = PdfReader(io.BytesIO(data))
            return any(canary in (page.extract_text() or "") for page in reader.pages)
        except Exception:
            return False
    return False


def test_nothing_typed_is_kept_logged_or_put_in_a_url(tmp_path: Path):
    canary = "cnry" + secrets.token_hex(10)
    server_tmp = tmp_path / "server-tmp"
    server_tmp.mkdir()
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    started = time.time()
    env = {"TMPDIR": str(server_tmp)}
    with Served(cwd, env=env) as app:
        base = app.url.rstrip("/")
        same = {"origin": base, "sec-fetch-site": "same-origin"}
        seen: list[httpx.Response] = []
        with httpx.Client(base_url=base, timeout=60) as client:

            def go(method: str, path: str, **kwargs) -> httpx.Response:
                response = client.request(method, path, **kwargs)
                seen.append(response)
                return response

            for path in ("/", "/healthz", "/static/app.js", "/handouts/letter/taper-diary.pdf"):
                assert go("GET", path).status_code == 200, path
            for letter in LETTERS:
                assert go("GET", f"/letters/{letter}").status_code == 200
                good = filled(canary, letter)
                pdf = go("POST", f"/letters/{letter}.pdf", data=good, headers=same)
                assert pdf.status_code == 200, pdf.text[:500]
                text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
                assert canary in text  # it really went through the renderer
                bad = go("POST", f"/letters/{letter}.pdf", data=everywhere(canary, letter))
                assert bad.status_code == 422
                saved = go("POST", f"/letters/{letter}/details.toml", data=good, headers=same)
                assert canary in saved.text
                preview = go("POST", f"/letters/{letter}/preview", data=good, headers=same)
                assert preview.json()["status"] == "ok"
                go("POST", f"/letters/{letter}/preview", data=everywhere(canary, letter))
                # The switch to the other language sends the answers back in the page itself.
                switched = go("POST", f"/letters/{letter}?lang=es", data=good, headers=same)
                assert switched.status_code == 200 and canary in switched.text
                go("POST", f"/letters/{letter}.pdf?lang=es", data=everywhere(canary, letter))
                upload = {"answers": (f"{canary}.toml", saved.content)}
                opened = go("POST", "/details", data={"letter": letter}, files=upload, headers=same)
                assert opened.status_code == 200 and canary in opened.text
                tomllib.loads(saved.text)
            broken = {"answers": ("a.toml", f'[person]\nname = "{canary}'.encode())}
            assert go("POST", "/details", files=broken, headers=same).status_code == 422
            clear = go("POST", "/clear", data={"letter": canary}, headers=same)
            assert clear.status_code == 303 and canary not in clear.headers["location"]
            # Refused requests: another site, another host, a body too large, a query string.
            foreign = {"origin": f"http://{canary}.example"}
            assert go("POST", "/letters/physician-letter.pdf", headers=foreign).status_code == 403
            assert go("GET", "/", headers={"host": f"{canary}.example"}).status_code == 400
            huge = {"person.name": canary * 5000}
            assert go("POST", "/letters/physician-letter.pdf", data=huge).status_code == 413
            go("GET", f"/letters/physician-letter?name={canary}")
            # A body that is not the form it claims to be: the parser's complaint quotes it.
            garbled = {**same, "content-type": "multipart/form-data; boundary=x"}
            sent = go("POST", "/letters/physician-letter.pdf", content=canary, headers=garbled)
            assert sent.status_code == 400
    log = app.log
    assert "Application startup complete" in log and "GET /healthz" in log  # logs were caught
    assert canary not in log
    assert "boundary" not in log  # python-multipart's warning, which quotes the body, is off
    # Nowhere on disk: the project (and the folder it ran in), any temporary directory.
    folders = [ROOT, cwd, server_tmp, Path(tempfile.gettempdir())]
    assert grep(canary, *folders) == []
    assert list(server_tmp.iterdir()) == []
    changed = [p for p in changed_since(ROOT, started) if "__pycache__" not in p.parts]
    changed += changed_since(cwd, started)
    assert [p for p in changed if holds_canary(p, canary)] == []
    assert [p for p in changed_since(ROOT, started) if p.suffix == ".pdf"] == []
    # Never in a URL: no redirect, link or form action the server sent carries it.
    for response in seen:
        assert canary not in response.headers.get("location", "")
        if response.headers.get("content-type", "").startswith("text/html"):
            for attribute in ("href", "action", "src", "formaction"):
                assert f'{attribute}="' not in _urls_with(response.text, attribute, canary)


def _urls_with(html: str, attribute: str, canary: str) -> str:
    import re

    urls = re.findall(rf'{attribute}="([^"]*)"', html)
    return " ".join(f'{attribute}="{u}"' for u in urls if canary in u)
