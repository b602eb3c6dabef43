"""Command palette entries (ctrl+p): every screen and action by name, in the interface language."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from ..i18n import t


class SuperviseCommands(Provider):
    """Go to a view, search, undo, help, quit."""

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        """(name, what it runs, help) of every command; actions are run by name, as the keys run them."""
        run = self.app.run_action
        out: list[tuple[str, Callable[[], object], str]] = [
            (t("palette.goto", name=t(f"screen.{mode}")), partial(run, f"goto('{mode}')"), t(f"tip.{mode}"))
            for mode in ("overview", "pillars", "units", "people", "chase", "rounds", "exchange")]
        out += [
            (t("key.diff"), partial(run, "diff"), t("diff.pick_title")),
            (t("key.export"), partial(run, "export"), t("tui.export.title")),
            (t("palette.search"), partial(run, "search"), t("tip.search")),
            (t("palette.undo"), partial(run, "undo"), t("tip.undo")),
            (t("palette.help"), partial(run, "help"), ""),
            (t("palette.quit"), partial(run, "quit"), ""),
        ]
        return out

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
