"""Changing an item's state in a round: checked, audited, one transaction per action."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from ..errors import EditRefused, FrozenRound, NotFound
from ..i18n import Msg
from .clock import now
from .db import transaction
from .vocab import LIGHTS, STATUSES, field_name, shown_edit

LIAISON_FIELDS = ("status", "progress", "note", "evidence", "value")
INSPECTOR_FIELDS = LIAISON_FIELDS + ("light", "light_reason", "comment", "closed_out")
TEXT_LIMIT = 20_000


class Conflict(EditRefused):
    """Someone else changed the item since it was shown; nothing was written.

    ``shown`` and ``current`` are the stored values; the message gives them as words.
    """

    def __init__(self, item_id: str, field: str, shown, current):
        self.item_id, self.field, self.shown, self.current = item_id, field, shown, current
        super().__init__("error.conflict", id=item_id, field=field_name(field),
                         shown=shown_edit(field, shown), current=shown_edit(field, current))

    def __reduce__(self):
        return type(self), (self.item_id, self.field, self.shown, self.current)


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


def _check_value(field: str, value) -> object:
    if field == "status" and value not in STATUSES:
        raise EditRefused("error.unknown_status", word=value, allowed=" / ".join(STATUSES))
    if field == "light" and value is not None and value not in LIGHTS:
        raise EditRefused("error.unknown_light", word=value)
    if field == "progress" and (not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100):
        raise EditRefused("error.bad_progress", value=value)
    if field == "closed_out":
        return int(bool(value))
    if field in ("note", "evidence", "value", "light_reason", "comment"):
        if not isinstance(value, str):
            raise EditRefused("error.not_text", field=field_name(field))
        if len(value) > TEXT_LIMIT:
            raise EditRefused("error.too_long", field=field_name(field), limit=TEXT_LIMIT)
    return value


def may_edit(conn: sqlite3.Connection, actor: Actor, item_id: str) -> bool:
    """Whether the actor's role lets them edit this item at all."""
    if actor.role == "inspector":
        return True
    return conn.execute(
        "SELECT 1 FROM items i JOIN work_units wu ON wu.work_id = i.work_id "
        "WHERE i.id = ? AND wu.unit_id = ?", (item_id, actor.unit_id)).fetchone() is not None


def apply_changes(conn: sqlite3.Connection, actor: Actor, round_id: int, item_id: str, changes: dict,
                  *, shown: dict | None = None, action: str = "edit") -> list[Change]:
    """Write ``changes`` to one item in one round, in one transaction, with an audit row per field.

    ``shown`` holds the values the user saw; if any differs from the stored one the
    edit is refused with Conflict, so a concurrent change is never silently lost.
    """
    allowed = INSPECTOR_FIELDS if actor.role == "inspector" else LIAISON_FIELDS
    for field in changes:
        if field not in allowed:
            raise EditRefused("error.role_field", role=Msg(f"role.{actor.role}"), field=field_name(field))
    checked = {field: _check_value(field, value) for field, value in changes.items()}
    stamp = now()
    with transaction(conn):
        rnd = conn.execute("SELECT closed_at, name FROM rounds WHERE id = ?", (round_id,)).fetchone()
        if rnd is None:
            raise NotFound("error.no_round_id", id=round_id)
        if rnd["closed_at"] is not None:
            raise FrozenRound("error.round_closed", name=rnd["name"])
        item = conn.execute("SELECT retired FROM items WHERE id = ?", (item_id,)).fetchone()
        if item is None:
            raise NotFound("error.no_item", id=item_id)
        if item["retired"]:
            raise EditRefused("error.item_retired", id=item_id)
        if not may_edit(conn, actor, item_id):
            raise EditRefused("error.not_your_unit", id=item_id)
        state = conn.execute("SELECT * FROM item_state WHERE round_id = ? AND item_id = ?",
                             (round_id, item_id)).fetchone()
        if state is None:
            conn.execute("INSERT INTO item_state(round_id, item_id) VALUES (?, ?)", (round_id, item_id))
            state = conn.execute("SELECT * FROM item_state WHERE round_id = ? AND item_id = ?",
                                 (round_id, item_id)).fetchone()
        for field, value in (shown or {}).items():
            if state[field] != value:
                raise Conflict(item_id, field, value, state[field])
        if state["closed_out"] and actor.role != "inspector":
            raise EditRefused("error.closed_out_locked", id=item_id)
        if state["closed_out"] and checked.get("closed_out", 1) and set(checked) - {"comment", "closed_out"}:
            raise EditRefused("error.closed_out_reopen", id=item_id)
        light = checked.get("light", state["light"])
        if light is not None and ("light" in checked or "light_reason" in checked) \
                and not str(checked.get("light_reason", state["light_reason"])).strip():
            raise EditRefused("error.light_reason", id=item_id)
        done = [Change(round_id, item_id, f, state[f], v) for f, v in checked.items() if state[f] != v]
        if not done:
            return []
        values = {c.field: c.new for c in done}
        if "closed_out" in values:  # who closed it and when goes with the flag, and away with it
            values.update(closed_at=stamp if values["closed_out"] else None,
                          closed_by=actor.user if values["closed_out"] else None)
        sets = ", ".join(f"{f} = :{f}" for f in values)
        conn.execute(
            f"UPDATE item_state SET {sets}, updated_by = :user, updated_at = :at, version = version + 1 "
            "WHERE round_id = :round AND item_id = :item",
            {**values, "user": actor.user, "at": stamp, "round": round_id, "item": item_id},
        )
        conn.executemany(
            "INSERT INTO audit(at, user, round_id, item_id, action, field, old, new) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(stamp, actor.user, round_id, item_id, action, c.field, _text(c.old), _text(c.new)) for c in done],
        )
    return done


def close_out(conn: sqlite3.Connection, actor: Actor, round_id: int, item_id: str) -> list[Change]:
    """销号: an inspector verifies a finished item; it becomes done, 100 %, and locked in later rounds."""
    if actor.role != "inspector":
        raise EditRefused("error.inspector_only", what=Msg("what.close_out"))
    row = conn.execute("SELECT closed_out FROM item_state WHERE round_id = ? AND item_id = ?",
                       (round_id, item_id)).fetchone()
    if row is not None and row["closed_out"]:
        raise EditRefused("error.already_closed_out", id=item_id)
    return apply_changes(conn, actor, round_id, item_id,
                         {"status": "done", "progress": 100, "closed_out": 1}, action="close_out")


def set_light(conn: sqlite3.Connection, actor: Actor, round_id: int, item_id: str, light: str | None,
              reason: str = "", *, shown: dict | None = None) -> list[Change]:
    """Override an item's light with a reason (inspector only); ``None`` goes back to the rules."""
    if actor.role != "inspector":
        raise EditRefused("error.inspector_only", what=Msg("what.set_light"))
    return apply_changes(conn, actor, round_id, item_id, {"light": light, "light_reason": (reason or "").strip()},
                         shown=shown, action="light")


def undo(conn: sqlite3.Connection, actor: Actor, changes: list[Change]) -> list[Change]:
    """Revert one earlier action, refusing if anyone changed those fields since."""
    if not changes:
        return []
    first = changes[0]
    return apply_changes(
        conn, actor, first.round_id, first.item_id, {c.field: c.old for c in changes},
        shown={c.field: c.new for c in changes}, action="undo",
    )


def _text(value) -> str | None:
    return None if value is None else str(value)
