"""The Textual application: four modes (overview, pillars, units, people), each a drill-down stack."""

from __future__ import annotations

from textual.app import App
from textual.notifications import SeverityLevel

from ..errors import SuperviseError
from ..i18n import t
from ..textsafe import printable
from .bindings import bind, localise
from .messages import StoreChanged
from .screens.overview import OverviewScreen
from .session import Session
from .stylesheet import AppStylesheet


def _browse_screen(mode: str):
    from .screens.browse import PeopleScreen, PillarsScreen, UnitsScreen

    return {"pillars": PillarsScreen, "units": UnitsScreen, "people": PeopleScreen}[mode]()


def _chase_screen():
    from .screens.chase import ChaseScreen

    return ChaseScreen()


def _rounds_screen():
    from .screens.rounds import RoundsScreen

    return RoundsScreen()


def _exchange_screen(liaison: bool):
    from .screens.exchange import ExchangeStatusScreen, LiaisonExchangeScreen

    return LiaisonExchangeScreen() if liaison else ExchangeStatusScreen()


def _round_screen(session: Session):
    from .screens.myround import my_round_screen

    return my_round_screen(session)


def _commands():
    from .palette import SuperviseCommands

    return SuperviseCommands


class SuperviseApp(App):
    """Supervise the task list: browse, drill down, edit the current round in place."""

    CSS_PATH = "app.tcss"
    TITLE = "supervise-tui"
    MODES = {
        "overview": OverviewScreen,
        # Built on first use, so their modules stay off the start-up path.
        "pillars": lambda: _browse_screen("pillars"),
        "units": lambda: _browse_screen("units"),
        "people": lambda: _browse_screen("people"),
        "chase": _chase_screen,
        "rounds": _rounds_screen,
    }
    # The app opens straight on the overview's mode: no blank default screen built first.
    DEFAULT_MODE = "overview"
    # Our commands only: Textual's own (theme, screenshot, keys) would speak English in a Chinese app.
    COMMANDS = {_commands}
    ROUND_POLL_SECONDS = 2.0  # how often the app looks whether another session moved the current round
    # The top-level keys open their own screen's top (goto), however deep it was left.
    BINDINGS = [
        bind("1", "goto('overview')", "overview"),
        bind("2", "goto('pillars')", "pillars"),
        bind("3", "goto('units')", "units"),
        bind("4", "goto('people')", "people"),
        bind("5", "goto('chase')", "chase"),
        bind("6", "goto('exchange')", "exchange"),
        bind("m", "goto('round')", "my_round", show=False),
        bind("r", "goto('rounds')", "rounds"),
        bind("d", "diff", "diff"),
        bind("e", "export", "export"),
        bind("u", "follow_round", "follow_round"),
        bind("escape", "back", "back"),
        bind("slash", "search", "search", key_display="/"),
        bind("ctrl+z", "undo", "undo"),
        bind("ctrl+p", "command_palette", "palette", priority=True),
        bind("question_mark", "help", "help", key_display="?"),
        bind("q", "quit", "quit"),
    ]

    def __init__(self, session: Session, *, exit_after_first_screen: bool = False, notes: list[str] | None = None):
        super().__init__()
        self.stylesheet = AppStylesheet(variables=self.get_css_variables())  # nothing read into it yet
        localise(self)
        self.session = session
        self.exit_after_first_screen = exit_after_first_screen
        self.notes = notes or []  # said once the first screen is up (what opening a package did, say)
        # The exchange is the inspector's status and review, or a liaison store's packages and returns.
        liaison = session.actor.role == "liaison"
        self.add_mode("exchange", lambda: _exchange_screen(liaison))
        # 本轮报送: a liaison's own unit's round (their first screen), the inspector's list of units.
        self.add_mode("round", lambda: _round_screen(session))
        self.title = t("app.title")

    def on_mount(self) -> None:
        self.set_interval(self.ROUND_POLL_SECONDS, self.poll_round)
        if self.session.home_unit:  # a liaison starts on their unit's round
            self.switch_mode("round")
        for note in self.notes:
            self.notify(note, timeout=12, markup=False)

    async def on_ready(self) -> None:
        # Textual sends Ready once the DOM is mounted and the first frame is on the screen.
        from .. import startup

        startup.resume()  # the cycle collector, paused by the entry point for the start-up
        if self.exit_after_first_screen:
            await self.action_quit()

    async def action_quit(self) -> None:
        """Quit now: running counts are interrupted rather than waited for."""
        self.session.interrupt_readers()
        self.exit()

    async def action_back(self) -> None:
        """Up one level; the base screen of a mode stays."""
        if len(self.screen_stack) > 1:
            self.pop_screen()

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "back":  # nothing to go back to at a screen's top: not offered
            return len(self.screen_stack) > 1
        if action == "follow_round":  # only while another session has moved the current round
            return self.session.newer is not None
        return True

    async def action_goto(self, mode: str) -> None:
        """A top-level key: its screen at the top, whatever was drilled into or searched there before,
        with the cursor on the first row — so an edit never lands on a row left from last time."""
        from .screens.base import Frame

        if self.current_mode != mode:
            await self.switch_mode(mode)
        while len(self.screen_stack) > 1:
            await self.pop_screen()
        if isinstance(self.screen, Frame):
            self.screen.to_top()
        self.refresh_bindings()

    def poll_round(self) -> None:
        """Look whether another session moved the store's current round, and say so on the screen."""
        from .screens.base import Frame

        if not self.session.poll_round():
            return
        if self.session.newer is not None:
            self.notify(t("tui.round_moved.note", current=self.session.newer.name, shown=self.session.round.name),
                        severity="warning", timeout=10)
        if isinstance(self.screen, Frame):
            self.screen.update_topbar()
        self.refresh_bindings()

    def action_follow_round(self) -> None:
        """u: show, and write to, the round the store now has as current."""
        rnd = self.session.follow_round()
        self.notify(t("tui.round_followed", name=rnd.name))
        self.refresh_views()
        self.refresh_bindings()

    def action_command_palette(self) -> None:
        """The command palette, its prompt in the interface language."""
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(placeholder=t("palette.placeholder"), id="--command-palette"))

    def action_search(self) -> None:
        from .screens.search import SearchScreen

        self.push_screen(SearchScreen([*getattr(self.screen, "crumbs", []), t("screen.search")]))

    def action_diff(self) -> None:
        """Pick two rounds, then compare them (a diff opened before is closed first: d starts afresh)."""
        from .screens.diff import DiffItemScreen, DiffScreen

        stack = self.screen_stack
        first = next((n for n, screen in enumerate(stack) if isinstance(screen, (DiffScreen, DiffItemScreen))),
                     None)
        if first is not None and first > 0:
            for _ in range(len(stack) - first):
                self.pop_screen()
        self._pick_diff()

    def _pick_diff(self) -> None:
        from ..domain.rounds import list_rounds
        from .dialogs.diff import RoundPairPicker
        from .screens.diff import DiffScreen, default_pair

        conn = self.session.conn
        rounds = list_rounds(conn)
        if len(rounds) < 2:
            self.notify(t("diff.one_round"), severity="warning")
            return
        by_id = {r.id: r for r in rounds}

        def done(pair: tuple[int, int] | None) -> None:
            if pair:
                crumbs = [t("screen.diff"), f"{by_id[pair[0]].name} → {by_id[pair[1]].name}"]
                self.push_screen(DiffScreen(crumbs, by_id[pair[0]], by_id[pair[1]]))

        self.push_screen(RoundPairPicker(rounds, *default_pair(conn, self.session.round)), done)

    def action_export(self) -> None:
        """Choose format and grouping, then write the round bulletin into exports/."""
        from .dialogs.export import ExportDialog

        self.push_screen(ExportDialog(self.session))

    def action_help(self) -> None:
        from .dialogs.help import HelpScreen

        self.push_screen(HelpScreen(self.screen))

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Every notice (a toast): never read as markup, control and bidi characters made visible.

        Notices quote names, notes and paths from the store and from files; Textual would read a
        message as markup by default, and draws control characters as they are.
        """
        super().notify(printable(str(message)), title=printable(title), severity=severity, timeout=timeout,
                       markup=False)

    def action_undo(self) -> None:
        from .screens.base import Frame

        if isinstance(self.screen, Frame) and self.screen.refused_read_only():
            return
        try:
            reverted = self.session.undo()
        except SuperviseError as exc:
            self.notify(t("edit.refused", reason=exc), severity="error", timeout=8, markup=False)
            self.refresh_views()
            return
        if not reverted:
            self.notify(t("edit.nothing_to_undo"), severity="warning")
            return
        items = reverted.items
        if len(items) > 1:  # a bulk edit
            self.notify(t("edit.undone_items", n=len(items)), markup=False)
        elif len(reverted):
            change = reverted[0]
            self.notify(t("edit.undone", id=change.item_id, field=t(f"field.{change.field}")), markup=False)
        else:  # a report that changed nothing
            self.notify(t("edit.undone_report", id=items[0][1]), markup=False)
        self.refresh_views()

    def on_store_changed(self, message: StoreChanged) -> None:
        """A screen wrote to the store: the round may have moved, and every view's counts are stale."""
        if message.rounds:
            self.session.changed_elsewhere()
        else:  # whatever was written, the views behind the one in front are stale too
            self.session.touched()
        self.refresh_views()

    def refresh_views(self) -> None:
        """The screen in front re-reads now; the others when they come back (their revision is behind)."""
        from .screens.base import Frame

        screen = self.screen
        if isinstance(screen, Frame):
            screen.seen_revision = self.session.revision
            screen.refresh_data()
            screen.update_topbar()
