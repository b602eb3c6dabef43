"""The store itself: check it (SQLite's integrity check and the app's invariants) and back it up."""

from __future__ import annotations

import sqlite3
from argparse import Namespace
from pathlib import Path

from ..errors import StoreError, store_error
from ..i18n import t
from ..textsafe import one_line


def _open_read_only(args: Namespace):
    from ..domain.db import connect
    from ..locations import db_path

    path = db_path(args.db)
    return path, connect(path, migrate=False, create=False, read_only=True)


def cmd_check(args: Namespace) -> None:
    """One line per finding, then a verdict; exit status 1 when anything is wrong."""
    from ..domain.db import STORE_TABLES
    from ..domain.storecheck import check_store

    path, conn = _open_read_only(args)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not STORE_TABLES <= tables:
            raise StoreError("error.store.foreign", path=str(path), tables=", ".join(sorted(tables)[:5]) or "—")
        findings = [str(f) for f in check_store(conn)]
    except sqlite3.Error as exc:  # damage bad enough to stop the check itself is a finding too
        findings = [str(store_error(exc, path))]
    finally:
        conn.close()
    for finding in findings:
        print(one_line(finding))
    if findings:
        raise StoreError("check.failed", path=str(path), count=len(findings))
    print(t("check.ok", path=str(path)))


def cmd_backup(args: Namespace) -> None:
    from ..domain.storecheck import backup_store

    _, conn = _open_read_only(args)
    try:
        target = backup_store(conn, Path(args.file))
    finally:
        conn.close()
    print(t("backup.done", path=str(target)))
