"""Changing an item's state in a round: checked, audited, one transaction per action.

Every write of an item's state goes through ``apply_changes`` — the TUI, the CLI and imports
alike — so the rules below hold for all of them.

Status and progress agree (``follow_status_progress``):

- 已完成 (done) ⇔ 100 %: a done item is at 100 %, and an item at 100 % is done;
- 未启动 (not started) ⇒ 0 %: an item with any progress has started (推进中, 滞后 and 受阻 may
  still be at 0 %: started, late or blocked before anything was achieved).

An edit that gives one of the two fields moves the other to agree: status 已完成 sets 100 %,
未启动 sets 0 %; progress 100 % sets 已完成; progress below 100 % on a done item, or above 0 % on a
not-started one, sets 推进中 (0 % on a done item sets 未启动). Only a status that cannot keep the
progress it has — 推进中, 滞后 or 受阻 on an item at 100 % — is refused, asking for the progress too.
An edit that gives both must give an agreeing pair, or it is refused naming the rule.

Close-out (销号) is an inspector's verdict that an item is finished: only on a done item, or
with an explicit reason kept in the audit log. It makes the item done at 100 %, clears any light
override (a closed-out item is green by rule, and never chased), and locks the item; only an
inspector reopens it, again with a reason.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable

from ..errors import EditRefused, FrozenRound, NotFound
from ..i18n import Msg
from . import evidence as ev
from .actor import Actor, Change, Done
from .clock import now
from .db import transaction
from .targets import Goal, assign_values, check_stored_value, derived_progress, goal_from_json, reported
from .vocab import LIGHTS, STATUSES, field_name, shown_edit, shown_value

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
    if field == "evidence":
        return ev.canonical(value)
    return value


def _value_rules(goal: Goal, item_id: str, checked: dict, stored_value: str, action: str) -> dict:
    """The value reached checked against the item's goal; a numeric target's progress derived from it.

    A value is refused on an item without a numeric goal. A value given without a progress
    brings the progress it gives (then the status follows the progress, as for any edit).
    """
    if "value" in checked:
        checked["value"] = check_stored_value(goal, str(checked["value"]), item_id)
        if goal.numeric and action != "undo" and reported(checked["value"]):
            checked.setdefault("progress", derived_progress(goal, checked["value"]))
    return checked


def _progress_follows_value(goal: Goal, item_id: str, checked: dict, stored_value: str, action: str) -> None:
    """Once a numeric target has a value reached, its progress is the one the value gives.

    A progress typed, or brought by a status (已完成 → 100 %, 未启动 → 0 %), that is another
    is refused; the close-out's 100 % is an inspector's verdict and stands. Until a value is
    reported, the percentage a person types stands.
    """
    value = checked.get("value", stored_value)
    if not goal.numeric or action == "close_out" or not reported(value) or "progress" not in checked:
        return
    if checked["progress"] != derived_progress(goal, value):
        raise EditRefused("error.progress_from_value", id=item_id)


def may_edit(conn: sqlite3.Connection, actor: Actor, item_id: str) -> bool:
    """Whether the actor's role lets them edit this item at all."""
    if actor.role == "inspector":
        return True
    return conn.execute(
        "SELECT 1 FROM items i JOIN work_units wu ON wu.work_id = i.work_id "
        "WHERE i.id = ? AND wu.unit_id = ?", (item_id, actor.unit_id)).fetchone() is not None


def follow_status_progress(status: str, progress: int, changes: dict, item_id: str) -> dict:
    """The field that follows when ``changes`` give status or progress (see the module docstring).

    ``status``/``progress`` are the stored values; returns what to add to ``changes`` ({} if
    nothing), or raises EditRefused when the edit cannot agree with the rule.
    """
    if "status" in changes and "progress" in changes:
        new_status, new_progress = changes["status"], changes["progress"]
        if new_status == "done" and new_progress != 100:
            raise EditRefused("error.status_progress.done", id=item_id, progress=new_progress)
        if new_progress == 100 and new_status != "done":
            raise EditRefused("error.status_progress.full", id=item_id, status=Msg(f"status.{new_status}"))
        if new_status == "not_started" and new_progress != 0:
            raise EditRefused("error.status_progress.not_started", id=item_id, progress=new_progress)
        return {}
    if "status" in changes:
        new_status = changes["status"]
        if new_status == "done":
            return {"progress": 100} if progress != 100 else {}
        if new_status == "not_started":
            return {"progress": 0} if progress != 0 else {}
        if progress == 100 and new_status != status:
            raise EditRefused("error.status_progress.below_100", id=item_id, status=Msg(f"status.{new_status}"))
        return {}
    if "progress" in changes:
        new_progress = changes["progress"]
        if new_progress == 100:
            return {"status": "done"} if status != "done" else {}
        if status == "done":
            return {"status": "in_progress" if new_progress > 0 else "not_started"}
        if status == "not_started" and new_progress > 0:
            return {"status": "in_progress"}
    return {}


