"""Importing returns into the inspector's store: exact rows after a scripted exchange, the three conflict
scenarios, the review's decisions, and what the next package tells the liaison."""

from __future__ import annotations

import json
import sqlite3

import pytest

from supervise_tui.domain.edits import apply_changes, close_out
from supervise_tui.domain.exchange.importing import import_files
from supervise_tui.domain.exchange.liaison import open_package
from supervise_tui.domain.exchange.review import accept_clean, edit_value, keep_ours, open_rows, take_theirs
from supervise_tui.domain.exchange.status import unit_status
from supervise_tui.domain.exchange.storekind import actor_for
from supervise_tui.errors import EditRefused
from supervise_tui.i18n import t
from tests.exchange_kit import INSPECTOR, LIAISON, UNIT, enrolled, issue_to, liaison_store, load_json, write

T1, T2, T3 = "2024-03-16T09:00:00+08:00", "2024-03-17T09:00:00+08:00", "2024-03-18T09:00:00+08:00"


def rows(conn: sqlite3.Connection, sql: str, *args) -> list[tuple]:
    return [tuple(r) for r in conn.execute(sql, args)]


@pytest.fixture
def exchange(store, tmp_path, monkeypatch):
    """An inspector's store with 市税务局 enrolled and a liaison store opened from its first package."""
    enrolled(store)
    mine = liaison_store(tmp_path / "liaison.db", issue_to(store, tmp_path / "p1"))

    class Exchange:
        inspector = store
        liaison = mine
        me = actor_for(mine, LIAISON, None, None)
        folder = tmp_path / "returns"

        def at(self, stamp: str) -> None:
            monkeypatch.setenv("SUPERVISE_TUI_NOW", stamp)

        def edit(self, item: str, **changes) -> None:
            apply_changes(mine, self.me, 1, item, changes)

        def ours(self, item: str, **changes) -> None:
            apply_changes(store, INSPECTOR, 1, item, changes)

        def send(self):
            return write(mine, self.folder)

        def take(self, *paths, accept: str = "non-conflicting"):
            return list(import_files(store, INSPECTOR, list(paths) or [self.folder], accept=accept))

    return Exchange()


def state(conn: sqlite3.Connection, item: str, *fields: str) -> tuple:
    return tuple(conn.execute(f"SELECT {', '.join(fields)} FROM item_state WHERE round_id = 1 AND item_id = ?",
                              (item,)).fetchone())


