"""The store's own checks: a clean integrity_check on this SQLite, the app's invariants, backups, recognition."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import threading

import pytest

from supervise_tui.domain.db import SCHEMA_VERSION, StoreError, connect
from supervise_tui.domain.edits import Actor, apply_changes
from supervise_tui.domain.migrations import INITIAL
from supervise_tui.domain.storecheck import backup_store, check_store
from supervise_tui.domain.sync import load
from tests.conftest import TEST_USER
from tests.mounts import damage_page


def keys(findings) -> list[tuple[str, dict]]:
    return [(f.key, f.params) for f in findings]


def test_a_new_store_passes_integrity_check_on_this_sqlite(store):
    # SQLite 3.40 (Python 3.11 on Debian 12) reported "NULL value in work_people.person_id"
    # for every row while the table declared person_id between its key columns.
    assert [tuple(r) for r in store.execute("PRAGMA integrity_check")] == [("ok",)]
    assert check_store(store) == []
    columns = [r["name"] for r in store.execute("PRAGMA table_info(work_people)")]
    assert columns == ["work_id", "role", "person_id"]


def test_a_store_made_by_the_first_schema_is_moved_forward_with_its_links(tmp_path, tasklist):
    path = tmp_path / "old.db"
    old = sqlite3.connect(path)
    for statement in INITIAL:
        old.execute(statement)
    old.execute("CREATE TABLE _sqlite_migrations (migration_set TEXT, name TEXT, applied_at TEXT)")
    old.execute("INSERT INTO _sqlite_migrations VALUES ('supervise_tui', 'm001_initial', 'then')")
    old.execute("PRAGMA user_version = 1")
    old.execute("INSERT INTO pillars VALUES ('P1', '一', 'p', 1, 0)")
    old.execute("INSERT INTO works(id, seq, numeral, pillar_id, title, stage_text, units_text, leader, liaison, sort) "
                "VALUES ('W01', 1, '一', 'P1', 't', 's', 'u', '甲', '乙', 0)")
    old.execute("INSERT INTO people(id, name) VALUES (1, '甲'), (2, '乙')")
    old.execute("INSERT INTO work_people VALUES ('W01', 1, 'leader'), ('W01', 2, 'liaison')")
    old.commit()
    assert [r[0] for r in old.execute("PRAGMA integrity_check")][0] != "ok"  # the false report, before
    old.close()
    conn = connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert [tuple(r) for r in conn.execute("SELECT work_id, person_id, role FROM work_people ORDER BY role")] == [
        ("W01", 1, "leader"), ("W01", 2, "liaison")]
    assert [tuple(r) for r in conn.execute("PRAGMA integrity_check")] == [("ok",)]
    load(conn, tasklist, user=TEST_USER)  # and the loader writes the new column order
    assert check_store(conn) == []


def test_check_finds_what_breaks_the_apps_rules(store):
    apply_changes(store, Actor("甲"), 1, "W01-T01", {"note": "第一次", "progress": 30})
    store.execute("PRAGMA foreign_keys = OFF")  # as another tool might have it
    store.execute("UPDATE item_state SET note = '被改过' WHERE round_id = 1 AND item_id = 'W01-T01'")
    store.execute("UPDATE item_state SET version = 3 WHERE round_id = 1 AND item_id = 'W01-T02'")
    store.execute("INSERT INTO item_state(round_id, item_id) VALUES (1, 'W99-T99')")
    store.execute("DELETE FROM item_state WHERE round_id = 1 AND item_id = 'W01-T03'")
    found = keys(check_store(store))
    assert ("check.foreign_key", {"table": "item_state", "rowid": None, "parent": "items"}) in found
    assert ("check.state_without_item", {"round": 1, "item": "W99-T99"}) in found
    assert ("check.open_round_missing_item", {"round": "第1轮", "item": "W01-T03"}) in found
    assert ("check.audit_mismatch", {"round": 1, "item": "W01-T01", "field": "note", "audit": "第一次",
                                     "state": "被改过"}) in found
    assert ("check.edited_without_audit", {"round": 1, "item": "W01-T02"}) in found
    assert len(found) == 5, found
    assert all("\n" not in str(f) for f in check_store(store))


def test_check_lists_many_findings_of_a_kind_then_says_how_many_more(store):
    store.execute("PRAGMA foreign_keys = OFF")
    store.execute("DELETE FROM item_state WHERE round_id = 1")
    found = keys(check_store(store))
    missing = [f for f in found if f[0] == "check.open_round_missing_item"]
    assert len(missing) == 50
    assert found[-1] == ("check.more", {"count": 317 - 50})


def test_check_reports_a_damaged_page(store, isolated_locations):
    store.close()
    damage_page(isolated_locations, "audit")
    conn = connect(isolated_locations, read_only=True)
    try:
        found = check_store(conn)
    except sqlite3.DatabaseError:
        pytest.fail("a damaged page must be a finding, not an exception")
    finally:
        conn.close()
    assert found and {f.key for f in found} <= {"check.sqlite", "check.stopped"}
    assert "malformed" in str(found[0])


# --- backup ---------------------------------------------------------------------------

def test_backup_is_a_checked_single_file_copy(store, tmp_path):
    apply_changes(store, Actor("甲"), 1, "W01-T01", {"note": "备份前"})
    target = tmp_path / "copies" / "b.db"
    target.parent.mkdir()
    assert backup_store(store, target) == target
    assert [p.name for p in target.parent.iterdir()] == ["b.db"]  # no temporary file, no -wal left
    copy = sqlite3.connect(target)
    assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert copy.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert list(copy.iterdump()) == list(store.iterdump())
    copy.close()


def test_backup_never_overwrites(store, tmp_path):
    target = tmp_path / "b.db"
    target.write_bytes(b"an earlier backup")
    with pytest.raises(StoreError) as info:
        backup_store(store, target)
    assert info.value.key == "error.backup.exists"
    assert target.read_bytes() == b"an earlier backup"


def test_backup_while_another_connection_writes_is_one_consistent_snapshot(store, isolated_locations, tmp_path):
    """A writer keeps committing edits while the backup runs; the copy holds a whole number of them."""
    stop = threading.Event()
    written: list[int] = []

    def writer() -> None:
        conn = connect(isolated_locations)
        n = 0
        while not stop.is_set():
            n += 1
            apply_changes(conn, Actor("写入者"), 1, "W01-T01", {"progress": n % 101, "note": f"第{n}次"})
            written.append(n)
        conn.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 5:
            stop.wait(0.01)
        backup_store(store, tmp_path / "live.db")
    finally:
        stop.set()
        thread.join()
    copy = connect(tmp_path / "live.db", read_only=True)
    assert check_store(copy) == []
    note = copy.execute("SELECT note FROM item_state WHERE item_id = 'W01-T01'").fetchone()[0]
    edits = copy.execute("SELECT count(*) FROM audit WHERE item_id = 'W01-T01' AND field = 'note'").fetchone()[0]
    assert note == f"第{edits}次"  # the state and its audit rows come from the same moment
    copy.close()


# --- recognising a store --------------------------------------------------------------

def test_a_copy_that_lost_its_version_is_recognised_by_its_tables(store, isolated_locations, tmp_path):
    apply_changes(store, Actor("甲"), 1, "W01-T01", {"note": "留下"})
    store.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    copy = tmp_path / "copy.db"
    shutil.copy(isolated_locations, copy)
    raw = sqlite3.connect(copy)
    raw.execute("PRAGMA user_version = 0")
    raw.commit()
    raw.close()
    conn = connect(copy)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("SELECT note FROM item_state WHERE item_id = 'W01-T01'").fetchone()[0] == "留下"
    assert check_store(conn) == []


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="the sqlite3 command-line shell is not installed")
def test_a_copy_made_with_the_sqlite3_dump_opens(store, isolated_locations, tmp_path):
    apply_changes(store, Actor("甲"), 1, "W01-T01", {"note": "导出再导入"})
    dump = subprocess.run(["sqlite3", str(isolated_locations), ".dump"], capture_output=True, check=True).stdout
    copy = tmp_path / "dumped.db"
    subprocess.run(["sqlite3", str(copy)], input=dump, check=True)
    conn = connect(copy)
    assert conn.execute("SELECT note FROM item_state WHERE item_id = 'W01-T01'").fetchone()[0] == "导出再导入"
    assert conn.execute("SELECT count(*) FROM items_fts WHERE items_fts MATCH '融资担保'").fetchone()[0] > 0
    assert check_store(conn) == []


def test_a_missing_store_is_created_only_when_asked(tmp_path):
    with pytest.raises(StoreError) as info:
        connect(tmp_path / "typo" / "supervise.db", create=False)
    assert info.value.key == "error.store.missing"
    assert not (tmp_path / "typo").exists()
