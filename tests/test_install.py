"""Installed as a command: a wheel built from this checkout, installed into a fresh venv, run
from an empty folder. The venv sees the test environment's packages, so nothing is downloaded."""

from __future__ import annotations

import os
import site
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest
from pypdf import PdfReader

from .conftest import ROOT


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A venv holding only the wheel; the dependencies come from this test run's site-packages."""
    base = tmp_path_factory.mktemp("install")
    wheels = base / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(wheels), str(ROOT)],
        check=True, capture_output=True,
    )  # fmt: skip
    [wheel] = wheels.glob("handoutkit-*.whl")
    env_dir = base / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    # Dependencies from this environment, after the venv's own site-packages (so the wheel's
    # handoutkit, not the checkout's editable one, is imported).
    ours = [sysconfig.get_paths()["purelib"], *site.getsitepackages()]
    Path(purelib, "test-deps.pth").write_text("\n".join(dict.fromkeys(ours)) + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", purelib,
         str(wheel)],
        check=True, capture_output=True,
    )  # fmt: skip
    return env_dir


def run(env_dir: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    command = [str(env_dir / "bin" / "python"), "-m", "handoutkit", *args]
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=clean)


def test_the_wheel_carries_the_content_and_imports_its_own_copy(installed: Path, tmp_path):
    probe = run(installed, tmp_path, "--version")
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.startswith("handouts 0.")
    where = subprocess.run(
        [installed / "bin" / "python", "-c",
         "import handoutkit, handoutkit.project as p; print(handoutkit.__file__); "
         "print(p.bundled_project().root)"],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    assert str(ROOT) not in where[0], "imported the checkout, not the wheel"
    assert where[1].endswith("handoutkit/project")


def test_build_from_an_empty_folder_writes_every_pdf_there(installed: Path, tmp_path):
    result = run(installed, tmp_path, "build", "--jobs", "2")
    assert result.returncode == 0, result.stderr
    pdfs = sorted(p.name for p in (tmp_path / "build" / "letter").glob("*.pdf"))
    assert "booklet.pdf" in pdfs and "for-physicians.pdf" in pdfs
    assert len(PdfReader(tmp_path / "build" / "letter" / "booklet.pdf").pages) > 10
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]


def test_new_project_builds_and_uses_its_own_sheets(installed: Path, tmp_path):
    made = run(installed, tmp_path, "new", "x")
    assert made.returncode == 0, made.stderr
    project = tmp_path / "x"
    assert {p.name for p in project.iterdir()} == {"handouts", "templates", "styles", "clinic.toml"}
    sheet = next((project / "handouts").glob("*-for-employers.md"))
    sheet.write_text(sheet.read_text().replace("\ntitle: ", "\ntitle: Our clinic's ", 1))
    result = run(installed, project, "build", "--only", "for-employers")
    assert result.returncode == 0, result.stderr
    text = PdfReader(project / "build" / "letter" / "for-employers.pdf").pages[0].extract_text()
    assert "Our clinic's" in text
    again = run(installed, tmp_path, "new", "x")
    assert (again.returncode, again.stderr) == (
        2,
        "error: x: already exists and is not empty; nothing was copied\n",
    )
