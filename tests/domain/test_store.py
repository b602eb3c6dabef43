"""The SQLite store: exact rows after a load, the schema, reloads, retirement, the audit log and edits."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from supervise_tui.domain import queries
from supervise_tui.domain.db import SCHEMA_VERSION, StoreError, connect
from supervise_tui.domain.edits import Actor, Conflict, EditRefused, apply_changes
from supervise_tui.domain.sync import load
from supervise_tui.domain.tasklist import TaskList
from tests.conftest import PINNED_NOW, TEST_USER

TABLES = {"meta", "pillars", "works", "items", "units", "unit_aliases", "work_units", "people",
          "work_people", "indicators", "rounds", "item_state", "audit", "items_fts", "_sqlite_migrations",
          "indicator_state"}


def rows(conn: sqlite3.Connection, sql: str, *params) -> list[tuple]:
    return [tuple(r) for r in conn.execute(sql, params)]


def full_dump(conn: sqlite3.Connection) -> list[str]:
    return list(conn.iterdump())


def edit_item(tasklist: TaskList, item_id: str, change) -> TaskList:
    """A copy of the task list with one item replaced by ``change(item)``, or dropped if it returns None."""
    works = []
    for work in tasklist.works:
        items = [change(i) if i.id == item_id else i for i in work.items]
        works.append(dataclasses.replace(work, items=tuple(i for i in items if i is not None)))
    return dataclasses.replace(tasklist, works=tuple(works))


def unit_id(conn: sqlite3.Connection, name: str) -> int:
    return conn.execute("SELECT id FROM units WHERE name = ?", (name,)).fetchone()[0]


# --- exact rows after loading the bundled list ------------------------------------

def test_pillar_rows(store):
    assert rows(store, "SELECT * FROM pillars ORDER BY sort") == [
        ("P1", "一", "提信心增预期", 0, 0),
        ("P2", "二", "降门槛扩领域", 1, 0),
        ("P3", "三", "真公平破隐性", 2, 0),
        ("P4", "四", "拓市场促升级", 3, 0),
        ("P5", "五", "优氛围增服务", 4, 0),
    ]


def test_work_row(store):
    db = Database(store)
    assert db["works"].get("W01") == {
        "id": "W01", "seq": 1, "numeral": "一", "pillar_id": "P1", "title": "强化财税政策保障",
        "stage_text": "2023-2027年", "stage_start": 2023, "stage_end": 2027, "units_text": "市税务局",
        "leader": "陈宋淼", "liaison": "林良卡", "sort": 0, "retired": 0,
    }
    assert db["works"].get("W03")["stage_start"] is None  # 长期实施 has no years
    assert db["works"].count == 32


def test_item_rows(store):
    columns = "id, work_id, kind, no, prefix, text, sort, pos, retired, retired_at"
    assert rows(store, f"SELECT {columns} FROM items WHERE id IN ('W01-T04', 'W29-T06') ORDER BY pos") == [
        ("W01-T04", "W01", "target", 4, None,
         "自2023年1月1日至2027年12月31日,允许先进制造业企业按照当期可抵扣进项税额加计5%抵减应纳增值税税额。",
         3, 3, 0, None),
        # 281 items come before it: works 1–28 hold 276, W29's first five targets the rest.
        ("W29-T06", "W29", "target", 6, "6", "对审计涉及到的单位,要清查拖欠线索,督促整改,分类予以清欠。",
         5, 281, 0, None),
    ]
    assert rows(store, "SELECT kind, count(*) FROM items GROUP BY kind ORDER BY kind") == [
        ("measure", 218), ("target", 99)]


def test_work_units_of_w02(store):
    assert rows(store, """SELECT wu.work_id, u.name, wu.role, wu.sort FROM work_units wu
                          JOIN units u ON u.id = wu.unit_id WHERE wu.work_id = 'W02' ORDER BY wu.sort""") == [
        ("W02", "市财政局", "lead", 0),
        ("W02", "市发改局", "co", 1),
        ("W02", "市经信局", "co", 2),
        ("W02", "市科技局", "co", 3),
        ("W02", "市国资办", "co", 4),
        ("W02", "市国有资本运营集团", "co", 5),
    ]


def test_unit_alias_makes_one_unit(store):
    assert rows(store, "SELECT name FROM units WHERE name LIKE '%公安%'") == [("市公安局",)]
    police = unit_id(store, "市公安局")
    assert rows(store, "SELECT alias, unit_id FROM unit_aliases") == [("市公安", police)]
    # W24 writes 市公安, the others 市公安局: one unit, co-unit of all four works
    assert rows(store, "SELECT work_id, role FROM work_units WHERE unit_id = ? ORDER BY work_id", police) == [
        ("W13", "co"), ("W17", "co"), ("W24", "co"), ("W31", "co")]
    assert queries.resolve_unit(store, "市公安") == police


def test_units_are_unique_names(store, tasklist):
    names = {tasklist.aliases.get(n, n) for w in tasklist.works for n in (w.lead, *w.co)}
    assert sorted(r[0] for r in rows(store, "SELECT name FROM units")) == sorted(names)
    assert rows(store, "SELECT count(*) FROM work_units") == [(sum(1 + len(w.co) for w in tasklist.works),)]


def test_people_rows(store, tasklist):
    names = {p for w in tasklist.works for p in (w.leader, w.liaison) if p}
    assert len(names) == 41
    assert sorted(r[0] for r in rows(store, "SELECT name FROM people")) == sorted(names)
    assert rows(store, """SELECT wp.work_id, p.name, wp.role FROM work_people wp JOIN people p ON p.id = wp.person_id
                          WHERE wp.work_id IN ('W01', 'W02', 'W03', 'W27', 'W28') ORDER BY wp.work_id, wp.role""") == [
        ("W01", "陈宋淼", "leader"), ("W01", "林良卡", "liaison"),
        ("W02", "杨宏辉", "leader"),  # the liaison cell is blank
        ("W03", "王旭勇", "liaison"),  # the leader cell is blank; W27 has neither
        ("W28", "杨建斌", "liaison"),
    ]
    # 杨光飞 leads three works of pillar 三
    assert rows(store, """SELECT wp.work_id FROM work_people wp JOIN people p ON p.id = wp.person_id
                          WHERE p.name = '杨光飞' ORDER BY wp.work_id""") == [("W12",), ("W13",), ("W14",)]


def test_first_round_with_a_state_per_item(store):
    assert rows(store, "SELECT * FROM rounds") == [(1, "第1轮", None, None, PINNED_NOW, None, TEST_USER)]
    assert rows(store, "SELECT value FROM meta WHERE key = 'current_round'") == [("1",)]
    assert rows(store, "SELECT count(*), count(DISTINCT item_id) FROM item_state WHERE round_id = 1") == [(317, 317)]
    assert rows(store, "SELECT count(*) FROM items WHERE id NOT IN (SELECT item_id FROM item_state)") == [(0,)]
    assert Database(store)["item_state"].get((1, "W05-M10")) == {
        "round_id": 1, "item_id": "W05-M10", "status": "not_started", "progress": 0, "note": "",
        "evidence": "", "value": "", "light": None, "light_reason": "", "comment": "", "closed_out": 0,
        "closed_at": None, "closed_by": None, "updated_by": None, "updated_at": None, "version": 0,
    }


def test_document_indicators_and_first_audit_row(store, tasklist):
    meta = dict(rows(store, "SELECT key, value FROM meta"))
    assert json.loads(meta["document"]) == tasklist.document
    assert (meta["tasklist_source"], meta["loaded_at"]) == ("bundled", PINNED_NOW)
    assert rows(store, "SELECT id, year FROM indicators ORDER BY sort")[:2] == [("G01", "2023"), ("G02", "2023")]
    assert rows(store, "SELECT count(*) FROM indicators") == [(8,)]
    ((at, user, action, new),) = rows(store, "SELECT at, user, action, new FROM audit")
    assert (at, user, action) == (PINNED_NOW, TEST_USER, "load")
    assert json.loads(new)["added"] == {"pillars": 5, "indicators": 8, "works": 32, "items": 317}


# --- schema -------------------------------------------------------------------------

def test_schema_version_migrations_and_wal(store):
    from supervise_tui.domain.migrations import STEPS

    assert store.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == len(STEPS)
    assert rows(store, "SELECT migration_set, name FROM _sqlite_migrations ORDER BY id") == [
        ("supervise_tui", step.__name__) for step in STEPS]
    assert [step.__name__ for step in STEPS][:4] == [
        "m001_initial", "m002_work_people_keys_first", "m003_exchange", "m004_goals"]
    assert store.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert TABLES <= set(Database(store).table_names())


def test_migrates_an_empty_database_file(tmp_path):
    path = tmp_path / "empty.db"
    path.write_bytes(b"")
    conn = connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert TABLES <= set(Database(conn).table_names())
    assert rows(conn, "SELECT count(*) FROM items") == [(0,)]
    conn.close()
    # opening it again applies nothing twice
    conn = connect(path)
    assert rows(conn, "SELECT count(*) FROM _sqlite_migrations") == [(SCHEMA_VERSION,)]
    conn.close()


def test_creates_missing_directories(tmp_path):
    conn = connect(tmp_path / "a" / "b" / "new.db")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


def make_future_db(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE precious (x)")
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()


def test_newer_database_is_refused(tmp_path):
    path = tmp_path / "future.db"
    make_future_db(path)
    before = path.read_bytes()
    with pytest.raises(StoreError) as info:
        connect(path)
    message = str(info.value)
    assert str(path) in message and "99" in message and "newer" in message
    assert path.read_bytes() == before  # not even switched to WAL
    assert not (tmp_path / "future.db-wal").exists()


@pytest.mark.usefixtures("english")
def test_another_programs_database_is_refused(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a supervise-tui database .*invoices"):
        connect(path)
    assert path.read_bytes() == before


def test_transaction_keeps_the_error_that_ended_it(store):
    from supervise_tui.domain.db import transaction

    with pytest.raises(RuntimeError, match="the error that matters"):
        with transaction(store):
            store.execute("ROLLBACK")  # as SQLite does itself on a full disk or an I/O error
            raise RuntimeError("the error that matters")
    assert not store.in_transaction


@pytest.mark.usefixtures("english")
def test_newer_database_cli_exits_1_with_one_line(isolated_locations, run_cli):
    make_future_db(isolated_locations)
    for argv in (["load"], ["list"], ["units"]):
        result = run_cli(*argv)
        assert result.code == 1
        lines = result.err.splitlines()
        assert len(lines) == 1 and "Traceback" not in result.err
        assert "schema version 99 is newer" in lines[0]


def test_file_that_is_not_a_database(isolated_locations, run_cli):
    isolated_locations.write_bytes(b"this is not sqlite" * 100)
    result = run_cli("list")
    assert result.code == 1
    (line,) = result.err.splitlines()
    assert str(isolated_locations) in line and "not a database" in line


def test_audit_is_append_only(store):
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.execute("UPDATE audit SET user = 'someone else'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.execute("DELETE FROM audit")
    assert rows(store, "SELECT user FROM audit") == [(TEST_USER,)]


# --- reloading ----------------------------------------------------------------------

def test_reload_is_idempotent(store, tasklist):
    before = full_dump(store)
    report = load(store, tasklist, user="someone else", source="bundled")
    assert full_dump(store) == before
    assert report.as_dict() == {
        "added": {"pillars": 0, "indicators": 0, "works": 0, "items": 0},
        "changed": {"pillars": 0, "indicators": 0, "works": 0, "items": 0},
        "retired": {"pillars": 0, "indicators": 0, "works": 0, "items": 0},
        "unchanged": {"pillars": 5, "indicators": 8, "works": 32, "items": 317},
        "round_created": None,
        "document_changed": False,
    }
    assert not report.touched


def test_item_text_is_stored_as_text_byte_for_byte(store, tasklist):
    """The text is bound as its UTF-8 bytes and cast back to text: the same bytes, typed as text."""
    stored = {row[0]: row[1:] for row in rows(store, "SELECT id, typeof(text), hex(text) FROM items")}
    assert stored == {item.id: ("text", item.text.encode().hex().upper()) for item in tasklist.items}


def test_a_reload_that_moves_works_moves_their_items_only(store, tasklist):
    """Items in a new place are unchanged (the order is no change to report) but take their new place."""
    moved = dataclasses.replace(tasklist, works=tasklist.works[1:] + tasklist.works[:1])
    report = load(store, moved, user=TEST_USER, source="moved.yaml")
    assert report.changed["items"] == report.added["items"] == report.retired["items"] == 0
    assert report.unchanged["items"] == 317
    assert [r[0] for r in rows(store, "SELECT id FROM items ORDER BY pos")] == [i.id for i in moved.items]


def test_a_reload_compares_the_rows_a_batch_at_a_time(store, tasklist, monkeypatch):
    """Rows are looked up in the store in batches: a change, a removal and the rest unchanged, across many."""
    from supervise_tui.domain import sync

    monkeypatch.setattr(sync, "LOOKUP_BATCH", 7)
    before = full_dump(store)
    assert load(store, tasklist, user=TEST_USER, source="bundled").unchanged["items"] == 317
    assert full_dump(store) == before
    edited = edit_item(edit_item(tasklist, "W05-M03", lambda i: dataclasses.replace(i, text=i.text + "(修订)")),
                       "W30-M02", lambda i: None)
    report = load(store, edited, user=TEST_USER, source="edited.yaml")
    assert (report.changed["items"], report.retired["items"], report.unchanged["items"]) == (1, 1, 315)
    assert rows(store, "SELECT id FROM items WHERE retired = 1") == [("W30-M02",)]


def test_reload_after_editing_one_measure(store, tasklist):
    edited = edit_item(tasklist, "W05-M03", lambda i: dataclasses.replace(i, text=i.text + "(修订)"))
    actor = Actor(TEST_USER)
    apply_changes(store, actor, 1, "W05-M03", {"status": "in_progress", "progress": 40, "note": "已走访"})
    apply_changes(store, actor, 1, "W01-M01", {"status": "done", "progress": 100})
    states = rows(store, "SELECT * FROM item_state ORDER BY item_id")

    report = load(store, edited, user=TEST_USER, source="edited.yaml")

    assert report.changed == {"pillars": 0, "indicators": 0, "works": 0, "items": 1}
    assert report.added["items"] == report.retired["items"] == 0
    assert report.unchanged["items"] == 316
    assert rows(store, "SELECT text FROM items WHERE id = 'W05-M03'")[0][0].endswith("(修订)")
    assert rows(store, "SELECT * FROM item_state ORDER BY item_id") == states  # round data kept
    assert rows(store, "SELECT count(*) FROM rounds") == [(1,)]
    last = rows(store, "SELECT action, user, new FROM audit ORDER BY id DESC LIMIT 1")[0]
    assert last[:2] == ("load", TEST_USER)
    assert json.loads(last[2])["changed"]["items"] == 1 and json.loads(last[2])["source"] == "edited.yaml"
    # the search index follows the new text
    found = queries.page_items(store, 1, queries.Scope(search="(修订)"))
    assert [r["id"] for r in found] == ["W05-M03"]


def test_removed_measure_is_retired_not_deleted(store, tasklist, run_cli):
    apply_changes(store, Actor(TEST_USER), 1, "W24-M12", {"note": "进行中"})
    shorter = edit_item(tasklist, "W24-M12", lambda i: None)

    report = load(store, shorter, user=TEST_USER)

    assert report.retired == {"pillars": 0, "indicators": 0, "works": 0, "items": 1}
    assert report.added["items"] == report.changed["items"] == 0
    assert rows(store, "SELECT retired, retired_at, text FROM items WHERE id = 'W24-M12'") == [
        (1, PINNED_NOW, tasklist_item(tasklist, "W24-M12").text)]
    assert rows(store, "SELECT note FROM item_state WHERE item_id = 'W24-M12'") == [("进行中",)]
    listed = [r["id"] for r in queries.page_items(store, 1)]
    assert "W24-M12" not in listed and len(listed) == 316
    assert queries.count_items(store, 1) == 316
    assert queries.count_items(store, 1, queries.Scope(include_retired=True)) == 317
    # the items after it keep their place in order
    assert listed.index("W24-M13") == listed.index("W24-M11") + 1
    cli_ids = [r["id"] for r in json.loads(run_cli("list", "--unit", "市公安", "--format", "json").out)]
    assert "W24-M11" in cli_ids and "W24-M12" not in cli_ids
    assert "已从任务清单移除" in run_cli("show", "W24-M12").out  # still there to look at

    report = load(store, tasklist, user=TEST_USER)  # put back: un-retired, state intact
    assert report.retired["items"] == 0 and report.changed["items"] == 1
    assert rows(store, "SELECT retired, retired_at FROM items WHERE id = 'W24-M12'") == [(0, None)]
    assert rows(store, "SELECT note FROM item_state WHERE item_id = 'W24-M12'") == [("进行中",)]
    assert "W24-M12" in [r["id"] for r in queries.page_items(store, 1)]


def tasklist_item(tasklist: TaskList, item_id: str):
    return next(i for i in tasklist.items if i.id == item_id)


def test_changing_a_lead_unit_is_a_change(store, tasklist):
    work = next(w for w in tasklist.works if w.id == "W01")
    moved = dataclasses.replace(tasklist, works=tuple(
        dataclasses.replace(w, lead="市财政局") if w is work else w for w in tasklist.works))
    report = load(store, moved, user=TEST_USER)
    assert (report.changed["works"], report.unchanged["works"], report.changed["items"]) == (1, 31, 0)
    assert rows(store, """SELECT u.name, wu.role FROM work_units wu JOIN units u ON u.id = wu.unit_id
                          WHERE wu.work_id = 'W01'""") == [("市财政局", "lead")]
    assert json.loads(rows(store, "SELECT new FROM audit ORDER BY id DESC LIMIT 1")[0][0])["changed"]["works"] == 1
    # and changing it back is a change again, the reload after that none
    assert load(store, tasklist, user=TEST_USER).changed["works"] == 1
    assert not load(store, tasklist, user=TEST_USER).touched


def test_a_new_alias_merges_the_unit_on_reload(isolated_locations, tasklist):
    conn = connect(isolated_locations)
    load(conn, dataclasses.replace(tasklist, aliases={}), user=TEST_USER)
    assert rows(conn, "SELECT count(*) FROM units WHERE name IN ('市公安', '市公安局')") == [(2,)]

    report = load(conn, tasklist, user=TEST_USER)  # now with 市公安 → 市公安局

    assert report.changed["works"] == 1  # W24, the work that wrote 市公安
    assert rows(conn, "SELECT name FROM units WHERE name LIKE '%公安%'") == [("市公安局",)]
    police = queries.resolve_unit(conn, "市公安")
    assert police == unit_id(conn, "市公安局")
    assert {r["work_id"] for r in queries.page_items(conn, 1, queries.Scope(unit=police))} == {
        "W13", "W17", "W24", "W31"}
    conn.close()


def test_a_document_change_alone_is_saved_and_audited(store, tasklist):
    revoked = dataclasses.replace(tasklist, document={**tasklist.document, "validity": "失效"})
    report = load(store, revoked, user=TEST_USER, source="revoked.yaml")
    assert report.document_changed and report.touched
    assert json.loads(rows(store, "SELECT value FROM meta WHERE key = 'document'")[0][0])["validity"] == "失效"
    assert rows(store, "SELECT action FROM audit ORDER BY id") == [("load",), ("load",)]


def test_load_is_one_transaction(store, tasklist, monkeypatch):
    from supervise_tui.domain import sync

    before = full_dump(store)
    edited = edit_item(tasklist, "W05-M03", lambda i: dataclasses.replace(i, text="改过"))

    def broken(*args):
        raise RuntimeError("disk pulled out")

    monkeypatch.setattr(sync, "_links", broken)
    with pytest.raises(RuntimeError):
        load(store, edited, user=TEST_USER)
    assert not store.in_transaction
    assert full_dump(store) == before


def test_reload_through_the_cli_reports_unchanged(isolated_locations, run_cli):
    first = run_cli("--lang", "en", "load")
    assert first.code == 0, first.err
    assert "items: added 317, changed 0, retired 0, unchanged 0" in first.out
    assert "created reporting round 第1轮" in first.out
    second = run_cli("--lang", "en", "load", "--format", "json")
    assert second.code == 0
    report = json.loads(second.out)
    assert report["unchanged"]["items"] == 317 and report["round_created"] is None
    assert not any(report["added"].values()) and not any(report["changed"].values())


def test_reload_of_an_edited_yaml_file_through_the_cli(store, isolated_locations, tmp_path, bundled_yaml, run_cli):
    text = bundled_yaml.decode("utf-8")
    old = "text: 加大力度淘汰落后产能,鼓励企业进行节能技术改造,为高质量发展腾出用能空间。"
    assert text.count(old) == 1
    path = tmp_path / "edited.yaml"
    path.write_text(text.replace(old, old[:-1] + "(改)。"), encoding="utf-8")
    store.close()
    result = run_cli("load", str(path), "--format", "json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["changed"]["items"] == 1
    conn = sqlite3.connect(isolated_locations)
    assert conn.execute("SELECT text FROM items WHERE id = 'W04-M04'").fetchone()[0].endswith("(改)。")
    conn.close()


# --- edits ------------------------------------------------------------------------------

def test_apply_changes_writes_state_and_audit(store):
    done = apply_changes(store, Actor("林良卡", role="liaison", unit_id=unit_id(store, "市税务局")), 1, "W01-M01",
                         {"status": "in_progress", "progress": 40, "note": "已开展"})
    assert [(c.field, c.old, c.new) for c in done] == [
        ("status", "not_started", "in_progress"), ("progress", 0, 40), ("note", "", "已开展")]
    state = Database(store)["item_state"].get((1, "W01-M01"))
    assert {k: state[k] for k in ("status", "progress", "note", "updated_by", "updated_at", "version")} == {
        "status": "in_progress", "progress": 40, "note": "已开展", "updated_by": "林良卡",
        "updated_at": PINNED_NOW, "version": 1}
    assert rows(store, "SELECT at, user, round_id, item_id, action, field, old, new FROM audit "
                       "WHERE action = 'edit' ORDER BY id") == [
        (PINNED_NOW, "林良卡", 1, "W01-M01", "edit", "status", "not_started", "in_progress"),
        (PINNED_NOW, "林良卡", 1, "W01-M01", "edit", "progress", "0", "40"),
        (PINNED_NOW, "林良卡", 1, "W01-M01", "edit", "note", "", "已开展"),
    ]
    # the same values again change nothing and log nothing
    assert apply_changes(store, Actor("林良卡"), 1, "W01-M01", {"progress": 40}) == []
    assert rows(store, "SELECT count(*) FROM audit WHERE action = 'edit'") == [(3,)]


def test_conflict_when_shown_value_is_stale(store):
    apply_changes(store, Actor("甲"), 1, "W02-M01", {"progress": 30})
    before = full_dump(store)
    with pytest.raises(Conflict) as info:
        apply_changes(store, Actor("乙"), 1, "W02-M01", {"progress": 50}, shown={"progress": 0})
    assert (info.value.shown, info.value.current) == (0, 30)
    assert full_dump(store) == before
    # with what is really stored, the edit goes through
    assert apply_changes(store, Actor("乙"), 1, "W02-M01", {"progress": 50}, shown={"progress": 30})


@pytest.mark.usefixtures("english")
def test_liaison_refused_on_another_units_item(store):
    tax = Actor("林良卡", role="liaison", unit_id=unit_id(store, "市税务局"))
    before = full_dump(store)
    with pytest.raises(EditRefused, match="does not belong to your unit"):
        apply_changes(store, tax, 1, "W03-M01", {"progress": 10})  # 市自然资源和规划局 leads, tax is not in it
    with pytest.raises(EditRefused, match="may not change light"):
        apply_changes(store, tax, 1, "W01-M01", {"light": "green"})
    assert full_dump(store) == before
    # a co-unit's liaison may report on the work: 市税务局 is a co-unit of W17
    assert apply_changes(store, tax, 1, "W17-M06", {"progress": 10})


def test_edit_rejects_bad_values(store):
    for changes in ({"status": "finished"}, {"progress": 101}, {"progress": "50"}, {"light": "blue"}):
        with pytest.raises(EditRefused):
            apply_changes(store, Actor("甲"), 1, "W01-M01", changes)
    assert rows(store, "SELECT count(*) FROM audit WHERE action = 'edit'") == [(0,)]


def test_a_store_holds_no_items_until_a_task_list_is_loaded(isolated_locations, tasklist):
    from supervise_tui.domain.db import holds_no_items

    conn = connect(isolated_locations)
    assert holds_no_items(conn)  # the schema alone: the first run loads the bundled list
    load(conn, tasklist, user=TEST_USER, source="bundled")
    assert not holds_no_items(conn)
    conn.execute("UPDATE items SET retired = 1")  # retired items are kept: the store is not new
    assert not holds_no_items(conn)
    conn.close()


def test_an_sqlite_older_than_the_stores_sql_needs_is_refused_in_one_line(isolated_locations, run_cli, monkeypatch):
    """Python uses the system's SQLite on Linux: one too old for the store's SQL (MATERIALIZED, DROP COLUMN)
    is named, with what to do, before any file is made, instead of a syntax error at the first query."""
    monkeypatch.setattr(sqlite3, "sqlite_version_info", (3, 31, 1))
    monkeypatch.setattr(sqlite3, "sqlite_version", "3.31.1")
    with pytest.raises(StoreError) as info:
        connect(isolated_locations)
    assert str(info.value) == ("本机 Python 所用的 SQLite 是 3.31.1 版,本程序需要 3.35.0 或更新版本;"
                               "请用离线安装包重新安装(它带有自己的 SQLite:sqlean.py),或换用带较新 SQLite 的 Python")
    for argv in (["load"], ["list"]):
        result = run_cli("--lang", "en", *argv)
        assert (result.code, result.out) == (1, "")
        assert result.err == ("supervise-tui: this Python's SQLite is version 3.31.1; supervise-tui needs 3.35.0 or "
                              "newer: reinstall from the offline bundle (it brings its own SQLite, sqlean.py), or use "
                              "a Python with a newer SQLite\n")
    assert not isolated_locations.exists()
