"""Logging for the web app: paths only in the access log, and nothing a person typed anywhere."""

from __future__ import annotations

import logging
from typing import Any

ACCESS_LOGGER = "uvicorn.access"
# The form parser's warnings quote bytes of the body it could not parse ("got 103 at index 2"):
# part of what a person sent. A bad body is already answered with 400; nothing more is logged.
QUIET = ("python_multipart", "multipart")


class PathOnly(logging.Filter):
    """Drops the query string from uvicorn's access log line: `"GET /letters/x HTTP/1.1" 200`.

    The app never puts answers in a URL, but a hand-made link could; the log keeps the path.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            client, method, path, version, status = args
            record.args = (client, method, path.split("?", 1)[0], version, status)
        return True


def install() -> None:
    """Put the filter on uvicorn's access logger, however uvicorn was started (once), and
    silence the loggers that would quote a request's body."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, PathOnly) for f in logger.filters):
        logger.addFilter(PathOnly())
    for name in QUIET:
        quiet = logging.getLogger(name)
        quiet.propagate = False
        quiet.handlers[:] = [logging.NullHandler()]


def config(access_log: bool = True) -> dict[str, Any]:
    """uvicorn's log_config for `handouts serve`: its usual lines, plus the app's own."""
    handler = {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"path_only": {"()": PathOnly}},
        "formatters": {"plain": {"format": "%(levelname)s: %(message)s"}},
        "handlers": {
            "default": handler,
            "access": {**handler, "filters": ["path_only"], "stream": "ext://sys.stdout"},
        },
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": "INFO", "propagate": False},
            "uvicorn.error": {"level": "INFO"},
            ACCESS_LOGGER: {
                "handlers": ["access"] if access_log else [],
                "level": "INFO",
                "propagate": False,
            },
            "handoutkit.web": {"handlers": ["default"], "level": "INFO", "propagate": False},
        },
    }
