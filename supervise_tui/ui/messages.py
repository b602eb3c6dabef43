"""Messages that go up to the App: the store changed, a worker's error."""

from __future__ import annotations

from textual.message import Message


class StoreChanged(Message):
    """A screen wrote to the store (an edit, a round opened or closed): views re-read what they show."""

    def __init__(self, *, rounds: bool = False) -> None:
        super().__init__()
        self.rounds = rounds  # the current round may have changed too
