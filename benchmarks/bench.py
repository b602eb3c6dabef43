"""Print start-up, latency, memory and diff figures at 300 and 200,000 items.

Every figure stands beside a floor measured in the same run — start-up and diff
runs alternate with their floor's, turn by turn — so the ratios mean the same on
a slow machine and a fast one:

- cold start: the whole `supervise-tui` process, headless, until the first
  screen is drawn, against `python -c "import textual.app"`;
- cursor-down, page-down, search keystroke: the widget action plus
  re-rendering every visible line, median over many presses, in a child
  process whose peak RSS is reported too;
- the round diff: the whole `supervise-tui diff --summary` process (the counts, as
  sqldiff gives them) and `supervise-tui diff --format csv` (every changed item
  written out) against `sqldiff --summary` on two database files holding the same
  two rounds.

Usage: python benchmarks/bench.py [--items 300,200000] [--rounds 3] [--work DIR] [--only start,latency,diff]
"""

from __future__ import annotations

import argparse
import compileall
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
STARTS = 11


def peak_rss(cmd: list[str], *, capture: bool = False) -> tuple[float, float, str]:
    """Wall time (s), peak RSS (MB) and (with ``capture``) stdout of a child, read with wait4.

    Linux counts the spawning process's resident memory into a child's peak RSS (the
    child starts in the parent's address space until it execs), so this process keeps
    nothing large: output it does not need goes to /dev/null, stderr to a temporary file.
    """
    start = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE if capture else subprocess.DEVNULL, stderr=err,
                                cwd=ROOT)
        out = proc.stdout.read() if capture else b""
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            err.seek(0)
            raise SystemExit(f"failed ({os.waitstatus_to_exitcode(status)}): {' '.join(cmd)}\n"
                             f"{err.read().decode(errors='replace')[-4000:]}")
    return elapsed, usage.ru_maxrss / 1024, out.decode()


def interleaved(cmds: dict[str, list[str]], runs: int = STARTS) -> dict[str, dict]:
    """Run each command ``runs`` times, one of each in turn (after one warm-up of each).

    This machine's speed drifts by tens of per cent within a minute, so a ratio is
    taken within each turn — the commands ran side by side — and the median of those
    ratios is reported, rather than a ratio of medians taken at different times.
    Returns per command: every wall time (s) and the largest peak RSS (MB).
    """
    for cmd in cmds.values():
        peak_rss(cmd)
    out = {name: {"times": [], "rss": 0.0} for name in cmds}
    for _ in range(runs):
        for name, cmd in cmds.items():
            elapsed, mb, _ = peak_rss(cmd)
            out[name]["times"].append(elapsed)
            out[name]["rss"] = max(out[name]["rss"], mb)
    return out


def ratio(figures: dict, name: str, base: str) -> float:
    """Median over turns of name's time / base's time (see ``interleaved``)."""
    return statistics.median(a / b for a, b in zip(figures[name]["times"], figures[base]["times"]))


def median_s(figures: dict, name: str) -> float:
    return statistics.median(figures[name]["times"])


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
    from supervise_tui.domain.queries import Scope
    from supervise_tui.ui.launch import make_app, make_session
    from supervise_tui.ui.screens.browse import ItemsScreen
    from supervise_tui.ui.screens.search import SearchScreen

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
            for worker in list(app.workers):  # counts of earlier terms, superseded: never waited for
                worker.cancel()
            return {"down_ms": down, "page_ms": page, "search_ms": statistics.median(samples),
                    "search_max_ms": max(samples), "rows": table.row_count}

    print(json.dumps(asyncio.run(main())))


def diff_figures(work: Path, db: Path) -> dict | None:
    """The CLI diff of the last two rounds (counts; every change as CSV) against sqldiff --summary."""
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
    ours = [PY, "-m", "supervise_tui", "--db", str(db), "diff", str(ids[0]), str(ids[1])]
    figures = interleaved({"sqldiff": [sqldiff, "--summary", *files], "summary": ours + ["--summary"],
                           "csv": ours + ["--format", "csv"]}, runs=5)
    return {"sqldiff_s": median_s(figures, "sqldiff"),
            **{f"{k}_s": median_s(figures, k) for k in ("summary", "csv")},
            **{f"{k}_ratio": ratio(figures, k, "sqldiff") for k in ("summary", "csv")},
            "rss_mb": max(figures[k]["rss"] for k in ("summary", "csv"))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--items", default="300,200000")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--work", help="folder for the synthetic databases (kept between runs)")
    ap.add_argument("--only", default="start,latency,diff", help="which figures (comma-separated)")
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
    # Byte-compile first: with PYTHONDONTWRITEBYTECODE set (as on this machine) an editable
    # install would otherwise compile every module of the app at every start.
    compileall.compile_dir(ROOT / "supervise_tui", quiet=1)
    only = set(args.only.split(","))
    if "start" in only:
        start_figures(dbs)
    if "latency" in only:
        latency_figures(dbs)
    if "diff" in only:
        print()
        for n, db in dbs.items():
            diff = diff_figures(work, db)
            if diff is None:
                print("round diff: sqldiff not found (apt-get install sqlite3-tools) — skipped")
                break
            print(f"{n:>7} items: sqldiff --summary {diff['sqldiff_s'] * 1000:6.0f} ms   "
                  f"diff --summary {diff['summary_s'] * 1000:6.0f} ms {diff['summary_ratio']:4.2f}×   "
                  f"diff --format csv (every change) {diff['csv_s'] * 1000:6.0f} ms {diff['csv_ratio']:4.2f}×   "
                  f"peak RSS {diff['rss_mb']:5.1f} MB")


def start_figures(dbs: dict[int, Path]) -> None:
    cmds = {"floor": [PY, "-c", "import textual.app"]}
    for n, db in dbs.items():
        cmds[n] = [PY, "-m", "supervise_tui", "--db", str(db), "--headless", "--exit-after-first-screen"]
    starts = interleaved(cmds)
    print(f"\nfloor: python -c 'import textual.app'  {median_s(starts, 'floor') * 1000:7.0f} ms"
          f"   peak RSS {starts['floor']['rss']:5.1f} MB   ({STARTS} turns, the floor and each start side by side)")
    for n in dbs:
        print(f"cold start to first screen, {n:>7} items  {median_s(starts, n) * 1000:7.0f} ms"
              f"   {ratio(starts, n, 'floor'):4.2f}× floor   peak RSS {starts[n]['rss']:5.1f} MB")
    if len(dbs) > 1:
        small, big = min(dbs), max(dbs)
        print(f"start at {big} / start at {small}: {ratio(starts, big, small):4.2f}×")


def latency_figures(dbs: dict[int, Path]) -> None:
    print()
    for n, db in dbs.items():
        _, rss, out = peak_rss([PY, __file__, "--child-latency", str(db)], capture=True)
        fig = json.loads(out.strip().splitlines()[-1])
        print(f"{n:>7} items: cursor-down {fig['down_ms']:6.2f} ms   page-down {fig['page_ms']:6.2f} ms   "
              f"search keystroke {fig['search_ms']:6.1f} ms (max {fig['search_max_ms']:.0f})   "
              f"peak RSS {rss:5.1f} MB")


if __name__ == "__main__":
    main()
