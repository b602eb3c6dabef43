"""Key bindings whose descriptions and tooltips are catalogue keys, shown in the chosen language."""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding
from textual.dom import DOMNode

from ..i18n import CATALOGUE, t

BINDING_ID_PREFIX = "supervise."  # every binding made by bind() has an id starting so


def bind(key: str, action: str, name: str, *, show: bool = True, priority: bool = False,
         key_display: str | None = None) -> Binding:
    """A binding with an id, whose description is ``key.<name>`` and tooltip ``tip.<name>``."""
    tip = f"tip.{name}"
    return Binding(key, action, f"key.{name}", show=show, priority=priority, key_display=key_display,
                   id=f"{BINDING_ID_PREFIX}{name}", tooltip=tip if tip in CATALOGUE else "")


def localise(node: DOMNode) -> None:
    """Turn this node's binding descriptions from catalogue keys into text (per instance)."""
    bindings = node._bindings  # each node holds its own copy of the class bindings
    bindings.key_to_bindings = {
        key: [replace(b, description=_text(b.description), tooltip=_text(b.tooltip)) for b in group]
        for key, group in bindings.key_to_bindings.items()
    }


def _text(value: str) -> str:
    return t(value) if value in CATALOGUE else value


# The key bar's order, most used first: working on the row, then this screen's own keys (any name
# not listed here, in the order the screen declares them), then getting about, help and quitting.
KEYS_FIRST = ("open", "search", "status", "progress", "note", "value", "light", "close_out", "follow_round")
KEYS_LAST = ("back", "undo", "overview", "pillars", "units", "people", "chase", "exchange", "rounds", "diff",
             "export", "help", "quit")


def key_rank(binding: Binding, position: int) -> tuple[int, int]:
    """Where a binding goes on the key bar (see KEYS_FIRST and KEYS_LAST); ``position`` breaks ties."""
    name = (binding.id or "").removeprefix(BINDING_ID_PREFIX)
    if name in KEYS_FIRST:
        return 0, KEYS_FIRST.index(name)
    if name in KEYS_LAST:
        return 2, KEYS_LAST.index(name)
    return 1, position
