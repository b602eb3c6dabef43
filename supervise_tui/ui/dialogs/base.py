"""The base every dialog shares: its style sheet, keys in the chosen language, escape cancels.

A dialog can be handed the action its answer starts (``submit``): then it closes only when
that action is done. A refusal or a store error (locked, disk full, read-only, damaged) is
said inside the dialog, and what the user typed stays there to retry or copy.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label
from textual.worker import Worker

from ...errors import SuperviseError, describe, store_error
from ...i18n import t
from ..bindings import bind, localise
from ..failures import worker_failed
from ..text import literal

# Loaded when a dialog is first shown, not at start-up.
DIALOG_CSS = str(Path(__file__).with_name("dialogs.tcss"))

ResultT = TypeVar("ResultT")
Submit = Callable[[Any], object]


class Dialog(ModalScreen[ResultT]):
    """A dialog over the screen: its own style sheet, keys in the chosen language, escape cancels.

    Cancelling dismisses it with None; a dialog that answers otherwise binds escape itself.
    """

    CSS_PATH = DIALOG_CSS

    BINDINGS = [bind("escape", "cancel", "cancel")]

    def __init__(self, *, submit: Submit | None = None) -> None:
        super().__init__()
        localise(self)
        self.submit = submit

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker_failed(self, event)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def answer(self, value: ResultT) -> None:
        """Close with the user's answer, after acting on it if the dialog was handed ``submit``.

        If the action is refused or the store fails, the dialog stays open and says why.
        """
        if self.submit is not None:
            try:
                self.submit(value)
            except SuperviseError as exc:
                self.say_error(t("edit.refused", reason=exc))
                return
            except (sqlite3.Error, OSError) as exc:  # a read outside the domain's transactions
                session = getattr(self.app, "session", None)
                problem = store_error(exc, session.db_path) if isinstance(exc, sqlite3.Error) and session else exc
                self.say_error(t("edit.refused", reason=describe(problem)))
                return
        self.dismiss(value)

    def say_error(self, message: str) -> None:
        """Show ``message`` on the dialog's error line (made if it has none)."""
        lines = self.query(".editor-error")
        if lines:
            lines.first(Label).update(literal(message))
            return
        box = self.query(Vertical).first()
        box.mount(Label(literal(message), classes="editor-error"))
