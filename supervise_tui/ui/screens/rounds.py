"""Rounds (轮次): open, switch, close and reopen reporting rounds."""

from __future__ import annotations

from ...domain import rounds
from ...errors import StoreError, SuperviseError
from ...i18n import t
from ..bindings import bind
from ..sources import ListSource, column
from ..widgets.vtable import Column
from .browse import TableScreen


class RoundsScreen(TableScreen):
    """Every round; enter makes one current, n opens a new one, x closes, o reopens with a reason."""

    BINDINGS = [
        bind("n", "new_round", "new_round"),
        bind("x", "close_round", "close_round"),
        bind("o", "reopen_round", "reopen_round"),
    ]

    def __init__(self, crumbs: list[str] | None = None):
        super().__init__(crumbs or [t("screen.rounds")])

    def make_source(self):
        rows = rounds.round_overview(self.session.conn)
        columns = [Column("", 2), column("col.round", 0), column("col.period", 10),
                   column("col.due", 10), column("col.opened", 19), column("col.closed", 19),
                   column("col.items", 6, align="right"), column("tui.rounds.updated", 6, align="right"),
                   column("col.done", 6, align="right")]
        cells = [["▶" if r["current"] else "", r["name"], r["period"] or "", r["due"] or "",
                  r["opened_at"] or "", r["closed_at"] or "", str(r["items"]), str(r["updated"]), str(r["done"])]
                 for r in rows]
        return ListSource(columns, cells, [str(r["id"]) for r in rows])

    def _act(self, action, *args, in_dialog: bool = False) -> None:
        try:
            rnd = action(self.session.conn, self.session.actor, *args)
        except SuperviseError as exc:
            if in_dialog and isinstance(exc, StoreError):  # the form says it, and keeps what was typed
                raise
            self.notify(t("edit.refused", reason=exc), severity="error", timeout=8, markup=False)
            return
        self.notify(t("tui.rounds.done", name=rnd.name), markup=False)
        self.store_changed(rounds=True)

    def open_key(self, key: str, row) -> None:
        self._act(rounds.use_round, key)

    def action_new_round(self) -> None:
        from ..dialogs.rounds import RoundForm

        if self.refused_read_only():
            return

        def submit(values: tuple[str, str, str]) -> None:
            name, period, due = values
            self._act(lambda c, a: rounds.create_round(c, a, name, period=period or None, due=due or None),
                      in_dialog=True)

        self.app.push_screen(RoundForm(submit=submit))

    def action_close_round(self) -> None:
        if self.table.current_key:
            self._act(rounds.close_round, self.table.current_key)

    def action_reopen_round(self) -> None:
        key = self.table.current_key
        if key and not self.refused_read_only():
            from ..dialogs.rounds import ReasonForm

            self.app.push_screen(ReasonForm(t("tui.rounds.reopen_title"),
                                            submit=lambda reason: self._act(rounds.reopen_round, key, reason,
                                                                            in_dialog=True)))
