"""Subcommands for rounds, scripted edits, the round diff and the bulletin export."""

from __future__ import annotations

from argparse import Namespace


def add_parsers(sub) -> None:
    """Register this module's subcommands on the main parser's subparsers."""


HANDLERS: dict[str, object] = {}
