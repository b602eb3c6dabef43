"""Keys, round packages and the liaison's store: enrol and rotate, issue, open (and refuse), write returns."""

from __future__ import annotations

import json
import sqlite3

import pytest

from supervise_tui.domain.db import connect, get_meta
from supervise_tui.domain.edits import Actor, apply_changes
from supervise_tui.domain.exchange import fileformat as ff
from supervise_tui.domain.exchange.keys import enrol
from supervise_tui.domain.exchange.liaison import open_package, write_return
from supervise_tui.domain.exchange.package import issue, issue_all
from supervise_tui.domain.exchange.storekind import actor_for
from supervise_tui.domain.rounds import close_round, create_round
from supervise_tui.errors import EditRefused, ExchangeRefused, StoreError
from tests.conftest import PINNED_NOW
from tests.exchange_kit import (
    INSPECTOR,
    LIAISON,
    OTHER,
    UNIT,
    dump,
    enrolled,
    issue_to,
    liaison_store,
    load_json,
    unit_key,
    write,
)

UNIT_ITEMS = 39  # 市税务局 leads W01 (19 items) and is a co-unit of W17 and W20


def rows(conn: sqlite3.Connection, sql: str, *args) -> list[tuple]:
    return [tuple(r) for r in conn.execute(sql, args)]


def unit_item_ids(conn: sqlite3.Connection, unit: str = UNIT) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT i.id FROM items i JOIN work_units wu ON wu.work_id = i.work_id JOIN units u ON u.id = wu.unit_id "
        "WHERE u.name = ? AND i.retired = 0 ORDER BY i.pos", (unit,))]


# --------------------------------------------------------------------------- keys


def test_enrol_gives_a_unit_a_key_once_and_rotate_replaces_it(store, monkeypatch):
    key = enrol(store, INSPECTOR, UNIT)
    assert (key.unit, key.generation, len(key.secret), key.created_at, key.retired_at) == (UNIT, 1, 32, PINNED_NOW,
                                                                                            None)
    with pytest.raises(EditRefused) as info:
        enrol(store, INSPECTOR, UNIT)
    assert info.value.key == "error.exchange.enrolled"
    monkeypatch.setenv("SUPERVISE_TUI_NOW", "2024-04-01T09:00:00+08:00")
    new = enrol(store, INSPECTOR, UNIT, rotate=True)
    assert new.generation == 2 and new.secret != key.secret
    assert rows(store, "SELECT unit, generation, created_at, created_by, retired_at FROM exchange_keys") == [
        (UNIT, 1, PINNED_NOW, "督查员", "2024-04-01T09:00:00+08:00"),
        (UNIT, 2, "2024-04-01T09:00:00+08:00", "督查员", None)]
    assert rows(store, "SELECT user, action, field, old, new FROM audit WHERE action LIKE 'exchange%' ORDER BY id") == [
        ("督查员", "exchange_enrol", "key", None, "市税务局 #1"),
        ("督查员", "exchange_rotate", "key", "市税务局 #1", "市税务局 #2")]
    audit_text = " ".join(str(v) for r in rows(store, "SELECT * FROM audit") for v in r)
    assert key.secret.hex() not in audit_text and new.secret.hex() not in audit_text


def test_a_unit_is_enrolled_by_its_alias_under_its_own_name(store):
    assert enrol(store, INSPECTOR, "市公安").unit == "市公安局"


def test_rotate_needs_an_enrolled_unit_and_only_an_inspector_enrols(store):
    with pytest.raises(EditRefused) as info:
        enrol(store, INSPECTOR, UNIT, rotate=True)
    assert info.value.key == "error.exchange.not_enrolled"
    with pytest.raises(EditRefused) as info:
        enrol(store, Actor("林良卡", "liaison", 1), UNIT)
    assert info.value.key == "error.inspector_only"
    assert rows(store, "SELECT count(*) FROM exchange_keys") == [(0,)]


# --------------------------------------------------------------------------- packages


