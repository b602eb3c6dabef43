"""The round diff: any two rounds compared item by item, improved and regressed in colour."""

from __future__ import annotations

import sqlite3
from typing import Sequence

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Label, Select, Static

from ...domain import diff, queries
from ...domain.rounds import Round, previous_round
from ...i18n import t
from ..bindings import bind
from ..sources import column, label
from ..text import line, literal
from ..widgets.vtable import VirtualTable
from .base import VIEW_CSS, Dialog, Frame
from .editing import shown_value

CLASS_STYLE = {"improved": "bold green", "regressed": "bold red", "new": "cyan", "retired": "dim"}
CHANGE_CLASSES = ("improved", "regressed", "new", "retired")
JUMP_CHUNK = 2000  # rows read at a time when ] or [ looks for the next change


class RoundPairPicker(Dialog[tuple[int, int] | None]):
    """Pick the older and the newer round; defaults to the previous and the current one."""

    def __init__(self, rounds: list[Round], old: int | None, new: int):
        super().__init__()
        self.rounds, self.old, self.new = rounds, old, new

    def compose(self) -> ComposeResult:
        options = [(f"{r.name}" + (f" ({r.period})" if r.period else ""), r.id) for r in self.rounds]
        with Vertical(classes="editor"):
            yield Label(literal(t("diff.pick_title")), classes="editor-title")
            with Horizontal(classes="pickers"):
                yield Select(options, value=self.old if self.old is not None else self.new,
                             allow_blank=False, id="old-round")
                yield Select(options, value=self.new, allow_blank=False, id="new-round")
            with Horizontal(classes="buttons"):
                yield Button(t("key.diff"), id="go", variant="primary")
                yield Button(t("key.cancel"), id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "go":
            self.dismiss((self.query_one("#old-round", Select).value, self.query_one("#new-round", Select).value))
        else:
            self.dismiss(None)


class DiffSource:
    """Compared items, paged from SQL: the changed ones, or all of them."""

    def __init__(self, conn: sqlite3.Connection, old: int, new: int, flt: diff.DiffFilter, changed_only: bool):
        self.conn, self.old, self.new, self.flt, self.changed_only = conn, old, new, flt, changed_only
        self.columns = [
            column("col.id", 9),
            column("diff.class", 6, style_fn=self._class_style),
            column("col.text", 0),
            column("col.lead_unit", 12),
            column("diff.status", 17),
            column("diff.light", 7),
            column("diff.progress", 13, align="right"),
            column("diff.note", 4),
        ]
        self.by_label = {t(f"diff.class.{c}"): c for c in diff.CLASSES}
        self.counts = diff.diff_counts(conn, old, new, flt)
        self.snapshot = diff.DiffSnapshot(conn, old, new, flt, changed_only=changed_only)

    def _class_style(self, text: str) -> str:
        return CLASS_STYLE.get(self.by_label.get(text, ""), "")

    def count(self) -> int:
        return self.snapshot.count

    def rows(self, offset: int, limit: int) -> Sequence[Sequence[str]]:
        out = []
        for r in self.snapshot.rows(offset, limit):
            delta = r["progress_delta"]
            out.append([
                r["id"], t(f"diff.class.{r['class']}"), r["text"], r["lead_unit"] or "",
                f"{label('status', r['old_status']) or '—'} → {label('status', r['new_status']) or '—'}",
                f"{label('light', r['old_light']) or '—'}→{label('light', r['new_light']) or '—'}",
                f"{r['old_progress'] or 0}→{r['new_progress'] or 0}" + (f" ({delta:+d})" if delta else ""),
                t("diff.note_changed") if r["note_changed"] else "",
            ])
        return out

    def key(self, row: Sequence[str]) -> str:
        return row[0]

    def is_change(self, row: Sequence[str]) -> bool:
        return self.by_label.get(row[1]) in CHANGE_CLASSES or bool(row[7])

    def find_change(self, cursor: int, step: int, count: int) -> int | None:
        """The index of the nearest change after (step 1) or before (step -1) ``cursor``, if any.

        Read from the snapshot in chunks, not one row at a time: at province scale a change
        can be tens of thousands of unchanged rows away.
        """
        if self.changed_only:  # every row shown is a change
            index = cursor + step
            return index if 0 <= index < count else None
        if step > 0:
            index = cursor + 1
            while index < count:
                chunk = self.snapshot.rows(index, min(JUMP_CHUNK, count - index))
                if not chunk:
                    break
                found = next((n for n, r in enumerate(chunk) if _is_change(r)), None)
                if found is not None:
                    return index + found
                index += len(chunk)
            return None
        index = min(cursor, count)
        while index > 0:
            start = max(0, index - JUMP_CHUNK)
            chunk = self.snapshot.rows(start, index - start)
            found = next((n for n in range(len(chunk) - 1, -1, -1) if _is_change(chunk[n])), None)
            if found is not None:
                return start + found
            index = start
        return None


def _is_change(row: dict) -> bool:
    """A compared item (a diff_rows row) that differs in anything shown."""
    return row["class"] in CHANGE_CLASSES or row["note_changed"]


class DiffScreen(Frame):
    """Counts on top, the compared items below; ] and [ jump between changes, enter compares one."""

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

    def compose_body(self) -> ComposeResult:
        yield Static(id="summary")
        yield VirtualTable(self.make_source(), id="table")

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#table", VirtualTable)

    def make_source(self) -> DiffSource:
        self.source = DiffSource(self.session.conn, self.old.id, self.new.id, self.flt, self.changed_only)
        return self.source

    def on_mount(self) -> None:  # Frame.on_mount runs too (Textual walks the MRO)
        self.update_summary()
        self.table.focus()

    def refresh_data(self) -> None:
        old = self.source
        self.table.set_source(self.make_source())
        old.snapshot.close()
        self.update_summary()

    def on_unmount(self) -> None:
        self.source.snapshot.close()

    def update_summary(self) -> None:
        c = self.table.source.counts
        parts = [(f"{self.old.name} → {self.new.name}   ", "bold")]
        for cls in diff.CLASSES:
            parts.append((f"{t(f'diff.class.{cls}')} {c[cls]}", CLASS_STYLE.get(cls, "")))
            parts.append("  ")
        parts.append((t("diff.notes_changed", n=c["note_changed"]), "dim"))
        if self.flt != diff.DiffFilter():
            parts.append(("   " + t("diff.filtered"), "yellow"))
        self.query_one("#summary", Static).update(line(*parts))

    def _jump(self, step: int) -> None:
        table = self.table
        index = table.source.find_change(table.cursor_row, step, table.row_count)
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

        self.app.push_screen(DiffFilterPicker(self.session.conn, self.flt), done)

    def on_virtual_table_selected(self, event: VirtualTable.Selected) -> None:
        event.stop()
        self._open(event.key)

    def action_open(self) -> None:
        if self.table.current_key:
            self._open(self.table.current_key)

    def _open(self, item_id: str) -> None:
        self.app.push_screen(DiffItemScreen(self.child_crumbs(item_id), item_id, self.old, self.new))


class DiffFilterPicker(Dialog[diff.DiffFilter | None]):
    """Narrow the diff by pillar, unit (lead or co) and leader."""

    def __init__(self, conn: sqlite3.Connection, current: diff.DiffFilter):
        super().__init__()
        self.conn, self.current = conn, current

    def compose(self) -> ComposeResult:
        pillars = [(f"{r['numeral']}、{r['title']}", r["id"]) for r in self.conn.execute(
            "SELECT id, numeral, title FROM pillars WHERE retired = 0 ORDER BY sort")]
        units = [(r["name"], r["id"]) for r in self.conn.execute("SELECT id, name FROM units ORDER BY name")]
        leaders = [(r["name"], r["id"]) for r in self.conn.execute(
            "SELECT DISTINCT p.id, p.name FROM people p JOIN work_people wp ON wp.person_id = p.id "
            "WHERE wp.role = 'leader' ORDER BY p.name")]
        with Vertical(classes="editor editor-tall"):
            yield Label(literal(t("diff.filter_title")), classes="editor-title")
            yield Select(pillars, value=self.current.pillar or Select.NULL, prompt=t("col.pillar"), id="f-pillar")
            yield Select(units, value=self.current.unit or Select.NULL, prompt=t("col.unit"), id="f-unit")
            yield Select(leaders, value=self.current.leader or Select.NULL, prompt=t("col.leader"), id="f-leader")
            with Horizontal(classes="buttons"):
                yield Button(t("key.filter"), id="go", variant="primary")
                yield Button(t("key.cancel"), id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id != "go":
            self.dismiss(None)
            return

        def value(selector: str):
            v = self.query_one(selector, Select).value
            return None if v is Select.NULL else v

        self.dismiss(diff.DiffFilter(pillar=value("#f-pillar"), unit=value("#f-unit"), leader=value("#f-leader")))


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
        table.add_column(Text(self.old.name), ratio=1, overflow="fold")
        table.add_column(Text(self.new.name), ratio=1, overflow="fold")
        old, new = by_round.get(self.old.id, {}), by_round.get(self.new.id, {})
        for field in ("status", "progress", "light", "note", "evidence", "value", "comment", "closed_out",
                      "updated_by", "updated_at"):
            a, b = _shown(field, old.get(field)), _shown(field, new.get(field))
            style = "bold yellow" if a != b else ""
            table.add_row(t(f"field.{field}"), literal(a, style), literal(b, style))
        self.query_one("#detail-compare", Static).update(table)
        self.query_one("#detail").focus()


def _shown(field: str, value) -> str:
    return "—" if value is None else shown_value(field, value)


def default_pair(conn: sqlite3.Connection, current: Round) -> tuple[int | None, int]:
    """The previous round and the current one; the current and the next when it is the first."""
    before = previous_round(conn, current.id)
    if before is not None:
        return before.id, current.id
    after = conn.execute("SELECT id FROM rounds WHERE id > ? ORDER BY id LIMIT 1", (current.id,)).fetchone()
    return (current.id, after[0]) if after else (None, current.id)


