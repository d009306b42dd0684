"""The guard around the app: headers on every response, Host and Origin checks, a body limit.

It wraps the whole Starlette app (outside Starlette's own error handling), so even a 400, 413
or 500 carries the headers, and an unexpected error is logged by its type only: an exception's
message can quote what a person typed.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Awaitable, Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("handoutkit.web")

# Nothing from another origin; images from data:/blob: for the preview; no inline script or
# style at all (every script, style sheet and font is a file this app serves).
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
HEADERS = (
    (b"cache-control", b"no-store"),
    (b"content-security-policy", CSP.encode()),
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
)
OWN = {name for name, _ in HEADERS} | {b"server", b"pragma"}
UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

# (status, scope) -> (body, content type): the pages for refusals, made by the app in its
# own words; the guard falls back to plain text.
Refusal = Callable[[int, Scope], Awaitable[tuple[bytes, str]]]


class Guard:
    """ASGI middleware; `hosts` are the host names (no port) allowed, "*" for any."""

    def __init__(
        self,
        app: ASGIApp,
        hosts: Iterable[str],
        max_body: int,
        origins: Iterable[str] = (),
        refusal: Refusal | None = None,
    ):
        self.app = app
        self.hosts = {h.lower().strip("[]") for h in hosts}
        self.max_body = max_body
        self.origins = {o.rstrip("/").lower() for o in origins}
        self.refusal = refusal
        self.state: Any = None  # the wrapped app's state, for whoever holds only the guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in OWN]
                message = {**message, "headers": [*kept, *HEADERS]}
            await send(message)

        headers = Headers(scope=scope)
        status = self._refuse(scope, headers)
        if status:
            await self._answer(scope, send_with_headers, status)
            return
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > self.max_body:
            await self._answer(scope, send_with_headers, 413)
            return
        # The body is read here, whole, before the app sees it: at most max_body bytes are
        # ever held, and a body sent in chunks without a Content-Length is counted the same.
        messages: list[Message] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            received += len(message.get("body", b""))
            if received > self.max_body:
                await self._answer(scope, send_with_headers, 413)
                return
            messages.append(message)
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        try:
            await self.app(scope, replay, send_with_headers)
        except Exception as exc:
            # Type and place only: the message (and locals) may hold a person's answers.
            where = traceback.extract_tb(exc.__traceback__)[-1]
            log.error(
                "error %s in %s:%d (%s)", type(exc).__name__, where.filename, where.lineno,
                where.name,
            )  # fmt: skip
            if not started:
                await self._answer(scope, send_with_headers, 500)

    def _refuse(self, scope: Scope, headers: Headers) -> int:
        """400 for a Host this app does not serve; 403 for a POST from another site."""
        host = _hostname(headers.get("host", ""))
        if "*" not in self.hosts and host not in self.hosts:
            return 400
        if scope["method"] in UNSAFE_METHODS and not self._same_origin(headers):
            return 403
        return 0

    def _same_origin(self, headers: Headers) -> bool:
        origin = headers.get("origin")
        fetched_from = headers.get("sec-fetch-site")
        if origin is None or origin == "null":
            # With Referrer-Policy: no-referrer a browser posts its own form with "Origin: null";
            # fetch metadata (every current browser) still says where the request came from.
            # No Origin and no metadata at all is a script or curl, not a page in a browser.
            if fetched_from is not None:
                return fetched_from in ("same-origin", "none")
            return origin is None
        if origin.rstrip("/").lower() in self.origins:
            return True
        return urlsplit(origin).netloc.lower() == headers.get("host", "").lower()

    async def _answer(self, scope: Scope, send: Send, status: int) -> None:
        body, content_type = b"", "text/plain; charset=utf-8"
        if self.refusal is not None:
            try:
                body, content_type = await self.refusal(status, scope)
            except Exception as exc:
                log.error("error %s while making the %d page", type(exc).__name__, status)
                body = b""
        if not body:
            body = {400: b"Bad Request", 403: b"Forbidden", 413: b"Content Too Large"}.get(
                status, b"Internal Server Error"
            )
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", content_type.encode()),
                    (b"content-length", str(len(body)).encode()),
                    # The rest of a refused request is never read: close rather than drain it.
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _hostname(host: str) -> str:
    """The Host header without its port: 'localhost:8000' -> 'localhost', '[::1]:80' -> '::1'."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host
