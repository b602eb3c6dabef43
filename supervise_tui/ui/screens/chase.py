"""The chase list (催办): items not reported this round, or red, by lead unit."""

from __future__ import annotations

from textual.widgets import Static

from ...domain import queries
from ...domain.vocab import word
from ...i18n import t
from ..sources import ListSource, column
from ..text import literal
from .table import TableScreen


class ChaseScreen(TableScreen):
    """催办: items not reported this round, or red, by lead unit with its leader and liaison."""

    def __init__(self, crumbs: list[str] | None = None):
        super().__init__(crumbs or [t("screen.chase")])

    def make_source(self):
        from ...domain.exchange.status import chase_returns

        groups = queries.chase_list(self.session.conn, self.session.round.id)
        # enrolled units whose return has not come back; None when no unit is in the exchange
        self.missing = chase_returns(self.session.conn, self.session.round.id, groups)
        # 未报送、红灯 whole; at 80 columns the liaison and the leader give way to the text
        columns = [column("col.lead_unit", 14), column("col.id", 9), column("tui.chase.why", 11),
                   column("col.text", 0, min_width=24), column("col.leader", 8, drop=3),
                   column("col.liaison", 8, drop=4), column("col.status", 8),
                   column("col.progress", 6, align="right")]
        cells, keys = [], []
        for group in groups:
            for item in group["items"]:
                why = "、".join(t(f"tui.chase.{k}") for k in ("not_reported", "red") if item[k])
                cells.append([group["unit"] or "", item["id"], why, item["text"], item["leader"] or "",
                              item["liaison"] or "", word("status", item["status"]), f"{item['progress'] or 0}%"])
                keys.append(item["id"])
        self.groups = groups
        return ListSource(columns, cells, keys)

    def update_summary(self) -> None:
        units = len(self.groups)
        items = sum(len(g["items"]) for g in self.groups)
        text = t("tui.chase.summary", units=units, items=items)
        if self.missing is not None:
            text += " · " + t("exchange.chase.missing", count=self.missing)
        self.query_one("#summary", Static).update(literal(text, "dim"))

    def open_key(self, key: str, row) -> None:
        from .detail import DetailScreen

        self.app.push_screen(DetailScreen(self.child_crumbs(key), key))
