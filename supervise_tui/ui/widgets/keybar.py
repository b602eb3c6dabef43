"""The key bar: the screen's shown bindings on one line, drawn by one widget.

Textual's ``Footer`` mounts a widget per key and mounts them all again whenever the
bindings change (every focus change, every screen); on the first screen that cost more
than the whole rest of the frame. This bar reads ``screen.active_bindings`` when it
draws, so a change of bindings is a repaint, not a recompose. A click on a key presses
that key, as with the footer. Keys are laid out by cell width, so Chinese labels align.
"""

from __future__ import annotations

from typing import ClassVar, NamedTuple

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.widget import Widget

from ..bindings import key_rank


class KeySpan(NamedTuple):
    key: str
    start: int  # first cell
    end: int  # one past the last cell
    enabled: bool


class KeyBar(Widget, can_focus=False):
    """Shown bindings as ``key description`` pairs, the command palette's key at the right end."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"keybar--key", "keybar--description", "keybar--disabled"}

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
        & > .keybar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .keybar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .keybar--disabled {
            text-style: dim;
        }
    }
    """

    GAP = 2  # cells between two keys
    ELLIPSIS = "…"  # in place of the keys that do not fit

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.spans: list[KeySpan] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen) -> None:
        if screen is self.screen:
            self.refresh()

    def shown(self) -> list[tuple[str, str, str, bool]]:
        """(key, key as shown, description, enabled) of each binding on the bar, most important first.

        One entry per action (the first key bound to it), as the footer does, in ``key_rank``'s
        order: the row's keys, this screen's own, then getting about; the command palette's last.
        """
        app = self.app
        palette_key = app.COMMAND_PALETTE_BINDING if app.ENABLE_COMMAND_PALETTE else None
        seen: set[str] = set()
        keys: list[tuple[tuple[int, int], tuple[str, str, str, bool]]] = []
        palette: list[tuple[str, str, str, bool]] = []
        for position, (key, (_node, binding, enabled, _tooltip)) in enumerate(self.screen.active_bindings.items()):
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            entry = (key, app.get_key_display(binding), binding.description, enabled)
            if key == palette_key:
                palette.append(entry)
            else:
                keys.append((key_rank(binding, position), entry))
        return [entry for _, entry in sorted(keys, key=lambda k: k[0])] + palette

    def render(self) -> Text:
        key_style = self.get_component_rich_style("keybar--key", partial=True)
        description_style = self.get_component_rich_style("keybar--description", partial=True)
        disabled_style = self.get_component_rich_style("keybar--disabled", partial=True)
        entries = self.shown()
        width = self.size.width
        palette_key = self.app.COMMAND_PALETTE_BINDING if self.app.ENABLE_COMMAND_PALETTE else None
        right = [entries.pop()] if entries and entries[-1][0] == palette_key else []

        def labels(entry) -> tuple[str, str]:
            _key, display, description, _enabled = entry
            return f" {display} ", f"{description} " if description else ""

        def size(entry) -> int:
            return sum(cell_len(part) for part in labels(entry))

        # Whole keys only, left to right, leaving room for the palette's key at the right end;
        # when some do not fit, an ellipsis says so (and they stay on the ? help screen).
        room = width - (size(right[0]) + self.GAP if right else 0)
        left: list[tuple[str, str, str, bool]] = []
        used = 0
        for entry in entries:
            need = size(entry) + (self.GAP if left else 0)
            if used + need > room:
                break
            left.append(entry)
            used += need
        if len(left) < len(entries):
            while left and used + len(self.ELLIPSIS) + 1 > room:
                used -= size(left.pop()) + (self.GAP if left else 0)
        text = Text(no_wrap=True, overflow="crop", end="")
        spans: list[KeySpan] = []
        cell = 0
        for entry in left + right:
            gap = self.GAP if cell else 0
            if right and entry is right[0]:
                if len(left) < len(entries):
                    text.append(" " + self.ELLIPSIS)
                    cell += 1 + len(self.ELLIPSIS)
                gap = max(self.GAP if cell else 0, width - cell - size(entry))
            text.append(" " * gap)
            cell += gap
            key, _display, _description, enabled = entry
            label_key, label_description = labels(entry)
            extra = disabled_style if not enabled else None
            text.append(label_key, key_style + extra if extra else key_style)
            text.append(label_description, description_style + extra if extra else description_style)
            spans.append(KeySpan(key, cell, cell + size(entry), enabled))
            cell += size(entry)
        if len(left) < len(entries) and not right:
            text.append(" " + self.ELLIPSIS)
        self.spans = spans
        return text

    def key_at(self, x: int) -> KeySpan | None:
        """The key drawn at cell ``x`` of the bar, if any."""
        for span in self.spans:
            if span.start <= x < span.end:
                return span
        return None

    def on_mouse_down(self, event: events.MouseDown) -> None:
        span = self.key_at(event.x)
        if span is None:
            return
        event.stop()
        if span.enabled:
            self.app.simulate_key(span.key)
        else:
            self.app.bell()