def apply_changes(conn: sqlite3.Connection, actor: Actor, round_id: int, item_id: str, changes: dict,
                  *, shown: dict | None = None, action: str = "edit", reason: str | None = None,
                  guard: Callable[[sqlite3.Row], None] | None = None, confirm: bool = False) -> Done:
    """Write ``changes`` to one item in one round, in one transaction, with an audit row per field.

    ``shown`` holds the values the user saw; if any differs from the stored one the
    edit is refused with Conflict, so a concurrent change is never silently lost.
    Status and progress follow each other (the module docstring), except in an undo,
    which puts back exactly what was there. ``reason`` is kept in the audit log as a row of
    its own (field ``reason``); ``guard`` sees the stored state inside the transaction and
    may refuse the action. With ``confirm``, an edit that changes nothing still reports the
    item in this round: it is stamped as saved, with a ``confirm`` audit row (a person reviewed
    it and found nothing to change).
    """
    checked = _checked(actor, changes)
    stamp = now()
    with transaction(conn):
        _open_round(conn, round_id)
        item = conn.execute("SELECT retired, goal FROM items WHERE id = ?", (item_id,)).fetchone()
        if item is None:
            raise NotFound("error.no_item", id=item_id)
        if item["retired"]:
            raise EditRefused("error.item_retired", id=item_id)
        if not may_edit(conn, actor, item_id):
            raise EditRefused("error.not_your_unit", id=item_id)
        state = _state(conn, round_id, item_id)
        done = Done(_plan(actor, round_id, item_id, state, checked, goal_from_json(item["goal"]), shown=shown,
                          action=action, guard=guard))
        if not done and not confirm:
            return done
        done.stamps[(round_id, item_id)] = ((state["updated_by"], state["updated_at"]), (actor.user, stamp))
        if done:
            _write(conn, round_id, [(item_id, actor.user, list(done))], stamp, action, reason=reason)
        else:
            conn.execute("UPDATE item_state SET updated_by = ?, updated_at = ?, version = version + 1 "
                         "WHERE round_id = ? AND item_id = ?", (actor.user, stamp, round_id, item_id))
            conn.execute("INSERT INTO audit(at, user, round_id, item_id, action) VALUES (?, ?, ?, ?, 'confirm')",
                         (stamp, actor.user, round_id, item_id))
            done.confirmed.append((round_id, item_id))
    return done


