"""Row sources for the virtual tables: SQL pages of items, and small in-memory lists."""

from __future__ import annotations

import sqlite3
from typing import Callable, Sequence

from rich.cells import cell_len

from ..domain import queries
from ..domain.queries import Scope
from ..i18n import t
from .widgets.vtable import Column

STATUS_STYLE = {"done": "green", "in_progress": "yellow", "behind": "bold red", "blocked": "bold red"}
LIGHT_STYLE = {"green": "bold green", "yellow": "bold yellow", "red": "bold red"}


def _styler(mapping: dict[str, str], prefix: str) -> Callable[[str], str]:
    by_label = {t(prefix + code): style for code, style in mapping.items()}
    return lambda text: by_label.get(text, "")


def column(key: str, width: int, **options) -> Column:
    """A column headed by the catalogue text ``key``, never narrower than that heading (English is wider)."""
    label = t(key)
    return Column(label, max(width, cell_len(label)) if width else 0, **options)


def bar(percent: float | None, width: int = 10) -> str:
    """A text progress bar: ██████░░░░ 60%."""
    value = max(0.0, min(100.0, percent or 0.0))
    filled = round(value / 100 * width)
    return "█" * filled + "░" * (width - filled) + f" {value:.0f}%"


def label(kind: str, code: str | None) -> str:
    return t(f"{kind}.{code}") if code else ""


class ItemRow(list):
    """The cells of an item's row, carrying the item's state as it was read (for the conflict check).

    The state lives exactly as long as the table keeps the row's page: nothing outlives
    what is on screen or near it, however far one scrolls.
    """

    __slots__ = ("state",)

    def __init__(self, cells: list[str], state: dict):
        super().__init__(cells)
        self.state = state


class ItemSource:
    """Targets and measures in a scope, paged from SQLite with their state in one round."""

    def __init__(self, conn: sqlite3.Connection, round_id: int, scope: Scope, *, count_cap: int | None = None):
        """``count_cap``: the first count reads only the first ``count_cap`` rows (which the first
        page then uses), so a table can show a scope that takes a full scan to count at once;
        ``exact_count`` hands in the whole count later."""
        self.conn, self.round_id, self.scope = conn, round_id, scope
        self.count_cap = count_cap
        self.capped = False  # the last count stopped at the cap: there may be more
        self._preset: int | None = None
        self._first: list[ItemRow] | None = None  # rows read by a capped count, for the first page
        self.columns = [
            column("col.id", 9),
            column("col.kind", 4),
            column("col.text", 0),
            column("col.lead_unit", 14),
            column("col.status", 8, style_fn=_styler(STATUS_STYLE, "status.")),
            column("col.progress", 6, align="right"),
            column("col.light", 4, style_fn=_styler(LIGHT_STYLE, "light.")),
            column("col.note", 18),
        ]
        self._count: int | None = None

    def count(self) -> int:
        self._first = None
        if self._preset is not None:
            self._count, self._preset = self._preset, None
            return self._count
        if self.count_cap is None:
            self._count = queries.count_items(self.conn, self.round_id, self.scope)
        else:  # one scan for the first rows and the "at least" count both
            self._first = self._read(0, self.count_cap)
            self._count = len(self._first)
        self.capped = self.count_cap is not None and self._count >= self.count_cap
        return self._count

    def exact_count(self, count: int) -> None:
        """The whole count, worked out elsewhere: the next count() returns it, later ones count in full."""
        self._preset, self.count_cap, self.capped = count, None, False

    def rows(self, offset: int, limit: int) -> Sequence[Sequence[str]]:
        first, self._first = self._first, None  # used once: later reads see later edits
        if first is not None and offset == 0 and (limit <= len(first) or not self.capped):
            return first[:limit]
        return self._read(offset, limit)

    def _read(self, offset: int, limit: int) -> list[ItemRow]:
        return [ItemRow([r["id"], label("kind", r["kind"]), r["text"], r["lead_unit"] or "",
                         label("status", r["status"]), f"{r['progress'] or 0}%", label("light", r["light"]),
                         r["note"] or ""], r)
                for r in queries.page_items(self.conn, self.round_id, self.scope, offset, limit)]

    def key(self, row: Sequence[str]) -> str:
        return row[0]