def test_a_package_holds_the_units_works_items_state_round_and_key(store, tmp_path):
    enrolled(store)
    apply_changes(store, INSPECTOR, 1, "W01-M01", {"status": "in_progress", "progress": 40, "note": "已对接"})
    issued = issue(store, INSPECTOR, UNIT, tmp_path / "usb")
    assert issued.path == (tmp_path / "usb" / "package-r1-第1轮-市税务局.json").resolve()
    assert (issued.unit, issued.round.name, issued.items, issued.with_key) == (UNIT, "第1轮", UNIT_ITEMS, True)
    obj = load_json(issued.path)
    assert list(obj)[:3] == ["format", "version", "package"]
    assert (obj["format"], obj["version"]) == (ff.PACKAGE_FORMAT, 1)
    assert ff.verifies(unit_key(store), obj)
    assert obj["key"] == {"generation": 1, "since": PINNED_NOW, "secret": unit_key(store).hex()}
    assert (obj["unit"], obj["serial"], obj["returns_seen"], obj["issued_by"]) == (UNIT, 1, 0, "督查员")
    assert obj["round"] == {"id": 1, "name": "第1轮", "period": None, "due": None, "opened_at": PINNED_NOW,
                            "closed_at": None}
    assert [i["id"] for i in obj["items"]] == unit_item_ids(store)
    assert [(w["id"], w["lead"], UNIT in w["co"]) for w in obj["works"]] == [
        ("W01", UNIT, False), ("W17", "市商务局", True), ("W20", "市市场监管局", True)]
    item = next(i for i in obj["items"] if i["id"] == "W01-M01")
    assert item["state"] | {"updated_at": None} == {
        "status": "in_progress", "progress": 40, "note": "已对接", "evidence": "", "value": "", "light": None,
        "light_reason": "", "comment": "", "closed_out": False, "updated_by": "督查员", "updated_at": None,
        "version": 1}
    assert item["text"] == store.execute("SELECT text FROM items WHERE id = 'W01-M01'").fetchone()[0]
    assert obj["document"]["doc_number"] == "乐政办发〔2023〕43号" and len(obj["indicators"]) == 8
    assert rows(store, "SELECT id, unit, serial, generation, round_id, items, with_key, file_name, issued_by "
                       "FROM exchange_packages") == [
        (obj["package"], UNIT, 1, 1, 1, UNIT_ITEMS, 1, issued.path.name, "督查员")]
    assert rows(store, "SELECT action, round_id, field, new FROM audit WHERE action = 'exchange_issue'") == [
        ("exchange_issue", 1, "package", f"{obj['package']} {UNIT} {issued.path.name}")]


def test_issue_all_writes_one_package_per_enrolled_unit(store, tmp_path):
    enrolled(store, UNIT, OTHER)
    done = issue_all(store, INSPECTOR, tmp_path / "usb")
    assert sorted(p.path.name for p in done) == ["package-r1-第1轮-市税务局.json", "package-r1-第1轮-市财政局.json"]
    assert sorted(p.name for p in (tmp_path / "usb").iterdir()) == sorted(p.path.name for p in done)


def test_issue_refuses_a_unit_not_enrolled_and_a_closed_round_and_writes_nothing(store, tmp_path):
    tmp_path = tmp_path / "usb"
    with pytest.raises(EditRefused) as info:
        issue(store, INSPECTOR, UNIT, tmp_path)
    assert info.value.key == "error.exchange.not_enrolled"
    enrolled(store)
    close_round(store, INSPECTOR)
    before = dump(store)
    with pytest.raises(EditRefused) as info:
        issue(store, INSPECTOR, UNIT, tmp_path)
    assert info.value.key == "error.exchange.issue_closed"
    assert dump(store) == before and list(tmp_path.iterdir()) == []


def test_a_package_whose_file_cannot_be_read_back_is_not_recorded(store, tmp_path, monkeypatch):
    tmp_path = tmp_path / "usb"
    enrolled(store)
    before = dump(store)
    monkeypatch.setattr(ff, "_read_back", lambda path: b"{}")
    with pytest.raises(ExchangeRefused):
        issue(store, INSPECTOR, UNIT, tmp_path)
    assert dump(store) == before and list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- opening a package


