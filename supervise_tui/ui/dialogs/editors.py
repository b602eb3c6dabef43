"""Small editors that open over the row being edited and return the new value."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from ...domain.vocab import STATUSES, parse_progress, word
from ...errors import BadValue
from ...i18n import t
from ..bindings import bind
from ..text import literal
from ..widgets.safe_input import SafeTextArea
from .base import Dialog, Submit


class _Editor(Dialog):
    """An editor docked at the bottom, so the row being edited stays in view.

    Handed ``submit`` (the save), it closes only once the value is saved; otherwise it says why
    and keeps what was typed.
    """

    def __init__(self, title: str, *, submit: Submit | None = None):
        super().__init__(submit=submit)
        self.title_text = title


class StatusPicker(_Editor):
    """Choose one of 未启动 / 推进中 / 已完成 / 滞后 / 受阻."""

    def __init__(self, item_id: str, current: str | None, *, submit: Submit | None = None):
        super().__init__(t("edit.status_title", id=item_id), submit=submit)
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="editor"):
            yield Label(literal(self.title_text), classes="editor-title")
            yield OptionList(*[Option(Text(word("status", code)), id=code) for code in STATUSES],
                             id="status-options")
            yield Label("", id="status-error", classes="editor-error")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self.current in STATUSES:
            options.highlighted = STATUSES.index(self.current)
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.answer(event.option.id)


class ProgressInput(_Editor):
    """Type a progress percentage from 0 to 100."""

    def __init__(self, item_id: str, current: int | None, *, submit: Submit | None = None):
        super().__init__(t("edit.progress_title", id=item_id), submit=submit)
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="editor"):
            yield Label(literal(self.title_text), classes="editor-title")
            yield Input(value=str(self.current or 0), restrict=r"[0-9%]*", max_length=4, id="progress-input")
            yield Label("", id="progress-error", classes="editor-error")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            value = parse_progress(event.value)
        except BadValue:
            self.query_one("#progress-error", Label).update(Text(t("edit.bad_progress")))
            return
        self.answer(value)


class NoteEditor(_Editor):
    """Edit a multi-line note; ctrl+s saves, escape cancels."""

    BINDINGS = [bind("ctrl+s", "save", "save", priority=True)]

    def __init__(self, item_id: str, current: str | None, *, submit: Submit | None = None):
        super().__init__(t("edit.note_title", id=item_id), submit=submit)
        self.current = current or ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="editor editor-tall"):
            yield Label(literal(self.title_text), classes="editor-title")
            # Control characters in the note are shown as pictures, and kept unless edited away.
            yield SafeTextArea(self.current, id="note-input", soft_wrap=True, show_line_numbers=False)
            yield Label("", id="note-error", classes="editor-error")

    def on_mount(self) -> None:
        area = self.query_one(SafeTextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        self.answer(self.query_one(SafeTextArea).stored)
