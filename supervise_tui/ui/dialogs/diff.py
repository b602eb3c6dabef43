"""The diff's dialogs: which two rounds to compare, and a filter by pillar, unit and leader."""

from __future__ import annotations

import sqlite3
from typing import cast

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, Select

from ...domain import diff, queries
from ...domain.rounds import Round
from ...i18n import t
from ..text import label, literal
from .base import Dialog


class RoundPairPicker(Dialog[tuple[int, int] | None]):
    """Pick the older and the newer round; defaults to the previous and the current one."""

    def __init__(self, rounds: list[Round], old: int | None, new: int):
        super().__init__()
        self.rounds, self.old, self.new = rounds, old, new

    def compose(self) -> ComposeResult:
        options = [(label(r.name + (f" ({r.period})" if r.period else "")), r.id) for r in self.rounds]
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
            old, new = (self.query_one(f"#{side}-round", Select).value for side in ("old", "new"))
            self.dismiss((cast(int, old), cast(int, new)))  # allow_blank=False: always a round id
        else:
            self.dismiss(None)


class DiffFilterPicker(Dialog[diff.DiffFilter | None]):
    """Narrow the diff by pillar, unit (lead or co) and leader."""

    def __init__(self, conn: sqlite3.Connection, current: diff.DiffFilter):
        super().__init__()
        self.conn, self.current = conn, current

    def compose(self) -> ComposeResult:
        pillars = [(label(name), key) for key, name in queries.pillar_choices(self.conn)]
        units = [(label(name), key) for key, name in queries.unit_choices(self.conn)]
        leaders = [(label(name), key) for key, name in queries.leader_choices(self.conn)]
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