def test_opening_a_package_makes_a_liaison_store_of_that_unit_only(store, tmp_path):
    enrolled(store)
    package = issue_to(store, tmp_path / "usb")
    mine = liaison_store(tmp_path / "liaison.db", package)
    assert (get_meta(mine, "store_kind"), get_meta(mine, "exchange_unit"), get_meta(mine, "current_round")) == (
        "liaison", UNIT, "1")
    assert [r[0] for r in mine.execute("SELECT id FROM items ORDER BY pos")] == unit_item_ids(store)
    assert rows(mine, "SELECT id FROM works ORDER BY sort") == [("W01",), ("W17",), ("W20",)]
    assert rows(mine, "SELECT id, name, closed_at FROM rounds") == [(1, "第1轮", None)]
    fields = "item_id, status, progress, note, evidence, value, light, comment, closed_out, version"
    assert rows(mine, f"SELECT {fields} FROM item_state ORDER BY item_id") == rows(
        store, f"SELECT {fields} FROM item_state WHERE item_id IN ({', '.join('?' * UNIT_ITEMS)}) ORDER BY item_id",
        *unit_item_ids(store))
    assert rows(mine, "SELECT count(*), min(package_id), min(version), max(version) FROM exchange_base") == [
        (UNIT_ITEMS, load_json(package)["package"], 0, 0)]
    assert bytes(mine.execute("SELECT secret FROM exchange_keys").fetchone()[0]) == unit_key(store)
    assert rows(mine, "SELECT action FROM audit ORDER BY id") == [("load",), ("exchange_open",)]
    # whoever works in it is the unit's liaison, whatever was asked for
    unit_id = mine.execute("SELECT id FROM units WHERE name = ?", (UNIT,)).fetchone()[0]
    assert actor_for(mine, "林良卡", None, None) == Actor("林良卡", "liaison", unit_id)
    for role, unit in (("inspector", None), (None, OTHER), ("liaison", "市经信局")):
        with pytest.raises(EditRefused) as info:
            actor_for(mine, "林良卡", role, unit)
        assert info.value.key == "error.exchange.store_fixed"


def test_opening_the_same_package_again_changes_nothing(store, tmp_path):
    enrolled(store)
    package = issue_to(store, tmp_path)
    mine = liaison_store(tmp_path / "liaison.db", package)
    before = dump(mine)
    again = open_package(mine, package, user=LIAISON)
    assert again.already == PINNED_NOW and dump(mine) == before


@pytest.mark.usefixtures("english")
def test_packages_that_must_not_be_opened_are_refused_and_change_nothing(store, tmp_path):
    enrolled(store, UNIT, OTHER)
    first = issue_to(store, tmp_path / "a")
    second = issue_to(store, tmp_path / "b")
    mine = liaison_store(tmp_path / "liaison.db", second)
    before = dump(mine)
    tampered = tmp_path / "tampered.json"
    tampered.write_bytes(second.read_bytes().replace("强化财税政策保障".encode(), "强化财税政策保護".encode()))
    cases = [
        (first, "older than the package already opened (issued 2024-03-15)"),
        (issue_to(store, tmp_path / "c", OTHER), f"this package is for {OTHER}; this store is {UNIT}'s"),
        (tampered, "the MAC does not verify: the file was changed after it was signed, or was not signed "
                   "with this unit's key"),
    ]
    for path, reason in cases:
        with pytest.raises(ExchangeRefused) as info:
            open_package(mine, path, user=LIAISON)
        assert str(info.value) == f"{path.name}: {reason}"
        assert dump(mine) == before


def test_a_package_that_does_not_carry_the_key_cannot_start_a_store(store, tmp_path, english):
    enrolled(store)
    package = issue_to(store, tmp_path)
    obj = load_json(package)
    obj["key"]["secret"] = None
    from tests.exchange_kit import resign

    resign(package, obj, unit_key(store))
    fresh = connect(tmp_path / "fresh.db")
    with pytest.raises(ExchangeRefused) as info:
        open_package(fresh, package, user=LIAISON)
    assert "carries no key" in str(info.value)
    assert rows(fresh, "SELECT count(*) FROM items") == [(0,)] and get_meta(fresh, "store_kind") is None


