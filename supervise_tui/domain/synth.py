"""A synthetic province-scale task list, for benchmarks and load tests only."""

from __future__ import annotations

import random
import sqlite3

from ..errors import EditRefused
from .clock import now
from .db import get_meta, set_meta, transaction
from .sync import load
from .tasklist import Indicator, Item, Pillar, TaskList, Work, load_tasklist
from .vocab import STATUSES

ITEMS_PER_WORK = 100
TARGETS_PER_WORK = 10
UNITS = 300
PEOPLE = 400


def synthetic_tasklist(items: int, template: TaskList, seed: int = 1) -> TaskList:
    """``items`` targets and measures in works of 100, their texts cycled from the real list."""
    rng = random.Random(seed)
    texts = [i.text for i in template.items]
    works = []
    for w in range(max(1, -(-items // ITEMS_PER_WORK))):
        wid = f"W{w + 1:05d}"
        count = min(ITEMS_PER_WORK, items - w * ITEMS_PER_WORK)
        targets = min(TARGETS_PER_WORK, count)
        work_items = tuple(
            Item(f"{wid}-{'T' if k < targets else 'M'}{(k if k < targets else k - targets) + 1:03d}", wid,
                 "target" if k < targets else "measure", (k if k < targets else k - targets) + 1, None,
                 f"{texts[(w * ITEMS_PER_WORK + k) % len(texts)]}(样例{w + 1}-{k + 1})", k)
            for k in range(count))
        co = tuple(f"市单位{rng.randrange(UNITS):03d}" for _ in range(rng.randrange(4)))
        works.append(Work(
            id=wid, seq=w + 1, numeral=str(w + 1), pillar_id=f"P{w % 5 + 1}", title=f"样例重点工作{w + 1}",
            stage_text="2023-2027年", stage_start=2023, stage_end=2027, units_text="",
            lead=f"市单位{rng.randrange(UNITS):03d}", co=co,
            leader=f"领导{rng.randrange(PEOPLE // 2):03d}", liaison=f"联络员{rng.randrange(PEOPLE // 2):03d}",
            items=work_items))
    pillars = tuple(Pillar(p.id, p.numeral, p.title, p.sort) for p in template.pillars)
    indicators = tuple(Indicator(g.id, g.year, g.text, g.sort) for g in template.indicators)
    return TaskList(dict(template.document), indicators, {}, pillars, tuple(works))


def synthesize(conn: sqlite3.Connection, template_path: str, *, items: int, rounds: int, seed: int = 1,
               user: str = "synth") -> dict:
    """Fill an empty (or earlier synthetic) store with ``items`` items and ``rounds`` rounds of state."""
    has_items = conn.execute("SELECT count(*) FROM items").fetchone()[0]
    if has_items and get_meta(conn, "synthetic") != "1":
        raise EditRefused("error.synth.real_store")  # synthetic rows never go next to real ones
    tasklist = synthetic_tasklist(items, load_tasklist(template_path), seed)
    report = load(conn, tasklist, user=user, source="synthetic")
    rng = random.Random(seed)
    ids = [i.id for i in tasklist.items]
    stamp = now()
    with transaction(conn):
        set_meta(conn, "synthetic", "1")
        existing = conn.execute("SELECT count(*) FROM rounds").fetchone()[0]
        for r in range(existing, rounds):
            conn.execute("INSERT INTO rounds(name, opened_at, created_by) VALUES (?, ?, ?)",
                         (f"第{r + 1}轮", stamp, user))
        round_ids = [row[0] for row in conn.execute("SELECT id FROM rounds ORDER BY id")]
        for n, round_id in enumerate(round_ids):
            states = []
            for item_id in ids:
                progress = min(100, rng.randrange(0, 40) + 25 * n)
                status = "done" if progress == 100 else rng.choice(STATUSES[:2] + STATUSES[3:] + ("in_progress",))
                if status == "not_started":  # as the edit rule keeps them: 未启动 is at 0 %
                    progress = 0
                states.append((round_id, item_id, status, progress, f"第{n + 1}轮进展", user, stamp))
            conn.executemany(
                "INSERT INTO item_state(round_id, item_id, status, progress, note, updated_by, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(round_id, item_id) DO UPDATE SET "
                "status = excluded.status, progress = excluded.progress, note = excluded.note, "
                "updated_by = excluded.updated_by, updated_at = excluded.updated_at", states)
        set_meta(conn, "current_round", str(round_ids[-1]))
    return {"items": len(ids), "works": len(tasklist.works), "rounds": len(round_ids),
            "added": report.added.get("items", 0)}
