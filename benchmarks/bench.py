"""Print start-up, latency, memory and diff figures at 300 and 200,000 items.

Every figure stands beside a floor measured in the same run, so the ratios
mean the same on a slow machine and a fast one:

- cold start: the whole `supervise-tui` process, headless, until the first
  screen is drawn, against `python -c "import textual.app"`;
- cursor-down, page-down, search keystroke: the widget action plus
  re-rendering every visible line, median over many presses, in a child
  process whose peak RSS is reported too;
- the round diff: the whole `supervise-tui diff` process against
  `sqldiff --summary` on two database files holding the same two rounds.

Usage: python benchmarks/bench.py [--items 300,200000] [--rounds 3] [--work DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
STARTS = 7


def peak_rss(cmd: list[str], env: dict | None = None) -> tuple[float, float, str]:
    """Wall time (s), peak RSS (MB) and stdout of a child, read with wait4."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    out = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{err.decode(errors='replace')}")
    return elapsed, usage.ru_maxrss / 1024, out.decode()


def median_time(cmd: list[str], runs: int = STARTS, env: dict | None = None) -> tuple[float, float]:
    """Median wall time and the largest peak RSS over ``runs`` runs (one warm-up first)."""
    peak_rss(cmd, env)
    times, rss = [], []
    for _ in range(runs):
        elapsed, mb, _ = peak_rss(cmd, env)
        times.append(elapsed)
        rss.append(mb)
    return statistics.median(times), max(rss)


def make_db(work: Path, items: int, rounds: int) -> Path:
    path = work / f"synth-{items}-{rounds}.db"
    if not path.exists():
        t0 = time.perf_counter()
        subprocess.run([PY, "-m", "supervise_tui", "--db", str(path), "synth", "--items", str(items),
                        "--rounds", str(rounds)], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        print(f"  built {path.name} in {time.perf_counter() - t0:.1f} s", flush=True)
    return path


def latency_child(db: str) -> None:
    """Runs in a child process: time key actions on the real app, print JSON."""
    import asyncio

    os.environ["SUPERVISE_TUI_DB"] = db
    from supervise_tui.app_main import make_app, make_session
    from supervise_tui.ui.screens.browse import ItemsScreen
    from supervise_tui.ui.screens.search import SearchScreen
    from supervise_tui.domain.queries import Scope

    def render(table) -> None:
        for y in range(table.size.height):
            table.render_line(y)

    def timed(action, table, repeat: int) -> float:
        samples = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            action()
            render(table)
            samples.append((time.perf_counter() - t0) * 1000)
        return statistics.median(samples)

    async def main() -> dict:
        session = make_session(Path(db), user="bench")
        app = make_app(session)
        async with app.run_test(size=(160, 50)) as pilot:
            await app.push_screen(ItemsScreen(["bench"], Scope()))
            await pilot.pause()
            table = app.screen.table
            down = timed(table.action_cursor_down, table, 300)
            page = timed(table.action_page_down, table, 100)
            await app.push_screen(SearchScreen(["bench"]))
            await pilot.pause()
            screen = app.screen
            terms = ["税", "税务", "融资担保", "W00123", "数字化改造", "政策找人", "企", "园区"]
            samples = []
            for _ in range(3):
                for term in terms:
                    t0 = time.perf_counter()
                    screen.run_search(term)
                    render(screen.table)
                    samples.append((time.perf_counter() - t0) * 1000)
                    screen.run_search("")
            await app.workers.wait_for_complete()
            return {"down_ms": down, "page_ms": page, "search_ms": statistics.median(samples),
                    "search_max_ms": max(samples), "rows": table.row_count}

    print(json.dumps(asyncio.run(main())))


def diff_figures(work: Path, db: Path) -> dict | None:
    """The CLI diff of the last two rounds against sqldiff --summary on two one-round files."""
    sqldiff = shutil.which("sqldiff")
    if sqldiff is None:
        return None
    import sqlite3

    conn = sqlite3.connect(db)
    ids = [r[0] for r in conn.execute("SELECT id FROM rounds ORDER BY id")][-2:]
    conn.close()
    files = []
    for rid in ids:
        path = work / f"{db.stem}-round{rid}.db"
        if not path.exists():
            out = sqlite3.connect(path)
            out.execute(f"ATTACH DATABASE '{db}' AS src")
            out.execute("CREATE TABLE item_state AS SELECT * FROM src.item_state WHERE round_id = ?", (rid,))
            out.execute("UPDATE item_state SET round_id = 0")
            out.execute("CREATE UNIQUE INDEX item_state_pk ON item_state(round_id, item_id)")
            out.commit()
            out.close()
        files.append(str(path))
    floor, _ = median_time([sqldiff, "--summary", *files], runs=5)
    ours, rss = median_time([PY, "-m", "supervise_tui", "--db", str(db), "diff", str(ids[0]), str(ids[1]),
                             "--format", "csv"], runs=5)
    return {"sqldiff_s": floor, "diff_s": ours, "ratio": ours / floor, "rss_mb": rss}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--items", default="300,200000")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--work", help="folder for the synthetic databases (kept between runs)")
    ap.add_argument("--child-latency", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child_latency:
        latency_child(args.child_latency)
        return
    work = Path(args.work or Path(tempfile.gettempdir()) / "supervise-tui-bench")
    work.mkdir(parents=True, exist_ok=True)
    sizes = [int(n) for n in args.items.split(",")]
    print(f"supervise-tui benchmarks — python {sys.version.split()[0]}, {os.cpu_count()} cores, work dir {work}")
    dbs = {n: make_db(work, n, args.rounds) for n in sizes}

    floor, floor_rss = median_time([PY, "-c", "import textual.app"])
    print(f"\nfloor: python -c 'import textual.app'  {floor * 1000:7.0f} ms   peak RSS {floor_rss:5.1f} MB")
    starts = {}
    for n, db in dbs.items():
        start, rss = median_time([PY, "-m", "supervise_tui", "--db", str(db), "--headless",
                                  "--exit-after-first-screen"])
        starts[n] = start
        print(f"cold start to first screen, {n:>7} items  {start * 1000:7.0f} ms   {start / floor:4.2f}× floor"
              f"   peak RSS {rss:5.1f} MB")
    if len(sizes) > 1:
        small, big = min(sizes), max(sizes)
        print(f"start at {big} / start at {small}: {starts[big] / starts[small]:4.2f}×")

    print()
    for n, db in dbs.items():
        _, rss, out = peak_rss([PY, __file__, "--child-latency", str(db)])
        fig = json.loads(out.strip().splitlines()[-1])
        print(f"{n:>7} items: cursor-down {fig['down_ms']:6.2f} ms   page-down {fig['page_ms']:6.2f} ms   "
              f"search keystroke {fig['search_ms']:6.1f} ms (max {fig['search_max_ms']:.0f})   "
              f"peak RSS {rss:5.1f} MB")

    print()
    for n, db in dbs.items():
        diff = diff_figures(work, db)
        if diff is None:
            print("round diff: sqldiff not found (apt-get install sqlite3-tools) — skipped")
            break
        print(f"{n:>7} items: diff {diff['diff_s'] * 1000:7.0f} ms   sqldiff --summary {diff['sqldiff_s'] * 1000:7.0f} ms"
              f"   {diff['ratio']:4.2f}×   peak RSS {diff['rss_mb']:5.1f} MB")


if __name__ == "__main__":
    main()
