"""Search over ids and text, Chinese substrings included, with results editable in place."""

from __future__ import annotations

import sqlite3

from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Static

from ...domain import queries
from ...domain.queries import Scope
from ...i18n import t
from ..bindings import bind
from ..sources import ItemSource
from ..text import literal
from ..widgets.vtable import VirtualTable
from .base import VIEW_CSS
from .browse import ItemsScreen

DEBOUNCE = 0.15  # seconds of quiet typing before the query runs


class SearchScreen(ItemsScreen):
    """Type to filter; down moves into the results, enter opens one."""

    CSS_PATH = VIEW_CSS

    BINDINGS = [bind("down", "results", "open", show=False)]

    def __init__(self, crumbs: list[str], scope: Scope = Scope(), term: str = ""):
        super().__init__(crumbs, scope.but(search=term or None))
        self.term = term
        self._timer: Timer | None = None
        self._counting: sqlite3.Connection | None = None  # the worker's, while it counts

    def compose_body(self) -> ComposeResult:
        yield Input(value=self.term, placeholder=t("search.placeholder"), id="search-input")
        yield from super().compose_body()

    def first_focus(self) -> Input:
        return self.query_one(Input)

    def on_input_changed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE, lambda: self.run_search(event.value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.run_search(event.value)
        self.table.focus()

    def run_search(self, term: str) -> None:
        term = term.strip()
        if term == (self.scope.search or ""):
            return
        self.scope = self.scope.but(search=term or None)
        self._stop_counting()
        if self.plain:
            self.table.set_source(self.make_source())
        else:  # filtered or sorted: ordered again by the worker
            self.reorder(fresh=True)
        self.update_summary()

    def make_source(self):
        if not self.plain:
            return self.view_source()
        # A term's matches are counted up to the first page at once, the rest in a worker:
        # a one- or two-character term is a scan of every item, and typing must not wait on it.
        cap = VirtualTable.PAGE_SIZE + 1 if self.scope.search else None
        return ItemSource(self.session.conn, self.session.round.id, self.scope, count_cap=cap)

    def ordered(self) -> None:
        self.update_summary()

    def action_results(self) -> None:
        self.table.focus()

    def update_summary(self) -> None:
        source = self.table.source
        if isinstance(source, ItemSource) and source.capped:
            self.query_one("#summary", Static).update(
                literal(t("search.counting", rows=self.table.row_count - 1), "dim"))
            self.count_matches(source)
            return
        self.query_one("#summary", Static).update(
            literal(t("search.hint", rows=self.table.row_count), "dim"))

    class Matched(Message):
        """The whole count of a term's matches, for the source that showed its first page."""

        def __init__(self, source: ItemSource, count: int) -> None:
            super().__init__()
            self.source, self.count = source, count

    @work(thread=True, exclusive=True, exit_on_error=False, group="search-count")
    def count_matches(self, source: ItemSource) -> None:
        """Count every match of the term off the UI thread; the next term interrupts it."""
        try:
            with self.session.reader() as conn:
                self._counting = conn  # for _stop_counting, from the UI thread
                try:
                    count = queries.count_items(conn, source.round_id, source.scope)
                finally:
                    if self._counting is conn:  # (a newer term's worker may have set its own)
                        self._counting = None
        except sqlite3.OperationalError:  # interrupted by a newer term: nothing to tell
            return
        self.post_message(self.Matched(source, count))

    def _stop_counting(self) -> None:
        """Interrupt the count of the previous term: its scan would only compete with the next."""
        conn = self._counting
        if conn is not None:
            try:
                conn.interrupt()
            except sqlite3.ProgrammingError:  # it has just finished and closed
                pass

    def on_search_screen_matched(self, event: Matched) -> None:
        if self.table.source is not event.source:  # the term has changed since
            return
        event.source.exact_count(event.count)
        self.table.reload()
        self.update_summary()

    def check_action(self, action: str, parameters) -> bool | None:
        # While typing, letters are text, not edit commands.
        if action in ("edit_status", "edit_progress", "edit_note", "edit_light", "close_out", "form", "detail",
                      *self.LETTER_ACTIONS) and isinstance(self.focused, Input):
            return False
        return super().check_action(action, parameters)
