"""What the subcommands share: the store they open, who acts, which round."""

from __future__ import annotations

import sqlite3
from argparse import Namespace
from typing import TYPE_CHECKING

from ..errors import StoreError

if TYPE_CHECKING:  # the edits are imported by the commands that edit, not by every command
    from ..domain.actor import Actor


def open_store(args: Namespace, *, need_data: bool = True, create: bool = False) -> sqlite3.Connection:
    """The store named by --db (or the environment, or the data directory).

    Only a command that fills a store (``load``, ``synth``, ``exchange open``) creates a missing one: anywhere
    else a missing file is a mistyped path, said as such, not a new empty store.
    """
    from ..domain.db import connect, holds_no_items
    from ..locations import db_path

    path = db_path(args.db)
    conn = connect(path, create=create)
    if need_data and holds_no_items(conn):
        raise StoreError("error.store.empty", path=str(path))
    return conn


def user(args: Namespace) -> str:
    from ..domain.settings import audit_name

    return audit_name(getattr(args, "user", None))


def actor(args: Namespace, conn: sqlite3.Connection) -> Actor:
    """Who acts: in a liaison store its unit's liaison; otherwise from --user/--role/--unit."""
    from ..domain.exchange.storekind import actor_for

    return actor_for(conn, user(args), args.role, args.unit)


def round_of(conn: sqlite3.Connection, ref: str | None):
    from ..domain.rounds import current_round, get_round

    return get_round(conn, ref) if ref else current_round(conn)


def item_id(text: str) -> str:
    """An item id as people type it (w05-m10 ) in its stored form (W05-M10)."""
    return text.strip().upper()