def test_a_scripted_exchange_leaves_exactly_these_rows(exchange):
    x = exchange
    x.at(T1)
    x.edit("W01-M01", status="in_progress", progress=30)
    x.edit("W01-M02", note="已对接 12 家银行")
    x.at(T2)
    path = x.send()
    x.at(T3)
    (received,) = x.take()
    assert (received.unit, received.seq, received.round, received.counts) == (UNIT, 1, "第1轮", {"accepted": 3})
    store = x.inspector
    assert state(store, "W01-M01", "status", "progress", "updated_by", "updated_at", "version") == (
        "in_progress", 30, LIAISON, T3, 1)
    assert state(store, "W01-M02", "note", "updated_by", "version") == ("已对接 12 家银行", LIAISON, 1)
    rid = load_json(path)["return"]
    assert rows(store, "SELECT at, user, round_id, item_id, action, field, old, new, source, accepted_by FROM audit "
                       "WHERE item_id IS NOT NULL ORDER BY id") == [
        (T3, LIAISON, 1, "W01-M01", "import", "status", "not_started", "in_progress", rid, "督查员"),
        (T3, LIAISON, 1, "W01-M01", "import", "progress", "0", "30", rid, "督查员"),
        (T3, LIAISON, 1, "W01-M02", "import", "note", "", "已对接 12 家银行", rid, "督查员")]
    assert rows(store, "SELECT user, action, field, new, source FROM audit WHERE action = 'exchange_import'") == [
        ("督查员", "exchange_import", "return", f"{rid} {UNIT} #1 {path.name}", rid)]
    assert rows(store, "SELECT id, unit, seq, generation, round_id, items, written_at, written_by, file_name, "
                       "imported_at, imported_by FROM exchange_returns") == [
        (rid, UNIT, 1, 1, 1, 2, T2, LIAISON, path.name, T3, "督查员")]
    assert rows(store, "SELECT item_id, field, base_version, base, theirs, author, outcome, decided_at, decided_by "
                       "FROM exchange_changes ORDER BY item_id, field") == [
        ("W01-M01", "progress", 0, 0, 30, LIAISON, "accepted", T3, "督查员"),
        ("W01-M01", "status", 0, "not_started", "in_progress", LIAISON, "accepted", T3, "督查员"),
        ("W01-M02", "note", 0, "", "已对接 12 家银行", LIAISON, "accepted", T3, "督查员")]
    audit = json.loads(store.execute("SELECT audit FROM exchange_returns").fetchone()[0])
    assert audit["W01-M02"] == [{"at": T1, "user": LIAISON, "field": "note", "old": "", "new": "已对接 12 家银行"}]
    assert [r["field"] for r in audit["W01-M01"]] == ["status", "progress"]
    assert unit_status(store, 1)[0] | {"enrolled": None, "package_at": None} == {
        "unit": UNIT, "enrolled": None, "key": 1, "package_at": None, "package": "package-r1-第1轮-市税务局.json",
        "returns": 1, "last_seq": 1, "last_at": T3, "items": 2, "open": 0, "conflicts": 0, "returned": True}


def test_the_next_package_no_longer_carries_the_key_and_the_liaison_takes_the_inspectors_values(exchange, tmp_path):
    x = exchange
    x.edit("W01-M01", note="联络员写")
    x.send()
    x.take()
    x.ours("W01-M01", note="督查改定")  # the inspector's word after reading it
    package = issue_to(x.inspector, tmp_path / "p2")
    obj = load_json(package)
    assert obj["key"]["secret"] is None and obj["returns_seen"] == 1
    opened = open_package(x.liaison, package, user=LIAISON)
    assert opened.kept == []
    assert state(x.liaison, "W01-M01", "note") == ("督查改定",)
    assert x.send().name.endswith("-0002.json")  # numbered on; nothing changed since the new base
    assert load_json(x.folder / "return-r1-第1轮-市税务局-0002.json")["items"] == []


# --------------------------------------------------------------------------- the three conflict scenarios


def test_the_inspector_and_the_liaison_change_the_same_field(exchange):
    x = exchange
    x.edit("W01-M01", note="联络员的说法")
    x.ours("W01-M01", note="督查的说法")
    x.send()
    (received,) = x.take()
    assert received.counts == {"open": 1}
    assert state(x.inspector, "W01-M01", "note") == ("督查的说法",)
    (row,) = open_rows(x.inspector)
    assert (row.item_id, row.field, row.base, row.theirs, row.ours, row.state, row.author) == (
        "W01-M01", "note", "", "联络员的说法", "督查的说法", "conflict", LIAISON)
    assert unit_status(x.inspector, 1)[0]["conflicts"] == 1
    take_theirs(x.inspector, INSPECTOR, row.return_id, "W01-M01", "note")
    assert state(x.inspector, "W01-M01", "note", "updated_by") == ("联络员的说法", LIAISON)
    assert open_rows(x.inspector) == []


def test_different_fields_of_one_item_are_no_conflict(exchange):
    x = exchange
    x.edit("W01-M01", note="联络员补充")
    x.ours("W01-M01", comment="请加快", status="behind")
    x.send()
    (received,) = x.take()
    assert received.counts == {"accepted": 1}
    assert state(x.inspector, "W01-M01", "note", "comment", "status", "updated_by") == (
        "联络员补充", "请加快", "behind", LIAISON)