def apply_many(conn: sqlite3.Connection, actor: Actor, round_id: int, changes: dict[str, dict], *,
               authors: dict[str, str] | None = None, action: str = "import", source: str | None = None,
               accepted_by: str | None = None) -> tuple[dict[str, list[Change]], dict[str, EditRefused]]:
    """Write changes to many items of one round inside the caller's transaction (an import's).

    Each item is checked exactly as ``apply_changes`` checks it — role and unit, values, the
    round, retirement, close-out, status and progress — and an item a rule refuses is left as
    it was, its refusal returned. The audit rows name each item's author (``authors``, else
    the actor), the ``source`` they came from and who ``accepted_by`` them. Returns
    (item → changes written, item → refusal).
    """
    stamp = now()
    _open_round(conn, round_id)
    refused: dict[str, EditRefused] = {}
    checked: dict[str, dict] = {}
    for item_id, fields in changes.items():
        try:
            checked[item_id] = _checked(actor, fields)
        except EditRefused as exc:
            refused[item_id] = exc
    ids = list(checked)
    items: dict[str, int] = {}
    goals: dict[str, Goal] = {}
    states: dict[str, sqlite3.Row] = {}
    mine: set[str] = set()
    for n in range(0, len(ids), 500):
        chunk = ids[n:n + 500]
        marks = ", ".join("?" for _ in chunk)
        for r in conn.execute(f"SELECT id, retired, goal FROM items WHERE id IN ({marks})", chunk):
            items[r[0]], goals[r[0]] = r[1], goal_from_json(r[2])
        states.update((r["item_id"], r) for r in conn.execute(
            f"SELECT * FROM item_state WHERE round_id = ? AND item_id IN ({marks})", [round_id, *chunk]))
        if actor.role != "inspector":
            mine.update(r[0] for r in conn.execute(
                f"SELECT i.id FROM items i JOIN work_units wu ON wu.work_id = i.work_id AND wu.unit_id = ? "
                f"WHERE i.id IN ({marks})", [actor.unit_id, *chunk]))
    written: dict[str, list[Change]] = {}
    batch = []
    for item_id in ids:
        try:
            if item_id not in items:
                raise NotFound("error.no_item", id=item_id)
            if items[item_id]:
                raise EditRefused("error.item_retired", id=item_id)
            if actor.role != "inspector" and item_id not in mine:
                raise EditRefused("error.not_your_unit", id=item_id)
            state = states.get(item_id) or _state(conn, round_id, item_id)
            done = _plan(actor, round_id, item_id, state, checked[item_id], goals[item_id], action=action)
        except EditRefused as exc:
            refused[item_id] = exc
            continue
        if done:
            written[item_id] = done
            batch.append((item_id, (authors or {}).get(item_id, actor.user), done))
    _write(conn, round_id, batch, stamp, action, source=source, accepted_by=accepted_by)
    return written, refused


def _checked(actor: Actor, changes: dict) -> dict:
    """The changes with their values checked, if the actor's role may make them at all."""
    allowed = INSPECTOR_FIELDS if actor.role == "inspector" else LIAISON_FIELDS
    for field in changes:
        if field not in allowed:
            raise EditRefused("error.role_field", role=Msg(f"role.{actor.role}"), field=field_name(field))
    return {field: _check_value(field, value) for field, value in changes.items()}


def _open_round(conn: sqlite3.Connection, round_id: int) -> None:
    rnd = conn.execute("SELECT closed_at, name FROM rounds WHERE id = ?", (round_id,)).fetchone()
    if rnd is None:
        raise NotFound("error.no_round_id", id=round_id)
    if rnd["closed_at"] is not None:
        raise FrozenRound("error.round_closed", name=rnd["name"])


def _state(conn: sqlite3.Connection, round_id: int, item_id: str) -> sqlite3.Row:
    """The item's state row in the round, made with the defaults if it has none yet."""
    state = conn.execute("SELECT * FROM item_state WHERE round_id = ? AND item_id = ?", (round_id, item_id)).fetchone()
    if state is None:
        conn.execute("INSERT INTO item_state(round_id, item_id) VALUES (?, ?)", (round_id, item_id))
        state = conn.execute("SELECT * FROM item_state WHERE round_id = ? AND item_id = ?",
                             (round_id, item_id)).fetchone()
    return state


def _plan(actor: Actor, round_id: int, item_id: str, state: sqlite3.Row, checked: dict, goal: Goal, *,
          shown: dict | None = None, action: str = "edit",
          guard: Callable[[sqlite3.Row], None] | None = None) -> list[Change]:
    """What an edit changes in an item's stored ``state``, or the rule it breaks (EditRefused)."""
    for field, value in (shown or {}).items():
        if state[field] != value:
            raise Conflict(item_id, field, value, state[field])
    if guard is not None:
        guard(state)
    checked = _value_rules(goal, item_id, dict(checked), state["value"], action)
    if state["closed_out"] and actor.role != "inspector":
        raise EditRefused("error.closed_out_locked", id=item_id)
    if state["closed_out"] and checked.get("closed_out", 1) and set(checked) - {"comment", "closed_out"}:
        raise EditRefused("error.closed_out_reopen", id=item_id)
    if action != "undo":
        checked = checked | follow_status_progress(state["status"], state["progress"], checked, item_id)
        _progress_follows_value(goal, item_id, checked, state["value"], action)
    light = checked.get("light", state["light"])
    if light is not None and ("light" in checked or "light_reason" in checked) \
            and not str(checked.get("light_reason", state["light_reason"])).strip():
        raise EditRefused("error.light_reason", id=item_id)
    return [Change(round_id, item_id, f, state[f], v) for f, v in checked.items() if state[f] != v]


