"""Editing an item from any screen that shows items: the report form, and status, progress, note, light and
close-out each in place."""

from __future__ import annotations

from collections.abc import Callable

from ...domain.edits import Change, Conflict, Done
from ...domain.queries import Scope
from ...domain.vocab import field_name, shown_edit, shown_value, word
from ...errors import StoreError, SuperviseError
from ...i18n import t
from ...textsafe import one_line
from ..bindings import bind
from .base import Frame

# The fields a saved edit is reported by (a close-out's cleared override goes unsaid).
SAID = ("status", "progress", "note", "evidence", "value", "light", "closed_out")


class ItemEditing(Frame):
    """Base for a screen with a current item: t (填报) opens the report form over it, s / p / n / l / c an editor.

    A Frame subclass, not a plain mixin, because Textual collects BINDINGS only
    from DOMNode classes in the MRO.
    """

    BINDINGS = [
        bind("t", "form", "form"),
        bind("s", "edit_status", "status"),
        bind("p", "edit_progress", "progress"),
        bind("n", "edit_note", "note"),
        bind("v", "edit_value", "value"),
        bind("l", "edit_light", "light"),
        bind("c", "close_out", "close_out"),
    ]

    def check_action(self, action: str, parameters) -> bool | None:
        # A liaison's keys are the ones that work for a liaison: no light, no close-out.
        if action in ("edit_light", "close_out") and self.session.actor.role != "inspector":
            return False
        return True

    def current_item(self) -> str | None:
        raise NotImplementedError

    def report_scope(self) -> Scope:
        """The items "save and next" walks through: the ones this screen shows."""
        raise NotImplementedError

    def show_item(self, item_id: str) -> None:
        """Bring ``item_id`` into view (the walk has moved on to it)."""

    def form_counter(self) -> str:
        """A word on the form about how far the round has come ('' for none)."""
        return ""

    def shown_state(self, item_id: str) -> dict | None:
        """The item's state as the user sees it now (for the conflict check)."""
        raise NotImplementedError

    def _target(self, again: str) -> tuple[str, dict] | None:
        """The item to edit and its state as shown; None (having said why, or asked) if there is none yet.

        If another session moved the store's current round, the user is asked first whether to
        write to the round on screen (no by default); on yes the action ``again`` runs again.
        """
        if self.refused_read_only():  # said before anything is typed, not after
            return None
        moved = self.session.round_moved()
        if moved is not None:
            from ..dialogs.inspector import Confirm

            shown = self.session.round.name

            def answered(yes: bool | None) -> None:
                if yes:
                    self.session.keep_round(moved)
                    self.call_later(self.run_action, again)

            self.app.clear_notifications()  # the notice of the move would cover the question
            self.app.push_screen(Confirm(t("tui.round_moved.ask", current=moved.name, shown=shown),
                                         yes=t("tui.round_moved.keep", shown=shown)), answered)
            return None
        item_id = self.current_item()
        state = self.shown_state(item_id) if item_id else None
        if item_id is None or state is None:
            self.notify(t("edit.no_item"), severity="warning")
            return None
        return item_id, state

    def _edit_field(self, field: str, dialog_class) -> None:
        target = self._target(f"edit_{field}")
        if target:
            item_id, state = target
            self.app.push_screen(dialog_class(item_id, state[field],
                                              submit=lambda value: self.save(item_id, state, field, value)))

    # ------------------------------------------------------------------ the report form

    def action_form(self) -> None:
        if self.refused_read_only():
            return
        item_id = self.current_item()
        if item_id is None:
            self.notify(t("edit.no_item"), severity="warning")
            return
        self.open_form(item_id)

    def open_form(self, item_id: str) -> None:
        """The report form over ``item_id``: every field at once; ctrl+n goes on to the next to report."""
        from ..dialogs.form import WALKED, ItemForm

        def save(item: str, changes: dict, shown: dict) -> str:
            try:  # a refusal or a store error is raised to the form, which stays open with what was typed
                done = self.session.report(item, changes, shown)
            except Conflict:
                self.store_changed()  # the views are stale too
                raise
            self.store_changed()
            return saved_words(item, next(iter(changes), "status"), done)  # said by the form

        def closed(result: str | None) -> None:
            if result == WALKED:
                self.notify(t("form.all_reported"), severity="information", markup=False)

        self.app.push_screen(ItemForm(self.session, item_id, save=save, walk=self.walk_on,
                                      counter=self.form_counter), closed)

    def walk_on(self, after: str) -> str | None:
        """The next item that still needs a report this round after ``after``, brought into view; None if none."""
        from ...domain.reporting import next_to_report

        item_id = next_to_report(self.session.conn, self.session.round.id, self.report_scope(), after)
        if item_id is not None:
            self.show_item(item_id)
        return item_id

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

    def action_edit_value(self) -> None:
        """完成值/佐证: a numeric target's value reached per measure, and any item's evidence."""
        target = self._target("edit_value")
        if not target:
            return
        item_id, state = target
        from ...domain.targets import goal_from_json
        from ..dialogs.targets import ValueAndEvidence, ValueEditor

        shown = {"value": state["value"], "evidence": state["evidence"], "version": state["version"]}

        def submit(answer: ValueAndEvidence) -> None:
            changes = {f: getattr(answer, f) for f in ("value", "evidence") if getattr(answer, f) != (state[f] or "")}
            if answer.found:  # what the evidence folder said of each file
                self.notify("\n".join(answer.found), markup=False, timeout=8)
            if changes:
                first = "value" if "value" in changes else "evidence"
                self._write(item_id, first, lambda: self.session.edit(item_id, changes, shown))

        self.app.push_screen(ValueEditor(item_id, goal_from_json(state["goal"]), state["value"], state["evidence"],
                                         submit=submit))

    def action_edit_light(self) -> None:
        target = self._target("edit_light")
        if not target:
            return
        item_id, state = target
        shown = {"light": state["light_override"], "version": state["version"]}
        from ..dialogs.inspector import LightPicker

        def submit(choice: tuple[str | None, str]) -> None:
            light, reason = choice
            self._write(item_id, "light", lambda: self.session.set_light(item_id, light, reason, shown))

        self.app.push_screen(LightPicker(item_id, state["light_override"], state["override_reason"], submit=submit))

    def action_close_out(self) -> None:
        """销号 a done item (asked first, no by default); a not-done one or a reopening needs a reason."""
        target = self._target("close_out")
        if not target:
            return
        item_id, state = target
        shown = {"closed_out": state["closed_out"], "version": state["version"]}
        from ..dialogs.inspector import Confirm
        from ..dialogs.rounds import ReasonForm

        # Each dialog saves before it closes: a store error is said in it, with the reason still typed.
        def reopen(reason: str) -> None:
            self._write(item_id, "closed_out", lambda: self.session.reopen_close_out(item_id, reason, shown))

        def close(reason: str) -> None:
            self._write(item_id, "closed_out", lambda: self.session.close_out(item_id, reason, shown))

        if state["closed_out"]:
            self.app.push_screen(ReasonForm(t("edit.reopen_close_out_title", id=item_id), submit=reopen))
        elif (state["status"], state["progress"]) == ("done", 100):
            self.app.push_screen(Confirm(t("edit.close_out_confirm", id=item_id), yes=t("key.close_out"),
                                         submit=lambda _: close("")))
        else:
            self.app.push_screen(ReasonForm(t("edit.close_out_reason_title", id=item_id,
                                              status=word("status", state["status"]),
                                              progress=shown_value("progress", state["progress"] or 0)),
                                            submit=close))

    def save(self, item_id: str, state: dict, field: str, value) -> None:
        """Write one field (one transaction, audited), refusing if it changed since it was shown."""
        if value is None:
            return  # cancelled
        shown = {field: state[field], "version": state["version"]}
        self._write(item_id, field, lambda: self.session.edit(item_id, {field: value}, shown))

    def _write(self, item_id: str, field: str, action: Callable[[], Done]) -> None:
        """Run one user action and say what happened (see ``write_and_say``)."""
        write_and_say(self, item_id, field, action)

    def say_saved(self, item_id: str, field: str, done: Done | list[Change]) -> None:
        """Say what a saved action changed (the field the user changed first), and refresh the views."""
        if done:
            self.notify(saved_words(item_id, field, done), markup=False)
            self.store_changed()


