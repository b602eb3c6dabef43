"""Print start-up, latency, memory, diff and batch-job figures at 300 and 200,000 items.

Every figure stands beside a floor measured in the same run — start-up and diff
runs alternate with their floor's, turn by turn — so the ratios mean the same on
a slow machine and a fast one:

- cold start: the whole `supervise-tui` process, headless, until the first
  screen is drawn, against `python -c "import textual.app"`;
- cursor-down, page-down, search keystroke: the widget action plus
  re-rendering every visible line, median over many presses, in a child
  process whose peak RSS is reported too; cursor-down and page-down again on
  the list filtered to its red items and sorted by progress, against the
  unfiltered page-down, with the time the filter's order takes to work out;
- the round diff: the whole `supervise-tui diff --summary` process (the counts, as
  sqldiff gives them) and `supervise-tui diff --format csv` (every changed item
  written out) against `sqldiff --summary` on two database files holding the same
  two rounds;
- the batch jobs at the largest size: every bulletin format (`export`) and
  `list --format csv|json`, against one Python script that runs one SQL query for
  the same rows and writes them with the `csv` module;
- the task list loader: `validate` and `load` (into a new store) of a list of
  about 10 MB made from the bundled one, against `yaml.compose` with libyaml's
  `CSafeLoader` on the same file; and the peak memory of each on a list of about
  80 MB (one run each), beyond the interpreter, as a ratio to the file's size.

Each ratio is the median of the per-turn ratios, with their spread (lowest–highest)
beside it, and every section prints the load average when it starts and ends, so a
figure taken on a busy machine shows as such.

Usage: python benchmarks/bench.py [--items 300,200000] [--rounds 3] [--work DIR]
                                  [--only start,latency,diff,batch,loader]
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


# Runs a command and writes its own wall time, CPU time and peak RSS (from wait4) to a file. Linux
# counts a parent's resident memory at fork into the child's peak RSS, so a child of this
# benchmark (which grows as it runs) would be charged for it; a child of this small launcher is
# charged at most the launcher's few megabytes, less than any Python process's own.
LAUNCHER = """
import json, os, subprocess, sys, time
out, cmd = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
proc = subprocess.Popen(cmd)
_, status, usage = os.wait4(proc.pid, 0)
with open(out, "w") as f:
    json.dump([time.perf_counter() - start, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime,
               os.waitstatus_to_exitcode(status)], f)
"""


def peak_rss(cmd: list[str], *, capture: bool = False) -> tuple[float, float, str, float]:
    """Wall time (s), peak RSS (MB), (with ``capture``) stdout and CPU time (user + system, s) of a
    command, each measured by a small launcher process (see LAUNCHER)."""
    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile("r", suffix=".json") as figures:
        proc = subprocess.Popen([PY, "-c", LAUNCHER, figures.name, *cmd], stderr=err, cwd=ROOT,
                                stdout=subprocess.PIPE if capture else subprocess.DEVNULL)
        out = proc.stdout.read() if capture else b""
        proc.wait()
        text = figures.read()
        elapsed, mb, cpu, code = json.loads(text) if text else (0.0, 0.0, 0.0, proc.returncode)
        if code != 0 or proc.returncode != 0:
            err.seek(0)
            raise SystemExit(f"failed ({code}): {' '.join(cmd)}\n{err.read().decode(errors='replace')[-4000:]}")
    return elapsed, mb, out.decode(), cpu


def interleaved(cmds: dict[str, list[str]], runs: int = STARTS) -> dict[str, dict]:
    """Run each command ``runs`` times, one of each in turn (after one warm-up of each).

    This machine's speed drifts by tens of per cent within a minute, so a ratio is
    taken within each turn — the commands ran side by side — and the median of those
    ratios is reported, rather than a ratio of medians taken at different times.
    Returns per command: every wall time (s) and the largest peak RSS (MB).
    """
    for cmd in cmds.values():
        peak_rss(cmd)
    out: dict[str, dict] = {name: {"times": [], "cpu": [], "rss": 0.0} for name in cmds}
    for _ in range(runs):
        for name, cmd in cmds.items():
            elapsed, mb, _, cpu = peak_rss(cmd)
            out[name]["times"].append(elapsed)
            out[name]["cpu"].append(cpu)
            out[name]["rss"] = max(out[name]["rss"], mb)
    return out


def spread(figures: dict, name: str, base: str) -> str:
    """The median per-turn ratio of name to base and its range over the turns, in wall time and in CPU
    time: "1.42× (1.30–1.61×), CPU 1.20× (1.15–1.31×)". On a busy machine the wall-time ratios scatter
    with the other processes' demands; the CPU-time ratios hold (they leave out waiting for a core)."""
    def ratios(key: str) -> str:
        r = [a / b for a, b in zip(figures[name][key], figures[base][key])]
        return f"{statistics.median(r):5.2f}× ({min(r):.2f}–{max(r):.2f}×)"
    return f"{ratios('times')}, CPU {ratios('cpu')}"