def test_the_liaison_returns_twice_before_the_inspector_imports(exchange):
    x = exchange
    x.edit("W01-M01", note="第一次")
    x.edit("W01-M02", note="只在第一次")
    first = x.send()
    x.edit("W01-M01", note="第二次")
    x.edit("W01-M02", note="")  # taken back before the second return
    x.edit("W01-M03", status="in_progress", progress=10)
    second = x.send()
    # in order: the second builds on the first without a conflict, and says the last word
    one, two = x.take(first), x.take(second)
    assert one[0].counts == {"accepted": 2}
    assert two[0].counts == {"accepted": 4}  # W01-M02 taken back travels too, as its base value
    assert [state(x.inspector, i, "note") for i in ("W01-M01", "W01-M02")] == [("第二次",), ("",)]
    assert state(x.inspector, "W01-M03", "status", "progress") == ("in_progress", 10)


def test_returns_imported_out_of_order_have_the_older_ones_fields_reported_not_applied(exchange):
    x = exchange
    x.edit("W01-M01", note="第一次")
    x.edit("W01-M02", note="只在第一次")
    first = x.send()
    x.edit("W01-M01", note="第二次")
    x.edit("W01-M02", note="")
    second = x.send()
    (two,) = x.take(second)
    (one,) = x.take(first)
    assert two.counts == {"accepted": 1, "same": 1}  # W01-M02 taken back: the inspector has its base already
    assert (one.superseded_by, one.counts) == (2, {"superseded": 2})
    assert [state(x.inspector, i, "note") for i in ("W01-M01", "W01-M02")] == [("第二次",), ("",)]
    assert rows(x.inspector, "SELECT outcome, count(*) FROM exchange_changes c JOIN exchange_returns r "
                             "ON r.id = c.return_id WHERE r.seq = 1 GROUP BY outcome") == [("superseded", 2)]


def test_a_conflict_left_open_is_answered_by_the_next_return(exchange):
    x = exchange
    x.edit("W01-M01", note="联络员的")
    x.ours("W01-M01", note="督查的")
    x.send()
    x.take()
    x.edit("W01-M01", note="联络员改口")
    again, received = x.take(x.send().parent)  # the folder: the first file again, and the second
    assert again.already is not None and received.counts == {"open": 1}
    assert rows(x.inspector, "SELECT r.seq, c.outcome FROM exchange_changes c JOIN exchange_returns r "
                             "ON r.id = c.return_id ORDER BY r.seq") == [(1, "superseded"), (2, "open")]


# --------------------------------------------------------------------------- the review


