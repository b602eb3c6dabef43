"""The rows of a round diff, paged from SQL (the diff screen's table): its own room, so the first screen
does not load the diff's queries."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from ..domain import diff
from ..domain.lights import basis_for_round
from ..domain.vocab import word
from ..i18n import t
from .columns import column

CLASS_STYLE = {"improved": "bold green", "regressed": "bold red", "new": "cyan", "retired": "dim"}
CHANGE_CLASSES = ("improved", "regressed", "new", "retired")
JUMP_CHUNK = 2000  # rows read at a time when ] or [ looks for the next change


class DiffSource:
    """Compared items, paged from SQL: the changed ones, or all of them."""

    def __init__(self, conn: sqlite3.Connection, old: int, new: int, flt: diff.DiffFilter, changed_only: bool):
        self.conn, self.old, self.new, self.flt, self.changed_only = conn, old, new, flt, changed_only
        self.columns = [
            column("col.id", 9),
            column("diff.class", 6, style_fn=self._class_style),
            # the text keeps 20 cells at 80 columns: the unit, the note flag and the reason give way first
            column("col.text", 0, min_width=20, weight=2),
            column("col.lead_unit", 12, drop=2),
            column("diff.status", 17),
            column("diff.light", 7),
            column("diff.progress", 13, align="right"),
            column("diff.value", 18, drop=3),  # a numeric target's value reached: old→new where it changed
            column("diff.note", 4, drop=4),
            column("diff.evidence", 4, drop=5),
            column("col.light_reason", 0, drop=6, min_width=24),
        ]
        self.basis = basis_for_round(conn, new)
        self.by_label = {word("diff.class", c): c for c in diff.CLASSES}
        self.counts = diff.diff_counts(conn, old, new, flt)
        self.snapshot = diff.DiffSnapshot(conn, old, new, flt, changed_only=changed_only)

    def _class_style(self, text: str) -> str:
        return CLASS_STYLE.get(self.by_label.get(text, ""), "")

    def count(self) -> int:
        return self.snapshot.count

    def rows(self, offset: int, limit: int) -> Sequence[Sequence[str]]:
        out = []
        for r in self.snapshot.rows(offset, limit):
            delta = r["progress_delta"]
            out.append([
                r["id"], word("diff.class", r["class"]), r["text"], r["lead_unit"] or "",
                f"{word('status', r['old_status']) or '—'} → {word('status', r['new_status']) or '—'}",
                f"{word('light', r['old_light']) or '—'}→{word('light', r['new_light']) or '—'}",
                f"{r['old_progress'] or 0}→{r['new_progress'] or 0}" + (f" ({delta:+d})" if delta else ""),
                f"{r['old_value'] or '—'}→{r['new_value'] or '—'}" if r["value_changed"] else r["new_value"] or "",
                t("diff.note_changed") if r["note_changed"] else "",
                t("diff.note_changed") if r["evidence_changed"] else "",
                diff.light_reason(r, self.basis),
            ])
        return out

    def key(self, row: Sequence[str]) -> str:
        return row[0]

    def is_change(self, row: Sequence[str]) -> bool:
        """A shown row that differs in anything: its class, or its value, note or evidence flags."""
        return self.by_label.get(row[1]) in CHANGE_CLASSES or "→" in row[7] or bool(row[8]) or bool(row[9])

    def find_change(self, cursor: int, step: int, count: int) -> int | None:
        """The index of the nearest change after (step 1) or before (step -1) ``cursor``, if any.

        Read from the snapshot in chunks, not one row at a time: at province scale a change
        can be tens of thousands of unchanged rows away.
        """
        if self.changed_only:  # every row shown is a change
            index = cursor + step
            return index if 0 <= index < count else None
        if step > 0:
            index = cursor + 1
            while index < count:
                chunk = self.snapshot.rows(index, min(JUMP_CHUNK, count - index))
                if not chunk:
                    break
                found = next((n for n, r in enumerate(chunk) if _is_change(r)), None)
                if found is not None:
                    return index + found
                index += len(chunk)
            return None
        index = min(cursor, count)
        while index > 0:
            start = max(0, index - JUMP_CHUNK)
            chunk = self.snapshot.rows(start, index - start)
            found = next((n for n in range(len(chunk) - 1, -1, -1) if _is_change(chunk[n])), None)
            if found is not None:
                return start + found
            index = start
        return None


def _is_change(row: dict) -> bool:
    """A compared item (a diff_rows row) that differs in anything shown."""
    return row["class"] in CHANGE_CLASSES or any(row[flag] for flag in diff.QUIET_FLAGS)