def _write(conn: sqlite3.Connection, round_id: int, batch: list[tuple[str, str, list[Change]]], stamp: str,
           action: str, *, reason: str | None = None, source: str | None = None,
           accepted_by: str | None = None) -> None:
    """Write planned changes — (item, author, changes) — with the version bumped and an audit row per field."""
    groups: dict[tuple[str, ...], list[dict]] = {}
    for item_id, user, done in batch:
        values = {c.field: c.new for c in done}
        if "closed_out" in values:  # who closed it and when goes with the flag, and away with it
            values.update(closed_at=stamp if values["closed_out"] else None,
                          closed_by=user if values["closed_out"] else None)
        groups.setdefault(tuple(sorted(values)), []).append(
            {**values, "user": user, "at": stamp, "round": round_id, "item": item_id})
    for columns, params in groups.items():
        sets = ", ".join(f"{f} = :{f}" for f in columns)
        conn.executemany(
            f"UPDATE item_state SET {sets}, updated_by = :user, updated_at = :at, version = version + 1 "
            "WHERE round_id = :round AND item_id = :item", params)
    rows = [(stamp, user, round_id, item_id, action, c.field, _text(c.old), _text(c.new), source, accepted_by)
            for item_id, user, done in batch for c in done]
    if reason:
        rows += [(stamp, user, round_id, item_id, action, "reason", None, reason, source, accepted_by)
                 for item_id, user, _ in batch]
    conn.executemany(
        "INSERT INTO audit(at, user, round_id, item_id, action, field, old, new, source, accepted_by) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def close_out(conn: sqlite3.Connection, actor: Actor, round_id: int, item_id: str, reason: str = "",
              *, shown: dict | None = None) -> Done:
    """销号: an inspector verifies a finished item; it becomes done, 100 %, green, and locked in later rounds.

    An item that is not done (at 100 %) is closed out only with a ``reason``, kept in the
    audit log. Any light override goes: a closed-out item's light is green by rule.
    """
    if actor.role != "inspector":
        raise EditRefused("error.inspector_only", what=Msg("what.close_out"))
    reason = (reason or "").strip()

    def guard(state: sqlite3.Row) -> None:
        if state["closed_out"]:
            raise EditRefused("error.already_closed_out", id=item_id)
        if (state["status"], state["progress"]) != ("done", 100) and not reason:
            raise EditRefused("error.close_out.not_done", id=item_id, status=Msg(f"status.{state['status']}"),
                              progress=shown_value("progress", state["progress"]))

    return apply_changes(conn, actor, round_id, item_id,
                         {"status": "done", "progress": 100, "closed_out": 1, "light": None, "light_reason": ""},
                         shown=shown, action="close_out", reason=reason or None, guard=guard)


def reopen_close_out(conn: sqlite3.Connection, actor: Actor, round_id: int, item_id: str, reason: str,
                     *, shown: dict | None = None) -> Done:
    """Undo a close-out (销号) in one round: an inspector only, with a reason kept in the audit log.

    The item keeps its status and progress; it is simply open to edits and the rules again.
    """
    if actor.role != "inspector":
        raise EditRefused("error.inspector_only", what=Msg("what.reopen_close_out"))
    reason = (reason or "").strip()
    if not reason:
        raise EditRefused("error.close_out.reason_needed", id=item_id)

    def guard(state: sqlite3.Row) -> None:
        if not state["closed_out"]:
            raise EditRefused("error.close_out.not_closed", id=item_id)

    return apply_changes(conn, actor, round_id, item_id, {"closed_out": 0}, shown=shown,
                         action="reopen_close_out", reason=reason, guard=guard)


def set_light(conn: sqlite3.Connection, actor: Actor, round_id: int, item_id: str, light: str | None,
              reason: str = "", *, shown: dict | None = None) -> Done:
    """Override an item's light with a reason (inspector only); ``None`` goes back to the rules."""
    if actor.role != "inspector":
        raise EditRefused("error.inspector_only", what=Msg("what.set_light"))
    return apply_changes(conn, actor, round_id, item_id, {"light": light, "light_reason": (reason or "").strip()},
                         shown=shown, action="light")


