"""Getting a task list in: load, validate, and the synthetic store for benchmarks."""

from __future__ import annotations

import sys
from argparse import Namespace

from ..errors import SuperviseError
from ..i18n import t
from .common import open_store, user
from .output import to_json


def cmd_load(args: Namespace) -> None:
    from ..domain.sync import load
    from ..domain.tasklist import load_tasklist
    from ..locations import bundled_tasklist

    path = args.file or str(bundled_tasklist())
    tasklist = load_tasklist(path)  # the whole file is valid before anything is written
    conn = open_store(args, need_data=False, create=True)
    before = conn.execute("SELECT count(*) FROM items WHERE retired = 0").fetchone()[0]
    report = load(conn, tasklist, user=user(args), source=str(path), retire=args.retire)
    if 2 * report.retired.get("items", 0) > before:  # asked for with --retire, and still said loudly
        print(t("cli.load_retired_most", count=report.retired["items"], total=before), file=sys.stderr)
    if args.format == "json":
        print(to_json(report.as_dict()))
        return
    print(t("cli.loaded", source=path))
    for kind in ("works", "items"):
        print("  " + t("cli.load_counts", kind=kind, added=report.added[kind], changed=report.changed[kind],
                       retired=report.retired[kind], unchanged=report.unchanged[kind]))
    if report.round_created:
        print("  " + t("cli.round_created", name=report.round_created))


def cmd_validate(args: Namespace) -> None:
    from ..domain.tasklist import load_tasklist

    tasklist = load_tasklist(args.file)
    items = tasklist.items
    print(t("cli.valid", path=args.file, works=len(tasklist.works),
            targets=sum(i.kind == "target" for i in items), measures=sum(i.kind == "measure" for i in items)))


def cmd_synth(args: Namespace) -> None:
    from ..domain.synth import synthesize
    from ..locations import bundled_tasklist

    if args.items < 1 or args.rounds < 1:
        raise SuperviseError("error.synth.counts")
    conn = open_store(args, need_data=False, create=True)
    result = synthesize(conn, str(bundled_tasklist()), items=args.items, rounds=args.rounds, seed=args.seed,
                        user=user(args))
    print(t("cli.synthesized", **result))
