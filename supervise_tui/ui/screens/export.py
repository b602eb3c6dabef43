"""The export dialog (e): choose round, format and grouping; the bulletin goes into exports/."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select

from ...domain.rounds import list_rounds
from ...i18n import t
from ...locations import exports_dir
from ..text import literal
from .base import Dialog

if TYPE_CHECKING:
    from ..session import Session

FORMATS = ("md", "csv", "html", "json")
GROUPINGS = ("pillar", "unit", "leader")


def write_bulletin(conn, round_id: int, fmt: str, by: str, folder: Path) -> Path:
    """Build the bulletin of a round and write it atomically; returns the file written."""
    from ...domain.bulletin import build_bulletin
    from ...domain.export import export_bulletin

    return export_bulletin(build_bulletin(conn, round_id, by=by), fmt, folder)


class ExportDialog(Dialog[Path | None]):
    """Round, format, grouping and folder; enter or the button writes the file."""

    def __init__(self, session: "Session"):
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        rounds = [(r.name, r.id) for r in list_rounds(self.session.conn)]
        with Vertical(classes="editor editor-tall"):
            yield Label(literal(t("tui.export.title")), classes="editor-title")
            # One row for the three choices: stacked, they pushed the buttons out of the dialog.
            with Horizontal(classes="pickers"):
                yield Select(rounds, value=self.session.round.id, allow_blank=False, id="export-round")
                yield Select([(f.upper(), f) for f in FORMATS], value="md", allow_blank=False, id="export-format")
                yield Select([(t(f"tui.export.by_{g}"), g) for g in GROUPINGS], value="pillar", allow_blank=False,
                             id="export-by")
            yield Input(value=str(exports_dir()), placeholder=t("tui.export.out"), id="export-out")
            yield Label("", id="export-error", classes="editor-error")
            with Horizontal(classes="buttons"):
                yield Button(t("key.export"), id="go", variant="primary")
                yield Button(t("key.cancel"), id="cancel")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.run_export()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "go":
            self.run_export()
        else:
            self.dismiss(None)

    def run_export(self) -> None:
        value = lambda selector: self.query_one(selector, Select).value  # noqa: E731
        folder = Path(self.query_one("#export-out", Input).value.strip() or exports_dir())
        try:
            path = write_bulletin(self.session.conn, value("#export-round"), value("#export-format"),
                                  value("#export-by"), folder)
        except (OSError, ValueError) as exc:
            self.query_one("#export-error", Label).update(literal(str(exc)))
            return
        self.app.notify(t("tui.export.done", path=str(path)), markup=False, timeout=8)
        self.dismiss(path)
