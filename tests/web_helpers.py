"""The web app as people run it: `handouts serve` in a subprocess, on a free loopback port.

Used by the browser tests, the canary test, tools/screenshots.py and bench/web.py.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READY = re.compile(r"ready at (http://\S+)")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class Served:
    """`python -m handoutkit serve --port 0 --no-open` in `cwd`; every line it logs is kept."""

    def __init__(self, cwd: Path, *args: str, env: dict[str, str] | None = None):
        self.cwd, self.args, self.env = cwd, args, env
        self.lines: list[str] = []
        self.url = ""
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Served:
        command = [sys.executable, "-m", "handoutkit", "serve", "--project", str(ROOT)]
        command += ["--port", "0", "--no-open", *self.args]
        self.process = subprocess.Popen(
            command,
            cwd=self.cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(self.env or {})},
        )
        found = threading.Event()

        def read() -> None:
            assert self.process and self.process.stdout
            for line in self.process.stdout:
                self.lines.append(line)
                match = READY.search(line)
                if match:
                    self.url = match.group(1)
                    found.set()
            found.set()

        threading.Thread(target=read, daemon=True).start()
        if not found.wait(180) or not self.url:
            self.__exit__(None, None, None)
            raise RuntimeError("the app did not start:\n" + "".join(self.lines))
        return self

    @property
    def log(self) -> str:
        return "".join(self.lines)

    def pids(self) -> list[int]:
        """The server and its render workers (its children)."""
        assert self.process is not None
        kids: list[int] = []
        # Each thread lists the children it started: workers start from the pool's threads.
        for children in Path(f"/proc/{self.process.pid}/task").glob("*/children"):
            try:
                kids += [int(p) for p in children.read_text().split()]
            except OSError:
                continue
        return [self.process.pid, *sorted(set(kids))]

    def __exit__(self, *exc) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        time.sleep(0.1)  # let the reader thread take the last lines


def wider_than(page, names: Iterable[str], width: int) -> dict[str, int]:
    """The pages, each loaded as `names` yields its name, that scroll sideways past `width`."""
    wide = {}
    for name in names:
        scrolled = page.evaluate("() => document.documentElement.scrollWidth")
        if scrolled > width:
            wide[name] = scrolled
    return wide


def refuse_app_script(context) -> None:
    """axe needs script, so a page is shown as without JavaScript by refusing the app's own
    script: the no-js page, its hidden parts hidden."""
    context.route("**/static/app.js", lambda route: route.abort())


def axe_failures(axe, page, names: Iterable[str] = ("",)) -> dict[str, str]:
    """axe's report of every page loaded as `names` yields it, by name, where it found any."""
    failures = {}
    for name in names:
        results = axe.run(page)
        if results.violations_count:
            failures[name] = results.generate_report()
    return failures


def reported(failures: dict[str, str]) -> str:
    return "\n".join(f"{name}:\n{report}" for name, report in failures.items())
