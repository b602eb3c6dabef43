"""The store's schema, built and moved forward by sqlite_utils.Migrations."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from .vocab import LIGHTS, STATUSES

migrations = Migrations("supervise_tui")
STEPS: list[Callable[[Database], None]] = []  # in order; their count is the schema version


def step(fn: Callable[[Database], None]) -> Callable[[Database], None]:
    """Register a migration (applied once, in order, by sqlite_utils.Migrations)."""
    STEPS.append(fn)
    return migrations()(fn)


INITIAL = [
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)",
    """CREATE TABLE pillars (
        id TEXT PRIMARY KEY, numeral TEXT NOT NULL, title TEXT NOT NULL, sort INTEGER NOT NULL,
        retired INTEGER NOT NULL DEFAULT 0)""",
    """CREATE TABLE works (
        id TEXT PRIMARY KEY, seq INTEGER NOT NULL, numeral TEXT NOT NULL,
        pillar_id TEXT NOT NULL REFERENCES pillars(id), title TEXT NOT NULL,
        stage_text TEXT NOT NULL, stage_start INTEGER, stage_end INTEGER,
        units_text TEXT NOT NULL, leader TEXT NOT NULL, liaison TEXT NOT NULL,
        sort INTEGER NOT NULL, retired INTEGER NOT NULL DEFAULT 0)""",
    # A rowid table (not WITHOUT ROWID) so the trigram index can point at it.
    """CREATE TABLE items (
        id TEXT NOT NULL UNIQUE, work_id TEXT NOT NULL REFERENCES works(id),
        kind TEXT NOT NULL CHECK (kind IN ('target', 'measure')),
        no INTEGER, prefix TEXT, text TEXT NOT NULL, sort INTEGER NOT NULL, pos INTEGER NOT NULL,
        retired INTEGER NOT NULL DEFAULT 0, retired_at TEXT)""",
    "CREATE INDEX items_work ON items(work_id, sort)",
    # Not (retired, pos): with retired = 0 on nearly every row the planner would
    # walk this index instead of items_work when joining items to a work.
    "CREATE INDEX items_pos ON items(pos)",
    "CREATE TABLE units (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
    "CREATE TABLE unit_aliases (alias TEXT PRIMARY KEY, unit_id INTEGER NOT NULL REFERENCES units(id))",
    """CREATE TABLE work_units (
        work_id TEXT NOT NULL REFERENCES works(id), unit_id INTEGER NOT NULL REFERENCES units(id),
        role TEXT NOT NULL CHECK (role IN ('lead', 'co')), sort INTEGER NOT NULL,
        PRIMARY KEY (work_id, unit_id)) WITHOUT ROWID""",
    "CREATE INDEX work_units_unit ON work_units(unit_id, role)",
    "CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
    """CREATE TABLE work_people (
        work_id TEXT NOT NULL REFERENCES works(id), person_id INTEGER NOT NULL REFERENCES people(id),
        role TEXT NOT NULL CHECK (role IN ('leader', 'liaison')),
        PRIMARY KEY (work_id, role)) WITHOUT ROWID""",
    "CREATE INDEX work_people_person ON work_people(person_id, role)",
    """CREATE TABLE indicators (
        id TEXT PRIMARY KEY, year TEXT NOT NULL, text TEXT NOT NULL, sort INTEGER NOT NULL,
        retired INTEGER NOT NULL DEFAULT 0)""",
    """CREATE TABLE rounds (
        id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, period TEXT, due TEXT,
        opened_at TEXT NOT NULL, closed_at TEXT, created_by TEXT NOT NULL)""",
    f"""CREATE TABLE item_state (
        round_id INTEGER NOT NULL REFERENCES rounds(id), item_id TEXT NOT NULL REFERENCES items(id),
        status TEXT NOT NULL DEFAULT 'not_started' CHECK (status IN {STATUSES}),
        progress INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
        note TEXT NOT NULL DEFAULT '', evidence TEXT NOT NULL DEFAULT '', value TEXT NOT NULL DEFAULT '',
        light TEXT CHECK (light IN {LIGHTS}), light_reason TEXT NOT NULL DEFAULT '',
        comment TEXT NOT NULL DEFAULT '',
        closed_out INTEGER NOT NULL DEFAULT 0, closed_at TEXT, closed_by TEXT,
        updated_by TEXT, updated_at TEXT, version INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (round_id, item_id)) WITHOUT ROWID""",
    "CREATE INDEX item_state_item ON item_state(item_id, round_id)",
    """CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, user TEXT NOT NULL,
        round_id INTEGER, item_id TEXT, action TEXT NOT NULL, field TEXT, old TEXT, new TEXT)""",
    "CREATE INDEX audit_item ON audit(item_id, id)",
    """CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE VIRTUAL TABLE items_fts USING fts5(
        id, text, content='items', content_rowid='rowid', tokenize='trigram')""",
]


@step
def m001_initial(db: Database) -> None:
    for statement in INITIAL:
        db.execute(statement)


@step
def m002_work_people_keys_first(db: Database) -> None:
    """work_people with its key columns first, as the table is stored.

    SQLite 3.40 (Python 3.11 on Debian 12) reports false "NULL value" errors in
    integrity_check for a WITHOUT ROWID table whose non-key NOT NULL column is declared
    between its key columns; a user checking a backup would believe it damaged.
    """
    for statement in (
        """CREATE TABLE work_people_keys_first (
            work_id TEXT NOT NULL REFERENCES works(id),
            role TEXT NOT NULL CHECK (role IN ('leader', 'liaison')),
            person_id INTEGER NOT NULL REFERENCES people(id),
            PRIMARY KEY (work_id, role)) WITHOUT ROWID""",
        "INSERT INTO work_people_keys_first(work_id, role, person_id) SELECT work_id, role, person_id "
        "FROM work_people",
        "DROP TABLE work_people",
        "ALTER TABLE work_people_keys_first RENAME TO work_people",
        "CREATE INDEX work_people_person ON work_people(person_id, role)",
    ):
        db.execute(statement)


@step
def m003_exchange(db: Database) -> None:
    """The air-gapped exchange: unit keys, packages issued or opened, return files and their changes.

    Both kinds of store hold these tables: an inspector's store records what it issued and
    imported, a liaison store what it opened and wrote. Units are named, not numbered, so a
    reload that renames a unit (its old name becoming an alias) keeps its keys and files.
    Accepted changes name in the audit log the return file they came from and who accepted them.
    """
    for statement in (
        "ALTER TABLE audit ADD COLUMN source TEXT",
        "ALTER TABLE audit ADD COLUMN accepted_by TEXT",
        """CREATE TABLE exchange_keys (
            unit TEXT NOT NULL, generation INTEGER NOT NULL, secret BLOB NOT NULL,
            created_at TEXT NOT NULL, created_by TEXT NOT NULL, retired_at TEXT,
            PRIMARY KEY (unit, generation))""",
        """CREATE TABLE exchange_packages (
            id TEXT PRIMARY KEY, unit TEXT NOT NULL, serial INTEGER NOT NULL, generation INTEGER NOT NULL,
            round_id INTEGER NOT NULL, items INTEGER NOT NULL, with_key INTEGER NOT NULL,
            file_name TEXT NOT NULL, issued_at TEXT NOT NULL, issued_by TEXT NOT NULL,
            opened_at TEXT, opened_by TEXT)""",
        "CREATE INDEX exchange_packages_unit ON exchange_packages(unit, serial)",
        """CREATE TABLE exchange_returns (
            id TEXT PRIMARY KEY, unit TEXT NOT NULL, seq INTEGER NOT NULL, generation INTEGER NOT NULL,
            round_id INTEGER NOT NULL, package_id TEXT NOT NULL, items INTEGER NOT NULL,
            written_at TEXT NOT NULL, written_by TEXT NOT NULL, file_name TEXT NOT NULL,
            imported_at TEXT, imported_by TEXT, audit_mark INTEGER,
            UNIQUE (unit, seq))""",
        "CREATE INDEX exchange_returns_round ON exchange_returns(round_id, unit, seq)",
        # base and theirs are untyped: a progress stays a number, a note text.
        """CREATE TABLE exchange_changes (
            return_id TEXT NOT NULL REFERENCES exchange_returns(id), item_id TEXT NOT NULL,
            field TEXT NOT NULL, base_version INTEGER NOT NULL, base, theirs, author TEXT NOT NULL,
            outcome TEXT NOT NULL CHECK (outcome IN
                ('sent', 'open', 'accepted', 'kept', 'edited', 'superseded', 'repeat', 'same', 'refused')),
            reason TEXT, decided_at TEXT, decided_by TEXT, history TEXT,
            PRIMARY KEY (return_id, item_id, field))""",
        "CREATE INDEX exchange_changes_item ON exchange_changes(item_id, field)",
        "CREATE INDEX exchange_changes_open ON exchange_changes(return_id) WHERE outcome = 'open'",
        """CREATE TABLE exchange_base (
            round_id INTEGER NOT NULL, item_id TEXT NOT NULL, package_id TEXT NOT NULL,
            version INTEGER NOT NULL, status TEXT, progress INTEGER, note TEXT, evidence TEXT, value TEXT,
            PRIMARY KEY (round_id, item_id))""",
    ):
        db.execute(statement)


def migrate(conn: sqlite3.Connection, version: int) -> None:
    """Apply pending migrations in one IMMEDIATE transaction and stamp user_version ``version``.

    ``version`` is db.SCHEMA_VERSION, the number of steps above; they must agree.
    """
    if len(STEPS) != version:  # a step added without bumping the version, or the reverse
        raise RuntimeError(f"{len(STEPS)} migrations for schema version {version}")
    db = Database(conn, execute_plugins=False)
    conn.execute("BEGIN IMMEDIATE")
    try:
        migrations.apply(db)
        conn.execute(f"PRAGMA user_version = {int(version)}")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


@step
def m004_goals(db: Database) -> None:
    """Goals of targets and headline goals, items' own deadlines, and headline goals' values per round."""
    for statement in (
        # JSON: a list of metrics, or "qualitative"; NULL when not annotated (measures).
        "ALTER TABLE items ADD COLUMN goal TEXT",
        # The item's own deadline as written (2023, 2023-06-30) and its span in days
        # (proleptic ordinals, the end exclusive), NULL when the item follows its work's stage.
        "ALTER TABLE items ADD COLUMN deadline TEXT",
        "ALTER TABLE items ADD COLUMN span_start INTEGER",
        "ALTER TABLE items ADD COLUMN span_end INTEGER",
        "ALTER TABLE indicators ADD COLUMN goal TEXT",
        """CREATE TABLE indicator_state (
            round_id INTEGER NOT NULL REFERENCES rounds(id),
            indicator_id TEXT NOT NULL REFERENCES indicators(id),
            value TEXT NOT NULL DEFAULT '', evidence TEXT NOT NULL DEFAULT '',
            updated_by TEXT, updated_at TEXT, version INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (round_id, indicator_id))""",
    ):
        db.execute(statement)


@step
def m005_exchange_audit_by_file(db: Database) -> None:
    """A return's audit rows kept with the file, as one JSON by item, not copied onto every change.

    A province's returns carry a million of them: one document per file is written in a
    fraction of the time. The index by item no query used goes too.
    """
    for statement in (
        "ALTER TABLE exchange_returns ADD COLUMN audit TEXT",
        "ALTER TABLE exchange_changes DROP COLUMN history",
        "DROP INDEX exchange_changes_item",
    ):
        db.execute(statement)