def bulk_set(conn: sqlite3.Connection, actor: Actor, round_id: int, item_ids: list[str], changes: dict,
             *, shown: dict[str, dict] | None = None) -> Done:
    """One status, or one light with its reason, for several items (inspector only): one transaction.

    Refused whole, naming them, if any item is closed out (销号) or the round is closed; every
    item follows the rules of a single edit (status ⇔ progress, a light needs its reason, a stale
    ``shown[item]`` is a Conflict), and a refusal of any one refuses them all. Each item gets the
    audit rows of the fields it changed (action ``bulk``).
    """
    if actor.role != "inspector":
        raise EditRefused("error.inspector_only", what=Msg("what.bulk"))
    if set(changes) not in ({"status"}, {"light", "light_reason"}):
        raise EditRefused("error.bulk.fields")
    done = Done()
    with transaction(conn):
        rnd = conn.execute("SELECT closed_at, name FROM rounds WHERE id = ?", (round_id,)).fetchone()
        if rnd is None:
            raise NotFound("error.no_round_id", id=round_id)
        if rnd["closed_at"] is not None:
            raise FrozenRound("error.round_closed", name=rnd["name"])
        closed = [r[0] for r in conn.execute(
            "SELECT s.item_id FROM item_state s JOIN items i ON i.id = s.item_id "
            "WHERE s.round_id = ? AND s.closed_out AND s.item_id IN (SELECT value FROM json_each(?)) ORDER BY i.pos",
            (round_id, json.dumps(list(item_ids))))]
        if closed:
            raise EditRefused("error.bulk.closed_out", n=len(closed), ids=_some(closed))
        for item_id in item_ids:
            done.merge(apply_changes(conn, actor, round_id, item_id, changes, shown=(shown or {}).get(item_id),
                                     action="bulk"))
    return done


def undo(conn: sqlite3.Connection, actor: Actor, changes: list[Change]) -> Done:
    """Revert one earlier action, refusing if anyone changed those fields since.

    Every item it wrote is reverted in one transaction, or none is. An item's stamp (who saved
    it last in the round, and when) goes back too, unless someone has saved it since: an item
    whose only report is undone is not reported any more.
    """
    stamps = getattr(changes, "stamps", {})
    confirmed = getattr(changes, "confirmed", [])
    keys = list(dict.fromkeys([(c.round_id, c.item_id) for c in changes] + list(confirmed)))
    reverted = Done()
    if not keys:
        return reverted
    with transaction(conn):
        for round_id, item_id in keys:
            mine = [c for c in changes if (c.round_id, c.item_id) == (round_id, item_id)]
            now_stamp = conn.execute("SELECT updated_by, updated_at FROM item_state WHERE round_id = ? AND item_id = ?",
                                     (round_id, item_id)).fetchone()
            before, after = stamps.get((round_id, item_id), (None, None))
            untouched = after is not None and now_stamp is not None and tuple(now_stamp) == after
            if mine:
                write = set_indicator if is_indicator(conn, item_id) else apply_changes
                reverted.merge(write(conn, actor, round_id, item_id, {c.field: c.old for c in mine},
                                     shown={c.field: c.new for c in mine}, action="undo"))
            elif untouched:  # a report that changed nothing: its confirmation is withdrawn
                conn.execute("INSERT INTO audit(at, user, round_id, item_id, action) VALUES (?, ?, ?, ?, 'undo')",
                             (now(), actor.user, round_id, item_id))
                reverted.confirmed.append((round_id, item_id))
            else:
                raise EditRefused("error.undo.saved_since", id=item_id)
            if untouched and before is not None:  # (the undo's own write has counted the version)
                conn.execute("UPDATE item_state SET updated_by = ?, updated_at = ?, version = version + ? "
                             "WHERE round_id = ? AND item_id = ?", (*before, int(not mine), round_id, item_id))
    return reverted


def _some(ids: list[str], shown: int = 10) -> str:
    """A few ids for a message, and an ellipsis when there are more."""
    return "、".join(ids[:shown]) + ("…" if len(ids) > shown else "")


INDICATOR_FIELDS = ("value", "evidence")


