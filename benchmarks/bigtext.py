"""Exports stay bounded when one text is huge: a 1,000,000-character item text and note.

The loader refuses a text field over 2,000 characters and an edit a note over 20,000, but a store
written by another tool or an older version may hold more. Measured: the whole
``supervise-tui export --format F`` process on a store whose one red item has a 1,000,000-character
text and a 1,000,000-character note (put in with SQL), beside the floor: the same export of the same
store without them, turn by turn. Asserted (the run fails otherwise), for every format: the peak
RSS is within FLOOR_MB_ALLOWED of the floor's (the export streams: the text is held a few times,
never per cell or per column width), and the file grows by at most SLACK times the bytes of the
two texts (no cell repeated or padded out of proportion).

Usage: python benchmarks/bigtext.py [--turns 3] [--work DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import load_avg, peak_rss  # noqa: E402  (the same child measurement as bench.py)

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
CHARS = 1_000_000
ITEM = "W01-M01"
FLOOR_MB_ALLOWED = 40.0  # the two texts are 6 MB as UTF-8: a few copies, not one per cell
SLACK = 1.5
FORMATS = ("md", "html", "csv", "json")


def build(work: Path) -> tuple[Path, Path]:
    """The floor store (the bundled list, the item behind and red) and its copy with the huge texts."""
    floor, big = work / "floor.db", work / "big.db"
    for path in (floor, big):
        path.unlink(missing_ok=True)
    env = dict(os.environ, SUPERVISE_TUI_DATA_DIR=str(work / "data"), SUPERVISE_TUI_CONFIG=str(work / "s.json"))
    subprocess.run([PY, "-m", "supervise_tui", "--db", str(floor), "load"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run([PY, "-m", "supervise_tui", "--db", str(floor), "set", ITEM, "--status", "behind",
                    "--progress", "5", "--note", "短"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    with sqlite3.connect(floor) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(floor, big)
    with sqlite3.connect(big) as conn:
        conn.execute("UPDATE items SET text = ? WHERE id = ?", ("长" * CHARS, ITEM))
        conn.execute("UPDATE item_state SET note = ? WHERE item_id = ?", ("注" * CHARS, ITEM))
    return floor, big


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--turns", type=int, default=3)
    ap.add_argument("--work", help="folder for the stores and exports")
    args = ap.parse_args()
    work = Path(args.work or Path(tempfile.gettempdir()) / "supervise-tui-bigtext")
    work.mkdir(parents=True, exist_ok=True)
    floor, big = build(work)
    text_bytes = 2 * 3 * CHARS
    print(f"export of a store with a {CHARS:,}-character item text and note, beside the same export without them "
          f"({args.turns} turns; {load_avg()})")
    failed = []
    for fmt in FORMATS:
        runs: dict[str, dict] = {"floor": {"times": [], "rss": 0.0}, "big": {"times": [], "rss": 0.0}}
        size = {}
        for _ in range(args.turns):
            for name, db in (("floor", floor), ("big", big)):
                out = work / f"out-{name}"
                shutil.rmtree(out, ignore_errors=True)
                elapsed, mb, _ = peak_rss([PY, "-m", "supervise_tui", "--db", str(db), "export", "--format", fmt,
                                           "--out", str(out)])
                runs[name]["times"].append(elapsed)
                runs[name]["rss"] = max(runs[name]["rss"], mb)
                [written] = out.iterdir()
                size[name] = written.stat().st_size
        ratios = [b / f for b, f in zip(runs["big"]["times"], runs["floor"]["times"])]
        grown = size["big"] - size["floor"]
        extra_mb = runs["big"]["rss"] - runs["floor"]["rss"]
        print(f"{fmt:<5} {statistics.median(runs['big']['times']):6.2f} s  {statistics.median(ratios):5.2f}× floor "
              f"({min(ratios):.2f}–{max(ratios):.2f}×)   peak RSS {runs['big']['rss']:5.1f} MB "
              f"(floor {runs['floor']['rss']:5.1f} MB, +{extra_mb:4.1f})   file +{grown / 1e6:5.2f} MB "
              f"(the texts: {text_bytes / 1e6:.1f} MB)")
        if extra_mb > FLOOR_MB_ALLOWED:
            failed.append(f"{fmt}: peak RSS {extra_mb:.1f} MB over the floor's (allowed {FLOOR_MB_ALLOWED})")
        if grown > SLACK * text_bytes:
            failed.append(f"{fmt}: the file grew by {grown:,} bytes for {text_bytes:,} bytes of text")
    print(f"({load_avg()} at the end)")
    if failed:
        raise SystemExit("\n".join(failed))


if __name__ == "__main__":
    main()