def test_a_package_is_never_opened_into_an_inspectors_store(store, tmp_path):
    enrolled(store)
    package = issue_to(store, tmp_path)
    before = dump(store)
    with pytest.raises(StoreError) as info:
        open_package(store, package, user=LIAISON)
    assert info.value.key == "error.exchange.open_inspector" and dump(store) == before


def test_after_a_rotation_the_next_package_brings_the_new_key_and_old_ones_are_refused(store, tmp_path, monkeypatch,
                                                                                     english):
    enrolled(store)
    old = issue_to(store, tmp_path / "old")
    mine = liaison_store(tmp_path / "liaison.db", old)
    monkeypatch.setenv("SUPERVISE_TUI_NOW", "2024-04-01T09:00:00+08:00")
    enrol(store, INSPECTOR, UNIT, rotate=True)
    new = issue_to(store, tmp_path / "new")
    assert load_json(new)["key"]["generation"] == 2 and load_json(new)["key"]["secret"] == unit_key(store).hex()
    open_package(mine, new, user=LIAISON)
    assert rows(mine, "SELECT generation, created_at FROM exchange_keys ORDER BY generation") == [
        (1, PINNED_NOW), (2, "2024-04-01T09:00:00+08:00")]
    # a package signed with the old key (replayed, or forged by whoever holds that key) is refused by date
    obj = load_json(old)
    obj["serial"], obj["package"] = 9, "P-forged"
    from tests.exchange_kit import resign

    resign(old, obj, bytes.fromhex(obj["key"]["secret"]))
    before = dump(mine)
    with pytest.raises(ExchangeRefused) as info:
        open_package(mine, old, user=LIAISON)
    assert str(info.value) == (f"{old.name}: it was signed with a key replaced on 2024-04-01; "
                               "ask the inspector for a new package")
    assert dump(mine) == before


# --------------------------------------------------------------------------- writing a return


def test_a_return_holds_every_change_since_the_package_with_its_base_and_the_liaisons_audit(store, tmp_path,
                                                                                          monkeypatch):
    enrolled(store)
    apply_changes(store, INSPECTOR, 1, "W01-M02", {"note": "督查先写"})
    mine = liaison_store(tmp_path / "liaison.db", issue_to(store, tmp_path))
    me = actor_for(mine, LIAISON, None, None)
    monkeypatch.setenv("SUPERVISE_TUI_NOW", "2024-03-16T09:00:00+08:00")
    apply_changes(mine, me, 1, "W01-M01", {"status": "in_progress", "progress": 30})
    apply_changes(mine, me, 1, "W01-M02", {"note": "已对接 12 家银行"})
    apply_changes(mine, me, 1, "W01-T01", {"note": "改了"})
    apply_changes(mine, me, 1, "W01-T01", {"note": ""})  # and back: no change to return
    monkeypatch.setenv("SUPERVISE_TUI_NOW", "2024-03-17T09:00:00+08:00")
    written = write_return(mine, tmp_path / "out", user=LIAISON)
    assert (written.path.name, written.seq, written.items) == ("return-r1-第1轮-市税务局-0001.json", 1, 2)
    obj = load_json(written.path)
    assert ff.verifies(unit_key(store), obj)
    package_id = get_meta(mine, "exchange_package")
    assert {k: v for k, v in obj.items() if k not in ("mac", "items")} == {
        "format": ff.RETURN_FORMAT, "version": 1, "return": written.return_id, "unit": UNIT, "key": 1,
        "round": {"id": 1, "name": "第1轮"}, "package": package_id, "seq": 1,
        "written_at": "2024-03-17T09:00:00+08:00", "written_by": LIAISON}
    at = "2024-03-16T09:00:00+08:00"
    assert obj["items"] == [
        {"id": "W01-M01", "base_version": 0, "base": {"status": "not_started", "progress": 0},
         "new": {"status": "in_progress", "progress": 30},
         "audit": [{"at": at, "user": LIAISON, "field": "status", "old": "not_started", "new": "in_progress"},
                   {"at": at, "user": LIAISON, "field": "progress", "old": "0", "new": "30"}]},
        {"id": "W01-M02", "base_version": 1, "base": {"note": "督查先写"}, "new": {"note": "已对接 12 家银行"},
         "audit": [{"at": at, "user": LIAISON, "field": "note", "old": "督查先写", "new": "已对接 12 家银行"}]}]
    assert rows(mine, "SELECT id, unit, seq, round_id, package_id, items, written_by, imported_at "
                      "FROM exchange_returns") == [(written.return_id, UNIT, 1, 1, package_id, 2, LIAISON, None)]
    assert rows(mine, "SELECT item_id, field, base_version, base, theirs, author, outcome FROM exchange_changes "
                      "ORDER BY item_id, field") == [
        ("W01-M01", "progress", 0, 0, 30, LIAISON, "sent"), ("W01-M01", "status", 0, "not_started", "in_progress",
                                                              LIAISON, "sent"),
        ("W01-M02", "note", 1, "督查先写", "已对接 12 家银行", LIAISON, "sent")]
    # the next return carries everything again, numbered on
    second = write_return(mine, tmp_path / "out", user=LIAISON)
    assert (second.seq, second.items, second.path.name) == (2, 2, "return-r1-第1轮-市税务局-0002.json")
    assert json.loads(second.path.read_text("utf-8"))["items"] == obj["items"]


