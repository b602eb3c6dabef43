"""The current round at a glance: progress per pillar, the units most behind, red items, goals.

Who is behind is ranked by what an inspector chases: red items, then items not reported, then
overdue ones (``domain.standing``); the red list is a table of its own, most severe first, and
enter on a row opens the item.
"""

from __future__ import annotations

import json

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Static

from ...domain import queries
from ...domain.db import get_meta
from ...domain.queries import Scope
from ...i18n import t
from ..bindings import bind
from ..columns import column
from ..sources import ListSource, pillar_list
from ..text import line, literal
from ..widgets.vtable import VirtualTable
from .table import TableScreen

TOP_UNITS = 5
RED_SHOWN = 100  # the most severe; the chase list (5) and the bulletin have them all


class OverviewScreen(TableScreen):
    """The first screen: the five pillars' progress, with the rest filled in by a worker."""

    BINDINGS = [bind("g", "edit_goal", "goal_value")]

    def __init__(self):
        super().__init__([t("screen.overview")])

    def compose_body(self) -> ComposeResult:
        yield Static(id="doc-title")
        yield Static(id="summary")
        yield Static(literal(t("overview.pillars"), "bold"), classes="section")
        yield VirtualTable(self.make_source(), id="table")
        # Two widgets below the table, each with its headings in its text: every widget on
        # the first screen costs start-up time.
        with Horizontal(id="overview-lower"):
            with Vertical(id="overview-left"):
                yield Static(self._units_text(None), id="overview-units")
                yield Static(literal(t("overview.red_list"), "bold"), id="red-title")
                yield VirtualTable(red_list([]), id="red-table")
            yield Static(id="goals")

    def make_source(self):
        # Empty until the worker has counted: the first screen never waits on a full scan.
        return pillar_list([])

    def on_mount(self) -> None:  # TableScreen's and Frame's on_mount run too (Textual walks the MRO)
        conn = self.session.conn
        document = json.loads(get_meta(conn, "document", "{}") or "{}")
        self.query_one("#doc-title", Static).update(line(
            (document.get("title", ""), "bold"), "  ", (document.get("doc_number", ""), "dim")))
        self.show_goals()
        # Count once the first frame is on screen: the counting thread would compete with it.
        self.call_after_refresh(self._first_count)

    def _first_count(self) -> None:
        if self.app.screen is self:
            self.refresh_data()
        else:  # a liaison starts on their unit's items: count when the overview is first shown
            self.seen_revision = -1

    class Counted(Message):
        """The overview's figures, worked out by a worker."""

        def __init__(self, pillars: list[dict], units: list[dict], reds: list[dict], totals: dict) -> None:
            super().__init__()
            self.pillars, self.units, self.reds, self.totals = pillars, units, reds, totals

    def refresh_data(self) -> None:
        self.show_goals()
        self.count(self.session.round.id)

    def check_action(self, action: str, parameters) -> bool | None:
        # Headline goals are the inspector's to record; a liaison's key bar does not offer g.
        return action != "edit_goal" or self.session.actor.role == "inspector"

    def action_edit_goal(self) -> None:
        """g: pick a headline goal, then record its value reached and evidence this round."""
        if self.refused_read_only():
            return
        from ...domain.targets import goal_from_json
        from ..dialogs.targets import GoalPicker, ValueAndEvidence, ValueEditor
        from .editing import write_and_say

        def edit(g: dict) -> None:
            shown = {"value": g["value"], "evidence": g["evidence"], "version": g["version"]}

            def submit(answer: ValueAndEvidence) -> None:
                changes = {f: getattr(answer, f) for f in ("value", "evidence") if getattr(answer, f) != g[f]}
                if answer.found:
                    self.notify("\n".join(answer.found), markup=False, timeout=8)
                if changes:
                    write_and_say(self, g["id"], "value" if "value" in changes else "evidence",
                                  lambda: self.session.edit_goal(g["id"], changes, shown))

            self.app.push_screen(ValueEditor(g["id"], goal_from_json(g["goal"]), g["value"], g["evidence"],
                                             submit=submit))

        goals = queries.goal_values(self.session.conn, self.session.round.id)
        self.app.push_screen(GoalPicker(goals, submit=lambda g: self.call_after_refresh(edit, g)))

    def show_goals(self) -> None:
        """The document's headline goals, each with its value reached this round (eight rows: read at once)."""
        from ...domain.targets import all_met, attainment_cell, goal_from_json, reported

        lines = [literal(t("overview.goals"), "bold")]
        for g in queries.goal_values(self.session.conn, self.session.round.id):
            goal = goal_from_json(g["goal"])
            style = "green" if all_met(goal, g["value"]) else "yellow" if reported(g["value"]) else "dim"
            lines.append(line((f"{g['year']}  ", "cyan"), g["text"], "  ", (attainment_cell(goal, g["value"]), style)))
        self.query_one("#goals", Static).update(Text("\n").join(lines))

    def update_summary(self) -> None:
        """The summary line is filled when the worker has counted."""

    @work(thread=True, exclusive=True, exit_on_error=False, group="overview")
    def count(self, round_id: int) -> None:
        """Count the round off the UI thread and post the figures."""
        from ...domain.standing import red_items, units_behind

        with self.session.reader() as conn:
            pillars = queries.pillar_summary(conn, round_id)
            units = units_behind(conn, round_id, TOP_UNITS)
            reds = red_items(conn, round_id, RED_SHOWN)
        totals = {k: sum(p[k] for p in pillars) for k in ("items", "done", "in_progress", "behind",
                                                            "not_started", "red", "not_reported")}
        self.post_message(self.Counted(pillars, units, reds, totals))

    def on_overview_screen_counted(self, event: Counted) -> None:
        self.table.set_source(pillar_list(event.pillars))
        self.table.styles.height = len(event.pillars) + 1  # its rows and heading: the rest is for who is behind
        self.query_one("#summary", Static).update(literal(t("summary.counts", **event.totals), "dim"))
        self.query_one("#overview-units", Static).update(self._units_text(event.units))
        title = t("overview.red_title", red=event.totals["red"])
        self.query_one("#red-title", Static).update(literal(title if event.reds else t("overview.no_red"), "bold"))
        self.query_one("#red-table", VirtualTable).set_source(red_list(event.reds))

    @staticmethod
    def _units_text(units: list[dict] | None) -> Text:
        """The lead units most behind, one a line with their red, not-reported and overdue items (None: counting)."""
        if units is None:
            worst = [literal(t("overview.loading"), "dim")]
        else:
            worst = [line((f"{u['name']}  ", "bold"), (t("overview.unit_behind", red=u["red"],
                                                           not_reported=u["not_reported"], overdue=u["overdue"],
                                                           items=u["items"]), "red")) for u in units] or \
                [literal(t("overview.no_behind"), "dim")]
        return Text("\n", no_wrap=True, overflow="ellipsis").join([literal(t("overview.worst_units"), "bold"), *worst])

    def on_virtual_table_selected(self, event: VirtualTable.Selected) -> None:
        if event.table.id == "red-table":  # a red item: its detail (not TableScreen's drill-down too)
            from .detail import DetailScreen

            event.stop()
            event.prevent_default()
            self.app.push_screen(DetailScreen([t("screen.overview"), event.key], event.key))

    def open_key(self, key: str, row) -> None:
        from .browse import WorksScreen

        self.app.push_screen(WorksScreen([t("screen.pillars"), row[0]], Scope(pillar=key)))


def red_list(reds: list[dict]) -> ListSource:
    """The red items as a table: id, text, and why it is red (given way first on a narrow terminal)."""
    columns = [column("col.id", 9, style_fn=lambda _: "bold red"), column("col.text", 0, min_width=16),
               column("col.light_reason", 0, drop=1, min_width=24)]
    return ListSource(columns, [[r["id"], r["text"], r["light_reason"]] for r in reds], [r["id"] for r in reds])
