"""Supervise the 乐政办发〔2023〕43号 “1+N” task list from a terminal."""

import sqlite3 as _sqlite3
import sys as _sys

__version__ = "0.1.0"

# The oldest SQLite the store's SQL runs on: MATERIALIZED common tables and ALTER TABLE … DROP COLUMN
# came in 3.35.0 (the trigram index in 3.34.0, iif() in 3.32.0).
MIN_SQLITE = (3, 35, 0)

# Python on Linux uses the system's SQLite, and the distributions of glibc 2.28 (Debian 10, RHEL 8 and
# their kind) have 3.26 or 3.27. There the app runs on sqlean.py's SQLite, a wheel installed with it on
# Linux, in place of the sqlite3 module for the whole process (sqlite-utils included) before anything
# else imports it. Without it, opening the store says in one line what to do (db.connect).
if _sqlite3.sqlite_version_info < MIN_SQLITE:
    try:
        import sqlean as _sqlean  # type: ignore[import-untyped]
        import sqlean.dbapi2 as _sqlean_dbapi2  # type: ignore[import-untyped]
    except ImportError:
        pass
    else:
        if _sqlean.sqlite_version_info >= MIN_SQLITE:
            _sys.modules["sqlite3"] = _sqlean
            _sys.modules["sqlite3.dbapi2"] = _sqlean_dbapi2
