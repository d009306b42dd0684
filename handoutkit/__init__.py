"""handoutkit: builds printable benzodiazepine-tapering handouts and a booklet from Markdown."""

from .build import Built, build, load_project
from .config import Project
from .content import Handout, load_handouts
from .editions import Edition
from .errors import BuildError, ContentError, HandoutError, InputError, Problem

__all__ = [
    "BuildError",
    "Built",
    "ContentError",
    "Edition",
    "Handout",
    "HandoutError",
    "InputError",
    "Problem",
    "Project",
    "build",
    "load_handouts",
    "load_project",
]