def test_a_return_that_does_not_read_back_is_not_recorded(store, tmp_path, monkeypatch):
    enrolled(store)
    mine = liaison_store(tmp_path / "liaison.db", issue_to(store, tmp_path))
    before = dump(mine)
    monkeypatch.setattr(ff, "_read_back", lambda path: b"")
    with pytest.raises(ExchangeRefused):
        write(mine, tmp_path / "out")
    assert dump(mine) == before and list((tmp_path / "out").iterdir()) == []


def test_returns_come_only_from_a_liaison_store_and_for_an_open_round(store, tmp_path):
    with pytest.raises(StoreError):
        write(store, tmp_path)
    enrolled(store)
    package = issue_to(store, tmp_path)
    mine = liaison_store(tmp_path / "liaison.db", package)
    mine.execute("UPDATE rounds SET closed_at = 'x'")  # as a later package would say
    with pytest.raises(EditRefused) as info:
        write(mine, tmp_path)
    assert info.value.key == "error.round_closed"


def test_a_newer_package_keeps_the_liaisons_unreturned_changes_and_says_which(store, tmp_path, monkeypatch):
    enrolled(store)
    mine = liaison_store(tmp_path / "liaison.db", issue_to(store, tmp_path / "p1"))
    me = actor_for(mine, LIAISON, None, None)
    apply_changes(mine, me, 1, "W01-M01", {"note": "联络员的"})
    write(mine, tmp_path / "out")  # returned, but not yet imported by the inspector
    apply_changes(mine, me, 1, "W01-M02", {"progress": 20})
    # meanwhile the inspector changes both, and a third item, and opens a new round
    apply_changes(store, INSPECTOR, 1, "W01-M01", {"note": "督查的"})
    apply_changes(store, INSPECTOR, 1, "W01-M02", {"comment": "请加快"})
    apply_changes(store, INSPECTOR, 1, "W01-M03", {"note": "督查补记"})
    monkeypatch.setenv("SUPERVISE_TUI_NOW", "2024-04-01T09:00:00+08:00")
    create_round(store, INSPECTOR, "第2轮")
    opened = open_package(mine, issue_to(store, tmp_path / "p2"), user=LIAISON)
    assert (opened.round.name, opened.kept, opened.gone) == ("第2轮", ["W01-M01", "W01-M02"], [])
    state = {r[0]: r[1:] for r in mine.execute("SELECT item_id, note, progress, comment FROM item_state "
                                               "WHERE round_id = 2")}
    assert state["W01-M01"] == ("联络员的", 0, "") and state["W01-M02"] == ("", 20, "请加快")
    assert state["W01-M03"] == ("督查补记", 0, "")
    # a kept item keeps the base its changes were made on, so the inspector's change shows as theirs-vs-ours
    assert rows(mine, "SELECT item_id, round_id, note, progress FROM exchange_base WHERE item_id IN "
                      "('W01-M01', 'W01-M02', 'W01-M03') AND round_id = 2 ORDER BY item_id") == [
        ("W01-M01", 2, "", 0), ("W01-M02", 2, "", 0), ("W01-M03", 2, "督查补记", 0)]
