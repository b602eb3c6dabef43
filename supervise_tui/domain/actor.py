"""Who edits, and what one action changed: the values an edit hands back, without the edits themselves.

Kept apart from ``edits`` so what only names an actor or holds an action's result (a session, the
store's kind) starts without loading the rules, the goals and the evidence checks.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """Who edits: the user name for the audit log, the role, and a liaison's unit id."""

    user: str
    role: str = "inspector"  # "inspector" | "liaison"
    unit_id: int | None = None


@dataclass(frozen=True)
class Change:
    round_id: int
    item_id: str
    field: str
    old: object
    new: object


Stamp = tuple[str | None, str | None]  # (updated_by, updated_at) of an item's state in a round


class Done(list[Change]):
    """What one user action changed: its Change rows, and for each item it wrote the state's stamp
    (who saved it last in the round, and when) before and after, so an undo can put that back too —
    an item whose only report is undone is not reported any more.

    ``confirmed``: the items reported unchanged (saved with no field changed) by this action.
    """

    def __init__(self, changes=()):
        super().__init__(changes)
        self.stamps: dict[tuple[int, str], tuple[Stamp, Stamp]] = {}
        self.confirmed: list[tuple[int, str]] = []

    def merge(self, other: list[Change]) -> None:
        """Take in another action's changes: several items written as one action (a bulk edit)."""
        self.extend(other)
        self.stamps.update(getattr(other, "stamps", {}))
        self.confirmed.extend(getattr(other, "confirmed", []))

    @property
    def items(self) -> list[tuple[int, str]]:
        """(round, item) of every item the action wrote, in the order written."""
        seen = dict.fromkeys([(c.round_id, c.item_id) for c in self] + self.confirmed)
        return list(seen)

    def __bool__(self) -> bool:
        return bool(len(self) or self.confirmed)
