"""What the running app knows: the store, who is working, which round, and the undo stack."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from ..domain.actor import Actor, Done
from ..domain.rounds import Round, current_round
from ..errors import RoundMoved, StoreError, SuperviseError
from ..i18n import Msg

# The page cache of each of the app's connections, in KiB (SQLite's own default is 2,000). The screens
# read a window of rows at a time and the workers scan once; with the app's main connection and a
# worker's each holding 2 MB, the peak memory at 200,000 items was 68.5 MB, with 512 KiB about 61 MB,
# the cursor, page-down and search times unchanged (make bench).
CACHE_KIB = 512
C = TypeVar("C", bound=sqlite3.Connection)


def small_cache(conn: C) -> C:
    """``conn`` with the app's page cache (CACHE_KIB)."""
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    return conn


def _edits():
    """The edit rules, loaded at the first edit rather than at start (the first screen only reads)."""
    from ..domain import edits

    return edits


@dataclass
class Session:
    """The App's dependencies, handed in by the factory so tests can pass a temporary store."""

    db_path: Path
    conn: sqlite3.Connection
    actor: Actor
    round: Round
    home_unit: str | None = None  # a liaison's unit name, shown and opened first
    undo_stack: list[Done] = field(default_factory=list)
    revision: int = 0  # bumped on every write, so views know their counts are stale
    # The store's current round when someone else moved it away from the one on screen (polled),
    # and the one of those the user agreed to keep writing beside (edits then go to ``round``).
    newer: Round | None = None
    kept_beside: int | None = None
    _readers: set = field(default_factory=set)
    _readers_lock: threading.Lock = field(default_factory=threading.Lock)
    _quitting: bool = False

    @contextmanager
    def reader(self) -> Iterator[sqlite3.Connection]:
        """A connection of a worker thread's own (sqlite3 objects stay in their thread)."""
        from ..domain.db import connect

        conn = small_cache(connect(self.db_path, migrate=False))
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
        self.newer, self.kept_beside = None, None

    def poll_round(self) -> bool:
        """Look whether another session moved the store's current round; True if that changed ``newer``."""
        try:
            store = current_round(self.conn)
        except (SuperviseError, sqlite3.Error):  # no round at all, or the store is busy: look next time
            return False
        newer = store if store.id != self.round.id else None
        changed = (newer and newer.id) != (self.newer and self.newer.id)
        self.newer = newer
        return changed

    def round_moved(self) -> Round | None:
        """The store's current round if it moved away from the one on screen and the user has not
        agreed to keep writing to the round on screen; looked up afresh."""
        self.poll_round()
        return self.newer if self.newer is not None and self.newer.id != self.kept_beside else None

    def keep_round(self, newer: Round) -> None:
        """The user agreed: edits keep going to the round on screen while ``newer`` is the store's."""
        self.kept_beside = newer.id

    def follow_round(self) -> Round:
        """Show (and write to) the store's current round from now on."""
        self.refresh_round()
        self.revision += 1
        return self.round

    def _check_round(self) -> None:
        moved = self.round_moved()
        if moved is not None:
            raise RoundMoved("error.round_moved", current=moved.name, shown=self.round.name)

    def report(self, item_id: str, changes: dict, shown: dict) -> Done:
        """One item's report from the form: the fields changed, or, if none, that it was reviewed unchanged."""
        self._check_round()
        return self._record(_edits().apply_changes(self.conn, self.actor, self.round.id, item_id, changes,
                                                shown=shown, confirm=True))

    def bulk(self, item_ids: list[str], changes: dict, shown: dict[str, dict]) -> Done:
        """One status, or one light with its reason, for several items: one action, one undo step."""
        self._check_round()
        return self._record(_edits().bulk_set(self.conn, self.actor, self.round.id, item_ids, changes, shown=shown))

    def edit(self, item_id: str, changes: dict, shown: dict) -> Done:
        """Apply one user action to the current round; remember it for undo."""
        self._check_round()
        return self._record(_edits().apply_changes(self.conn, self.actor, self.round.id, item_id, changes,
                                                shown=shown))

    def set_light(self, item_id: str, light: str | None, reason: str, shown: dict) -> Done:
        """An inspector's light override (None: back to the rules), with its reason."""
        self._check_round()
        return self._record(_edits().set_light(self.conn, self.actor, self.round.id, item_id, light, reason,
                                            shown=shown))

    def close_out(self, item_id: str, reason: str = "", shown: dict | None = None) -> Done:
        """销号: the item is verified done and locked in later rounds (a reason if it is not done)."""
        self._check_round()
        return self._record(_edits().close_out(self.conn, self.actor, self.round.id, item_id, reason, shown=shown))

    def edit_goal(self, goal_id: str, changes: dict, shown: dict) -> Done:
        """A headline goal's value reached and evidence in the current round (an inspector's)."""
        self._check_round()
        return self._record(Done(_edits().set_indicator(self.conn, self.actor, self.round.id, goal_id, changes,
                                                     shown=shown)))

    def reopen_close_out(self, item_id: str, reason: str, shown: dict | None = None) -> Done:
        """Undo a close-out in this round, with the reason for the audit log."""
        self._check_round()
        return self._record(_edits().reopen_close_out(self.conn, self.actor, self.round.id, item_id, reason,
                                                   shown=shown))

    def _record(self, done: Done) -> Done:
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

    def undo(self) -> Done:
        """Revert this session's last action (itself audited); an empty Done when there is nothing to undo."""
        if not self.undo_stack:
            return Done()
        last = self.undo_stack[-1]
        reverted = _edits().undo(self.conn, self.actor, last)
        self.undo_stack.pop()
        self.revision += 1
        return reverted
