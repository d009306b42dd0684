"""How one web app is set up: its project, clinic, limits and the hosts it answers for."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..config import Clinic, find_clinic, load_clinic
from ..errors import InputError, Problem
from ..project import Project, find_project

# Local mode answers only to these names: a page on another site that points its own DNS name
# at 127.0.0.1 (DNS rebinding) sends its own Host header and is turned away.
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
MAX_BODY = 64 * 1024  # the largest form (every field at its limit, in any script) is ~40 KB
RENDER_TIMEOUT = 10.0  # seconds; a render taking longer is answered 503 and its worker replaced
# A handout or the 20-page booklet is fixed content, laid out once and then kept: it may take
# longer on a busy machine than a one-page letter ever should.
HANDOUT_TIMEOUT = 60.0
ENV_PREFIX = "HANDOUTS_"


@dataclass(frozen=True)
class Settings:
    """Everything create_app needs; from_env() reads it from HANDOUTS_* variables for clinics."""

    project: Project
    clinic: Clinic | None = None
    # Built handouts are served from here when present and up to date; else rendered on request.
    build_dir: Path | None = None
    # Host names (no port) this app answers for; "*" answers any (a proxy checks them).
    allowed_hosts: tuple[str, ...] = LOCAL_HOSTS
    # Origins besides the request's own host that may POST (a proxy on another name).
    allowed_origins: tuple[str, ...] = ()
    workers: int = 2  # render processes, each with a warm WeasyPrint
    queue: int = 16  # requests that may wait for a worker before the app answers 503
    render_timeout: float = RENDER_TIMEOUT
    handout_timeout: float = HANDOUT_TIMEOUT
    max_body: int = MAX_BODY
    # Seconds a 503 asks the browser to wait before trying again.
    retry_after: int = 5
    lang: str = "en"

    @property
    def local(self) -> bool:
        return set(self.allowed_hosts) <= set(LOCAL_HOSTS)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """HANDOUTS_PROJECT, _CLINIC, _BUILD, _ALLOWED_HOSTS, _ALLOWED_ORIGINS, _RENDER_WORKERS,
        _QUEUE and _RENDER_TIMEOUT; anything unset keeps the local, one-person default."""
        env = os.environ if environ is None else environ
        problems: list[Problem] = []

        def number(name: str, default: float, kind=int, low: float = 1) -> float:
            text = env.get(ENV_PREFIX + name, "").strip()
            if not text:
                return default
            try:
                value = kind(text)
            except ValueError:
                value = None
            if value is None or value < low:
                what = "a whole number" if kind is int else "a number"
                problems.append(
                    Problem(ENV_PREFIX + name, f"must be {what}, {low} or more; got {text!r}")
                )
                return default
            return value

        def words(name: str) -> tuple[str, ...]:
            return tuple(w.strip() for w in env.get(ENV_PREFIX + name, "").split(",") if w.strip())

        project_dir = env.get(ENV_PREFIX + "PROJECT")
        project = find_project(Path(project_dir) if project_dir else None)
        clinic_file = env.get(ENV_PREFIX + "CLINIC")
        build_dir = env.get(ENV_PREFIX + "BUILD")
        settings = cls(
            project=project,
            clinic=clinic_from(Path(clinic_file) if clinic_file else None),
            build_dir=Path(build_dir) if build_dir else Path("build").resolve(),
            allowed_hosts=words("ALLOWED_HOSTS") or LOCAL_HOSTS,
            allowed_origins=words("ALLOWED_ORIGINS"),
            workers=int(number("RENDER_WORKERS", 2)),
            queue=int(number("QUEUE", 16, low=0)),
            render_timeout=float(number("RENDER_TIMEOUT", RENDER_TIMEOUT, float, 0.001)),
        )
        if problems:
            raise InputError(problems)
        return settings


def clinic_from(path: Path | None) -> Clinic | None:
    """The clinic file named, else clinic.toml in the current folder, as the command line does."""
    found = find_clinic(path)
    return load_clinic(found, found.as_posix()) if found else None


def is_loopback(host: str) -> bool:
    """127.0.0.1, ::1 and localhost: a server bound there is reachable from this computer only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
