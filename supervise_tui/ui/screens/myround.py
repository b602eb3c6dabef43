"""本轮报送: a unit's round — its items work by work, those still to report first, and how far it has come.

A liaison starts here: enter opens the report form on the item under the cursor, and ctrl+n
in the form saves and opens the next item still to report, so the whole round is walked with
the keyboard alone. An inspector reaches each unit's round from the list of units (m).
"""

from __future__ import annotations

from array import array

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Static

from ...domain import reporting
from ...domain.queries import Scope
from ...i18n import t
from ..itemview import ItemView
from ..sources import ListSource, RoundSource, bar, column
from ..text import line, literal
from .base import VIEW_CSS
from .browse import ItemsScreen
from .table import TableScreen


class MyRoundScreen(ItemsScreen):
    """One unit's items in the current round (lead and co-unit), grouped by work, still to report first."""

    CSS_PATH = VIEW_CSS
    HOME_ORDER = reporting.ROUND_ORDER
    # An item just reported moves down to 已报送: the cursor stays where it was, on the next item
    # still to report (it follows a row only past a heading or two that came or went).
    FOLLOW_NEAR = 2

    def __init__(self, crumbs: list[str], unit_id: int, unit_name: str, view: ItemView | None = None):
        super().__init__(crumbs, Scope(unit=unit_id), view)
        self.unit_id, self.unit_name = unit_id, unit_name
        self.counts: dict | None = None

    def compose_body(self) -> ComposeResult:
        yield Static(literal(t("round.counting"), "dim"), id="round-progress")
        yield from super().compose_body()

    # ------------------------------------------------------------------ the order, with its groups

    def order_extra(self, conn, round_id: int, scope: Scope, order: str):
        """The counts of the unit's whole round, and (in the round's own order) each item's work and bucket."""
        counts = reporting.round_counts(conn, round_id, Scope(unit=self.unit_id))
        if order != reporting.ROUND_ORDER:
            return counts, None, None
        layout = reporting.round_layout(conn, round_id, scope)
        return counts, [(work_id, bucket) for _, work_id, bucket in layout], reporting.work_labels(conn, self.unit_id)

    def ordered_source(self, rowids: array, extra) -> RoundSource:
        counts, groups, labels = extra or (None, None, None)
        if counts is not None:
            self.counts = counts
        if groups is not None and len(groups) != len(rowids):  # the data moved between the two reads
            groups = None
        return RoundSource(self.session.conn, self.session.round.id, self.view_scope(), rowids, groups, labels)

    def ordered(self) -> None:
        self.update_progress()
        if getattr(self.table.current_row, "heading", False):
            self.table.move_cursor(self.table.cursor_row + 1)  # onto the first item under the heading

    def to_top(self) -> None:
        super().to_top()
        if getattr(self.table.current_row, "heading", False):
            self.table.move_cursor(1)  # the first item, under its heading

    def update_progress(self) -> None:
        c = self.counts
        if c is None:
            return
        due = c["reported"] + c["to_report"]
        text = line((t("round.progress", done=c["reported"], total=due), "bold"), "  ",
                    (bar(100 * c["reported"] / due if due else 100, 20), "green" if c["to_report"] == 0 else "cyan"))
        if c["to_report"]:
            text.append_text(literal("  " + t("round.left", n=c["to_report"]), "bold yellow"))
        else:
            text.append_text(literal("  " + t("round.all_done"), "bold green"))
        if c["nothing_to_report"]:
            text.append_text(literal("  " + t("round.not_due", n=c["nothing_to_report"]), "dim"))
        self.query_one("#round-progress", Static).update(text)

    def form_counter(self) -> str:
        # Read now, not from the last order: the form opens at once after a save, before the worker is back.
        c = reporting.round_counts(self.session.conn, self.session.round.id, Scope(unit=self.unit_id))
        return t("round.progress", done=c["reported"], total=c["reported"] + c["to_report"])

    def report_scope(self) -> Scope:
        return self.view_scope()


class RoundUnitsScreen(TableScreen):
    """Every unit with how far its report has come this round; enter opens the unit's round."""

    CSS_PATH = VIEW_CSS

    def __init__(self):
        super().__init__([t("screen.my_round")])
        self.rows: list[dict] = []

    def make_source(self):
        return self.unit_list([])

    @staticmethod
    def unit_list(rows: list[dict]) -> ListSource:
        columns = [column("col.unit", 0), column("col.items", 6, align="right"),
                   column("round.col.reported", 6, align="right"), column("round.col.to_report", 6, align="right"),
                   column("round.col.not_due", 8, align="right"), column("col.progress", 15)]
        cells = []
        for r in rows:
            due = r["reported"] + r["to_report"]
            cells.append([r["name"], str(r["items"]), str(r["reported"]), str(r["to_report"]),
                          str(r["nothing_to_report"]), bar(100 * r["reported"] / due if due else 100)])
        return ListSource(columns, cells, [str(r["id"]) for r in rows])

    def on_mount(self) -> None:  # TableScreen's and Frame's on_mount run too (Textual walks the MRO)
        self.refresh_data()

    def refresh_data(self) -> None:
        self.query_one("#summary", Static).update(literal(t("round.counting"), "dim"))
        self.count(self.session.round.id)

    def update_summary(self) -> None:
        """Filled in when the worker has counted."""

    class Counted(Message):
        def __init__(self, rows: list[dict]) -> None:
            super().__init__()
            self.rows = rows

    @work(thread=True, exclusive=True, exit_on_error=False, group="round-units")
    def count(self, round_id: int) -> None:
        with self.session.reader() as conn:
            rows = reporting.unit_reporting(conn, round_id)
        self.post_message(self.Counted(rows))

    def on_round_units_screen_counted(self, event: Counted) -> None:
        self.rows = event.rows
        self.table.set_source(self.unit_list(event.rows))
        reported = sum(r["reported"] for r in event.rows)
        left = sum(1 for r in event.rows if r["to_report"])
        self.query_one("#summary", Static).update(Text.assemble(
            literal(t("round.units_summary", units=len(event.rows), left=left, reported=reported), "dim")))

    def open_key(self, key: str, row) -> None:
        self.app.push_screen(MyRoundScreen(self.child_crumbs(row[0]), int(key), row[0]))


def my_round_screen(session) -> MyRoundScreen | RoundUnitsScreen:
    """The round mode's screen: a liaison's own unit, or the inspector's list of units."""
    if session.home_unit and session.actor.unit_id is not None:
        return MyRoundScreen([t("screen.my_round"), session.home_unit], session.actor.unit_id, session.home_unit)
    return RoundUnitsScreen()

