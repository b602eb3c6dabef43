"""Command palette entries (ctrl+p): every screen and action by name, in the interface language."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from ..i18n import t


class SuperviseCommands(Provider):
    """Go to a view, search, undo, help, quit."""

    def _commands(self) -> list[tuple[str, object, str]]:
        app = self.app
        out = [(t("palette.goto", name=t(f"screen.{mode}")), partial(app.switch_mode, mode), t(f"tip.{mode}"))
               for mode in ("overview", "pillars", "units", "people", "chase", "rounds")]
        out += [
            (t("key.diff"), app.action_diff, t("diff.pick_title")),
            (t("key.export"), app.action_export, t("tui.export.title")),
            (t("palette.search"), app.action_search, t("tip.search")),
            (t("palette.undo"), app.action_undo, t("tip.undo")),
            (t("palette.help"), app.action_help, ""),
            (t("palette.quit"), app.exit, ""),
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
