"""kill -9 in the middle of `exchange import DIR`, again and again: every file is imported whole or not at
all, the store passes SQLite's integrity check, and a last run imports what is left exactly once."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from supervise_tui.domain.db import connect
from supervise_tui.domain.exchange.fileformat import RETURN_FORMAT, encode, sign
from supervise_tui.domain.exchange.keys import current_key, enrol
from supervise_tui.domain.exchange.package import issue
from supervise_tui.domain.queries import resolve_unit
from tests.conftest import REPO
from tests.exchange_kit import INSPECTOR

RETURNS_PER_UNIT = 10  # enough files that no run can finish the folder before it is killed


def forge_returns(conn: sqlite3.Connection, folder: Path, units: list[str]) -> dict[str, int]:
    """Return files as a liaison store writes them (each unit's items, every change since its package);
    return id → how many fields it carries."""
    folder.mkdir()
    fields = {}
    for unit in units:
        unit_id = resolve_unit(conn, unit)
        key = current_key(conn, unit_id)
        package = issue(conn, INSPECTOR, unit, folder.parent / "packages").package_id
        items = [r[0] for r in conn.execute(
            "SELECT i.id FROM items i JOIN work_units wu ON wu.work_id = i.work_id WHERE wu.unit_id = ? "
            "AND i.retired = 0 ORDER BY i.pos", (unit_id,))]
        for seq in range(1, RETURNS_PER_UNIT + 1):
            obj = {"format": RETURN_FORMAT, "version": 1, "return": f"R-{unit_id:04d}{seq:04d}", "unit": unit,
                   "key": key.generation, "round": {"id": 1, "name": "第1轮"}, "package": package, "seq": seq,
                   "written_at": "2024-03-15T10:00:00+08:00", "written_by": f"联络员{unit_id}",
                   "items": [{"id": item, "base_version": 0, "base": {"note": "", "progress": 0},
                              "new": {"note": f"第{seq}次 {item} " + "进展" * 40, "progress": 10 * seq},
                              "audit": []} for item in items]}
            obj["mac"] = sign(key.secret, obj)
            (folder / f"return-r1-第1轮-{unit}-{seq:04d}.json").write_bytes(encode(obj))
            fields[obj["return"]] = 2 * len(items)
    return fields


def check_whole_or_nothing(db: Path, fields: dict[str, int]) -> int:
    """Every file fully imported or not at all; the integrity check passes. Returns how many are in."""
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        imported = dict(conn.execute("SELECT id, imported_at FROM exchange_returns"))
        rows = dict(conn.execute("SELECT return_id, count(*) FROM exchange_changes GROUP BY return_id"))
        written: dict[str, set] = {}  # the items each file's accepted changes wrote (a status may follow)
        for source, item in conn.execute("SELECT DISTINCT source, item_id FROM audit WHERE action = 'import'"):
            written.setdefault(source, set()).add(item)
        receipts = dict(conn.execute("SELECT source, count(*) FROM audit WHERE action = 'exchange_import' "
                                     "GROUP BY source"))
        accepted: dict[str, set] = {}
        for rid, item in conn.execute("SELECT DISTINCT return_id, item_id FROM exchange_changes "
                                      "WHERE outcome = 'accepted'"):
            accepted.setdefault(rid, set()).add(item)
        for rid, count in fields.items():
            if rid in imported:
                assert rows[rid] == count and receipts[rid] == 1, rid
                assert written.get(rid, set()) == accepted.get(rid, set()), rid
            else:
                assert rid not in rows and rid not in written and rid not in receipts, rid
        return len(imported)
    finally:
        conn.close()


def imported_count(db: Path) -> int:
    conn = sqlite3.connect(db, timeout=30)
    try:
        return conn.execute("SELECT count(*) FROM exchange_returns").fetchone()[0]
    finally:
        conn.close()


def test_kill_9_during_a_large_import_leaves_every_file_whole_or_untouched(store, isolated_locations, tmp_path):
    units = sorted({r[0] for r in store.execute(
        "SELECT u.name FROM units u JOIN work_units wu ON wu.unit_id = u.id GROUP BY u.id "
        "HAVING count(*) >= 2")})[:12]
    for unit in units:
        enrol(store, INSPECTOR, unit)
    folder = tmp_path / "returns"
    fields = forge_returns(store, folder, units)
    store.close()
    command = [sys.executable, "-m", "supervise_tui", "--user", "督查员", "exchange", "import", str(folder)]
    rng = random.Random(7)
    kills, seen = 0, [0]
    for _ in range(6):
        proc = subprocess.Popen(command, cwd=REPO, env=dict(os.environ), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        # Not a fixed time (the machine's speed varies): once this run has imported a file of its own,
        # at once or a few milliseconds later, whatever it is doing then (a fast machine imports a file
        # in tens of milliseconds, so a longer wait would let one run finish the folder).
        deadline = time.monotonic() + 120
        while proc.poll() is None and imported_count(isolated_locations) <= seen[-1] \
                and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.02))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            kills += 1
        proc.wait()
        seen.append(check_whole_or_nothing(isolated_locations, fields))
    assert kills >= 4, seen  # most runs were cut short
    assert any(0 < n < len(fields) for n in seen), seen  # in the middle of the folder
    done = subprocess.run(command, cwd=REPO, env=dict(os.environ), capture_output=True, encoding="utf-8",
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert check_whole_or_nothing(isolated_locations, fields) == len(fields)
    conn = connect(isolated_locations)
    last = {unit: conn.execute("SELECT note, progress FROM item_state s JOIN items i ON i.id = s.item_id "
                               "JOIN work_units wu ON wu.work_id = i.work_id JOIN units u ON u.id = wu.unit_id "
                               "WHERE u.name = ? AND s.round_id = 1 ORDER BY i.pos LIMIT 1", (unit,)).fetchone()
            for unit in units}
    conn.close()
    # whichever files a killed run left out, the newest return of each unit has the last word
    assert all(note.startswith(f"第{RETURNS_PER_UNIT}次") and progress == 10 * RETURNS_PER_UNIT
               for note, progress in last.values()), json.dumps({u: tuple(v) for u, v in last.items()},
                                                                ensure_ascii=False)
