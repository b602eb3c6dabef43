"""Units' secret keys: enrol a unit once, rotate its key when it may have leaked.

A key is 32 random bytes from ``secrets``, kept in the inspector's store and handed to the
unit's liaison store inside the first package signed with it. Rotating keeps the old key, marked
with the day it was replaced, so a file signed with it is recognised and refused by that date.
Keys are filed under the unit's name; a unit is found by its name or any alias of it.
"""

from __future__ import annotations

import secrets
import sqlite3
from dataclasses import dataclass

from ...errors import EditRefused
from ...i18n import Msg
from ..actor import Actor
from ..clock import now
from ..db import transaction
from ..queries import resolve_unit
from .storekind import require_inspector

KEY_BYTES = 32


@dataclass(frozen=True)
class Key:
    unit: str  # the name it is filed under
    generation: int  # 1 for the first key, then one more at every rotation
    secret: bytes
    created_at: str
    retired_at: str | None  # when a newer key replaced it


def unit_names(conn: sqlite3.Connection, unit_id: int) -> list[str]:
    """A unit's name and its aliases: every name its keys and files may be filed under."""
    return [r[0] for r in conn.execute(
        "SELECT name FROM units WHERE id = ?1 UNION SELECT alias FROM unit_aliases WHERE unit_id = ?1", (unit_id,))]


def unit_name(conn: sqlite3.Connection, unit_id: int) -> str:
    return conn.execute("SELECT name FROM units WHERE id = ?", (unit_id,)).fetchone()[0]


def _key(row: sqlite3.Row | None) -> Key | None:
    return Key(row["unit"], row["generation"], bytes(row["secret"]), row["created_at"], row["retired_at"]) \
        if row else None


def current_key(conn: sqlite3.Connection, unit_id: int) -> Key | None:
    """The unit's key in use (the newest), or None if it was never enrolled."""
    names = unit_names(conn, unit_id)
    marks = ", ".join("?" for _ in names)
    return _key(conn.execute(
        f"SELECT * FROM exchange_keys WHERE unit IN ({marks}) ORDER BY generation DESC LIMIT 1", names).fetchone())


def key_of(conn: sqlite3.Connection, unit_id: int, generation: int) -> Key | None:
    names = unit_names(conn, unit_id)
    marks = ", ".join("?" for _ in names)
    return _key(conn.execute(f"SELECT * FROM exchange_keys WHERE unit IN ({marks}) AND generation = ?",
                             [*names, generation]).fetchone())


def enrol(conn: sqlite3.Connection, actor: Actor, unit: str, *, rotate: bool = False) -> Key:
    """Give a unit its secret key (inspector only); ``rotate`` replaces a key it already has.

    Audited as ``exchange_enrol`` or ``exchange_rotate`` with the unit and key number, never the key.
    """
    if actor.role != "inspector":
        raise EditRefused("error.inspector_only", what=Msg("what.enrol"))
    require_inspector(conn, "what.enrol")
    stamp = now()
    with transaction(conn):
        unit_id = resolve_unit(conn, unit)
        name = unit_name(conn, unit_id)
        old = current_key(conn, unit_id)
        if old is not None and not rotate:
            raise EditRefused("error.exchange.enrolled", unit=name, at=old.created_at[:10])
        if old is None and rotate:
            raise EditRefused("error.exchange.not_enrolled", unit=name)
        generation = old.generation + 1 if old else 1
        if old is not None:
            conn.execute("UPDATE exchange_keys SET retired_at = ? WHERE unit = ? AND generation = ?",
                         (stamp, old.unit, old.generation))
        conn.execute("INSERT INTO exchange_keys(unit, generation, secret, created_at, created_by) "
                     "VALUES (?, ?, ?, ?, ?)", (name, generation, secrets.token_bytes(KEY_BYTES), stamp, actor.user))
        conn.execute("INSERT INTO audit(at, user, action, field, old, new) VALUES (?, ?, ?, 'key', ?, ?)",
                     (stamp, actor.user, "exchange_rotate" if old else "exchange_enrol",
                      f"{name} #{old.generation}" if old else None, f"{name} #{generation}"))
        key = current_key(conn, unit_id)
    assert key is not None
    return key


def enrolled_units(conn: sqlite3.Connection) -> list[tuple[int, str]]:
    """(unit id, name) of every unit with a key, by name."""
    rows = conn.execute(
        "SELECT DISTINCT u.id, u.name FROM exchange_keys k JOIN units u ON u.name = k.unit "
        "UNION SELECT DISTINCT a.unit_id, u.name FROM exchange_keys k JOIN unit_aliases a ON a.alias = k.unit "
        "JOIN units u ON u.id = a.unit_id ORDER BY 2")
    return [(r[0], r[1]) for r in rows]
