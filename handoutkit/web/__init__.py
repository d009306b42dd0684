"""The web app: make the personal letters in a browser and download every handout.

`handouts serve` runs it for one person on their own computer; a clinic runs the same app with
`uvicorn --factory handoutkit.web:create_app` (README: "Hosting it for a clinic").
"""

from .app import create_app
from .settings import Settings

__all__ = ["Settings", "create_app"]
