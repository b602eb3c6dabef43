"""Builders shared by the round tests: a small task list cut from the bundled one, and a scripted
two-round scenario whose diff and bulletin the tests know exactly."""

from __future__ import annotations

from dataclasses import replace

from supervise_tui.domain.db import connect
from supervise_tui.domain.edits import Actor, apply_changes, close_out, set_light
from supervise_tui.domain.rounds import close_round, create_round, get_round
from supervise_tui.domain.sync import load

# Four works: one of each stage (2023-2027, 2023-2025, 长期实施 ×2), three items each.
WORKS = ("W01", "W04", "W08", "W13")
INSPECTOR = Actor("督查员")
TRICKY_NOTE = "第一行|第二列\n=SUM(A1) <b>粗</b> & \x1b[31m"


def small_tasklist(full, *, drop: tuple[str, ...] = (), add: tuple[str, ...] = ()):
    """The bundled task list cut to WORKS and their first three items, less ``drop``, plus ``add``."""
    works = []
    for w in full.works:
        if w.id in WORKS:
            items = [i for i in w.items[:3] if i.id not in drop] + [i for i in w.items if i.id in add]
            works.append(replace(w, items=tuple(items)))
    pillars = {w.pillar_id for w in works}
    return replace(full, works=tuple(works), pillars=tuple(p for p in full.pillars if p.id in pillars),
                   indicators=full.indicators[:3])


def small_store(path, full):
    """A fresh store at ``path`` holding the small task list (and its first round, 第1轮)."""
    conn = connect(path)
    load(conn, small_tasklist(full), user="loader", source="small")
    return conn


def edit(conn, round_id: int, item_id: str, **changes):
    return apply_changes(conn, INSPECTOR, round_id, item_id, changes)


def two_rounds(conn, full, monkeypatch) -> tuple[int, int]:
    """Round 1 reported and closed, the list reloaded (W04-M02 gone, W08-M01 new), round 2 reported.

    Ends with the clock at 2024-06-20, before round 2's due date (2024-06-30) draws near.
    """
    monkeypatch.setenv("SUPERVISE_TUI_NOW", "2024-03-20T09:00:00+08:00")
    r1 = get_round(conn, "第1轮").id
    for item_id, status, progress, note in [
        ("W01-T01", "in_progress", 30, "按计划推进"), ("W01-T02", "in_progress", 50, ""),
        ("W01-T03", "in_progress", 20, ""), ("W04-T01", "in_progress", 60, ""),
        ("W04-M01", "behind", 10, "资金未到位"), ("W04-M02", "in_progress", 40, ""),
        ("W08-T01", "in_progress", 30, ""), ("W08-T03", "in_progress", 25, "=1+2"),
    ]:
        edit(conn, r1, item_id, status=status, progress=progress, note=note)
    monkeypatch.setenv("SUPERVISE_TUI_NOW", "2024-03-31T18:00:00+08:00")
    close_round(conn, INSPECTOR, r1)

    monkeypatch.setenv("SUPERVISE_TUI_NOW", "2024-04-01T09:00:00+08:00")
    load(conn, small_tasklist(full, drop=("W04-M02",), add=("W08-M01",)), user="loader", source="small v2")
    r2 = create_round(conn, INSPECTOR, "2024年第二季度", period="2024-Q2", due="2024-06-30").id

    monkeypatch.setenv("SUPERVISE_TUI_NOW", "2024-06-10T09:00:00+08:00")
    edit(conn, r2, "W01-T01", status="done", progress=100)
    edit(conn, r2, "W01-T02", status="blocked")
    edit(conn, r2, "W01-T03", progress=35)
    edit(conn, r2, "W04-T01", note="已完成年度目标的60%")
    edit(conn, r2, "W04-M01", status="in_progress", progress=30)
    edit(conn, r2, "W08-T01", progress=20)
    set_light(conn, INSPECTOR, r2, "W08-T03", "red", "抽查发现进度不实")
    close_out(conn, INSPECTOR, r2, "W13-T01", "现场核查已办结")
    edit(conn, r2, "W13-T02", note=TRICKY_NOTE)
    edit(conn, r2, "W13-T03", status="in_progress", progress=50)
    monkeypatch.setenv("SUPERVISE_TUI_NOW", "2024-06-20T10:00:00+08:00")
    return r1, r2
