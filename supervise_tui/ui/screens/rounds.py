"""Rounds (轮次) and the chase list (催办): open, switch, close and reopen rounds; who to chase."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from ...domain import queries, rounds
from ...domain.db import StoreError
from ...domain.edits import EditRefused
from ...domain.queries import NotFound
from ...i18n import t
from ..bindings import bind
from ..sources import ListSource, column, label
from ..text import literal
from ..widgets.vtable import Column
from .base import Dialog
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

    def _act(self, action, *args) -> None:
        try:
            rnd = action(self.session.conn, self.session.actor, *args)
        except (StoreError, EditRefused, NotFound, ValueError) as exc:
            self.notify(t("edit.refused", reason=str(exc)), severity="error", timeout=8, markup=False)
            return
        self.session.changed_elsewhere()
        self.notify(t("tui.rounds.done", name=rnd.name), markup=False)
        self.sv_app.data_changed()

    def open_key(self, key: str, row) -> None:
        self._act(rounds.use_round, key)

    def action_new_round(self) -> None:
        def done(values: tuple[str, str, str] | None) -> None:
            if values:
                name, period, due = values
                self._act(lambda c, a: rounds.create_round(c, a, name, period=period or None, due=due or None))

        self.app.push_screen(RoundForm(), done)

    def action_close_round(self) -> None:
        if self.table.current_key:
            self._act(rounds.close_round, self.table.current_key)

    def action_reopen_round(self) -> None:
        key = self.table.current_key
        if key:
            def done(reason: str | None) -> None:
                if reason:
                    self._act(rounds.reopen_round, key, reason)

            self.app.push_screen(ReasonForm(t("tui.rounds.reopen_title")), done)


class RoundForm(Dialog[tuple[str, str, str] | None]):
    """Name, period (e.g. 2024-Q1) and due date (YYYY-MM-DD) of a new round."""

    def compose(self) -> ComposeResult:
        # editor-tall: three inputs and the error line do not fit the plain editor's 12 lines
        with Vertical(classes="editor editor-tall"):
            yield Label(literal(t("tui.rounds.new_title")), classes="editor-title")
            yield Input(placeholder=t("tui.rounds.name_hint"), id="round-name")
            yield Input(placeholder=t("tui.rounds.period_hint"), id="round-period")
            yield Input(placeholder=t("tui.rounds.due_hint"), id="round-due")
            yield Label("", id="round-error", classes="editor-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        name = self.query_one("#round-name", Input).value.strip()
        due = self.query_one("#round-due", Input).value.strip()
        error = self.query_one("#round-error", Label)
        if not name:
            error.update(literal(t("tui.rounds.name_needed")))
            self.query_one("#round-name", Input).focus()
            return
        # What the store would refuse in what was typed is said here, and the form stays
        # open, instead of closing it and losing everything on a mistyped date.
        for field, check, value in (("#round-name", rounds._check_name, name), ("#round-due", rounds._check_due, due)):
            try:
                check(value)
            except EditRefused as exc:
                error.update(literal(t("edit.refused", reason=str(exc))))
                self.query_one(field, Input).focus()
                return
        self.dismiss((name, self.query_one("#round-period", Input).value.strip(), due))


class ReasonForm(Dialog[str | None]):
    """One line of text that must not be blank (a reason for the audit log)."""

    def __init__(self, title: str):
        super().__init__()
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="editor"):
            yield Label(literal(self.title_text), classes="editor-title")
            yield Input(id="reason")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.dismiss(event.value.strip())


class ChaseScreen(TableScreen):
    """催办: items not reported this round, or red, by lead unit with its leader and liaison."""

    def __init__(self, crumbs: list[str] | None = None):
        super().__init__(crumbs or [t("screen.chase")])

    def make_source(self):
        groups = queries.chase_list(self.session.conn, self.session.round.id)
        columns = [column("col.lead_unit", 14), column("col.id", 9), column("tui.chase.why", 10),
                   column("col.text", 0), column("col.leader", 8), column("col.liaison", 8),
                   column("col.status", 8), column("col.progress", 6, align="right")]
        cells, keys = [], []
        for group in groups:
            for item in group["items"]:
                why = "、".join(t(f"tui.chase.{k}") for k in ("not_reported", "red") if item[k])
                cells.append([group["unit"] or "", item["id"], why, item["text"], item["leader"] or "",
                              item["liaison"] or "", label("status", item["status"]), f"{item['progress'] or 0}%"])
                keys.append(item["id"])
        self.groups = groups
        return ListSource(columns, cells, keys)

    def update_summary(self) -> None:
        units = len(self.groups)
        items = sum(len(g["items"]) for g in self.groups)
        self.query_one("#summary", Static).update(literal(t("tui.chase.summary", units=units, items=items), "dim"))

    def open_key(self, key: str, row) -> None:
        from .detail import DetailScreen

        self.app.push_screen(DetailScreen(self.child_crumbs(key), key))
