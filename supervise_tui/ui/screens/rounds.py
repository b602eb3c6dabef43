"""Rounds (轮次): open, switch, close and reopen reporting rounds."""

from __future__ import annotations

from ...domain import rounds
from ...errors import StoreError, SuperviseError
from ...i18n import t
from ..bindings import bind
from ..sources import ListSource, column
from ..widgets.vtable import Column
from .table import TableScreen


class RoundsScreen(TableScreen):
    """Every round; enter makes one current, n opens a new one, x closes, o reopens with a reason.

    Each is an inspector's: for a liaison the store refuses them, and their keys are not offered.
    """

    BINDINGS = [
        bind("n", "new_round", "new_round"),
        bind("x", "close_round", "close_round"),
        bind("o", "reopen_round", "reopen_round"),
    ]

    def __init__(self, crumbs: list[str] | None = None):
        super().__init__(crumbs or [t("screen.rounds")])

    def check_action(self, action: str, parameters) -> bool | None:
        if action in ("new_round", "close_round", "reopen_round") and self.session.actor.role != "inspector":
            return False
        return True

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

    def _act(self, action, *args, said: str, in_dialog: bool = False) -> None:
        """Run one round action; ``said`` names the catalogue line that tells what happened to which round."""
        try:
            rnd = action(self.session.conn, self.session.actor, *args)
        except SuperviseError as exc:
            if in_dialog and isinstance(exc, StoreError):  # the form says it, and keeps what was typed
                raise
            self.notify(t("edit.refused", reason=exc), severity="error", timeout=8, markup=False)
            return
        self.notify(t(said, name=rnd.name), markup=False)
        self.store_changed(rounds=True)

    def _selected(self) -> rounds.Round | None:
        key = self.table.current_key
        return rounds.get_round(self.session.conn, key) if key else None

    def open_key(self, key: str, row) -> None:
        self._act(rounds.use_round, key, said="rounds.now_current")

    def action_new_round(self) -> None:
        """The form, which asks whether to close the round before when it is still open (no by default)."""
        from ..dialogs.rounds import RoundForm

        if self.refused_read_only():
            return
        prev = rounds.newest_round(self.session.conn)

        def submit(values: tuple[str, str, str, bool]) -> None:
            name, period, due, close_previous = values

            def action(conn, actor):
                return rounds.create_round(conn, actor, name, period=period or None, due=due or None,
                                           close_previous=close_previous)

            self._act(action, said="tui.rounds.created_closed" if close_previous else "tui.rounds.created",
                      in_dialog=True)

        self.app.push_screen(RoundForm(prev.name if prev is not None and not prev.closed else None,
                                       submit=submit))

    def action_close_round(self) -> None:
        """Asked first (no by default): a closed round refuses every edit until it is reopened."""
        rnd = self._selected()
        if rnd is None or self.refused_read_only():
            return
        from ..dialogs.inspector import Confirm

        def submit(_yes: bool) -> None:
            self._act(rounds.close_round, str(rnd.id), said="rounds.closed", in_dialog=True)

        self.app.push_screen(Confirm(t("tui.rounds.close_confirm", name=rnd.name), yes=t("key.close_round"),
                                     submit=submit))

    def action_reopen_round(self) -> None:
        rnd = self._selected()
        if rnd is not None and not self.refused_read_only():
            from ..dialogs.rounds import ReasonForm

            def submit(reason: str) -> None:
                self._act(rounds.reopen_round, str(rnd.id), reason, said="rounds.reopened", in_dialog=True)

            self.app.push_screen(ReasonForm(t("tui.rounds.reopen_title_named", name=rnd.name), submit=submit))
