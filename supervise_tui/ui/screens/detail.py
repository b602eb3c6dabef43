"""One item in full: text, units, people, stage, its state in every round, its audit trail."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from ...domain import queries
from ...domain.clock import shown_time
from ...domain.queries import Scope
from ...domain.targets import goal_facts
from ...domain.vocab import shown_audit, shown_value, word
from ...i18n import t
from ..columns import LIGHT_STYLE
from ..text import excerpt, line, literal
from .base import VIEW_CSS, Frame
from .editing import ItemEditing


class DetailScreen(ItemEditing, Frame):
    """The whole item, wrapped to the terminal; s / p / n edit it here too."""

    CSS_PATH = VIEW_CSS

    def __init__(self, crumbs: list[str], item_id: str):
        super().__init__(crumbs)
        self.item_id = item_id
        self.item: dict | None = None

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="detail"):
            yield Static(id="detail-head")
            yield Static(id="detail-text", classes="item-text")
            yield Static(id="detail-facts")
            yield Static(id="detail-history")
            yield Static(id="detail-audit")

    def on_mount(self) -> None:  # Frame.on_mount runs too (Textual walks the MRO)
        self.refresh_data()
        self.query_one("#detail").focus()

    def refresh_data(self) -> None:
        s = self.session
        item = self.item = queries.item_detail(s.conn, s.round.id, self.item_id)
        number = item["prefix"] or (f"{item['no']}." if item["no"] else "")
        head = line((item["id"], "bold"), "  ", (word("kind", item["kind"]), "cyan"), "  ",
                    (f"({item['work_id']}) {item['work_title']}", "bold"))
        if item["retired"]:
            head.append_text(literal(f"  [{t('detail.retired')}]", "red"))
        self.query_one("#detail-head", Static).update(head)
        self.query_one("#detail-text", Static).update(literal(number + item["text"]))
        units = Text("、").join(
            literal(("*" if u["role"] == "lead" else "") + u["name"], "bold" if u["role"] == "lead" else "")
            for u in item["units"])
        facts = Table.grid(padding=(0, 2))
        facts.add_column(style="dim", no_wrap=True)
        facts.add_column()
        facts.add_row(t("col.pillar"), literal(item["pillar_title"]))
        facts.add_row(t("col.stage"), literal(item["stage_text"]))
        facts.add_row(t("detail.units"), units)
        facts.add_row(t("col.leader"), literal(item["leader"] or t("detail.none")))
        facts.add_row(t("col.liaison"), literal(item["liaison"] or t("detail.none")))
        facts.add_row(t("col.status"), literal(word("status", item["status"])))
        facts.add_row(t("col.progress"), literal(f"{item['progress'] or 0}%"))
        facts.add_row(t("col.light"), line((word("light", item["light"]), LIGHT_STYLE.get(item["light"], "")),
                                           " · ", item["light_reason"]))
        facts.add_row(t("detail.override"), excerpt(
            t("detail.override_set", light=word("light", item["light_override"]), reason=item["override_reason"])
            if item["light_override"] else t("detail.override_none")))
        facts.add_row(t("field.closed_out"), literal(
            t("detail.closed_out_yes", by=item["closed_by"] or "", at=shown_time(item["closed_at"]))
            if item["closed_out"] else t("detail.closed_out_no")))
        facts.add_row(t("col.note"), excerpt(item["note"] or ""))
        for heading, fact in goal_facts(item):  # a target's goal, deadline, attainment; any item's evidence
            facts.add_row(heading, excerpt(fact, "green" if fact.endswith(t("goal.met")) else ""))
        self.query_one("#detail-facts", Static).update(facts)
        self.query_one("#detail-history", Static).update(self._history(item["history"]))
        self.query_one("#detail-audit", Static).update(self._audit(item["audit"]))

    def _history(self, rows: list[dict]) -> Table:
        table = Table(title=t("detail.history"), title_justify="left", expand=True, show_edge=False)
        for heading in ("col.round", "col.status", "col.progress", "col.light", "col.light_reason", "field.value",
                        "col.note",
                        "col.updated_by", "col.updated_at"):
            table.add_column(t(heading), overflow="fold")
        for h in rows:
            table.add_row(literal(h["round_name"]), literal(word("status", h["status"])),
                          literal(f"{h['progress']}%"), literal(word("light", h["light"]),
                                                                LIGHT_STYLE.get(h["light"], "")),
                          excerpt(h["light_reason"]), excerpt(shown_value("value", h["value"])), excerpt(h["note"]),
                          literal(h["updated_by"] or ""), literal(shown_time(h["updated_at"])))
        return table

    def _audit(self, rows: list[dict]) -> Table:
        table = Table(title=t("detail.audit"), title_justify="left", expand=True, show_edge=False)
        imported = any(a["source"] for a in rows)
        for heading in ("col.at", "col.user", "col.round", "col.action", "col.field", "col.old", "col.new"):
            table.add_column(t(heading), overflow="fold")
        if imported:  # changes from a return file: which file, accepted by whom
            table.add_column(t("col.via"), overflow="fold")
        for a in rows:
            shown = shown_audit(a)  # local time, the action, field and codes in words
            cells = [excerpt(shown[k] or "") for k in ("at", "user", "round_name", "action", "field", "old", "new")]
            if imported:
                cells.append(literal(t("detail.via", source=a["source"], by=a["accepted_by"] or "")
                                     if a["source"] else ""))
            table.add_row(*cells)
        return table

    # ItemEditing hooks
    def current_item(self) -> str | None:
        return self.item_id

    def report_scope(self) -> Scope:
        """Save and next walks a liaison's unit, an inspector's key work."""
        if self.session.actor.role == "liaison" and self.session.actor.unit_id is not None:
            return Scope(unit=self.session.actor.unit_id)
        return Scope(work=self.item["work_id"] if self.item else None)

    def show_item(self, item_id: str) -> None:
        """The walk has moved on: this screen shows the next item."""
        self.item_id = item_id
        self.crumbs = [*self.crumbs[:-1], item_id]
        self.refresh_data()
        self.update_topbar()

    def shown_state(self, item_id: str) -> dict | None:
        return self.item
