"""Editing an item in place from any screen that shows items: status, progress, note, light, close-out."""

from __future__ import annotations

from typing import Callable

from textual.screen import Screen

from ...domain.db import StoreError
from ...domain.edits import Change, Conflict, EditRefused
from ...domain.queries import NotFound
from ...i18n import t
from ..bindings import bind


def shown_value(field: str, value) -> str:
    if field == "status" and value:
        return t(f"status.{value}")
    if field == "light":
        return t(f"light.{value}") if value else t("light.rules")
    if field == "progress":
        return f"{value}%"
    if field == "closed_out":
        return t("field.closed_out") if value else "—"
    return "" if value is None else str(value)


class ItemEditing(Screen):
    """Base for a screen with a current item: s / p / n / l / c open an editor over it.

    A Screen subclass, not a plain mixin, because Textual collects BINDINGS only
    from DOMNode classes in the MRO.
    """

    BINDINGS = [
        bind("s", "edit_status", "status"),
        bind("p", "edit_progress", "progress"),
        bind("n", "edit_note", "note"),
        bind("l", "edit_light", "light", show=False),
        bind("c", "close_out", "close_out", show=False),
    ]

    def current_item(self) -> str | None:
        raise NotImplementedError

    def shown_state(self, item_id: str) -> dict | None:
        """The item's state as the user sees it now (for the conflict check)."""
        raise NotImplementedError

    def _target(self) -> tuple[str, dict] | None:
        item_id = self.current_item()
        state = self.shown_state(item_id) if item_id else None
        if item_id is None or state is None:
            self.notify(t("edit.no_item"), severity="warning")
            return None
        return item_id, state

    def _edit_field(self, field: str, dialog_class) -> None:
        target = self._target()
        if target:
            item_id, state = target
            self.app.push_screen(dialog_class(item_id, state[field]),
                                 lambda value: self.save(item_id, state, field, value))

    # The editors are imported when first used: they are not on the start-up path.
    def action_edit_status(self) -> None:
        from .dialogs import StatusPicker

        self._edit_field("status", StatusPicker)

    def action_edit_progress(self) -> None:
        from .dialogs import ProgressInput

        self._edit_field("progress", ProgressInput)

    def action_edit_note(self) -> None:
        from .dialogs import NoteEditor

        self._edit_field("note", NoteEditor)

    def action_edit_light(self) -> None:
        target = self._target()
        if not target:
            return
        item_id, state = target
        shown = {"light": state["light_override"], "version": state["version"]}
        from .inspector_dialogs import LightPicker

        def done(choice: tuple[str | None, str] | None) -> None:
            if choice is not None:
                light, reason = choice
                self._write(item_id, "light", lambda: self.sv_app.session.set_light(item_id, light, reason, shown))

        self.app.push_screen(LightPicker(item_id, state["light_override"], state["light_reason"]), done)

    def action_close_out(self) -> None:
        target = self._target()
        if not target:
            return
        item_id, _ = target
        from .inspector_dialogs import Confirm

        def done(confirmed: bool | None) -> None:
            if confirmed:
                self._write(item_id, "closed_out", lambda: self.sv_app.session.close_out(item_id))

        self.app.push_screen(Confirm(t("edit.close_out_confirm", id=item_id)), done)

    def save(self, item_id: str, state: dict, field: str, value) -> None:
        """Write one field (one transaction, audited), refusing if it changed since it was shown."""
        if value is None:
            return  # cancelled
        shown = {field: state[field], "version": state["version"]}
        self._write(item_id, field, lambda: self.sv_app.session.edit(item_id, {field: value}, shown))

    def _write(self, item_id: str, field: str, action: Callable[[], list[Change]]) -> None:
        """Run one user action and say what happened either way."""
        try:
            done = action()
        except Conflict as exc:
            self.notify(t("edit.conflict", id=item_id, field=t(f"field.{exc.field}"),
                          shown=shown_value(exc.field, exc.shown), current=shown_value(exc.field, exc.current)),
                        severity="error", timeout=10, markup=False)
            self.sv_app.data_changed()
            return
        except (EditRefused, StoreError, NotFound) as exc:
            self.notify(t("edit.refused", reason=str(exc)), severity="error", timeout=8, markup=False)
            return
        if done:
            change = next((c for c in done if c.field == field), done[0])
            self.notify(t("edit.saved", id=item_id, field=t(f"field.{change.field}"),
                          old=shown_value(change.field, change.old)[:40],
                          new=shown_value(change.field, change.new)[:40]), markup=False)
            self.sv_app.data_changed()
