"""The single-file executable's entry point: the same `run` as the supervise-tui command."""

from supervise_tui.main import run

if __name__ == "__main__":
    run()
