"""Drill-down screens: pillars, units and people → key works → items."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Static

from ...domain import queries
from ...domain.queries import Scope
from ...domain.vocab import word
from ...i18n import t
from ..bindings import bind
from ..columns import LIGHT_STYLE
from ..itemview import ItemView
from ..sources import OrderedItemSource, people_source, pillar_source, unit_source, work_source
from ..text import line, literal
from ..widgets.vtable import VirtualTable
from .editing import ItemEditing
from .table import TableScreen
from .viewing import ItemViewing


class PillarsScreen(TableScreen):
    """Level 1 of 2: the five pillars with their counts."""

    def __init__(self):
        super().__init__([t("screen.pillars")])

    def make_source(self):
        return pillar_source(self.session.conn, self.session.round.id)

    def open_key(self, key: str, row) -> None:
        self.app.push_screen(WorksScreen(self.child_crumbs(row[0]), Scope(pillar=key)))


class UnitsScreen(TableScreen):
    """Every responsible unit, with works and items as lead and as co-unit."""

    def __init__(self):
        super().__init__([t("screen.units")])

    def make_source(self):
        return unit_source(self.session.conn, self.session.round.id)

    def open_key(self, key: str, row) -> None:
        self.app.push_screen(WorksScreen(self.child_crumbs(row[0]), Scope(unit=int(key))))


class PeopleScreen(TableScreen):
    """Leaders and liaisons with the works they answer for."""

    def __init__(self):
        super().__init__([t("screen.people")])

    def make_source(self):
        return people_source(self.session.conn, self.session.round.id)

    def open_key(self, key: str, row) -> None:
        person, role = key.split(":")
        scope = Scope(person=int(person), person_role=role)
        self.app.push_screen(WorksScreen(self.child_crumbs(f"{row[0]}({row[1]})"), scope))


class WorksScreen(TableScreen):
    """The key works in a scope (a pillar, a unit or a person)."""

    def __init__(self, crumbs: list[str], scope: Scope):
        super().__init__(crumbs)
        self.scope = scope

    def make_source(self):
        return work_source(self.session.conn, self.session.round.id, self.scope)

    def open_key(self, key: str, row) -> None:
        self.app.push_screen(ItemsScreen(self.child_crumbs(row[0]), self.scope.but(work=key)))


class ItemsScreen(ItemViewing, ItemEditing, TableScreen):
    """Targets and measures in a scope, editable in place, filtered and sorted as asked.

    Enter opens an item's detail; for a liaison, whose work here is their report, it opens the
    report form (the detail is on i).
    """

    BINDINGS = [bind("i", "detail", "detail")]

    def __init__(self, crumbs: list[str], scope: Scope, view: ItemView | None = None):
        super().__init__(crumbs)
        self.scope = scope
        self.view = view or ItemView(order=self.HOME_ORDER)
        self.marked: dict[str, dict] = {}

    def compose_body(self) -> ComposeResult:
        yield Static(id="summary")
        yield Static(id="view-line")
        yield VirtualTable(self.make_source(), id="table")
        yield Static(id="row-hint")  # the light of the row under the cursor, and why

    def make_source(self):
        return self.view_source()

    def on_mount(self) -> None:  # TableScreen's and Frame's on_mount run too (Textual walks the MRO)
        self.update_view_line()
        if not self.plain:
            self.reorder(fresh=True)

    def refresh_data(self) -> None:
        self.refresh_view()
        self.update_summary()

    def on_virtual_table_cursor_moved(self, event: VirtualTable.CursorMoved) -> None:
        state = getattr(event.row, "state", None)
        hint = self.query_one("#row-hint", Static)
        if state is None:
            hint.update("")
            return
        light = state["light"]
        hint.update(line((t("col.light_reason") + ":", "dim"), " ",
                         (word("light", light), LIGHT_STYLE.get(light, "")), " · ", state["light_reason"]))

    class Counted(Message):
        """The counts of the items in scope, worked out by a worker."""

        def __init__(self, counts: dict) -> None:
            super().__init__()
            self.counts = counts

    def update_summary(self) -> None:
        self.count_items(self.session.round.id, self.view_scope())

    @work(thread=True, exclusive=True, exit_on_error=False, group="summary")
    def count_items(self, round_id: int, scope: Scope) -> None:
        """Count a scope off the UI thread (province-wide, that reads every row) and post the counts."""
        with self.session.reader() as conn:
            counts = queries.scope_summary(conn, round_id, scope)
        self.post_message(self.Counted(counts))

    def on_items_screen_counted(self, event: Counted) -> None:
        self.query_one("#summary", Static).update(literal(t("summary.counts", **event.counts), "dim"))

    def open_key(self, key: str, row) -> None:
        if getattr(row, "heading", False):
            return
        if self.session.actor.role == "liaison":
            self.open_form(key)
        else:
            self.open_detail(key)

    def open_detail(self, key: str) -> None:
        from .detail import DetailScreen

        self.app.push_screen(DetailScreen(self.child_crumbs(key), key))

    def action_detail(self) -> None:
        item_id = self.current_item()
        if item_id is not None:
            self.open_detail(item_id)

    # ItemEditing hooks
    def current_item(self) -> str | None:
        if getattr(self.table.current_row, "heading", False):
            return None
        return self.table.current_key

    def report_scope(self) -> Scope:
        return self.view_scope()

    def show_item(self, item_id: str) -> None:
        index = self.index_of(item_id)
        if index is not None:
            self.table.move_cursor(index)

    def index_of(self, item_id: str) -> int | None:
        """The row of ``item_id`` in the table, if it is shown."""
        source = self.table.source
        if isinstance(source, OrderedItemSource):
            return source.index_of(item_id)
        return queries.index_in_scope(self.session.conn, self.session.round.id, self.view_scope(), item_id)

    def shown_state(self, item_id: str) -> dict | None:
        row = self.table.current_row  # the row under the cursor, as it was read
        if row is None or self.table.source.key(row) != item_id:
            return None
        return getattr(row, "state", None)
