"""The first run, with no store yet: start an inspector's store, or open a round package as a liaison."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ..errors import SuperviseError, describe
from ..i18n import t
from .bindings import bind, localise
from .text import literal
from .widgets.safe_input import SafeInput

INSPECTOR, LIAISON = "inspector", "liaison"


class WelcomeApp(App[str | None]):
    """Two choices: the bundled task list for an inspector, or a round package for a liaison.

    Exits with ``"inspector"``, with ``"liaison"`` once the package was opened into the new
    store (``notes`` then says what opening it did), or with None (quit).
    """

    CSS = """
    Screen { align: center middle; }
    #welcome { width: 90%; max-width: 100; height: auto; border: tall $accent; padding: 1 2; }
    #welcome-choices { height: auto; margin: 1 0; }
    #welcome-error { color: $error; }
    .hint { color: $text-muted; }
    """
    BINDINGS = [bind("q", "quit", "quit"), bind("escape", "quit", "quit")]

    def __init__(self, db_path: Path, user: str, package: str | None = None):
        super().__init__()
        localise(self)
        self.db_path, self.user, self.package = db_path, user, package
        self.notes: list[str] = []
        self.title = t("app.title")

    def compose(self) -> ComposeResult:
        with Vertical(id="welcome"):
            yield Static(Text(t("welcome.title"), style="bold"))
            yield Static(literal(t("welcome.no_store", path=str(self.db_path))), classes="hint")
            yield OptionList(Option(Text(t("welcome.inspector")), id=INSPECTOR),
                             Option(Text(t("welcome.liaison")), id=LIAISON), id="welcome-choices")
            yield Label(literal(t("welcome.package")))
            yield SafeInput(value=self.package or "", placeholder=t("welcome.package_hint"), id="welcome-package")
            yield Label("", id="welcome-error")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id == INSPECTOR:
            self.exit(INSPECTOR)
        else:
            field = self.query_one(SafeInput)
            field.focus()
            field.cursor_position = len(field.value)  # the file's name, at the end, in sight

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        path = self.query_one(SafeInput).stored.strip()
        if not path:
            self.say(t("tui.exchange.path_needed"))
            return
        try:
            self.notes = open_first_package(self.db_path, Path(path), self.user)
        except (SuperviseError, OSError) as exc:
            self.say(describe(exc))
            return
        self.exit(LIAISON)

    def say(self, message: str) -> None:
        self.query_one("#welcome-error", Label).update(literal(message))

    async def action_quit(self) -> None:
        self.exit(None)


def open_first_package(db_path: Path, package: Path, user: str) -> list[str]:
    """Make the liaison store at ``db_path`` from ``package``; what to tell the liaison."""
    from ..domain.db import connect
    from .screens.exchange import open_into

    conn = connect(db_path)
    try:
        return [message for message, _ in open_into(conn, package, user)]
    finally:
        conn.close()


def needs_first_run(db_path: Path) -> bool:
    """No store yet: the file is missing, or holds no task list and is no liaison store."""
    if not db_path.exists():
        return True
    from ..domain.db import connect
    from ..domain.exchange.storekind import is_liaison

    conn = connect(db_path)
    try:
        return not is_liaison(conn) and conn.execute("SELECT 1 FROM items LIMIT 1").fetchone() is None
    finally:
        conn.close()


def package_nearby(folder: Path) -> str | None:
    """A round package in the folder the app was started from, to offer first."""
    from .screens.exchange import newest_package

    return newest_package(folder)
