"""What the running app knows: the store, who is working, which round, and the undo stack."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..domain import edits
from ..domain.edits import Actor, Change
from ..domain.rounds import Round, current_round
from ..errors import StoreError
from ..i18n import Msg


@dataclass
class Session:
    """The App's dependencies, handed in by the factory so tests can pass a temporary store."""

    db_path: Path
    conn: sqlite3.Connection
    actor: Actor
    round: Round
    home_unit: str | None = None  # a liaison's unit name, shown and opened first
    undo_stack: list[list[Change]] = field(default_factory=list)
    revision: int = 0  # bumped on every write, so views know their counts are stale
    _readers: set = field(default_factory=set)
    _readers_lock: threading.Lock = field(default_factory=threading.Lock)
    _quitting: bool = False

    @contextmanager
    def reader(self) -> Iterator[sqlite3.Connection]:
        """A connection of a worker thread's own (sqlite3 objects stay in their thread)."""
        from ..domain.db import connect

        conn = connect(self.db_path, migrate=False)
        # Checked every few thousand steps of any query: one that starts just as the app
        # quits (after interrupt_readers looked) stops too, instead of holding up the exit.
        conn.set_progress_handler(lambda: self._quitting, 10_000)
        with self._readers_lock:
            self._readers.add(conn)
        try:
            yield conn
        finally:
            with self._readers_lock:
                self._readers.discard(conn)
            conn.close()

    @property
    def read_only(self) -> str | None:
        """Why the store cannot be written (a catalogue key), or None when it can."""
        return getattr(self.conn, "read_only", None)

    def read_only_error(self) -> StoreError:
        """The refusal an edit meets on a read-only store."""
        key = "error.store.full" if self.read_only == "store.ro.full" else "error.store.read_only"
        return StoreError(key, path=str(self.db_path), reason=Msg(self.read_only or "store.ro.asked"))

    @property
    def quitting(self) -> bool:
        return self._quitting

    def interrupt_readers(self) -> None:
        """Stop the workers' queries at once (on quit), and any they start from now on,
        instead of waiting for a province-wide count."""
        self._quitting = True
        with self._readers_lock:
            for conn in self._readers:
                conn.interrupt()

    def refresh_round(self) -> None:
        self.round = current_round(self.conn)

    def edit(self, item_id: str, changes: dict, shown: dict) -> list[Change]:
        """Apply one user action to the current round; remember it for undo."""
        return self._record(edits.apply_changes(self.conn, self.actor, self.round.id, item_id, changes,
                                                shown=shown))

    def set_light(self, item_id: str, light: str | None, reason: str, shown: dict) -> list[Change]:
        """An inspector's light override (None: back to the rules), with its reason."""
        return self._record(edits.set_light(self.conn, self.actor, self.round.id, item_id, light, reason,
                                            shown=shown))

    def close_out(self, item_id: str, reason: str = "", shown: dict | None = None) -> list[Change]:
        """销号: the item is verified done and locked in later rounds (a reason if it is not done)."""
        return self._record(edits.close_out(self.conn, self.actor, self.round.id, item_id, reason, shown=shown))

    def edit_goal(self, goal_id: str, changes: dict, shown: dict) -> list[Change]:
        """A headline goal's value reached and evidence in the current round (an inspector's)."""
        return self._record(edits.set_indicator(self.conn, self.actor, self.round.id, goal_id, changes, shown=shown))

    def reopen_close_out(self, item_id: str, reason: str, shown: dict | None = None) -> list[Change]:
        """Undo a close-out in this round, with the reason for the audit log."""
        return self._record(edits.reopen_close_out(self.conn, self.actor, self.round.id, item_id, reason,
                                                   shown=shown))

    def _record(self, done: list[Change]) -> list[Change]:
        if done:
            self.undo_stack.append(done)
            self.revision += 1
        return done

    def touched(self) -> None:
        """The store was written other than by the edits above (an import, a review's decision)."""
        self.revision += 1

    def changed_elsewhere(self) -> None:
        """Something other than an item edit changed (a round opened, closed or switched)."""
        self.refresh_round()
        self.revision += 1

    def undo(self) -> list[Change]:
        """Revert this session's last change (itself audited); [] when there is nothing to undo."""
        if not self.undo_stack:
            return []
        last = self.undo_stack[-1]
        reverted = edits.undo(self.conn, self.actor, last)
        self.undo_stack.pop()
        self.revision += 1
        return reverted
