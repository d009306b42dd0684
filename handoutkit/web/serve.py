"""`handouts serve`: the app under uvicorn on one socket, for one person or a small clinic."""

from __future__ import annotations

import errno
import socket
import threading
import time
from collections.abc import Callable

import uvicorn

from ..errors import InputError, Problem
from . import logs
from .app import create_app
from .settings import Settings


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, made here so a port in use is one clear message, not a traceback."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            hint = f"; another program uses it: try --port {port + 1}"
            raise InputError(Problem("--port", f"{port} is in use on {host}{hint}")) from None
        problem = Problem("--host", f"cannot listen on {host}:{port}: {exc.strerror}")
        raise InputError(problem) from None
    sock.listen(128)
    return sock


def url_of(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def serve(
    settings: Settings,
    host: str,
    port: int,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Run until Ctrl-C; `on_ready(url)` is called once the workers are warm and it answers."""
    sock = bind(host, port)
    app = create_app(settings)
    config = uvicorn.Config(
        app,
        log_config=logs.config(),
        server_header=False,
        proxy_headers=False,
        timeout_graceful_shutdown=5,
        lifespan="on",
    )
    server = uvicorn.Server(config)
    url = url_of(host, sock.getsockname()[1])

    def announce() -> None:
        while not server.started and not server.should_exit:
            time.sleep(0.05)
        if server.started and on_ready is not None:
            on_ready(url)

    threading.Thread(target=announce, daemon=True, name="announce").start()
    server.run(sockets=[sock])
