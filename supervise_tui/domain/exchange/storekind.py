"""What a store is — an inspector's, or a liaison store fixed to one unit — recorded in the store itself.

A liaison store is made from round packages only. Who works in it is read from it: the
liaison of its unit, whatever flags were typed; no flag turns it into an inspector's store.
"""

from __future__ import annotations

import sqlite3

from ...errors import EditRefused, NotFound, StoreError
from ...i18n import Msg
from ..actor import Actor
from ..db import get_meta

KIND = "store_kind"  # meta key: "liaison" in a liaison store; absent in an inspector's
UNIT = "exchange_unit"  # meta key: the liaison store's unit, by name


def liaison_unit(conn: sqlite3.Connection) -> str | None:
    """The unit a liaison store is fixed to; None for an inspector's store."""
    if get_meta(conn, KIND) != "liaison":
        return None
    return get_meta(conn, UNIT)


def is_liaison(conn: sqlite3.Connection) -> bool:
    return get_meta(conn, KIND) == "liaison"


def require_inspector(conn: sqlite3.Connection, what: str) -> None:
    """Refuse an inspector's action (``what`` a ``what.*`` key) in a liaison store."""
    unit = liaison_unit(conn)
    if unit is not None:
        raise EditRefused("error.exchange.liaison_store", unit=unit, what=Msg(what))


def require_liaison(conn: sqlite3.Connection) -> str:
    """The liaison store's unit; an inspector's store is refused."""
    unit = liaison_unit(conn)
    if unit is None:
        raise StoreError("error.exchange.not_liaison_store")
    return unit


def actor_for(conn: sqlite3.Connection, user: str, role: str | None, unit: str | None) -> Actor:
    """Who works in this store: in a liaison store its unit's liaison, else what --role/--unit say.

    In a liaison store ``--role inspector`` or another unit is refused, never obeyed.
    """
    from ..queries import resolve_unit

    fixed = liaison_unit(conn)
    if fixed is not None:
        own = resolve_unit(conn, fixed)
        if role == "inspector" or (unit and _unit_id(conn, unit) != own):
            raise EditRefused("error.exchange.store_fixed", unit=fixed)
        return Actor(user=user, role="liaison", unit_id=own)
    role = role or "inspector"
    if role == "liaison" and not unit:
        raise EditRefused("error.liaison_needs_unit")
    return Actor(user=user, role=role, unit_id=resolve_unit(conn, unit) if unit else None)


def _unit_id(conn: sqlite3.Connection, name: str) -> int | None:
    from ..queries import resolve_unit

    try:
        return resolve_unit(conn, name)
    except NotFound:  # a unit this store has never heard of is not its unit either
        return None
