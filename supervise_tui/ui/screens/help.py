"""The ? screen: every key binding with what it does."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from ...i18n import CATALOGUE, t
from ..bindings import bind
from ..text import literal
from .base import Dialog

# (keys, binding name) in the order a new user learns them.
KEYS = [
    ("1", "overview"), ("2", "pillars"), ("3", "units"), ("4", "people"),
    ("enter", "open"), ("escape", "back"), ("/", "search"),
    ("s", "status"), ("p", "progress"), ("n", "note"), ("l", "light"), ("c", "close_out"),
    ("ctrl+z", "undo"), ("5", "chase"), ("r", "rounds"), ("d", "diff"), ("]", "next_change"),
    ("[", "prev_change"), ("e", "export"),
    ("ctrl+p", "palette"), ("?", "help"), ("q", "quit"),
]


class HelpScreen(Dialog):
    """Lists the key bindings; any of escape, q or ? closes it."""

    BINDINGS = [bind("escape", "dismiss", "back"), bind("q", "dismiss", "back", show=False),
                bind("question_mark", "dismiss", "back", show=False)]

    def compose(self) -> ComposeResult:
        table = Table(title=t("screen.help"), show_edge=False, expand=True)
        table.add_column("", style="bold cyan", no_wrap=True)
        table.add_column("")
        table.add_column("", style="dim")
        for key, name in KEYS:
            tip = f"tip.{name}"
            table.add_row(literal(key), literal(t(f"key.{name}")), literal(t(tip) if tip in CATALOGUE else ""))
        with VerticalScroll(classes="help"):
            yield Static(table)

    def action_dismiss(self) -> None:
        self.dismiss(None)
