"""Editing an item in place from any screen that shows items: status, progress, note, light, close-out."""

from __future__ import annotations

from collections.abc import Callable

from ...domain.edits import Change, Conflict
from ...domain.vocab import field_name, shown_edit
from ...errors import SuperviseError
from ...i18n import t
from ..bindings import bind
from .base import Frame


class ItemEditing(Frame):
    """Base for a screen with a current item: s / p / n / l / c open an editor over it.

    A Frame subclass, not a plain mixin, because Textual collects BINDINGS only
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
        from ..dialogs.editors import StatusPicker

        self._edit_field("status", StatusPicker)

    def action_edit_progress(self) -> None:
        from ..dialogs.editors import ProgressInput

        self._edit_field("progress", ProgressInput)

    def action_edit_note(self) -> None:
        from ..dialogs.editors import NoteEditor

        self._edit_field("note", NoteEditor)

    def action_edit_light(self) -> None:
        target = self._target()
        if not target:
            return
        item_id, state = target
        shown = {"light": state["light_override"], "version": state["version"]}
        from ..dialogs.inspector import LightPicker

        def done(choice: tuple[str | None, str] | None) -> None:
            if choice is not None:
                light, reason = choice
                self._write(item_id, "light", lambda: self.session.set_light(item_id, light, reason, shown))

        self.app.push_screen(LightPicker(item_id, state["light_override"], state["light_reason"]), done)

    def action_close_out(self) -> None:
        target = self._target()
        if not target:
            return
        item_id, _ = target
        from ..dialogs.inspector import Confirm

        def done(confirmed: bool | None) -> None:
            if confirmed:
                self._write(item_id, "closed_out", lambda: self.session.close_out(item_id))

        self.app.push_screen(Confirm(t("edit.close_out_confirm", id=item_id)), done)

    def save(self, item_id: str, state: dict, field: str, value) -> None:
        """Write one field (one transaction, audited), refusing if it changed since it was shown."""
        if value is None:
            return  # cancelled
        shown = {field: state[field], "version": state["version"]}
        self._write(item_id, field, lambda: self.session.edit(item_id, {field: value}, shown))

    def _write(self, item_id: str, field: str, action: Callable[[], list[Change]]) -> None:
        """Run one user action and say what happened either way."""
        try:
            done = action()
        except Conflict as exc:  # what was shown is stale: say so, and show what is there now
            self.notify(t("edit.conflict", id=item_id, field=field_name(exc.field),
                          shown=shown_edit(exc.field, exc.shown), current=shown_edit(exc.field, exc.current)),
                        severity="error", timeout=10, markup=False)
            self.store_changed()
            return
        except SuperviseError as exc:
            self.notify(t("edit.refused", reason=exc), severity="error", timeout=8, markup=False)
            return
        if done:
            change = next((c for c in done if c.field == field), done[0])
            self.notify(t("edit.saved", id=item_id, field=field_name(change.field),
                          old=shown_edit(change.field, change.old)[:40],
                          new=shown_edit(change.field, change.new)[:40]), markup=False)
            self.store_changed()
