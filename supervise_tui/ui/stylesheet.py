"""The App's style sheet: parsed again only when something in it changed.

Textual refreshes the CSS whenever a mode's first screen is shown (the first screen of every start
among them): it sets the theme's variables, which empties the parse cache even when they are the same,
and re-parses every sheet from scratch into a fresh copy, so each start parsed the App's sheets three
times. With the same variables and no sheet added or changed since the last parse, the rules are the
ones already held; a changed theme, a sheet read for a screen, or a changed source parses as before.
"""

from __future__ import annotations

from textual.css.stylesheet import Stylesheet


class AppStylesheet(Stylesheet):
    """Textual's Stylesheet that skips a re-parse which would give the same rules."""

    def __init__(self, *, variables: dict[str, str] | None = None) -> None:
        super().__init__(variables=variables)
        self._variables_changed = False

    def set_variables(self, variables: dict[str, str]) -> None:
        if variables != self._variables:
            super().set_variables(variables)
            self._variables_changed = True

    def reparse(self) -> None:
        if self._require_parse or self._variables_changed or not self._rules:
            super().reparse()
            self._variables_changed = False
