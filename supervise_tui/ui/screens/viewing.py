"""Filters, orders and marks on an item table: f filters, o sorts, x clears; space marks, b sets them all.

A table in its own order with no filter pages straight from SQLite (``ItemSource``). A filter
or another order is worked out once, by a worker over the whole scope (``reporting.ordered_ids``),
and the table then pages that order by rowid: at province scale a page is as quick as an
unfiltered one, and the work is done again only when the filter, the order or the data changes.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable

from rich.text import Text
from textual import work
from textual.message import Message
from textual.widgets import Static

from ...domain import reporting
from ...domain.queries import Scope
from ...domain.vocab import word
from ...errors import SuperviseError
from ...i18n import t
from ..bindings import bind
from ..itemview import ItemView
from ..sources import ItemSource, OrderedItemSource
from ..text import literal
from ..widgets.vtable import VirtualTable
from .base import Frame


class ItemViewing(Frame):
    """Base for a screen with one item table (``#table``) over ``scope``, seen through ``view``.

    A Frame subclass, not a plain mixin, because Textual collects BINDINGS only from DOMNode
    classes in the MRO.
    """

    BINDINGS = [
        bind("f", "filter", "filter"),
        bind("o", "sort", "sort"),
        bind("x", "clear_filter", "clear_filter"),
        bind("space", "mark", "mark"),
        bind("b", "bulk", "bulk"),
    ]
    # The keys that are letters: a screen with a text box turns them off while it is typed in.
    LETTER_ACTIONS = ("filter", "sort", "clear_filter", "mark", "bulk")
    HOME_ORDER = "list"  # the table's own order, with which it pages straight from SQL
    # After an edit re-orders the table, the cursor follows its row this far (None: the table's
    # default); a row moved further away leaves the cursor on the row that took its place.
    FOLLOW_NEAR: int | None = None

    scope: Scope
    view: ItemView
    _serial = 0  # the latest order asked of the worker; older answers are dropped
    _working = False
    marked: dict[str, dict]  # item → its state when it was marked (what a bulk edit checks against)
    update_summary: Callable[[], None]  # the screen's (TableScreen's) summary line

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#table", VirtualTable)

    def view_scope(self) -> Scope:
        """The items the table shows: the screen's scope narrowed by the filter."""
        return self.view.scope(self.scope)

    @property
    def plain(self) -> bool:
        """Whether the table pages straight from SQL (its own order, no filter)."""
        return not self.view.filtered and self.view.order == "list" == self.HOME_ORDER

    # ------------------------------------------------------------------ the table's source

    def view_source(self):
        """The source for the view as it stands: straight from SQL, or empty until the worker has ordered it."""
        if self.plain:
            return ItemSource(self.session.conn, self.session.round.id, self.view_scope())
        return self.ordered_source(array("q"), None)

    def ordered_source(self, rowids: array, extra) -> OrderedItemSource:
        """The source over a worked-out order (``extra`` is what ``order_extra`` gave with it)."""
        return OrderedItemSource(self.session.conn, self.session.round.id, self.view_scope(), rowids)

    def order_extra(self, conn, round_id: int, scope: Scope, order: str):
        """Anything else a screen's source needs, worked out in the worker beside the order."""
        return None

    def set_view(self, view: ItemView) -> None:
        """Show the table through ``view``: at once if it pages from SQL, else once the worker has ordered it."""
        self.view = view
        if self.plain:
            self._serial += 1  # an order still being worked out is not wanted any more
            self._working = False
            self.table.set_source(self.view_source())
        else:
            self.reorder(fresh=True)
        self.refresh_bindings()
        self.update_summary()
        self.update_view_line()

    def reorder(self, *, fresh: bool = False) -> None:
        """Work the order out again (the view or the data changed); ``fresh``: a new view, cursor to the top."""
        self._serial += 1
        self._working = True
        self.update_view_line()
        self.order_items(self._serial, fresh, self.session.round.id, self.view_scope(), self.view.order)

    class Ordered(Message):
        """A view's order, worked out by the worker."""

        def __init__(self, serial: int, fresh: bool, rowids: array, extra) -> None:
            super().__init__()
            self.serial, self.fresh, self.rowids, self.extra = serial, fresh, rowids, extra

    @work(thread=True, exclusive=True, exit_on_error=False, group="order")
    def order_items(self, serial: int, fresh: bool, round_id: int, scope: Scope, order: str) -> None:
        """Filter and sort the whole scope once, off the UI thread, and post the order."""
        with self.session.reader() as conn:
            rowids = reporting.ordered_ids(conn, round_id, scope, order)
            extra = self.order_extra(conn, round_id, scope, order)
        self.post_message(self.Ordered(serial, fresh, rowids, extra))

    def on_item_viewing_ordered(self, event: Ordered) -> None:
        if event.serial != self._serial:  # a newer view or edit has asked again
            return
        self._working = False
        source = self.ordered_source(event.rowids, event.extra)
        if event.fresh:
            self.table.set_source(source)
        else:
            self.table.replace_source(source, near=self.FOLLOW_NEAR)
        self.ordered()
        self.update_view_line()

    def ordered(self) -> None:
        """The table shows a newly worked-out order (a hook for the screens)."""

    def refresh_view(self) -> None:
        """Re-read after an edit: the rows at once, their order and filter in the worker."""
        self.table.reload()
        if not self.plain:
            self.reorder()

    # ------------------------------------------------------------------ the line above the table

    def update_view_line(self) -> None:
        words = self.view.words(self.HOME_ORDER)
        if self._working and words:
            words += " " + t("view.working")
        parts = [literal(words, "bold yellow")] if words else []
        if self.marked:
            parts.append(literal(t("view.marked", n=len(self.marked)), "bold cyan"))
        line = self.query_one("#view-line", Static)
        line.update(Text("   ").join(parts))
        line.display = bool(parts)

    # ------------------------------------------------------------------ keys

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "clear_filter" and self.view == ItemView(order=self.HOME_ORDER):
            return False  # nothing to clear: off the key bar
        if action in ("mark", "bulk") and self.session.actor.role != "inspector":
            return False
        if action == "bulk" and not self.marked:
            return None  # shown, but nothing is marked yet
        return super().check_action(action, parameters)

    def action_filter(self) -> None:
        from ..dialogs.filters import FilterDialog

        def chosen(view: ItemView | None) -> None:
            if view is not None and view != self.view:
                self.set_view(view)

        has_unit = self.scope.unit is not None
        has_previous = reporting.has_previous_round(self.session.conn, self.session.round.id)
        self.app.push_screen(FilterDialog(self.view, home=self.HOME_ORDER, roles=has_unit, changed=has_previous),
                             chosen)

    def action_sort(self) -> None:
        self.set_view(self.view.but(order=self.view.next_order(self.HOME_ORDER)))

    def action_clear_filter(self) -> None:
        self.set_view(ItemView(order=self.HOME_ORDER))

    def action_mark(self) -> None:
        row = self.table.current_row
        state = getattr(row, "state", None)
        if state is None:
            return
        if self.table.toggle_mark():
            self.marked[state["id"]] = state
        else:
            self.marked.pop(state["id"], None)
        self.table.action_cursor_down()  # on to the next row, as a list of checkboxes does
        self.refresh_bindings()
        self.update_view_line()

    def action_bulk(self) -> None:
        """One status or light for every marked item: asked in a dialog, written as one action."""
        if self.refused_read_only() or not self.marked:
            return
        from ..dialogs.filters import BulkDialog

        ids = list(self.marked)
        states = dict(self.marked)

        def submit(choice: tuple[str, str | None, str]) -> None:
            field, value, reason = choice
            changes = {"status": value} if field == "status" else {"light": value, "light_reason": reason}
            stored = "light_override" if field == "light" else "status"
            shown = {i: {field: states[i][stored]} for i in ids}
            try:
                done = self.session.bulk(ids, changes, shown)
            except SuperviseError:
                self.store_changed()  # whatever was refused, the table shows what is stored now
                raise
            shown_value = word(field, value) if value else t("light.rules")
            self.notify(t("bulk.saved", n=len(done.items), field=t(f"field.{field}"), value=shown_value),
                        markup=False)
            self.marked.clear()
            self.table.clear_marks()
            self.refresh_bindings()
            self.update_view_line()
            self.store_changed()

        self.app.push_screen(BulkDialog(ids, submit=submit))