def test_accept_all_non_conflicting_at_once_then_keep_ours_and_edit(exchange):
    x = exchange
    x.edit("W01-M01", note="冲突")
    x.edit("W01-M02", note="不冲突")
    x.edit("W01-M03", status="in_progress", progress=40)
    x.edit("W01-M04", status="in_progress", progress=10)
    x.ours("W01-M01", note="督查")
    x.ours("W01-M03", progress=20)  # status follows to 推进中: theirs already, but progress is in conflict
    x.ours("W01-M04", status="blocked")  # progress and status travel together: both held back
    x.send()
    (received,) = x.take(accept="none")
    assert received.counts == {"open": 5, "same": 1}
    got = [(r.item_id, r.field, r.state) for r in open_rows(x.inspector)]
    assert got == [("W01-M01", "note", "conflict"), ("W01-M02", "note", "clean"), ("W01-M03", "progress", "conflict"),
                   ("W01-M04", "status", "conflict"), ("W01-M04", "progress", "conflict")]
    decided = accept_clean(x.inspector, INSPECTOR)
    assert (decided.accepted, decided.same, decided.refused) == (1, 0, {})
    assert state(x.inspector, "W01-M02", "note") == ("不冲突",)
    rid = open_rows(x.inspector)[0].return_id
    keep_ours(x.inspector, INSPECTOR, rid, "W01-M01", "note")
    assert state(x.inspector, "W01-M01", "note") == ("督查",)
    edit_value(x.inspector, INSPECTOR, rid, "W01-M03", "progress", 35)
    assert state(x.inspector, "W01-M03", "status", "progress", "updated_by") == ("in_progress", 35, "督查员")
    take_theirs(x.inspector, INSPECTOR, rid, "W01-M04", "progress")  # with its status
    assert state(x.inspector, "W01-M04", "status", "progress", "updated_by") == ("in_progress", 10, LIAISON)
    assert open_rows(x.inspector) == []
    assert rows(x.inspector, "SELECT item_id, field, outcome, decided_by FROM exchange_changes ORDER BY item_id, "
                             "field") == [
        ("W01-M01", "note", "kept", "督查员"), ("W01-M02", "note", "accepted", "督查员"),
        ("W01-M03", "progress", "edited", "督查员"), ("W01-M03", "status", "same", "督查员"),
        ("W01-M04", "progress", "accepted", "督查员"), ("W01-M04", "status", "accepted", "督查员")]
    assert rows(x.inspector, "SELECT user, action, field, new, accepted_by FROM audit WHERE item_id = 'W01-M03' "
                             "AND action LIKE 'import%'") == [("督查员", "import_edit", "progress", "35", "督查员")]
    with pytest.raises(EditRefused) as info:
        keep_ours(x.inspector, INSPECTOR, rid, "W01-M01", "note")
    assert info.value.key == "error.exchange.decided"


def test_the_edit_rules_hold_for_imports_too(exchange):
    x = exchange
    x.edit("W01-M01", note="联络员写")
    x.edit("W01-M02", status="in_progress", progress=50)
    apply_changes(x.inspector, INSPECTOR, 1, "W01-M01", {"status": "done", "progress": 100})
    close_out(x.inspector, INSPECTOR, 1, "W01-M01")  # closed out meanwhile: only an inspector changes it now
    x.send()
    (received,) = x.take()
    assert received.counts == {"refused": 1, "accepted": 2}
    assert received.refused == {"W01-M01": t("error.closed_out_locked", id="W01-M01")}
    assert state(x.inspector, "W01-M01", "note") == ("",)
    assert rows(x.inspector, "SELECT item_id, outcome, reason IS NOT NULL FROM exchange_changes "
                             "WHERE item_id = 'W01-M01'") == [("W01-M01", "refused", 1)]


def test_the_bulletin_lists_the_changes_accepted_from_returns_with_their_author(exchange):
    import io
    import json

    from supervise_tui.domain.bulletin import Table, build_bulletin, parts
    from supervise_tui.domain.export import write_bulletin

    x = exchange
    with build_bulletin(x.inspector, 1) as b:  # no exchange in this round yet: no section
        assert b.imported == [] and t("bulletin.imported", count=0) not in [getattr(p, "text", "") for p in parts(b)]
    x.edit("W01-M01", note="联络员写")
    x.edit("W01-M02", note="冲突的")
    x.ours("W01-M02", note="督查的")
    x.send()
    x.at(T3)
    x.take()
    with build_bulletin(x.inspector, 1) as b:
        assert b.imported == [
            {"id": "W01-M01", "text": b.imported[0]["text"], "field": "note", "old": "", "new": "联络员写",
             "author": LIAISON, "unit": UNIT, "seq": 1, "accepted_by": "督查员", "accepted_at": T3}]
        shown = list(parts(b))
        at = [getattr(p, "text", "") for p in shown].index(t("bulletin.imported", count=1))
        table = shown[at + 1]
        assert isinstance(table, Table) and list(table.rows()) == [
            ("W01-M01", "备注", "", "联络员写", LIAISON, f"{UNIT} #1", "督查员")]
        out = io.BytesIO()
        write_bulletin(b, "json", out)
    assert [r["author"] for r in json.loads(out.getvalue())["imported"]] == [LIAISON]
