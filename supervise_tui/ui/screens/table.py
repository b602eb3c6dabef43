"""The screen most others build on: a breadcrumb, a summary line and one virtual table; enter drills in.

Its own room, apart from the drill-down screens (browse.py), so the first screen (the overview)
loads it without them.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Static

from ...i18n import t
from ..bindings import bind
from ..sources import ListSource
from ..text import literal
from ..widgets.vtable import VirtualTable
from .base import Frame


class TableScreen(Frame):
    """A breadcrumb, a summary line and one virtual table; enter drills in."""

    BINDINGS = [bind("enter", "open", "open", show=False)]

    def compose_body(self) -> ComposeResult:
        yield Static(id="summary")
        yield VirtualTable(self.make_source(), id="table")

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#table", VirtualTable)

    def make_source(self):
        raise NotImplementedError

    # Textual calls every class's on_mount along the MRO (Frame's too), so no super() here:
    # calling it would run the base handler twice.
    def on_mount(self) -> None:
        self.update_summary()
        self.first_focus().focus()

    def first_focus(self) -> Widget:
        """The widget that has the focus when the screen opens."""
        return self.table

    def refresh_data(self) -> None:
        source = self.table.source
        # A list is read afresh; a paged source re-counts in place, unless the round it reads is not
        # the session's any more (the round was switched): then it is made anew for that round.
        current = self.session.round.id
        if isinstance(source, ListSource) or getattr(source, "round_id", current) != current:
            self.table.set_source(self.make_source())
        else:
            self.table.reload()
        self.update_summary()

    def to_top(self) -> None:
        self.table.move_cursor(0)
        self.table.scroll_to(0, 0, animate=False)
        self.first_focus().focus()

    def update_summary(self) -> None:
        self.query_one("#summary", Static).update(literal(t("summary.rows", rows=self.table.row_count), "dim"))

    def on_virtual_table_selected(self, event: VirtualTable.Selected) -> None:
        event.stop()
        self.open_key(event.key, event.row)

    def action_open(self) -> None:
        if self.table.current_key is not None:
            self.open_key(self.table.current_key, self.table.current_row)

    def open_key(self, key: str, row) -> None:
        """Push the next level for the chosen row."""