def is_indicator(conn: sqlite3.Connection, ident: str) -> bool:
    """Whether ``ident`` names a headline goal (G01) rather than an item."""
    return conn.execute("SELECT 1 FROM indicators WHERE id = ?", (ident,)).fetchone() is not None


def set_indicator(conn: sqlite3.Connection, actor: Actor, round_id: int, indicator_id: str, changes: dict,
                  *, shown: dict | None = None, action: str = "edit") -> list[Change]:
    """Record a headline goal's value reached and evidence in a round (inspector only), audited.

    The same rules as an item's: one transaction, an audit row per field (its ``item_id``
    the goal's id), refused with Conflict when the shown values are stale.
    """
    if actor.role != "inspector":
        raise EditRefused("error.inspector_only", what=Msg("what.set_goal"))
    for field in changes:
        if field not in INDICATOR_FIELDS:
            raise EditRefused("error.goal_field", id=indicator_id, field=field_name(field))
    checked = {field: _check_value(field, value) for field, value in changes.items()}
    stamp = now()
    with transaction(conn):
        _open_round(conn, round_id)
        goal = conn.execute("SELECT retired, goal FROM indicators WHERE id = ?", (indicator_id,)).fetchone()
        if goal is None:
            raise NotFound("error.no_item", id=indicator_id)
        if goal["retired"]:
            raise EditRefused("error.item_retired", id=indicator_id)
        if "value" in checked:
            checked["value"] = check_stored_value(goal_from_json(goal["goal"]), str(checked["value"]),
                                                  indicator_id)
        key = (round_id, indicator_id)
        conn.execute("INSERT OR IGNORE INTO indicator_state(round_id, indicator_id) VALUES (?, ?)", key)
        state = conn.execute("SELECT * FROM indicator_state WHERE round_id = ? AND indicator_id = ?",
                             key).fetchone()
        for field, value in (shown or {}).items():
            if state[field] != value:
                raise Conflict(indicator_id, field, value, state[field])
        done = [Change(round_id, indicator_id, f, state[f], v) for f, v in checked.items() if state[f] != v]
        if not done:
            return []
        values = {c.field: c.new for c in done}
        sets = ", ".join(f"{f} = :{f}" for f in values)
        conn.execute(
            f"UPDATE indicator_state SET {sets}, updated_by = :user, updated_at = :at, version = version + 1 "
            "WHERE round_id = :round AND indicator_id = :goal",
            {**values, "user": actor.user, "at": stamp, "round": round_id, "goal": indicator_id})
        conn.executemany(
            "INSERT INTO audit(at, user, round_id, item_id, action, field, old, new) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(stamp, actor.user, round_id, indicator_id, action, c.field, _text(c.old), _text(c.new))
             for c in done])
    return done


def _text(value) -> str | None:
    return None if value is None else str(value)


def current_state(conn: sqlite3.Connection, round_id: int, ident: str) -> tuple[Goal, str, str]:
    """An item's or headline goal's goal, and its value and evidence in a round, as stored now."""
    if is_indicator(conn, ident):
        sql = ("SELECT g.goal, s.value, s.evidence FROM indicators g LEFT JOIN indicator_state s "
               "ON s.indicator_id = g.id AND s.round_id = ? WHERE g.id = ?")
    else:
        sql = ("SELECT i.goal, s.value, s.evidence FROM items i LEFT JOIN item_state s "
               "ON s.item_id = i.id AND s.round_id = ? WHERE i.id = ?")
    row = conn.execute(sql, (round_id, ident)).fetchone()
    if row is None:
        raise NotFound("error.no_item", id=ident)
    return goal_from_json(row["goal"]), row["value"] or "", row["evidence"] or ""


def typed_value(conn: sqlite3.Connection, round_id: int, ident: str, typed: list[str]) -> tuple[str, str]:
    """The value after a person's assignments (``18``, ``2=145``), and the value they started from."""
    goal, value, _ = current_state(conn, round_id, ident)
    return assign_values(goal, value, typed, ident), value


def edit_any(conn: sqlite3.Connection, actor: Actor, round_id: int, ident: str, changes: dict,
             *, shown: dict | None = None) -> list[Change]:
    """One user action on an item or a headline goal, whichever ``ident`` names."""
    write = set_indicator if is_indicator(conn, ident) else apply_changes
    return write(conn, actor, round_id, ident, changes, shown=shown)
