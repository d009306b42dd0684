"""The app factory: the validated site, the render pool, the routes, and the guard around them."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.datastructures import QueryParams
from starlette.exceptions import HTTPException
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from ..fonts import FONT_ROOT
from . import logs, routes, worker
from .pool import RenderPool
from .security import Guard
from .settings import Settings
from .site import WEB, Site

log = logging.getLogger("handoutkit.web")

REFUSALS = {400: "bad_host", 403: "bad_origin", 413: "too_large", 500: "server"}


def create_app(settings: Settings | None = None) -> Guard:
    """A ready ASGI app. Without settings, read from HANDOUTS_* variables (see Settings).

    The project is validated here, so a broken sheet stops the server at start, not a person
    at the desk. The render workers start (warm) in the app's lifespan.
    """
    settings = settings or Settings.from_env()
    logs.install()
    site = Site(settings)
    setup = worker.Setup(settings.project, settings.clinic, settings.lang, site.region, site.only)
    pool = RenderPool(
        worker.start, setup, settings.workers, settings.queue, settings.render_timeout
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await pool.start()
        log.info("ready: %d render workers, up to %d waiting", pool.size, pool.queue)
        try:
            yield
        finally:
            await pool.close()

    app = Starlette(
        routes=[
            Route("/", routes.home, name="home"),
            # Before the form's own address, whose {id} would take "<id>.pdf" as well.
            Route("/letters/{id}.pdf", routes.letter_pdf, methods=["POST"], name="letter_pdf"),
            # POST: the language switch on a form page, which keeps the answers.
            Route("/letters/{id}", routes.letter_form, methods=["GET", "POST"], name="letter_form"),
            Route("/card.pdf", routes.card_pdf, methods=["POST"], name="card_pdf"),
            Route(
                "/letters/{id}/details.toml",
                routes.letter_answers,
                methods=["POST"],
                name="letter_answers",
            ),
            Route(
                "/letters/{id}/preview",
                routes.letter_preview,
                methods=["POST"],
                name="letter_preview",
            ),
            Route("/details", routes.open_answers, methods=["POST"], name="open_answers"),
            Route("/clear", routes.clear, methods=["POST"], name="clear"),
            Route("/handouts/{edition}/{name}.pdf", routes.handout, name="handout"),
            Route("/handouts/{lang}/{edition}/{name}.pdf", routes.handout, name="handout_lang"),
            Route("/healthz", routes.healthz, name="healthz"),
            Mount("/static/fonts", StaticFiles(directory=FONT_ROOT / "files"), name="fonts"),
            Mount("/static", StaticFiles(directory=WEB / "static"), name="static"),
        ],
        lifespan=lifespan,
        exception_handlers={HTTPException: routes.refused},
    )
    app.state.site = site
    app.state.pool = pool

    async def refusal(status: int, scope: Scope) -> tuple[bytes, str]:
        ui = routes.interface(site, QueryParams(scope.get("query_string", b"")))
        words = ui.web["errors"]
        key = REFUSALS.get(status, "server")
        frame = routes.context(site, ui, app, scope.get("root_path", ""), None)
        html = site.render(
            "error.html",
            **frame,
            title=words[f"{key}_title"],
            heading=words[f"{key}_title"],
            message=words[key],
        )
        return html.encode("utf-8"), "text/html; charset=utf-8"

    guard = Guard(app, settings.allowed_hosts, settings.max_body, settings.allowed_origins, refusal)
    guard.state = app.state  # tests and monitoring reach the pool through it
    return guard
