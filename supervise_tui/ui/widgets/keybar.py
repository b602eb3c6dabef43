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
        """(key, key as shown, description, enabled) of each binding on the bar, in order.

        One entry per action (the first key bound to it), as the footer does; the command
        palette's entry comes last.
        """
        app = self.app
        palette_key = app.COMMAND_PALETTE_BINDING if app.ENABLE_COMMAND_PALETTE else None
        seen: set[str] = set()
        keys, palette = [], []
        for key, (_node, binding, enabled, _tooltip) in self.screen.active_bindings.items():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            entry = (key, app.get_key_display(binding), binding.description, enabled)
            (palette if key == palette_key else keys).append(entry)
        return keys + palette

    def render(self) -> Text:
        key_style = self.get_component_rich_style("keybar--key", partial=True)
        description_style = self.get_component_rich_style("keybar--description", partial=True)
        disabled_style = self.get_component_rich_style("keybar--disabled", partial=True)
        text = Text(no_wrap=True, overflow="crop", end="")
        spans: list[KeySpan] = []
        entries = self.shown()
        width = self.size.width
        palette_key = self.app.COMMAND_PALETTE_BINDING if self.app.ENABLE_COMMAND_PALETTE else None
        right: list[tuple[str, str, str, bool]] = []
        if entries and entries[-1][0] == palette_key:
            right = [entries.pop()]
        cell = 0
        for index, (key, display, description, enabled) in enumerate(entries + right):
            label_key, label_description = f" {display} ", f"{description} " if description else ""
            size = cell_len(label_key) + cell_len(label_description)
            if index == len(entries) and right:  # the palette's key goes to the right end if there is room
                cell_gap = max(self.GAP, width - cell - size) if cell else 0
            else:
                cell_gap = self.GAP if cell else 0
            text.append(" " * cell_gap)
            cell += cell_gap
            extra = disabled_style if not enabled else None
            text.append(label_key, key_style + extra if extra else key_style)
            text.append(label_description, description_style + extra if extra else description_style)
            spans.append(KeySpan(key, cell, cell + size, enabled))
            cell += size
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