class ListSource:
    """A small list (pillars, works, units, people) held in memory."""

    def __init__(self, columns: list[Column], rows: list[Sequence[str]], keys: list[str]):
        self.columns, self._rows, self._keys = columns, rows, keys
        self._key_of = {id(row): key for row, key in zip(rows, keys)}

    def count(self) -> int:
        return len(self._rows)

    def rows(self, offset: int, limit: int) -> Sequence[Sequence[str]]:
        return self._rows[offset:offset + limit]

    def key(self, row: Sequence[str]) -> str:
        return self._key_of[id(row)]


def count_cells(r: dict) -> list[str]:
    """The status counts of a roll-up row, as table cells."""
    return [str(r["items"]), str(r["done"]), str(r["in_progress"]), str(r["behind"]),
            str(r["not_started"]), str(r["red"]), bar(r["progress"])]


def count_columns() -> list[Column]:
    return [
        column("col.items", 6, align="right"),
        column("col.done", 6, align="right"),
        column("col.in_progress", 6, align="right"),
        column("col.behind", 9, align="right"),
        column("col.not_started", 6, align="right"),
        column("col.red", 4, align="right", style_fn=lambda s: "bold red" if s not in ("", "0") else ""),
        column("col.progress", 15),
    ]


def pillar_source(conn: sqlite3.Connection, round_id: int) -> ListSource:
    return pillar_list(queries.pillar_summary(conn, round_id))


def pillar_list(rows: list[dict]) -> ListSource:
    """Pillar roll-up rows (queries.pillar_summary) as a table; [] gives the empty table."""
    columns = [column("col.pillar", 0), column("col.works", 10, align="right")] + count_columns()
    cells = [[f"{r['numeral']}、{r['title']}", str(r["works"])] + count_cells(r) for r in rows]
    return ListSource(columns, cells, [r["id"] for r in rows])


def work_source(conn: sqlite3.Connection, round_id: int, scope: Scope) -> ListSource:
    rows = queries.work_summary(conn, round_id, scope)
    role = {}
    if scope.unit is not None:
        role = dict(map(tuple, conn.execute(
            "SELECT work_id, role FROM work_units WHERE unit_id = ?", (scope.unit,))))
    columns = [column("col.work", 0), column("col.lead_unit", 14)]
    if role:
        columns.append(column("col.role", 4))
    columns += [column("col.leader", 8)] + count_columns()
    cells = []
    for r in rows:
        row = [f"({r['numeral']}){r['title']}", r["lead_unit"] or ""]
        if role:
            row.append(t("role." + role[r["id"]]))
        cells.append(row + [r["leader"] or ""] + count_cells(r))
    return ListSource(columns, cells, [r["id"] for r in rows])


def unit_source(conn: sqlite3.Connection, round_id: int) -> ListSource:
    rows = queries.unit_summary(conn, round_id)
    columns = [
        column("col.unit", 0), column("col.works_lead", 8, align="right"),
        column("col.works_co", 8, align="right"), column("col.items_lead", 8, align="right"),
        column("col.items_co", 8, align="right"), column("col.done", 6, align="right"),
        column("col.behind", 9, align="right"), column("col.progress", 15),
    ]
    cells = [[r["name"], str(r["works_lead"]), str(r["works_co"]), str(r["items_lead"] or 0),
              str(r["items_co"] or 0), str(r["done"]), str(r["behind"]), bar(r["progress"])] for r in rows]
    return ListSource(columns, cells, [str(r["id"]) for r in rows])


def people_source(conn: sqlite3.Connection, round_id: int) -> ListSource:
    rows = queries.people_summary(conn, round_id)
    columns = [column("col.name", 0), column("col.role", 8), column("col.works", 10, align="right")]
    columns += count_columns()
    cells = [[r["name"], t("role." + r["role"]), str(r["works"])] + count_cells(r) for r in rows]
    return ListSource(columns, cells, [f"{r['id']}:{r['role']}" for r in rows])
