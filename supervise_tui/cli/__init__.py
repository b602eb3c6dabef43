"""The command line: one parser (parser.py), the handlers by topic, the writers of their output.

Nothing here imports Textual: the entry point (supervise_tui.main) starts the TUI when no
subcommand is given.
"""
