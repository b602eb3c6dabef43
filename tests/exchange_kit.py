"""Builders shared by the exchange tests: an inspector's store with enrolled units, packages, liaison stores,
and a dump of a store's whole content to compare before and after a refusal."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from supervise_tui.domain.db import connect
from supervise_tui.domain.edits import Actor
from supervise_tui.domain.exchange.keys import enrol
from supervise_tui.domain.exchange.liaison import open_package, write_return
from supervise_tui.domain.exchange.package import issue

INSPECTOR = Actor("督查员")
UNIT = "市税务局"  # leads W01 and W02, co-unit elsewhere: 39 items in the bundled list
OTHER = "市财政局"
LIAISON = "林良卡"


def dump(conn: sqlite3.Connection) -> dict[str, list[tuple]]:
    """Every row of every table of a store (the search index's own tables aside), sorted."""
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE 'items_fts%' ORDER BY name")]
    return {t: sorted((tuple(r) for r in conn.execute(f"SELECT * FROM {t}")), key=repr) for t in tables}


def enrolled(conn: sqlite3.Connection, *units: str) -> None:
    for unit in units or (UNIT,):
        enrol(conn, INSPECTOR, unit)


def issue_to(conn: sqlite3.Connection, folder: Path, unit: str = UNIT, **options) -> Path:
    return issue(conn, INSPECTOR, unit, folder, **options).path


def liaison_store(path: Path, package: Path, *, user: str = LIAISON) -> sqlite3.Connection:
    conn = connect(path)
    open_package(conn, package, user=user)
    return conn


def write(conn: sqlite3.Connection, folder: Path, *, user: str = LIAISON) -> Path:
    return write_return(conn, folder, user=user).path


def load_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def resign(path: Path, obj: dict, key: bytes) -> None:
    """Write ``obj`` to ``path`` with a fresh MAC under ``key`` (a file forged by someone holding the key)."""
    from supervise_tui.domain.exchange.fileformat import encode, sign

    obj["mac"] = sign(key, obj)
    path.write_bytes(encode(obj))


def unit_key(conn: sqlite3.Connection, unit: str = UNIT) -> bytes:
    return bytes(conn.execute("SELECT secret FROM exchange_keys WHERE unit = ? ORDER BY generation DESC",
                              (unit,)).fetchone()[0])
