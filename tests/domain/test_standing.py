"""Who is behind: lead units ranked by red, not-reported and overdue items; red items most severe first.

The expected figures are worked out here from the stored rows and the dates, not by the SQL under test.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from fractions import Fraction

import pytest

from supervise_tui.domain.edits import Actor, apply_changes, close_out, set_light
from supervise_tui.domain.queries import Scope, page_items
from supervise_tui.domain.standing import red_items, units_behind

INSPECTOR = Actor("督查员")
AS_OF = date(2026, 2, 1)  # the 2023-2025 stage has ended: its open items are overdue


@pytest.fixture
def scripted(store, monkeypatch):
    """A round seen on 2026-02-01: reports, a done and a closed-out item in an ended stage, an override
    and a blocked item."""
    monkeypatch.setenv("SUPERVISE_TUI_NOW", "2026-02-01T09:00:00+08:00")
    for item_id, changes in [
        ("W01-T01", {"status": "in_progress", "progress": 50}),  # 2023-2027, 61.7% elapsed: yellow
        ("W01-T02", {"status": "in_progress", "progress": 10}),  # 51.7 points behind: red
        ("W01-T03", {"status": "in_progress", "progress": 25}),  # 36.7 behind: red, after W01-T02
        ("W04-T01", {"status": "done"}),  # an ended stage, but done: not overdue
        ("W05-M01", {"status": "blocked", "progress": 5}),
        ("W06-T01", {"status": "in_progress", "progress": 90}),  # ended stage, reported, still overdue
    ]:
        apply_changes(store, INSPECTOR, 1, item_id, changes)
    close_out(store, INSPECTOR, 1, "W04-M01", "现场核实已办结")
    set_light(store, INSPECTOR, 1, "W03-M02", "red", "群众反映强烈")
    return store


def _ends(item: dict) -> bool:
    """Whether the item's time ends: its own deadline, or its work's stage (长期实施 never ends)."""
    return item["span_end"] is not None or item["stage_end"] is not None


def _span(item: dict) -> tuple[date, date]:
    """The item's time: its own span (from its deadline) where it has one, else its work's stage
    (长期实施: the as-of year); the end exclusive."""
    if item["span_end"] is not None:
        return date.fromordinal(item["span_start"]), date.fromordinal(item["span_end"])
    year = AS_OF.year
    return date(item["stage_start"] or year, 1, 1), date((item["stage_end"] or year) + 1, 1, 1)


def expected_units(conn) -> list[dict]:
    items = page_items(conn, 1, Scope())
    state = {r["item_id"]: r for r in conn.execute("SELECT * FROM item_state WHERE round_id = 1")}
    counts: dict[str, Counter] = {}
    for item in items:
        s = state[item["id"]]
        open_ = s["status"] != "done" and not s["closed_out"]
        c = counts.setdefault(item["lead_unit"], Counter())
        c["items"] += 1
        c["red"] += item["light"] == "red"
        c["not_reported"] += s["updated_at"] is None and open_
        c["overdue"] += AS_OF >= _span(item)[1] and _ends(item) and open_
    rows = [{"name": name, **{k: c[k] for k in ("items", "red", "not_reported", "overdue")}}
            for name, c in counts.items() if c["red"] + c["not_reported"] + c["overdue"]]
    return sorted(rows, key=lambda r: (-r["red"], -r["not_reported"], -r["overdue"], r["name"]))


def test_units_are_ranked_by_red_then_not_reported_then_overdue(scripted):
    got = [{k: r[k] for k in ("name", "items", "red", "not_reported", "overdue")} for r in units_behind(scripted, 1)]
    assert got == expected_units(scripted)
    by_name = {r["name"]: r for r in got}
    # 市发改局 leads W04 (2023-2025): one done, one closed out, three overdue and red, none reported
    assert by_name["市人力社保局"]["overdue"] == 16 and by_name["市人力社保局"]["red"] == 16
    assert by_name["市人力社保局"]["not_reported"] == 15  # W06-T01 was reported, and is overdue all the same
    # 长期实施 items unreported in February are not red yet, but their units are behind on reporting;
    # its two "2023年…" targets are past their own deadline, so red and overdue
    assert by_name["市委统战部"] == {"name": "市委统战部", "items": 19, "red": 2, "not_reported": 19, "overdue": 2}
    # W04: five items, one done, one closed out; and W07-T01 (2023) and W09-T01 (2025) under 长期实施,
    # past their own deadlines
    assert by_name["市发改局"]["overdue"] == 3 + 2
    assert units_behind(scripted, 1, limit=3) == units_behind(scripted, 1)[:3]


def severity(item: dict, state: dict) -> tuple:
    """The expected order: override, 受阻, overdue (longest first), behind (furthest first), then list order."""
    if state["light"] is not None:
        return 0, 0, item["pos"]
    if state["status"] == "blocked":
        return 1, 0, item["pos"]
    start, end = _span(item)
    if _ends(item) and AS_OF >= end:
        return 2, -(AS_OF - end).days, item["pos"]
    total = (end - start).days
    elapsed = max(0, min((AS_OF - start).days, total))
    return 3, -Fraction(100 * elapsed - (state["progress"] or 0) * total, total), item["pos"]


def test_red_items_come_most_severe_first_with_their_reasons(scripted):
    pos = dict(scripted.execute("SELECT id, pos FROM items"))
    state = {r["item_id"]: dict(r) for r in scripted.execute("SELECT * FROM item_state WHERE round_id = 1")}
    red = [r | {"pos": pos[r["id"]]} for r in page_items(scripted, 1, Scope(light="red"))]
    expected = [r["id"] for r in sorted(red, key=lambda r: severity(r, state[r["id"]]))]
    got = red_items(scripted, 1)
    assert [r["id"] for r in got] == expected
    assert [r["id"] for r in got[:3]] == ["W03-M02", "W05-M01", expected[2]]
    # the longest overdue: a 2023 target, past its own deadline since 2024-01-01
    assert [r["light_rule"] for r in got[:3]] == ["override", "blocked", "overdue_deadline"]
    assert got[0]["light_reason"].endswith("群众反映强烈") or "群众反映强烈" in got[0]["light_reason"]
    behind = [r["id"] for r in got if r["light_rule"] == "behind"]
    assert behind.index("W01-T02") < behind.index("W01-T03")  # 51.7 points behind before 36.7
    assert "W04-T01" not in expected and "W04-M01" not in expected  # done, closed out: not red
    assert [r["id"] for r in red_items(scripted, 1, limit=5)] == expected[:5]
