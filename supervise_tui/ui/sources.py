"""Row sources for the virtual tables: SQL pages of items, and small in-memory lists."""

from __future__ import annotations

import sqlite3
from array import array
from collections.abc import Callable, Sequence

from rich.cells import cell_len

from ..domain import queries, reporting
from ..domain.queries import Scope
from ..domain.vocab import LIGHTS, STATUSES, word
from ..i18n import t
from .columns import ITEM_COLUMNS, LIGHT_STYLE, STATUS_STYLE, column, item_cells, styler
from .widgets.vtable import Column


def widest(family: str, codes: tuple[str, ...], at_least: int) -> int:
    """A column wide enough for every word of ``family`` in the interface language (English is wider)."""
    return max(at_least, *(cell_len(word(family, code)) for code in codes))


def _styler_words(mapping: dict[str, str]) -> Callable[[str], str]:
    return lambda text: mapping.get(text, "")


def bar(percent: float | None, width: int = 10) -> str:
    """A text progress bar: ██████░░░░ 60%."""
    value = max(0.0, min(100.0, percent or 0.0))
    filled = round(value / 100 * width)
    return "█" * filled + "░" * (width - filled) + f" {value:.0f}%"


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
        self.columns = [c.column() for c in ITEM_COLUMNS]
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
        return [ItemRow(item_cells(r), r) for r in self._fetch(offset, limit)]

    def _fetch(self, offset: int, limit: int) -> list[dict]:
        """The item rows offset … offset+limit-1 of the scope, in list order."""
        return queries.page_items(self.conn, self.round_id, self.scope, offset, limit)

    def key(self, row: Sequence[str]) -> str:
        return row[0]


class OrderedItemSource(ItemSource):
    """Items filtered and sorted once (``reporting.ordered_ids``, by a worker), paged by rowid.

    The rowids are the order; each page reads its rows afresh, so an edit shows at once even
    before the order is worked out again.
    """

    def __init__(self, conn: sqlite3.Connection, round_id: int, scope: Scope, rowids: array):
        super().__init__(conn, round_id, scope)
        self.rowids = rowids

    def count(self) -> int:
        self._count = len(self.rowids)
        return self._count

    def _fetch(self, offset: int, limit: int) -> list[dict]:
        return reporting.items_by_rowid(self.conn, self.round_id, self.rowids[offset:offset + limit])

    def index_of(self, item_id: str) -> int | None:
        """The row of ``item_id`` in this order, if it is shown."""
        rowid = reporting.rowid_of(self.conn, item_id)
        try:
            return None if rowid is None else self.rowids.index(rowid)
        except ValueError:
            return None


class HeadingRow(list):
    """A group's heading in a table: its text drawn across the row (VirtualTable reads ``heading``)."""

    heading = True
    __slots__ = ("key",)

    def __init__(self, text: str, key: str):
        super().__init__([text])
        self.key = key


BUCKET_WORDS = {reporting.TO_REPORT: "view.not_reported", reporting.REPORTED_BUCKET: "view.reported",
                reporting.NOTHING_TO_REPORT: "round.nothing_to_report"}


class RoundSource(OrderedItemSource):
    """A unit's round: its items in the order given, each with where its report stands; with
    ``groups`` (each item's work and round bucket, in ROUND_ORDER) every run of one work in one
    bucket gets a heading row — 未报送 · (一)强化财税政策保障 · 牵头 · 3 项."""

    def __init__(self, conn: sqlite3.Connection, round_id: int, scope: Scope, rowids: array,
                 groups: list[tuple[str, int]] | None = None, labels: dict[str, dict] | None = None):
        super().__init__(conn, round_id, scope, rowids)
        # Grouped, each heading says where its items' report stands; sorted otherwise, a column does.
        report = [] if groups is not None else [
            column("col.report", 6, style_fn=_styler_words({t("view.not_reported"): "bold yellow",
                                                            t("view.reported"): "green"}))]
        self.columns = report + [
            column("col.id", 9),
            column("col.text", 0),
            column("col.status", widest("status", STATUSES, 8), style_fn=styler(STATUS_STYLE, "status")),
            column("col.progress", 6, align="right"),
            column("col.light", widest("light", LIGHTS, 4), style_fn=styler(LIGHT_STYLE, "light")),
        ]
        self.grouped = groups
        self.display: list[int | HeadingRow] = list(rowids)
        if groups is not None:
            self.display = []
            runs: list[list] = []
            for rowid, group in zip(rowids, groups):
                if not runs or runs[-1][0] != group:
                    runs.append([group, []])
                runs[-1][1].append(rowid)
            for (work, bucket), members in runs:
                label = (labels or {}).get(work, {"numeral": "", "title": work, "role": None})
                parts = [t(BUCKET_WORDS[bucket]), f"({label['numeral']}){label['title']}"]
                if label["role"]:
                    parts.append(word("role", label["role"]))
                parts.append(t("round.items", n=len(members)))
                self.display.append(HeadingRow(" · ".join(parts), f"#{work}:{bucket}"))
                self.display.extend(members)

    def count(self) -> int:
        self._count = len(self.display)
        return self._count

    def _read(self, offset: int, limit: int) -> list:
        window = self.display[offset:offset + limit]
        rows = {r["rowid"]: r for r in reporting.items_by_rowid(
            self.conn, self.round_id, [w for w in window if isinstance(w, int)])}
        out: list = []
        for entry in window:
            if isinstance(entry, HeadingRow):
                out.append(entry)
            elif entry in rows:
                r = rows[entry]
                bucket = reporting.round_bucket(r)
                cells = [r["id"], r["text"], word("status", r["status"]), f"{r['progress'] or 0}%",
                         word("light", r["light"])]
                if self.grouped is None:
                    cells.insert(0, t(BUCKET_WORDS[bucket]) if bucket != reporting.NOTHING_TO_REPORT else "—")
                out.append(ItemRow(cells, r))
        return out

    def key(self, row: Sequence[str]) -> str:
        if isinstance(row, HeadingRow):
            return row.key
        return row[0] if self.grouped is not None else row[1]

    def index_of(self, item_id: str) -> int | None:
        rowid = reporting.rowid_of(self.conn, item_id)
        try:
            return None if rowid is None else self.display.index(rowid)
        except ValueError:
            return None


