"""handoutkit: builds printable benzodiazepine-tapering handouts and a booklet from Markdown."""

from .build import Built, build
from .config import Clinic, load_clinic
from .content import Handout, load_handouts
from .details import load_details, validate_details
from .editions import Edition
from .errors import BuildError, ContentError, HandoutError, InputError, Problem
from .library import Library, load_library
from .personal import build_letters, render_letters
from .project import Project, bundled_project, find_project
from .regions import Regions, load_regions
from .renderer import Job, Rendered, Renderer
from .starter import starter_text

__all__ = [
    "BuildError",
    "Built",
    "Clinic",
    "ContentError",
    "Edition",
    "Handout",
    "HandoutError",
    "InputError",
    "Job",
    "Library",
    "Problem",
    "Project",
    "Regions",
    "Rendered",
    "Renderer",
    "build",
    "build_letters",
    "bundled_project",
    "find_project",
    "load_clinic",
    "load_details",
    "load_handouts",
    "load_library",
    "load_regions",
    "render_letters",
    "starter_text",
    "validate_details",
]
