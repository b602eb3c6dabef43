"""The exchange's dialogs: a file or folder on the stick, and a value of the inspector's own for a review."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label

from ...domain.vocab import field_name
from ...i18n import t
from ..text import literal
from ..widgets.safe_input import SafeInput
from .base import Dialog, Submit
from .editors import NoteEditor


class PathForm(Dialog[str | None]):
    """A file or folder to read from or write into (a USB stick, say); the action runs on enter.

    The dialog stays open with what was typed if the action is refused (a missing folder, a
    tampered file), and says why.
    """

    def __init__(self, title: str, value: str, *, submit: Submit | None = None):
        super().__init__(submit=submit)
        self.title_text, self.value = title, value

    def compose(self) -> ComposeResult:
        with Vertical(classes="editor"):
            yield Label(literal(self.title_text), classes="editor-title")
            yield SafeInput(value=self.value, id="path-input")
            yield Label(literal(t("tui.exchange.path_hint")), classes="hint")
            yield Label("", id="path-error", classes="editor-error")

    def on_mount(self) -> None:
        field = self.query_one(SafeInput)
        field.focus()
        field.cursor_position = len(field.value)  # a file's name is at the end: keep it in sight

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = self.query_one(SafeInput).stored.strip()
        if not value:
            self.say_error(t("tui.exchange.path_needed"))
            return
        self.answer(value)


class TextValueEditor(NoteEditor):
    """A note, evidence or value reached of the inspector's own, for a change under review."""

    def __init__(self, item_id: str, field: str, current: str | None, *, submit: Submit | None = None):
        super().__init__(item_id, current, submit=submit)
        self.title_text = t("tui.exchange.edit_title", id=item_id, field=field_name(field))
