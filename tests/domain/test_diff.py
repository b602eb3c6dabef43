"""The round diff: the exact result of a scripted two-round scenario, its filters and its paging."""

from __future__ import annotations

import csv
import io
import json
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supervise_tui.domain.diff import (
    CLASSES,
    EXPORT_KEYS,
    STATUS_ORDER,
    DiffFilter,
    diff_counts,
    diff_csv_lines,
    diff_json_lines,
    diff_rows,
)
from supervise_tui.domain.lights import LIGHT_RANK, OwnSpan, basis_for_round, compute_light
from supervise_tui.domain.queries import resolve_person, resolve_unit
from tests.rounds_kit import TRICKY_NOTE, edit, small_store, two_rounds

# id, class, old/new status, old/new light, old/new progress, delta, note changed
EXPECTED = [
    ("W01-T01", "improved", "in_progress", "done", "green", "green", 30, 100, 70, False),
    ("W01-T02", "regressed", "in_progress", "blocked", "green", "red", 50, 50, 0, False),
    ("W01-T03", "improved", "in_progress", "in_progress", "green", "green", 20, 35, 15, False),
    ("W04-T01", "unchanged", "in_progress", "in_progress", "green", "green", 60, 60, 0, True),
    ("W04-M01", "improved", "behind", "in_progress", "red", "yellow", 10, 30, 20, False),
    # retired from the task list: it keeps its last place (5, now also W08-T01's)
    ("W04-M02", "retired", "in_progress", None, "green", None, 40, None, None, False),
    # "2023年…" under 长期实施: its own deadline passed at the end of 2023, so red in both rounds
    ("W08-T01", "regressed", "in_progress", "in_progress", "red", "red", 30, 20, -10, False),
    ("W08-T02", "regressed", "not_started", "not_started", "yellow", "red", 0, 0, 0, False),
    ("W08-T03", "regressed", "in_progress", "in_progress", "green", "red", 25, 25, 0, False),
    ("W08-M01", "new", None, "not_started", None, "red", None, 0, None, False),
    ("W13-T01", "improved", "not_started", "done", "yellow", "green", 0, 100, 100, False),
    ("W13-T02", "regressed", "not_started", "not_started", "yellow", "red", 0, 0, 0, True),
    ("W13-T03", "improved", "not_started", "in_progress", "yellow", "green", 0, 50, 50, False),
]
KEYS = ("id", "class", "old_status", "new_status", "old_light", "new_light", "old_progress", "new_progress",
        "progress_delta", "note_changed")


@pytest.fixture
def scenario(tasklist, tmp_path, monkeypatch):
    conn = small_store(tmp_path / "diff.db", tasklist)
    r1, r2 = two_rounds(conn, tasklist, monkeypatch)
    yield conn, r1, r2
    conn.close()


def _table(rows) -> list[tuple]:
    return [tuple(r[k] for k in KEYS) for r in rows]


def test_every_item_is_compared_exactly(scenario):
    conn, r1, r2 = scenario
    assert _table(diff_rows(conn, r1, r2, changed_only=False)) == EXPECTED


def test_counts_on_top(scenario):
    conn, r1, r2 = scenario
    assert diff_counts(conn, r1, r2) == {"improved": 5, "regressed": 5, "unchanged": 1, "new": 1, "retired": 1,
                                         "note_changed": 2, "value_changed": 0, "evidence_changed": 0,
                                         "changed": 13}
    # the works' figures it reads first are gone with the counts: nothing is left on a reused connection
    left = [r[0] for r in conn.execute("SELECT name FROM temp.sqlite_master WHERE type = 'table'")]
    assert left in ([], ["sqlite_stat1"])


def test_only_changes_by_default(scenario):
    conn, r1, r2 = scenario
    edit_free = [e for e in EXPECTED if e[1] != "unchanged" or e[-1]]
    assert _table(diff_rows(conn, r1, r2)) == edit_free


def test_reversed_rounds_swap_improved_and_regressed(scenario):
    conn, r1, r2 = scenario
    counts = diff_counts(conn, r2, r1)
    assert (counts["improved"], counts["regressed"], counts["new"], counts["retired"]) == (5, 5, 1, 1)
    classes = {r["id"]: r["class"] for r in diff_rows(conn, r2, r1)}
    assert classes["W08-M01"] == "retired" and classes["W04-M02"] == "new" and classes["W01-T01"] == "regressed"


def test_a_round_against_itself_is_unchanged(scenario):
    conn, _, r2 = scenario
    assert list(diff_rows(conn, r2, r2)) == []
    assert diff_counts(conn, r2, r2)["unchanged"] == 12


