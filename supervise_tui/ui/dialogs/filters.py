"""An item table's dialogs: its filter and order, and one status or light for every marked item."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, OptionList, Select
from textual.widgets.option_list import Option

from ...domain.reporting import SORTS
from ...domain.vocab import LIGHTS, STATUSES, word
from ...i18n import t
from ..itemview import ItemView, order_word
from ..text import literal
from ..widgets.safe_input import SafeInput
from .base import Dialog, Submit

ANY = "any"


class FilterDialog(Dialog[ItemView | None]):
    """Status, light, reported, the unit's role, changed since the last round, and the order."""

    def __init__(self, view: ItemView, *, home: str, roles: bool, changed: bool):
        super().__init__()
        self.view, self.home, self.roles, self.changed = view, home, roles, changed

    def compose(self) -> ComposeResult:
        v = self.view
        rows: list[tuple[str, str, list[tuple[str, object]], object]] = [
            ("f-status", t("col.status"), [(word("status", s), s) for s in STATUSES], v.status),
            ("f-light", t("col.light"), [(t("view.light", light=word("light", c)), c) for c in LIGHTS], v.light),
            ("f-reported", t("view.report_label"), [(t("view.not_reported"), False), (t("view.reported"), True)],
             v.reported),
        ]
        if self.roles:
            rows.append(("f-role", t("view.role_label"), [(t("view.role", role=word("role", r)), r)
                                                          for r in ("lead", "co")], v.role))
        if self.changed:
            rows.append(("f-changed", t("view.changed_label"),
                         [(t("view.changed"), True), (t("view.unchanged"), False)], v.changed))
        orders = [self.home] + [o for o in SORTS if o != self.home]
        with Vertical(classes="editor filters"):
            yield Label(literal(t("view.title")), classes="editor-title")
            for ident, label, options, value in rows:
                with Horizontal(classes="filter-row"):
                    yield Label(literal(label), classes="filter-label")
                    choices = [(literal(t("view.any")), ANY)] + [(literal(text), code) for text, code in options]
                    yield Select(choices, value=ANY if value is None else value, allow_blank=False, id=ident,
                                 compact=True)
            with Horizontal(classes="filter-row"):
                yield Label(literal(t("view.order_label")), classes="filter-label")
                yield Select([(literal(order_word(o)), o) for o in orders], value=v.order, allow_blank=False,
                             id="f-order", compact=True)
            with Horizontal(classes="buttons"):
                yield Button(t("view.apply"), id="go", variant="primary", compact=True)
                yield Button(t("view.clear"), id="clear", compact=True)
                yield Button(t("key.cancel"), id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#f-status", Select).focus()

    def chosen(self) -> ItemView:
        def value(ident: str):
            found = self.query(f"#{ident}")
            if not found:
                return None
            v = found.first(Select).value
            return None if v == ANY else v

        return ItemView(status=value("f-status"), light=value("f-light"), reported=value("f-reported"),
                        role=value("f-role"), changed=value("f-changed"),
                        order=self.query_one("#f-order", Select).value)  # type: ignore[arg-type]

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "go":
            self.dismiss(self.chosen())
        elif event.button.id == "clear":
            self.dismiss(ItemView(order=self.view.order))
        else:
            self.dismiss(None)


class BulkDialog(Dialog[tuple[str, str | None, str] | None]):
    """One status, or one light with its reason, for the marked items; answers (field, value, reason)."""

    SHOWN = 6  # ids named in the title

    def __init__(self, item_ids: list[str], *, submit: Submit | None = None):
        super().__init__(submit=submit)
        self.item_ids = item_ids

    def compose(self) -> ComposeResult:
        ids = "、".join(self.item_ids[:self.SHOWN]) + ("…" if len(self.item_ids) > self.SHOWN else "")
        options = [Option(Text(t("bulk.status", status=word("status", s))), id=f"status:{s}") for s in STATUSES]
        options += [Option(Text(t("bulk.light", light=word("light", c))), id=f"light:{c}") for c in LIGHTS]
        options.append(Option(Text(t("bulk.light_rules")), id="light:"))
        with Vertical(classes="editor editor-tall bulk"):
            yield Label(literal(t("bulk.title", n=len(self.item_ids), ids=ids)), classes="editor-title")
            yield OptionList(*options, id="bulk-options")
            yield SafeInput(placeholder=t("edit.light_reason"), id="bulk-reason")
            yield Label("", id="bulk-error", classes="editor-error")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def _choice(self) -> tuple[str, str | None]:
        options = self.query_one(OptionList)
        field, _, value = str(options.get_option_at_index(options.highlighted or 0).id).partition(":")
        return field, value or None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        field, value = self._choice()
        if field == "light" and value is not None:
            self.query_one(SafeInput).focus()  # an override needs its reason first
        else:
            self.answer((field, value, ""))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        field, value = self._choice()
        reason = self.query_one(SafeInput).stored.strip()
        if field == "light" and value is not None and not reason:
            self.query_one("#bulk-error", Label).update(Text(t("edit.light_reason_needed")))
            return
        self.answer((field, value, reason))
