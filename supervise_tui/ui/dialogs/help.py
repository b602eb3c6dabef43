"""The ? screen: every key that works on the screen it was opened from, read from the real bindings.

Nothing here lists keys by hand, so a key added to a screen appears here the day it is added.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.table import Table
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from ...i18n import t
from ..bindings import BINDING_ID_PREFIX, bind
from ..text import literal
from .base import Dialog


class HelpRow(NamedTuple):
    key: str  # as the README and the key bar write it: "enter", "ctrl+z", "?"
    description: str
    tooltip: str
    everywhere: bool  # an App binding (works on every screen), else this screen's own


def key_name(binding) -> str:
    return binding.key_display or binding.key


def help_rows(screen: Screen) -> list[HelpRow]:
    """Every binding of ours active on ``screen`` (on the key bar or not), its own first, then the App's.

    Ours are the ones made by ``bind`` (their id says so): Textual's own scrolling keys are left out.
    """
    rows: dict[tuple[str, str], HelpRow] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        if not (binding.id or "").startswith(BINDING_ID_PREFIX):
            continue
        row = HelpRow(key_name(binding), binding.description, binding.tooltip or "", active.node is screen.app)
        rows.setdefault((row.key, binding.action), row)
    return sorted(rows.values(), key=lambda r: r.everywhere)


class HelpScreen(Dialog):
    """Lists the keys of the screen below; any of escape, q or ? closes it."""

    BINDINGS = [bind("escape", "close", "back"), bind("q", "close", "back", show=False),
                bind("question_mark", "close", "back", show=False, key_display="?")]

    def __init__(self, screen: Screen):
        super().__init__()
        self.rows = help_rows(screen)

    def compose(self) -> ComposeResult:
        table = Table(title=t("screen.help"), show_edge=False, expand=True)
        table.add_column("", style="bold cyan", no_wrap=True)
        table.add_column("")
        table.add_column("", style="dim")
        for n, row in enumerate(self.rows):
            if n == 0 or row.everywhere != self.rows[n - 1].everywhere:
                table.add_row(literal(t("help.everywhere" if row.everywhere else "help.here"), "bold"), "", "")
            table.add_row(literal(row.key), literal(row.description), literal(row.tooltip))
        with VerticalScroll(classes="help"):
            yield Static(table)

    def action_close(self) -> None:
        self.dismiss(None)
