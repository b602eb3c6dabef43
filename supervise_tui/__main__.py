"""`python -m supervise_tui` runs the same entry point as the `supervise-tui` command."""

import sys

from .main import main

sys.exit(main())