def test_rows_carry_who_answers_for_them(scenario):
    conn, r1, r2 = scenario
    row = next(r for r in diff_rows(conn, r1, r2) if r["id"] == "W13-T02")
    assert (row["pillar_id"], row["work_id"], row["lead_unit"], row["leader"]) == ("P3", "W13", "市发改局", "杨光飞")
    assert (row["old_note"], row["new_note"]) == ("", TRICKY_NOTE)


@pytest.mark.parametrize("make_filter, ids", [
    (lambda c: DiffFilter(pillar="P1"), ["W01-T01", "W01-T02", "W01-T03", "W04-T01", "W04-M01", "W04-M02"]),
    # 市公安 is an alias of 市公安局, a co-unit of W13 only
    (lambda c: DiffFilter(unit=resolve_unit(c, "市公安")), ["W13-T01", "W13-T02", "W13-T03"]),
    (lambda c: DiffFilter(leader=resolve_person(c, "何向荣")), ["W08-T01", "W08-T02", "W08-T03", "W08-M01"]),
    (lambda c: DiffFilter(pillar="P2", leader=resolve_person(c, "陈宋淼")), []),
])
def test_filters(scenario, make_filter, ids):
    conn, r1, r2 = scenario
    flt = make_filter(conn)
    assert [r["id"] for r in diff_rows(conn, r1, r2, flt)] == ids
    counts = diff_counts(conn, r1, r2, flt)
    # every item of the scenario changed somehow, so the counts add up to the rows listed
    assert sum(counts[k] for k in ("improved", "regressed", "unchanged", "new", "retired")) == len(ids)


def test_a_retired_item_keeps_its_place_in_its_work(scenario):
    """Rows come work by work in list order, as in the bulletin: a retired item stays in its work after
    the items it followed, whatever position an older list gave it."""
    from supervise_tui.domain.diff import DiffSnapshot

    conn, r1, r2 = scenario
    conn.execute("UPDATE items SET pos = 0 WHERE id = 'W04-M02'")  # a place from a list long gone
    ids = [row["id"] for row in diff_rows(conn, r1, r2, changed_only=False)]
    assert ids == [row[0] for row in EXPECTED]
    snapshot = DiffSnapshot(conn, r1, r2, changed_only=False)
    assert [row["id"] for row in snapshot.rows(0, 100)] == ids
    snapshot.close()
    assert [line.split(b",")[0].decode() for line in diff_csv_lines(conn, r1, r2, changed_only=False)] == ids


def test_a_window_of_rows(scenario):
    conn, r1, r2 = scenario
    assert [r["id"] for r in diff_rows(conn, r1, r2, offset=2, limit=3)] == ["W01-T03", "W04-T01", "W04-M01"]
    assert [r["id"] for r in diff_rows(conn, r1, r2, offset=11)] == ["W13-T02", "W13-T03"]


@pytest.mark.parametrize("changed_only", [True, False])
def test_machine_lines_carry_the_same_rows(scenario, changed_only):
    conn, r1, r2 = scenario
    rows = [{k: r[k] for k in EXPORT_KEYS} for r in diff_rows(conn, r1, r2, changed_only=changed_only)]
    assert [json.loads(line) for line in diff_json_lines(conn, r1, r2, changed_only=changed_only)] == rows
    text = b"".join(diff_csv_lines(conn, r1, r2, changed_only=changed_only)).decode("utf-8")
    assert text.endswith("\r\n") and text.count("\r\n") == len(rows)
    as_text = [{k: "" if v is None else str(int(v) if isinstance(v, bool) else v) for k, v in r.items()} for r in rows]
    assert list(csv.DictReader(io.StringIO(text), fieldnames=EXPORT_KEYS)) == as_text


def test_csv_lines_quote_and_neutralise_names(scenario):
    conn, r1, r2 = scenario
    conn.execute("UPDATE works SET leader = '=HYPERLINK(\"x\")' WHERE id = 'W08'")
    line = next(line.decode("utf-8") for line in diff_csv_lines(conn, r1, r2) if line.startswith(b"W08-T01,"))
    assert ',"\'=HYPERLINK(""x"")",' in line
    assert next(csv.reader(io.StringIO(line)))[5] == "'=HYPERLINK(\"x\")"


