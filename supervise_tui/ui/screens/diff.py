"""The round diff: any two rounds compared item by item, improved and regressed in colour."""

from __future__ import annotations

import sqlite3

from rich.table import Table
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from ...domain import diff, queries
from ...domain.rounds import Round, previous_round
from ...domain.vocab import field_name, shown_value, word
from ...i18n import t
from ..bindings import bind
from ..diffsource import CLASS_STYLE, DiffSource
from ..text import line, literal
from ..widgets.vtable import VirtualTable
from .base import VIEW_CSS, Frame
from .table import TableScreen


class DiffScreen(TableScreen):
    """Counts on top, the compared items below (TableScreen's summary and table); ] and [ jump between
    changes, enter compares one."""

    BINDINGS = [
        bind("right_square_bracket", "next_change", "next_change", key_display="]"),
        bind("left_square_bracket", "prev_change", "prev_change", key_display="["),
        bind("a", "toggle_all", "diff_all"),
        bind("f", "filter", "filter"),
        bind("enter", "open", "open", show=False),
    ]

    def __init__(self, crumbs: list[str], old: Round, new: Round, flt: diff.DiffFilter = diff.DiffFilter()):
        super().__init__(crumbs)
        self.old, self.new, self.flt = old, new, flt
        self.changed_only = True

    def make_source(self) -> DiffSource:
        self.source = DiffSource(self.session.conn, self.old.id, self.new.id, self.flt, self.changed_only)
        return self.source

    def refresh_data(self) -> None:
        old = self.source
        self.table.set_source(self.make_source())
        old.snapshot.close()
        self.update_summary()

    def on_unmount(self) -> None:
        self.source.snapshot.close()

    def update_summary(self) -> None:
        c = self.source.counts
        parts: list[tuple[str, str] | str] = [(f"{self.old.name} → {self.new.name}   ", "bold")]
        for cls in diff.CLASSES:
            parts.append((f"{word('diff.class', cls)} {c[cls]}", CLASS_STYLE.get(cls, "")))
            parts.append("  ")
        parts.append((t("diff.notes_changed", n=c["note_changed"]), "dim"))
        for flag, key in (("value_changed", "diff.values_changed"), ("evidence_changed", "diff.evidence_changed")):
            if c[flag]:
                parts.append(("  " + t(key, n=c[flag]), "dim"))
        if self.flt != diff.DiffFilter():
            parts.append(("   " + t("diff.filtered"), "yellow"))
        self.query_one("#summary", Static).update(line(*parts))

    def _jump(self, step: int) -> None:
        table = self.table
        index = self.source.find_change(table.cursor_row, step, table.row_count)
        if index is None:
            self.notify(t("diff.no_more"), severity="information")
        else:
            table.move_cursor(index)

    def action_next_change(self) -> None:
        self._jump(1)

    def action_prev_change(self) -> None:
        self._jump(-1)

    def action_toggle_all(self) -> None:
        self.changed_only = not self.changed_only
        self.refresh_data()

    def action_filter(self) -> None:
        def done(flt: diff.DiffFilter | None) -> None:
            if flt is not None:
                self.flt = flt
                self.refresh_data()

        from ..dialogs.diff import DiffFilterPicker

        self.app.push_screen(DiffFilterPicker(self.session.conn, self.flt), done)

    def on_virtual_table_selected(self, event: VirtualTable.Selected) -> None:
        event.stop()
        self._open(event.key)

    def action_open(self) -> None:
        if self.table.current_key:
            self._open(self.table.current_key)

    def _open(self, item_id: str) -> None:
        self.app.push_screen(DiffItemScreen(self.child_crumbs(item_id), item_id, self.old, self.new))


class DiffItemScreen(Frame):
    """One item in both rounds, side by side."""

    CSS_PATH = VIEW_CSS

    def __init__(self, crumbs: list[str], item_id: str, old: Round, new: Round):
        super().__init__(crumbs)
        self.item_id, self.old, self.new = item_id, old, new

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="detail"):
            yield Static(id="detail-head")
            yield Static(id="detail-text", classes="item-text")
            yield Static(id="detail-compare")

    def on_mount(self) -> None:  # Frame.on_mount runs too (Textual walks the MRO)
        item = queries.item_detail(self.session.conn, self.new.id, self.item_id)
        by_round = {h["round_id"]: h for h in item["history"]}
        self.query_one("#detail-head", Static).update(
            line((item["id"], "bold"), "  ", (f"({item['work_id']}) {item['work_title']}", "bold")))
        self.query_one("#detail-text", Static).update(literal(item["text"]))
        table = Table(expand=True, show_edge=False)
        table.add_column("", style="dim", no_wrap=True)
        table.add_column(literal(self.old.name), ratio=1, overflow="fold")
        table.add_column(literal(self.new.name), ratio=1, overflow="fold")
        old, new = by_round.get(self.old.id, {}), by_round.get(self.new.id, {})
        for field in ("status", "progress", "light", "light_reason", "note", "evidence", "value", "comment",
                      "closed_out", "updated_by", "updated_at"):
            a, b = _shown(field, old.get(field)), _shown(field, new.get(field))
            style = "bold yellow" if a != b else ""
            table.add_row(field_name(field), literal(a, style), literal(b, style))
        self.query_one("#detail-compare", Static).update(table)
        self.query_one("#detail").focus()


def _shown(field: str, value) -> str:
    """A field of one round's state; a round the item has no state in shows a dash."""
    return "—" if value is None else shown_value(field, value)


def default_pair(conn: sqlite3.Connection, current: Round) -> tuple[int | None, int]:
    """The previous round and the current one; the current and the next when it is the first."""
    before = previous_round(conn, current.id)
    if before is not None:
        return before.id, current.id
    after = conn.execute("SELECT id FROM rounds WHERE id > ? ORDER BY id LIMIT 1", (current.id,)).fetchone()
    return (current.id, after[0]) if after else (None, current.id)


