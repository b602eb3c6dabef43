"""Numeric targets across the exchange: a package carries goals and deadlines, the liaison store derives
progress from the value reached as the inspector's does, and a return carries value and evidence."""

from __future__ import annotations

import pytest

from supervise_tui.domain.db import connect
from supervise_tui.domain.edits import apply_changes
from supervise_tui.domain.exchange.liaison import open_package, write_return
from supervise_tui.domain.exchange.storekind import actor_for
from supervise_tui.errors import EditRefused, ExchangeRefused
from tests.exchange_kit import enrolled, issue_to, liaison_store, load_json, resign, unit_key

UNIT = "市人力社保局"  # leads W06: seven targets, five of them numeric
LIAISON = "林存富"
SHA = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"


def goals(conn) -> list[tuple]:
    return [tuple(r) for r in conn.execute(
        "SELECT id, goal, deadline, span_start, span_end FROM items WHERE work_id = 'W06' ORDER BY pos")]


def test_a_package_carries_goals_and_deadlines_into_the_liaison_store(store, tmp_path):
    enrolled(store, UNIT)
    package = issue_to(store, tmp_path, UNIT)
    obj = load_json(package)
    w06 = {i["id"]: i for i in obj["items"]}
    assert w06["W06-T01"]["deadline"] == "2023"
    assert w06["W06-T01"]["goal"] == {"qualitative": False, "metrics": [
        {"metric": "引育高层次领军人才", "value": "20", "unit": "名", "compare": "≥", "quote": "20名以上",
         "baseline": ""}]}
    assert w06["W06-T06"]["goal"] == {"qualitative": True, "metrics": []}
    assert w06["W06-M01"]["goal"] == {"qualitative": False, "metrics": []} and w06["W06-M01"]["deadline"] is None
    assert [g["goal"]["metrics"][0]["value"] for g in obj["indicators"]] == ["35", "10", "70", "80", "95", "24",
                                                                             "3.2", "13"]
    mine = liaison_store(tmp_path / "liaison.db", package, user=LIAISON)
    assert goals(mine) == goals(store)


def test_a_liaisons_value_and_evidence_travel_in_the_return(store, tmp_path):
    enrolled(store, UNIT)
    mine = liaison_store(tmp_path / "liaison.db", issue_to(store, tmp_path, UNIT), user=LIAISON)
    me = actor_for(mine, LIAISON, None, None)
    evidence = f"乐人才〔2024〕5号\n附件/人才名单.pdf#sha256={SHA}"
    apply_changes(mine, me, 1, "W06-T01", {"value": "18", "evidence": evidence})
    with pytest.raises(EditRefused) as info:
        apply_changes(mine, me, 1, "W06-T01", {"progress": 95})
    assert info.value.key == "error.progress_from_value"
    with pytest.raises(EditRefused) as info:
        apply_changes(mine, me, 1, "W06-M01", {"value": "3"})
    assert info.value.key == "error.value.not_numeric"
    obj = load_json(write_return(mine, tmp_path / "out", user=LIAISON).path)
    [item] = obj["items"]
    assert (item["id"], item["base"], item["new"]) == (
        "W06-T01", {"status": "not_started", "progress": 0, "evidence": "", "value": ""},
        {"status": "in_progress", "progress": 90, "evidence": evidence, "value": "18"})
    assert [(a["field"], a["new"]) for a in item["audit"]] == [
        ("value", "18"), ("evidence", evidence), ("progress", "90"), ("status", "in_progress")]


def test_a_package_whose_goal_value_is_no_number_is_refused(store, tmp_path):
    enrolled(store, UNIT)
    package = issue_to(store, tmp_path, UNIT)
    obj = load_json(package)
    next(i for i in obj["items"] if i["id"] == "W06-T01")["goal"]["metrics"][0]["value"] = "二十"
    resign(package, obj, unit_key(store, UNIT))
    with pytest.raises(ExchangeRefused) as info:
        open_package(connect(tmp_path / "l.db"), package, user=LIAISON)
    assert "W06-T01" in str(info.value) and "二十" in str(info.value)


def test_the_inspector_imports_the_value_evidence_and_derived_progress_as_written(store, tmp_path):
    from supervise_tui.domain.exchange.importing import import_files
    from tests.exchange_kit import INSPECTOR

    enrolled(store, UNIT)
    mine = liaison_store(tmp_path / "liaison.db", issue_to(store, tmp_path, UNIT), user=LIAISON)
    evidence = f"乐人才〔2024〕5号\n附件/人才名单.pdf#sha256={SHA}"
    apply_changes(mine, actor_for(mine, LIAISON, None, None), 1, "W06-T01", {"value": "18", "evidence": evidence})
    apply_changes(mine, actor_for(mine, LIAISON, None, None), 1, "W06-T03", {"value": "; 1.2"})
    write_return(mine, tmp_path / "out", user=LIAISON)
    [received] = import_files(store, INSPECTOR, [tmp_path / "out"])
    assert not isinstance(received, Exception), received
    assert [tuple(r) for r in store.execute(
        "SELECT item_id, status, progress, value, evidence, updated_by FROM item_state "
        "WHERE round_id = 1 AND item_id IN ('W06-T01', 'W06-T03') ORDER BY item_id")] == [
        ("W06-T01", "in_progress", 90, "18", evidence, LIAISON),
        ("W06-T03", "in_progress", 50, "; 1.2", "", LIAISON)]  # 1.2 of 1.08万人: met; the other not reported
    assert [tuple(r) for r in store.execute(
        "SELECT user, field, new, accepted_by FROM audit WHERE item_id = 'W06-T01' AND action = 'import' "
        "ORDER BY field")] == [(LIAISON, "evidence", evidence, INSPECTOR.user),
                               (LIAISON, "progress", "90", INSPECTOR.user),
                               (LIAISON, "status", "in_progress", INSPECTOR.user),
                               (LIAISON, "value", "18", INSPECTOR.user)]