def load_avg() -> str:
    """The 1-minute load average (the machine's busyness while the figures were taken)."""
    return f"load {os.getloadavg()[0]:.1f}"


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
            filtered = await filtered_latency(app, pilot)
            return {"down_ms": down, "page_ms": page, "search_ms": statistics.median(samples),
                    "search_max_ms": max(samples), "rows": table.row_count, **filtered}

    async def filtered_latency(app, pilot) -> dict:
        """The whole list filtered to its red items and sorted by progress: the order is worked out
        once (a worker, timed here on its own), then cursor and page move through it by rowid."""
        from supervise_tui.domain import reporting
        from supervise_tui.ui.itemview import ItemView

        view = ItemView(light="red", order="progress")
        t0 = time.perf_counter()
        reporting.ordered_ids(app.session.conn, app.session.round.id, view.scope(Scope()), view.order)
        order_ms = (time.perf_counter() - t0) * 1000
        await app.push_screen(ItemsScreen(["bench"], Scope(), view))
        for _ in range(50):  # until the worker's order is on the table
            await app.workers.wait_for_complete()
            await pilot.pause()
            if app.screen.table.row_count:
                break
        table = app.screen.table
        return {"filtered_rows": table.row_count, "filter_order_ms": order_ms,
                "filtered_down_ms": timed(table.action_cursor_down, table, 300),
                "filtered_page_ms": timed(table.action_page_down, table, 100)}

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
            **{f"{k}_ratio": spread(figures, k, "sqldiff") for k in ("summary", "csv")},
            "rss_mb": max(figures[k]["rss"] for k in ("summary", "csv"))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--items", default="300,200000")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--work", help="folder for the synthetic databases (kept between runs)")
    ap.add_argument("--only", default="start,latency,diff,batch,loader", help="which figures (comma-separated)")
    ap.add_argument("--child-latency", help=argparse.SUPPRESS)
    ap.add_argument("--child-scale", help=argparse.SUPPRESS)
    ap.add_argument("--child-copies", type=int, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child_latency:
        latency_child(args.child_latency)
        return
    if args.child_scale:
        print(scaled_tasklist(Path(args.child_scale), args.child_copies or LOADER_COPIES))
        return
    work = Path(args.work or Path(tempfile.gettempdir()) / "supervise-tui-bench")
    work.mkdir(parents=True, exist_ok=True)
    sizes = [int(n) for n in args.items.split(",")]
    print(f"supervise-tui benchmarks — python {sys.version.split()[0]}, {os.cpu_count()} cores, {load_avg()}, "
          f"work dir {work}")
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
        diff_section(work, dbs)
    if "batch" in only:
        batch_figures(work, max(dbs), dbs[max(dbs)])
    if "loader" in only:
        loader_figures(work)


def diff_section(work: Path, dbs: dict[int, Path]) -> None:
    print(f"\nround diff (5 turns, each beside sqldiff --summary; {load_avg()})")
    for n, db in dbs.items():
        diff = diff_figures(work, db)
        if diff is None:
            print("round diff: sqldiff not found (apt-get install sqlite3-tools) — skipped")
            break
        print(f"{n:>7} items: sqldiff --summary {diff['sqldiff_s'] * 1000:6.0f} ms   "
              f"diff --summary {diff['summary_s'] * 1000:6.0f} ms {diff['summary_ratio']}   "
              f"diff --format csv (every change) {diff['csv_s'] * 1000:6.0f} ms {diff['csv_ratio']}   "
              f"peak RSS {diff['rss_mb']:5.1f} MB")


MINIMAL_APP = """
from textual.app import App
class Minimal(App):
    def on_ready(self):
        self.exit()
Minimal().run(headless=True)
"""


def start_figures(dbs: dict[int, Path]) -> None:
    cmds = {"floor": [PY, "-c", "import textual.app"], "minimal": [PY, "-c", MINIMAL_APP]}
    for n, db in dbs.items():
        cmds[n] = [PY, "-m", "supervise_tui", "--db", str(db), "--headless", "--exit-after-first-screen"]
    print(f"\ncold start ({STARTS} turns, each start beside its floors; {load_avg()})")
    starts = interleaved(cmds)
    print(f"floor: python -c 'import textual.app'  {median_s(starts, 'floor') * 1000:7.0f} ms"
          f"   peak RSS {starts['floor']['rss']:5.1f} MB")
    print(f"a minimal Textual app, exits when ready {median_s(starts, 'minimal') * 1000:5.0f} ms"
          f"   {spread(starts, 'minimal', 'floor')} floor   peak RSS {starts['minimal']['rss']:5.1f} MB")
    for n in dbs:
        print(f"cold start to first screen, {n:>7} items  {median_s(starts, n) * 1000:7.0f} ms"
              f"   {spread(starts, n, 'floor')} floor   {spread(starts, n, 'minimal')} the minimal app"
              f"   peak RSS {starts[n]['rss']:5.1f} MB")
    if len(dbs) > 1:
        small, big = min(dbs), max(dbs)
        print(f"start at {big} / start at {small}: {spread(starts, big, small)}")
    print(f"({load_avg()} at the end)")


# The floor of a batch job: one SQL query for the rows, written with the csv module (argv: db, sql, params, out).
FLOOR_SCRIPT = """
import csv, json, sqlite3, sys
db, sql, params, out = sys.argv[1:5]
with open(out, "w", encoding="utf-8", newline="") as f:
    csv.writer(f).writerows(sqlite3.connect(db).execute(sql, json.loads(params)))
"""
BATCH_TURNS = 3


def floor_cmd(db: Path, out: Path) -> list[str]:
    """The floor for ``db``'s current round: every item with its unit, leader, state, light and note."""
    import sqlite3

    from supervise_tui.domain.db import get_meta
    from supervise_tui.domain.queries import LIGHT, STAGES, light_params

    conn = sqlite3.connect(db)
    round_id = int(get_meta(conn, "current_round"))
    params = {"round": round_id, **light_params(conn, round_id)}
    conn.close()
    sql = f"""WITH {STAGES}
        SELECT i.id, i.text, u.name, w.leader, s.status, s.progress, {LIGHT}, s.note
        FROM items i JOIN works w ON w.id = i.work_id JOIN ls ON ls.work_id = w.id
        LEFT JOIN work_units wu ON wu.work_id = w.id AND wu.role = 'lead' LEFT JOIN units u ON u.id = wu.unit_id
        LEFT JOIN item_state s ON s.round_id = :round AND s.item_id = i.id
        WHERE i.retired = 0 ORDER BY i.pos"""
    return [PY, "-c", FLOOR_SCRIPT, str(db), sql, json.dumps(params), str(out)]


def batch_figures(work: Path, n: int, db: Path) -> None:
    """Every bulletin format and the machine formats of `list`, whole processes, against the floor."""
    app = [PY, "-m", "supervise_tui", "--db", str(db)]
    out = work / "exports"
    cmds = {"floor": floor_cmd(db, work / "floor.csv")}
    for fmt in ("md", "html", "csv", "json"):
        cmds[f"export --format {fmt}"] = app + ["export", "--format", fmt, "--out", str(out)]
    for fmt in ("csv", "json"):
        cmds[f"list --format {fmt}"] = app + ["list", "--format", fmt]
    print(f"\nbatch jobs at {n} items ({BATCH_TURNS} turns, each job beside the floor; {load_avg()})")
    figures = interleaved(cmds, runs=BATCH_TURNS)
    print(f"floor: one SQL query written with the csv module  {median_s(figures, 'floor'):6.2f} s"
          f"   peak RSS {figures['floor']['rss']:5.1f} MB")
    for name in cmds:
        if name != "floor":
            print(f"{name:<22} {median_s(figures, name):6.2f} s  {spread(figures, name, 'floor')} floor"
                  f"   peak RSS {figures[name]['rss']:6.1f} MB")
    print(f"({load_avg()} at the end)")


LOADER_COPIES = 106  # about 10 MB, 33,600 items
LOADER_LARGE_COPIES = 850  # about 80 MB, 269,450 items: the size a province's list must load at


def scaled_tasklist(work: Path, copies: int = LOADER_COPIES) -> Path:
    """The bundled task list with its works repeated ``copies`` times under new ids, as one YAML file."""
    import yaml

    path = work / f"tasklist-x{copies}.yaml"
    if path.exists():
        return path
    src = yaml.load((ROOT / "supervise_tui" / "data" / "tasklist.yaml").read_bytes(), Loader=yaml.CSafeLoader)
    works = []
    for n, w in enumerate((w for _ in range(copies) for w in src["works"]), 1):
        wid = f"W{n:05d}"
        works.append({**w, "id": wid, "seq": n, "numeral": str(n), **{
            kind: [{**item, "id": f"{wid}-{kind[0].upper()}{k:02d}"} for k, item in enumerate(w[kind], 1)]
            for kind in ("targets", "measures") if kind in w}})

    class NoAliases(yaml.CSafeDumper):
        def ignore_aliases(self, data) -> bool:
            return True

    with open(path, "w", encoding="utf-8") as f:
        yaml.dump({**src, "works": works}, f, Dumper=NoAliases, allow_unicode=True, sort_keys=False, width=10**9)
    return path


def scaled_in_child(work: Path, copies: int) -> Path:
    """The scaled list, made in a child: a child's peak RSS counts this process's memory (see peak_rss)."""
    return Path(subprocess.run([PY, __file__, "--child-scale", str(work), "--child-copies", str(copies)], check=True,
                               capture_output=True, text=True).stdout.strip())


def loader_cmds(work: Path, path: Path) -> dict[str, list[str]]:
    store = work / "loaded.db"
    fresh = f"rm -f '{store}' '{store}-wal' '{store}-shm'; exec \"$@\""
    return {"floor": [PY, "-c", "import sys, yaml; yaml.compose(open(sys.argv[1], 'rb'), Loader=yaml.CSafeLoader)",
                      str(path)],
            "validate": [PY, "-m", "supervise_tui", "validate", str(path)],
            "load": ["sh", "-c", fresh, "sh", PY, "-m", "supervise_tui", "--db", str(store), "load", str(path)]}


def loader_figures(work: Path) -> None:
    """`validate` and `load` (into a new store each time) against yaml.compose with CSafeLoader; then
    their peak memory on an 80 MB list."""
    path = scaled_in_child(work, LOADER_COPIES)
    cmds = loader_cmds(work, path)
    size = path.stat().st_size / 1e6
    print(f"\ntask list loader, a {size:.1f} MB list ({BATCH_TURNS} turns beside the floor; {load_avg()})")
    figures = interleaved(cmds, runs=BATCH_TURNS)
    print(f"floor: yaml.compose with CSafeLoader  {median_s(figures, 'floor'):6.2f} s"
          f"   peak RSS {figures['floor']['rss']:5.1f} MB")
    for name in ("validate", "load"):
        print(f"{name:<9} {median_s(figures, name):6.2f} s ({size / median_s(figures, name):4.1f} MB/s)"
              f"  {spread(figures, name, 'floor')} floor   peak RSS {figures[name]['rss']:5.1f} MB")
    print(f"({load_avg()} at the end)")
    loader_memory(work)


# What the loader's commands hold before they read a byte: the interpreter, and it with their modules.
IMPORTED = ("import supervise_tui.main, supervise_tui.cli.run, supervise_tui.cli.tasklist, "
            "supervise_tui.domain.tasklist, supervise_tui.domain.sync, supervise_tui.domain.db")


def loader_memory(work: Path) -> None:
    """Peak RSS of `validate` and `load` of an 80 MB list beyond the interpreter's, as a ratio to the
    file's size (the goal: at most 3×); one run each, as memory does not vary with the machine's load."""
    path = scaled_in_child(work, LOADER_LARGE_COPIES)
    size = path.stat().st_size
    floors = {"interpreter": peak_rss([PY, "-c", "pass"])[1], "imported": peak_rss([PY, "-c", IMPORTED])[1]}
    print(f"\ntask list loader, peak memory of a {size / 1e6:.1f} MB list (one run each; {load_avg()}), beyond "
          f"the interpreter ({floors['interpreter']:.1f} MB) and beyond it with the app's modules imported "
          f"({floors['imported']:.1f} MB), as a ratio to the file's size:")
    for name, cmd in loader_cmds(work, path).items():
        if name == "floor":
            continue
        elapsed, mb, _, cpu = peak_rss(cmd)
        beyond = {k: (mb - floor) * 2**20 / size for k, floor in floors.items()}
        print(f"{name:<9} peak RSS {mb:6.1f} MB: {beyond['interpreter']:4.2f}× the file beyond the interpreter, "
              f"{beyond['imported']:4.2f}× beyond the imports   ({elapsed:.0f} s, CPU {cpu:.0f} s)")
    print(f"({load_avg()} at the end)")


def latency_figures(dbs: dict[int, Path]) -> None:
    print()
    for n, db in dbs.items():
        _, rss, out, _ = peak_rss([PY, __file__, "--child-latency", str(db)], capture=True)
        fig = json.loads(out.strip().splitlines()[-1])
        print(f"{n:>7} items: cursor-down {fig['down_ms']:6.2f} ms   page-down {fig['page_ms']:6.2f} ms   "
              f"search keystroke {fig['search_ms']:6.1f} ms (max {fig['search_max_ms']:.0f})   "
              f"peak RSS {rss:5.1f} MB")
        print(f"{'':>7}        filtered to red, sorted by progress ({fig['filtered_rows']} rows): "
              f"cursor-down {fig['filtered_down_ms']:6.2f} ms   page-down {fig['filtered_page_ms']:6.2f} ms "
              f"({fig['filtered_page_ms'] / fig['page_ms']:4.2f}× unfiltered)   "
              f"the order worked out once, off the UI thread, in {fig['filter_order_ms']:6.0f} ms")


if __name__ == "__main__":
    main()
