"""`python -m handoutkit`: the same command line as the installed `handouts` command."""

import sys

from .cli import main

sys.exit(main())
