"""One choice out of a few, on one line: left and right (or a digit) move it, a click picks one.

Five statuses fit on one line of an 80-column form this way (a radio set needs twice the room),
and a choice is one key, not a move and then a press. Labels are shown literally.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from ...textsafe import printable


class Choice(Widget, can_focus=True):
    """Options as ``(value, label)``; ``value`` is the chosen one's."""

    DEFAULT_CSS = """
    Choice {
        height: 1;
        width: 1fr;
        background: $boost;
        &:focus {
            background: $primary 20%;
        }
    }
    """

    GAP = 1
    value: reactive[str] = reactive("", init=False)

    class Changed(Message):
        """The chosen option changed (by a key, a click, or the program)."""

        def __init__(self, choice: Choice, value: str) -> None:
            super().__init__()
            self.choice, self.value = choice, value

        @property
        def control(self) -> Choice:
            return self.choice

    def __init__(self, options: list[tuple[str, str]], value: str, *, id: str | None = None,
                 autofocus: bool = False) -> None:
        super().__init__(id=id)
        self.options = options
        self.autofocus = autofocus
        self.set_reactive(Choice.value, value)
        self._spans: list[tuple[int, int, str]] = []

    def on_mount(self) -> None:
        # Focused as it is mounted, before it is first drawn: a key pressed as soon as it shows reaches it.
        if self.autofocus:
            self.focus()

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="crop", end="")
        self._spans = []
        for n, (value, label) in enumerate(self.options):
            shown = f" {printable(label)} "
            if n:
                text.append(" " * self.GAP)
            start = cell_len(text.plain)
            chosen = value == self.value
            text.append(("●" if chosen else "○") + shown, "bold reverse" if chosen else "")
            self._spans.append((start, cell_len(text.plain), value))
        if self.size.width and cell_len(text.plain) > self.size.width:
            return self._render_one()
        return text

    def _render_one(self) -> Text:
        """Too narrow for every option (longer words, a narrow terminal): the chosen one between arrows
        that step to its neighbours, and where it stands among them."""
        values = [v for v, _ in self.options]
        index = values.index(self.value) if self.value in values else 0
        previous, following = values[(index - 1) % len(values)], values[(index + 1) % len(values)]
        text = Text(no_wrap=True, overflow="crop", end="")
        text.append("◀ ")
        self._spans = [(0, 2, previous)]
        start = cell_len(text.plain)
        text.append(f"● {printable(self.options[index][1])} ", "bold reverse")
        text.append(" ▶")
        self._spans.append((start, cell_len(text.plain) - 2, values[index]))
        self._spans.append((cell_len(text.plain) - 2, cell_len(text.plain), following))
        text.append(f"  {index + 1}/{len(values)}", "dim")
        return text

    def on_resize(self, event: events.Resize) -> None:
        self.refresh()

    def watch_value(self, value: str) -> None:
        self.refresh()
        self.post_message(self.Changed(self, value))

    def action_step(self, step: int) -> None:
        values = [v for v, _ in self.options]
        index = values.index(self.value) if self.value in values else 0
        self.value = values[(index + step) % len(values)]

    def on_key(self, event: events.Key) -> None:
        # Handled here, not by bindings: a binding runs only once the key has reached the App, and by
        # then a Tab typed right after it may have moved the focus on. 1–5 pick an option directly.
        if event.key in ("left", "right"):
            self.action_step(-1 if event.key == "left" else 1)
        elif event.character and event.character.isdigit() and 1 <= int(event.character) <= len(self.options):
            self.value = self.options[int(event.character) - 1][0]
        else:
            return
        event.stop()
        event.prevent_default()

    def on_click(self, event: events.Click) -> None:
        for start, end, value in self._spans:
            if start <= event.x < end:
                self.value = value
                return
