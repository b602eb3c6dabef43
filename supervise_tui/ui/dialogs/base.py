"""The base every dialog shares: its style sheet, keys in the chosen language, escape cancels."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from textual.screen import ModalScreen
from textual.worker import Worker

from ..bindings import bind, localise
from ..failures import worker_failed

# Loaded when a dialog is first shown, not at start-up.
DIALOG_CSS = str(Path(__file__).with_name("dialogs.tcss"))

ResultT = TypeVar("ResultT")


class Dialog(ModalScreen[ResultT]):
    """A dialog over the screen: its own style sheet, keys in the chosen language, escape cancels.

    Cancelling dismisses it with None; a dialog that answers otherwise binds escape itself.
    """

    CSS_PATH = DIALOG_CSS

    BINDINGS = [bind("escape", "cancel", "cancel")]

    def __init__(self) -> None:
        super().__init__()
        localise(self)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker_failed(self, event)

    def action_cancel(self) -> None:
        self.dismiss(None)
