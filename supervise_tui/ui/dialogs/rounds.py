"""The rounds screen's forms: a new round (name, period, due date), and a reason for the audit log."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Checkbox, Input, Label

from ...domain import rounds
from ...errors import EditRefused
from ...i18n import t
from ..text import literal
from ..widgets.safe_input import SafeInput
from .base import Dialog, Submit


class RoundForm(Dialog[tuple[str, str, str, bool] | None]):
    """Name, period (2024, 2024-Q1 or 2024-03) and due date (YYYY-MM-DD) of a new round.

    When the round before it is still open (``previous``), the form asks whether to close it
    too, unticked: closing it refuses the late reports it may still receive.
    """

    def __init__(self, previous: str | None = None, *, submit: Submit | None = None):
        super().__init__(submit=submit)
        self.previous = previous

    def compose(self) -> ComposeResult:
        # editor-tall: three inputs and the error line do not fit the plain editor's 12 lines
        with Vertical(classes="editor editor-tall"):
            yield Label(literal(t("tui.rounds.new_title")), classes="editor-title")
            yield SafeInput(placeholder=t("tui.rounds.name_hint"), id="round-name")
            yield SafeInput(placeholder=t("tui.rounds.period_hint"), id="round-period")
            yield SafeInput(placeholder=t("tui.rounds.due_hint"), id="round-due")
            if self.previous is not None:
                yield Checkbox(literal(t("tui.rounds.close_previous", prev=self.previous)), False,
                               id="close-previous")
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
        period = self.query_one("#round-period", Input).value.strip()
        for field, check, value in (("#round-name", rounds.check_name, name),
                                    ("#round-period", rounds.check_period, period),
                                    ("#round-due", rounds.check_due, due)):
            try:
                check(value)
            except EditRefused as exc:
                error.update(literal(t("edit.refused", reason=exc)))
                self.query_one(field, Input).focus()
                return
        close = self.previous is not None and self.query_one("#close-previous", Checkbox).value
        self.answer((name, period, due, close))


class ReasonForm(Dialog[str | None]):
    """One line of text that must not be blank (a reason for the audit log)."""

    def __init__(self, title: str, *, submit: Submit | None = None):
        super().__init__(submit=submit)
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="editor"):
            yield Label(literal(self.title_text), classes="editor-title")
            yield SafeInput(id="reason")
            yield Label("", id="reason-error", classes="editor-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.answer(event.value.strip())
