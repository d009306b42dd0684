#!/usr/bin/env python3
"""Thin shim so `python make_handouts.py ...` keeps working: the command line is handoutkit.cli."""

import sys

try:
    from handoutkit.cli import main
except ModuleNotFoundError as exc:  # Run with a Python that lacks the project's packages.
    sys.exit(
        f"error: this Python cannot find '{exc.name}'. Run `make` once, then use "
        ".venv/bin/python make_handouts.py (or install the `handouts` command)."
    )

if __name__ == "__main__":
    sys.exit(main())
