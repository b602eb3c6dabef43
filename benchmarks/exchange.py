"""The exchange at province scale: 1,000 units × 200 items, one return file per unit.

Measured: the whole ``supervise-tui exchange import DIR`` process importing the 1,000 return files
(200,000 items changed: status, progress and note each) into a copy of the inspector's store.
Floor, in the same run and turn by turn with it (the issue's): a process that reads the same files with
``json.load``, checks their MACs (HMAC-SHA256 over the canonical encoding, ``hmac.compare_digest``)
and writes the same rows the import writes — the items' new states, an audit row and a review row per
field, a row per file — with one ``executemany`` per table in one transaction. The figure is the median
of the per-turn ratios, as bench.py reports start-up and the diff. Beside it, a lower floor that writes
only the items' states: what lies between the two is the rows themselves, the strict shape check and
the edit rules.

The store and the files are built once into the work folder and kept: a synthetic task list of 2,000
works of 100 items, each unit leading two; every unit enrolled, its package on record, and its return
written as a liaison store writes one (base and new values, the liaison's audit rows, the MAC).

Usage: python benchmarks/exchange.py [--work DIR] [--turns 3]
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
UNITS, ITEMS_PER_UNIT, WORK_SIZE = 1_000, 200, 100
STAMP = "2024-03-15T10:00:00+08:00"


def build(work: Path) -> tuple[Path, Path]:
    """The inspector's store (every unit enrolled, its package on record) and the folder of returns."""
    folder = work / f"exchange-{UNITS}x{ITEMS_PER_UNIT}"
    store, returns = folder / "inspector.db", folder / "returns"
    if (folder / "ready").exists():
        return store, returns
    shutil.rmtree(folder, ignore_errors=True)
    returns.mkdir(parents=True)
    sys.path.insert(0, str(ROOT))
    from supervise_tui.domain.db import connect, transaction
    from supervise_tui.domain.edits import Actor
    from supervise_tui.domain.exchange.fileformat import RETURN_FORMAT, encode, sign
    from supervise_tui.domain.exchange.keys import enrol
    from supervise_tui.domain.sync import load
    from supervise_tui.domain.tasklist import Item, TaskList, Work, load_tasklist
    from supervise_tui.locations import bundled_tasklist

    t0 = time.perf_counter()
    template = load_tasklist(bundled_tasklist())
    texts = [i.text for i in template.items]
    works = []
    for w in range(UNITS * ITEMS_PER_UNIT // WORK_SIZE):
        wid = f"W{w + 1:05d}"
        items = tuple(Item(f"{wid}-M{k + 1:03d}", wid, "measure", k + 1, None,
                           f"{texts[(w * WORK_SIZE + k) % len(texts)]}(样例{w + 1}-{k + 1})", k)
                      for k in range(WORK_SIZE))
        works.append(Work(id=wid, seq=w + 1, numeral=str(w + 1), pillar_id=f"P{w % 5 + 1}",
                          title=f"样例重点工作{w + 1}", stage_text="2023-2027年", stage_start=2023, stage_end=2027,
                          units_text="",
                          lead=unit_name(w // (ITEMS_PER_UNIT // WORK_SIZE)), co=(), leader="领导", liaison="联络员",
                          items=items))
    tasklist = TaskList(dict(template.document), template.indicators, {}, template.pillars, tuple(works))
    conn = connect(store)
    load(conn, tasklist, user="bench", source="synthetic")
    inspector = Actor("督查员")
    keys = {}
    for u in range(UNITS):
        keys[unit_name(u)] = enrol(conn, inspector, unit_name(u)).secret
    with transaction(conn):  # the packages as `exchange issue --all` records them (their files are not needed)
        conn.executemany(
            "INSERT INTO exchange_packages(id, unit, serial, generation, round_id, items, with_key, file_name, "
            "issued_at, issued_by) VALUES (?, ?, 1, 1, 1, ?, 1, ?, ?, '督查员')",
            [(package_id(u), unit_name(u), ITEMS_PER_UNIT, f"package-{u}.json", STAMP) for u in range(UNITS)])
    print(f"  built the store ({UNITS * ITEMS_PER_UNIT:,} items, {UNITS} units) in {time.perf_counter() - t0:.0f} s",
          flush=True)
    t0 = time.perf_counter()
    for u in range(UNITS):
        unit = unit_name(u)
        first = u * ITEMS_PER_UNIT // WORK_SIZE
        items = [f"W{first + w + 1:05d}-M{k + 1:03d}" for w in range(ITEMS_PER_UNIT // WORK_SIZE)
                 for k in range(WORK_SIZE)]
        liaison = f"联络员{u:04d}"
        obj = {"format": RETURN_FORMAT, "version": 1, "return": f"R-bench{u:05d}", "unit": unit, "key": 1,
               "round": {"id": 1, "name": "第1轮"}, "package": package_id(u), "seq": 1, "written_at": STAMP,
               "written_by": liaison,
               "items": [change(item, n, liaison) for n, item in enumerate(items)]}
        obj["mac"] = sign(keys[unit], obj)
        (returns / f"return-r1-第1轮-{unit}-0001.json").write_bytes(encode(obj))
    conn.close()
    (folder / "ready").touch()
    size = sum(p.stat().st_size for p in returns.iterdir())
    print(f"  wrote {UNITS} return files ({size / 1e6:.0f} MB) in {time.perf_counter() - t0:.0f} s", flush=True)
    return store, returns


def change(item: str, n: int, liaison: str) -> dict:
    """One item of a return: status, progress and note changed, with the liaison's three audit rows."""
    new = {"status": "in_progress", "progress": 40 + n % 50, "note": f"已对接企业{n % 37 + 1}家,完成走访{n % 11 + 1}次"}
    base = {"status": "not_started", "progress": 0, "note": ""}
    return {"id": item, "base_version": 0, "base": base, "new": new,
            "audit": [{"at": STAMP, "user": liaison, "field": f, "old": str(base[f]), "new": str(new[f])}
                      for f in ("status", "progress", "note")]}


def unit_name(u: int) -> str:
    return f"单位{u:04d}"


def package_id(u: int) -> str:
    return f"P-bench{u:05d}"


def floor(db: str, folder: str, every: bool = False) -> None:
    """The floor, in a child process: json.load every file, check its MAC, one executemany in one transaction.

    ``every``: the same, writing every row the import writes — the items' states, an audit row and a
    review row per changed field, a row per file — with one executemany per table.
    """
    conn = sqlite3.connect(db, isolation_level=None)
    keys = {unit: bytes(secret) for unit, secret in conn.execute("SELECT unit, secret FROM exchange_keys")}
    rows, audit, changes, files = [], [], [], []
    for path in sorted(Path(folder).iterdir()):
        with open(path, encoding="utf-8") as fh:
            obj = json.load(fh)
        body = json.dumps({k: v for k, v in obj.items() if k != "mac"}, sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False).encode("utf-8")
        if not hmac.compare_digest(hmac.new(keys[obj["unit"]], body, hashlib.sha256).hexdigest(), obj["mac"]):
            raise SystemExit(f"{path.name}: the MAC does not verify")
        rows += [(i["new"]["status"], i["new"]["progress"], i["new"]["note"], obj["round"]["id"], i["id"])
                 for i in obj["items"]]
        if every:
            rid = obj["return"]
            files.append((rid, obj["unit"], obj["seq"], obj["key"], obj["round"]["id"], obj["package"],
                          len(obj["items"]), obj["written_at"], obj["written_by"], path.name, STAMP, "督查员",
                          json.dumps({i["id"]: i["audit"] for i in obj["items"]}, ensure_ascii=False)))
            for i in obj["items"]:
                for f, v in i["new"].items():
                    audit.append((STAMP, obj["written_by"], obj["round"]["id"], i["id"], "import", f,
                                  str(i["base"][f]), str(v), rid, "督查员"))
                    changes.append((rid, i["id"], f, i["base_version"], i["base"][f], v, obj["written_by"],
                                    "accepted", STAMP, "督查员"))
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany("UPDATE item_state SET status = ?, progress = ?, note = ? WHERE round_id = ? AND item_id = ?",
                     rows)
    if every:
        conn.executemany("INSERT INTO exchange_returns(id, unit, seq, generation, round_id, package_id, items, "
                         "written_at, written_by, file_name, imported_at, imported_by, audit) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", files)
        conn.executemany("INSERT INTO audit(at, user, round_id, item_id, action, field, old, new, source, "
                         "accepted_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", audit)
        conn.executemany("INSERT INTO exchange_changes(return_id, item_id, field, base_version, base, theirs, "
                         "author, outcome, decided_at, decided_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", changes)
    conn.execute("COMMIT")
    if len(rows) != UNITS * ITEMS_PER_UNIT:
        raise SystemExit(f"{len(rows)} rows")


def timed(cmd: list[str]) -> float:
    import subprocess

    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, encoding="utf-8")
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr[-2000:]}")
    return elapsed


def figures(work: Path, turns: int = 3) -> dict:
    """Import and floors, turn by turn, each on a fresh copy of the store; the median of the per-turn ratios."""
    store, returns = build(work)
    copy = work / "exchange-run.db"
    out: dict[str, list[float]] = {"import": [], "floor": [], "every": []}
    for _ in range(turns):
        for name in ("floor", "import", "every"):
            for suffix in ("", "-wal", "-shm"):
                Path(f"{copy}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(store, copy)
            cmd = [PY, "-m", "supervise_tui", "--db", str(copy), "--user", "督查员", "exchange", "import",
                   str(returns)] if name == "import" else [PY, __file__, f"--{name}", str(copy), str(returns)]
            out[name].append(timed(cmd))
            if name == "import":
                check(copy)
    ratios = [a / b for a, b in zip(out["import"], out["floor"])]
    every = [a / b for a, b in zip(out["import"], out["every"])]
    return {"import_s": statistics.median(out["import"]), "floor_s": statistics.median(out["floor"]),
            "every_s": statistics.median(out["every"]), "ratio": statistics.median(ratios), "ratios": ratios,
            "every_ratio": statistics.median(every), "everies": every}


def check(db: Path) -> None:
    """The import did what it says: every item changed, by its unit's liaison."""
    conn = sqlite3.connect(db)
    changed = conn.execute("SELECT count(*) FROM item_state WHERE round_id = 1 AND status = 'in_progress' "
                           "AND updated_by LIKE '联络员%'").fetchone()[0]
    conn.close()
    if changed != UNITS * ITEMS_PER_UNIT:
        raise SystemExit(f"the import changed {changed} items, not {UNITS * ITEMS_PER_UNIT}")


def report(fig: dict) -> str:
    return (f"exchange import of {UNITS:,} return files ({UNITS * ITEMS_PER_UNIT:,} items): "
            f"{fig['import_s']:6.1f} s   floor (json.load + MAC + the same rows, one executemany per table) "
            f"{fig['every_s']:5.1f} s   {fig['every_ratio']:4.2f}× floor "
            f"(turns: {', '.join(f'{r:.2f}' for r in fig['everies'])})\n"
            f"  a floor writing only the items' states {fig['floor_s']:5.1f} s: "
            f"the import is {fig['ratio']:4.2f}× that "
            f"(turns: {', '.join(f'{r:.2f}' for r in fig['ratios'])})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--work", help="folder for the store and the files (kept between runs)")
    ap.add_argument("--turns", type=int, default=3)
    ap.add_argument("--floor", nargs=2, help=argparse.SUPPRESS)
    ap.add_argument("--every", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.floor or args.every:
        floor(*(args.floor or args.every), every=bool(args.every))
        return
    work = Path(args.work or Path(tempfile.gettempdir()) / "supervise-tui-bench")
    work.mkdir(parents=True, exist_ok=True)
    print(report(figures(work, args.turns)))


if __name__ == "__main__":
    main()
