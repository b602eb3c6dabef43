"""The frame every screen shares: breadcrumb, round and user, a summary line, the key bar."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker

from ...domain.vocab import word
from ...i18n import Msg, t
from ..bindings import localise
from ..failures import worker_failed
from ..messages import StoreChanged
from ..session import Session
from ..text import line, literal
from ..widgets.keybar import KeyBar

CRUMB_SEPARATOR = " › "


class _HasSession(Protocol):
    """What a screen needs of its App, without importing the App (which imports the screens)."""

    session: Session

# app.tcss holds what the first screen needs; this sheet loads when a screen using it is first shown.
VIEW_CSS = str(Path(__file__).with_name("views.tcss"))


class Frame(Screen):
    """A screen with a breadcrumb on top and the footer below; subclasses fill the middle."""

    def __init__(self, crumbs: list[str]):
        super().__init__()
        localise(self)
        self.crumbs = crumbs
        self.seen_revision = -1

    @property
    def session(self) -> Session:
        """The App's session: the store, who is working, the round (handed down by the App)."""
        return cast(_HasSession, self.app).session

    def store_changed(self, *, rounds: bool = False) -> None:
        """Tell the App this screen wrote to the store; it refreshes the views."""
        self.post_message(StoreChanged(rounds=rounds))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker_failed(self, event)

    def compose(self) -> ComposeResult:
        yield Static(id="topbar")
        yield Static(id="round-banner")  # shown when another session moved the store's current round
        if self.session.read_only:  # a store on read-only media, a read-only file, a full disk
            yield Static(literal(t("tui.read_only", path=str(self.session.db_path),
                                   reason=Msg(self.session.read_only))), id="read-only")
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

    def to_top(self) -> None:
        """Back to where the screen starts: its first row, its first widget focused (a top-level key)."""

    def update_topbar(self) -> None:
        s = self.session
        rnd = t("bar.round", name=s.round.name) + (t("bar.round_closed") if s.round.closed else "")
        who = t("bar.user", role=word("role", s.actor.role), user=s.actor.user)
        if s.home_unit:
            who += f" · {s.home_unit}"
        crumbs = Text(CRUMB_SEPARATOR, style="dim").join(
            line((c, "bold")) if i == len(self.crumbs) - 1 else line(c) for i, c in enumerate(self.crumbs))
        bar = Text.assemble(crumbs, "   ", line((rnd, "cyan")), "   ", line((who, "dim")))
        self.query_one("#topbar", Static).update(bar)
        banner = self.query_one("#round-banner", Static)
        banner.display = s.newer is not None
        if s.newer is not None:
            banner.update(literal(t("tui.round_moved.banner", current=s.newer.name, shown=s.round.name)))

    def refused_read_only(self) -> bool:
        """On a read-only store, say so (before anything is typed) and return True."""
        if not self.session.read_only:
            return False
        self.notify(t("edit.refused", reason=self.session.read_only_error()), severity="error", timeout=8,
                    markup=False)
        return True

    def child_crumbs(self, label: str) -> list[str]:
        return [*self.crumbs, label]
