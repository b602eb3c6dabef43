"""The export dialog (e): round, format, grouping and folder; the bulletin is written by a worker.

The worker reads the bulletin and streams it to the file on a connection of its own, and posts its progress;
the dialog shows it in a progress bar and stays responsive. Escape or the cancel button stops
an export under way (the half-written temporary file is removed) and closes the dialog.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label, ProgressBar, Select
from textual.worker import Worker, WorkerState, get_current_worker

from ...domain.formats import DEFAULT_EXPORT_FORMAT, DEFAULT_GROUPING, EXPORT_FORMATS, GROUPINGS
from ...domain.rounds import list_rounds
from ...errors import describe, naming
from ...i18n import t
from ...locations import exports_dir
from ..text import label, literal
from .base import Dialog

if TYPE_CHECKING:
    from ..session import Session


class ExportCancelled(Exception):
    """The user stopped the export (or the app is quitting): nothing is written."""


class ExportDialog(Dialog[Path | None]):
    """Round, format, grouping and folder; enter or the button writes the file."""

    class Progress(Message):
        """The worker has written ``done`` of ``total`` rows (``total`` None: still gathering)."""

        def __init__(self, done: int, total: int | None) -> None:
            super().__init__()
            self.done, self.total = done, total

    def __init__(self, session: Session):
        super().__init__()
        self.session = session
        self.running: Worker | None = None
        self.reading: sqlite3.Connection | None = None  # the running export's connection

    def compose(self) -> ComposeResult:
        rounds = [(label(r.name), r.id) for r in list_rounds(self.session.conn)]
        with Vertical(classes="editor editor-tall"):
            yield Label(literal(t("tui.export.title")), classes="editor-title")
            # One row for the three choices: stacked, they pushed the buttons out of the dialog.
            with Horizontal(classes="pickers"):
                yield Select(rounds, value=self.session.round.id, allow_blank=False, id="export-round")
                yield Select([(t(key), code) for code, key in EXPORT_FORMATS.items()], value=DEFAULT_EXPORT_FORMAT,
                             allow_blank=False, id="export-format")
                yield Select([(t(key), code) for code, key in GROUPINGS.items()], value=DEFAULT_GROUPING,
                             allow_blank=False, id="export-by")
            yield Input(value=str(exports_dir()), placeholder=t("tui.export.out"), id="export-out")
            yield Label("", id="export-error", classes="editor-error")
            yield ProgressBar(id="export-progress", show_eta=False)
            with Horizontal(classes="buttons"):
                yield Button(t("key.export"), id="go", variant="primary")
                yield Button(t("key.cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one(ProgressBar).display = False

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.run_export()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "go":
            self.run_export()
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        if self.running is not None and not self.running.is_finished:
            self.running.cancel()
            reading = self.reading
            if reading is not None:  # stop a long query at once (interrupt may come from any thread)
                reading.interrupt()
            self.app.notify(t("tui.export.cancelled"), severity="warning")
        self.dismiss(None)

    def run_export(self) -> None:
        if self.running is not None and not self.running.is_finished:
            return  # one at a time
        value = lambda selector: self.query_one(selector, Select).value  # noqa: E731
        folder = Path(self.query_one("#export-out", Input).value.strip() or exports_dir())
        self.query_one("#export-error", Label).update("")
        bar = self.query_one(ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        self.query_one("#go", Button).disabled = True
        self.running = self.write(value("#export-round"), value("#export-format"), value("#export-by"), folder)

    @work(thread=True, exclusive=True, exit_on_error=False, group="export")
    def write(self, round_id: int, fmt: str, by: str, folder: Path) -> Path:
        """Build the bulletin and write it (in a thread, on a connection of its own)."""
        from ...domain.bulletin import build_bulletin
        from ...domain.export import confined, export_bulletin, export_name

        worker = get_current_worker()

        def progress(done: int, total: int) -> None:
            if worker.is_cancelled:
                raise ExportCancelled()
            self.post_message(self.Progress(done, total))

        # The bulletin reads the store as the file is written: both happen on this worker's connection.
        with self.session.reader() as conn:
            self.reading = conn
            try:
                with build_bulletin(conn, round_id, by=by) as bulletin:
                    if worker.is_cancelled:
                        raise ExportCancelled()
                    name = export_name(round_id, bulletin.rnd.name, fmt, by)
                    with naming(confined(folder, name)):  # an error says which file
                        return export_bulletin(bulletin, fmt, folder, progress=progress)
            finally:
                self.reading = None

    def on_export_dialog_progress(self, event: Progress) -> None:
        bar = self.query_one(ProgressBar)
        bar.update(total=event.total, progress=event.done)

    @on(Worker.StateChanged)
    def _finished(self, event: Worker.StateChanged) -> None:
        if event.worker is not self.running:
            return
        event.prevent_default()  # the dialog says how its own export went, not the general handler
        if event.state == WorkerState.SUCCESS:
            path = event.worker.result
            self.app.notify(t("tui.export.done", path=str(path)), markup=False, timeout=8)
            self.dismiss(path)
        elif event.state == WorkerState.ERROR:
            self.query_one(ProgressBar).display = False
            self.query_one("#go", Button).disabled = False
            error = event.worker.error
            if error is not None and not isinstance(error, ExportCancelled):
                self.query_one("#export-error", Label).update(literal(describe(error)))
