"""The frame every screen shares: breadcrumb, round and user, a summary line, the footer."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from ...i18n import t
from ..bindings import bind, localise
from ..text import line
from ..widgets.keybar import KeyBar

if TYPE_CHECKING:
    from ..app import SuperviseApp
    from ..session import Session

CRUMB_SEPARATOR = " › "

# app.tcss holds what the first screen needs; these sheets load when a screen using them is first shown.
DIALOG_CSS = str(Path(__file__).with_name("dialogs.tcss"))
VIEW_CSS = str(Path(__file__).with_name("views.tcss"))


class Frame(Screen):
    """A screen with a breadcrumb on top and the footer below; subclasses fill the middle."""

    def __init__(self, crumbs: list[str]):
        super().__init__()
        localise(self)
        self.crumbs = crumbs
        self.seen_revision = -1

    @property
    def session(self) -> "Session":
        return self.sv_app.session

    @property
    def sv_app(self) -> "SuperviseApp":
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(id="topbar")
        yield from self.compose_body()
        yield KeyBar()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.seen_revision = self.session.revision  # what compose just read is current
        self.update_topbar()

    def on_screen_resume(self) -> None:
        if self.seen_revision != self.session.revision:
            self.seen_revision = self.session.revision
            self.refresh_data()
        self.update_topbar()

    def refresh_data(self) -> None:
        """Re-read what this screen shows (after an edit anywhere)."""

    def update_topbar(self) -> None:
        s = self.session
        rnd = t("bar.round", name=s.round.name) + (t("bar.round_closed") if s.round.closed else "")
        who = t("bar.user", role=t(f"role.{s.actor.role}"), user=s.actor.user)
        if s.home_unit:
            who += f" · {s.home_unit}"
        crumbs = Text(CRUMB_SEPARATOR, style="dim").join(
            line((c, "bold")) if i == len(self.crumbs) - 1 else line(c) for i, c in enumerate(self.crumbs))
        bar = Text.assemble(crumbs, "   ", line((rnd, "cyan")), "   ", line((who, "dim")))
        self.query_one("#topbar", Static).update(bar)

    def child_crumbs(self, label: str) -> list[str]:
        return [*self.crumbs, label]


ResultT = TypeVar("ResultT")


class Dialog(ModalScreen[ResultT]):
    """A dialog over the screen: its own style sheet, keys in the chosen language, escape cancels.

    Cancelling dismisses it with None; a dialog that answers otherwise binds escape itself.
    """

    CSS_PATH = DIALOG_CSS

    BINDINGS = [bind("escape", "cancel", "cancel")]

    def __init__(self):
        super().__init__()
        localise(self)

    def action_cancel(self) -> None:
        self.dismiss(None)
