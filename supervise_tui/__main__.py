"""`python -m supervise_tui` runs the same entry point as the `supervise-tui` command."""

from .main import run

run()