class ListSource:
    """A small list (pillars, works, units, people) held in memory."""

    def __init__(self, columns: list[Column], rows: Sequence[Sequence[str]], keys: list[str]):
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
            str(r["not_started"]), str(r["red"]), str(r["not_reported"]), bar(r["progress"])]


def _red(text: str) -> str:
    return "bold red" if text not in ("", "0") else ""


def count_columns() -> list[Column]:
    """The count columns; at a narrow width 推进中 and 未启动 give way (they are the rest), then the bar."""
    return [
        column("col.items", 6, align="right"),
        column("col.done", 6, align="right"),
        column("col.in_progress", 6, align="right", drop=3),
        column("col.behind", 9, align="right"),
        column("col.not_started", 6, align="right", drop=2),
        column("col.red", 4, align="right", style_fn=_red),
        column("col.not_reported", 6, align="right", style_fn=_red),
        column("col.progress", 15, drop=1),
    ]


def pillar_source(conn: sqlite3.Connection, round_id: int) -> ListSource:
    return pillar_list(queries.pillar_summary(conn, round_id))


def pillar_list(rows: list[dict]) -> ListSource:
    """Pillar roll-up rows (queries.pillar_summary) as a table; [] gives the empty table."""
    # "一、提信心增预期" whole at 80 columns: the works count and the rest give way to it
    columns = [column("col.pillar", 0, min_width=18), column("col.works", 10, align="right", drop=4)]
    columns += count_columns()
    cells = [[f"{r['numeral']}、{r['title']}", str(r["works"])] + count_cells(r) for r in rows]
    return ListSource(columns, cells, [r["id"] for r in rows])


def work_source(conn: sqlite3.Connection, round_id: int, scope: Scope) -> ListSource:
    rows = queries.work_summary(conn, round_id, scope)
    role = queries.unit_roles(conn, scope.unit) if scope.unit is not None else {}
    columns = [column("col.work", 0, min_width=24), column("col.lead_unit", 14, drop=5)]
    if role:
        columns.append(column("col.role", 4))
    columns += [column("col.leader", 8, drop=6)] + count_columns()
    cells = []
    for r in rows:
        row = [f"({r['numeral']}){r['title']}", r["lead_unit"] or ""]
        if role:
            row.append(word("role", role[r["id"]]))
        cells.append(row + [r["leader"] or ""] + count_cells(r))
    return ListSource(columns, cells, [r["id"] for r in rows])


def unit_source(conn: sqlite3.Connection, round_id: int) -> ListSource:
    rows = queries.unit_summary(conn, round_id)
    columns = [
        column("col.unit", 0, min_width=16), column("col.works_lead", 8, align="right", drop=2),
        column("col.works_co", 8, align="right", drop=4), column("col.items_lead", 8, align="right"),
        column("col.items_co", 8, align="right", drop=3), column("col.done", 6, align="right"),
        column("col.behind", 9, align="right"), column("col.red", 4, align="right", style_fn=_red),
        column("col.not_reported", 6, align="right", style_fn=_red), column("col.progress", 15, drop=1),
    ]
    cells = [[r["name"], str(r["works_lead"]), str(r["works_co"]), str(r["items_lead"] or 0),
              str(r["items_co"] or 0), str(r["done"]), str(r["behind"]), str(r["red"] or 0),
              str(r["not_reported"] or 0), bar(r["progress"])] for r in rows]
    return ListSource(columns, cells, [str(r["id"]) for r in rows])


def people_source(conn: sqlite3.Connection, round_id: int) -> ListSource:
    rows = queries.people_summary(conn, round_id)
    columns = [column("col.name", 0, min_width=8), column("col.role", 8),
               column("col.works", 10, align="right", drop=4)]
    columns += count_columns()
    cells = [[r["name"], word("role", r["role"]), str(r["works"])] + count_cells(r) for r in rows]
    return ListSource(columns, cells, [f"{r['id']}:{r['role']}" for r in rows])