def test_value_and_evidence_changes_are_shown(scenario):
    """A value reached moves a numeric target's progress (its class follows); evidence alone leaves the
    class as it is, flagged like a note, and counted as changed."""
    conn, r1, r2 = scenario
    edit(conn, r2, "W13-T02", value="12")  # ≥ 10 %: met, so done
    edit(conn, r2, "W04-T01", evidence="乐发改〔2024〕7号")  # unchanged otherwise (its note changed too)
    edit(conn, r2, "W01-T03", evidence="乐税〔2024〕2号")  # improved already (20 → 35)
    keys = ("id", "class", "old_value", "new_value", "value_changed", "evidence_changed", "note_changed")
    rows = {r["id"]: tuple(r[k] for k in keys) for r in diff_rows(conn, r1, r2)}
    assert rows["W13-T02"] == ("W13-T02", "improved", "", "12", True, False, True)
    assert rows["W04-T01"] == ("W04-T01", "unchanged", "", "", False, True, True)
    assert rows["W01-T03"] == ("W01-T03", "improved", "", "", False, True, False)
    assert sum(r["value_changed"] or r["evidence_changed"] for r in diff_rows(conn, r1, r2, changed_only=False)) == 3
    counts = diff_counts(conn, r1, r2)
    assert (counts["value_changed"], counts["evidence_changed"], counts["changed"]) == (1, 2, 13)
    # an evidence-only change is a change: shown by default and counted
    edit(conn, r2, "W04-T01", note="")
    conn.execute("UPDATE item_state SET note = '' WHERE round_id = ? AND item_id = 'W04-T01'", (r1,))
    assert rows_of(diff_rows(conn, r1, r2), "W04-T01") == [("unchanged", False, True)]
    assert diff_counts(conn, r1, r2)["changed"] == 13
    # the machine formats carry them
    line = next(json.loads(x) for x in diff_json_lines(conn, r1, r2) if '"W13-T02"' in x)
    assert (line["old_value"], line["new_value"], line["value_changed"], line["evidence_changed"]) == \
        ("", "12", True, False)
    text = b"".join(diff_csv_lines(conn, r1, r2)).decode("utf-8")
    row = next(r for r in csv.DictReader(io.StringIO(text), fieldnames=EXPORT_KEYS) if r["id"] == "W13-T02")
    assert (row["old_value"], row["new_value"], row["value_changed"], row["evidence_changed"]) == ("", "12", "1", "0")


def rows_of(rows, item_id: str) -> list[tuple]:
    return [(r["class"], r["note_changed"], r["evidence_changed"]) for r in rows if r["id"] == item_id]


# --- the class worked out in SQL against the rule written out in Python --------------------------------

STATE = st.tuples(st.sampled_from(STATUS_ORDER), st.integers(0, 100),
                  st.sampled_from((None, None, "red", "yellow", "green")), st.booleans())


def _expected(conn, r1: int, r2: int) -> dict[str, tuple[str, str | None, str | None]]:
    """Each compared item's class and lights, from lights.compute_light and the module's stated order."""
    bases = {r: basis_for_round(conn, r) for r in (r1, r2)}
    conn.row_factory = sqlite3.Row
    try:
        items = conn.execute("SELECT i.id, i.span_start, i.span_end, i.deadline, w.stage_start, w.stage_end "
                             "FROM items i JOIN works w ON w.id = i.work_id").fetchall()
        states = {(s["round_id"], s["item_id"]): s for s in conn.execute("SELECT * FROM item_state")}
    finally:
        conn.row_factory = None
    out = {}
    for item in items:
        seen = []
        for r in (r1, r2):
            s = states.get((r, item["id"]))
            seen.append(None if s is None else (
                STATUS_ORDER.index(s["status"]), s["progress"],
                compute_light(s["status"], s["progress"], item["stage_start"], item["stage_end"], bases[r],
                              override=s["light"], closed_out=bool(s["closed_out"]), own=OwnSpan.of(item))))
        old, new = seen
        if old is None and new is None:
            continue
        if old is None or new is None:
            cls = "new" if old is None else "retired"
        else:
            key = {side: (v[0], LIGHT_RANK.index(v[2]), v[1]) for side, v in (("o", old), ("n", new))}
            cls = "improved" if key["n"] > key["o"] else "regressed" if key["n"] < key["o"] else "unchanged"
        out[item["id"]] = (cls, old and old[2], new and new[2])
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(states=st.lists(st.tuples(STATE, STATE), min_size=13, max_size=13))
def test_the_sql_class_is_the_rule(scenario, states):
    """Status first, then light, then progress: for any states in both rounds, the class and both lights
    the diff works out in SQL are those of the rule in Python, in the rows, the counts and the CSV."""
    conn, r1, r2 = scenario
    shared = [r[0] for r in conn.execute(
        "SELECT o.item_id FROM item_state o JOIN item_state n ON n.item_id = o.item_id AND n.round_id = ? "
        "WHERE o.round_id = ? ORDER BY o.item_id", (r2, r1))]
    with conn:
        for item_id, pair in zip(shared, states):
            for round_id, (status, progress, light, closed) in zip((r1, r2), pair):
                conn.execute("UPDATE item_state SET status = ?, progress = ?, light = ?, closed_out = ? "
                             "WHERE round_id = ? AND item_id = ?",
                             (status, progress, light, int(closed), round_id, item_id))
    expected = _expected(conn, r1, r2)
    rows = {r["id"]: (r["class"], r["old_light"], r["new_light"]) for r in diff_rows(conn, r1, r2, changed_only=False)}
    assert rows == expected
    counts = diff_counts(conn, r1, r2)
    assert {c: counts[c] for c in CLASSES} == {c: sum(v[0] == c for v in expected.values()) for c in CLASSES}
    lines = csv.DictReader(io.StringIO(b"".join(diff_csv_lines(conn, r1, r2, changed_only=False)).decode()),
                           fieldnames=EXPORT_KEYS)
    assert {r["id"]: (r["class"], r["old_light"] or None, r["new_light"] or None) for r in lines} == expected