def write_and_say(screen: Frame, item_id: str, field: str, action: Callable[[], Done | list[Change]]) -> None:
    """Run one user action on an item (or headline goal) and say what happened.

    A store error (locked, disk full, read-only, damaged) is raised to the dialog, which says
    it and keeps what the user typed; a refusal by the rules is the answer, said in a notice.
    """
    try:
        done = action()
    except Conflict as exc:  # what was shown is stale: say so, and show what is there now
        screen.notify(t("edit.conflict", id=item_id, field=field_name(exc.field),
                        shown=shown_edit(exc.field, exc.shown), current=shown_edit(exc.field, exc.current)),
                      severity="error", timeout=10, markup=False)
        screen.store_changed()
        return
    except StoreError:
        raise
    except SuperviseError as exc:
        screen.notify(t("edit.refused", reason=exc), severity="error", timeout=8, markup=False)
        return
    if done:
        screen.notify(saved_words(item_id, field, done), markup=False)
        screen.store_changed()


def saved_words(item_id: str, field: str, done: Done | list[Change]) -> str:
    """What a saved action changed, in words: the field the user changed first, then any that followed it."""
    if not len(done):  # reported with nothing changed
        return t("form.confirmed", id=item_id)
    changes = sorted(done, key=lambda c: c.field != field)
    said = "; ".join(t("edit.change", field=field_name(c.field), old=one_line(shown_edit(c.field, c.old))[:40],
                       new=one_line(shown_edit(c.field, c.new))[:40]) for c in changes if c.field in SAID)
    return t("edit.saved", id=item_id, changes=said)
