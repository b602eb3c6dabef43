"""The single-file executable's entry point: the same `main` as the supervise-tui command."""

import sys

from supervise_tui.main import main

if __name__ == "__main__":
    sys.exit(main())