# Per item: in which rounds it has state (both, only the older, only the newer), then for each round a
# status, progress, whether its note, value and evidence are the same as the other round's, an inspector's
# light (mostly none) and whether it is closed out (mostly not).
PRESENCE = st.sampled_from(("both", "both", "both", "old", "new"))
SIDE = st.tuples(st.sampled_from(STATUS_ORDER), st.integers(0, 100), st.booleans(), st.booleans(), st.booleans(),
                 st.sampled_from((None, None, None, "red", "yellow", "green")), st.sampled_from((0, 0, 0, 1)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.lists(st.tuples(PRESENCE, SIDE, SIDE), min_size=14, max_size=14))
def test_counts_of_every_item_are_those_of_the_rows(scenario, data):
    """The counts of an unfiltered diff (read off the older round's states) are the rows' counts, and the
    sum of each pillar's counts (read off the task list, work by work): for any mix of new, retired and
    shared items, statuses, notes, values and evidence that change or not, overridden lights and items
    closed out (where the states alone decide the lights)."""
    conn, r1, r2 = scenario
    items = [r[0] for r in conn.execute("SELECT id FROM items ORDER BY pos")]
    with conn:
        for item_id, (presence, old, new) in zip(items, data):
            conn.execute("DELETE FROM item_state WHERE item_id = ? AND round_id IN (?, ?)", (item_id, r1, r2))
            for round_id, side, present in ((r1, old, presence != "new"), (r2, new, presence != "old")):
                if present:
                    status, progress, same_note, same_value, same_evidence, light, closed = side
                    conn.execute(
                        "INSERT INTO item_state (round_id, item_id, status, progress, note, value, evidence, light, "
                        "closed_out) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (round_id, item_id, status, progress, "" if same_note else f"注{round_id}",
                         "" if same_value else str(round_id), "" if same_evidence else f"文号{round_id}", light,
                         closed))
    rows = list(diff_rows(conn, r1, r2, changed_only=False))
    expected = {cls: sum(r["class"] == cls for r in rows) for cls in CLASSES}
    expected |= {flag: sum(r[flag] for r in rows) for flag in ("note_changed", "value_changed", "evidence_changed")}
    expected["changed"] = sum(r["class"] != "unchanged" or r["note_changed"] or r["value_changed"]
                              or r["evidence_changed"] for r in rows)
    counts = diff_counts(conn, r1, r2)
    assert counts == expected
    pillars = [r[0] for r in conn.execute("SELECT id FROM pillars")]
    by_pillar = [diff_counts(conn, r1, r2, DiffFilter(pillar=p)) for p in pillars]
    assert {k: sum(c[k] for c in by_pillar) for k in counts} == counts


def test_counts_stand_while_another_statement_of_the_connection_is_being_read(scenario):
    """The works' table cannot be dropped while another cursor of the connection is part-read: the counts
    are still given, and that cursor reads on."""
    conn, r1, r2 = scenario
    rows = diff_rows(conn, r1, r2, changed_only=False)
    first = next(rows)
    assert diff_counts(conn, r1, r2)["changed"] == 13
    assert [first["id"], *(r["id"] for r in rows)] == [row[0] for row in EXPECTED]
