"""What goes out of the store: the round diff and the bulletin export."""

from __future__ import annotations

from argparse import Namespace

from ..errors import naming
from ..i18n import t
from .common import open_store, round_of
from .output import say_out


def cmd_diff(args: Namespace) -> None:
    from ..domain import diff, queries
    from ..domain.rounds import get_round
    from . import diffout

    conn = open_store(args)
    old, new = get_round(conn, args.old), get_round(conn, args.new)
    flt = diff.DiffFilter(pillar=queries.resolve_pillar(conn, args.pillar) if args.pillar else None,
                          unit=queries.resolve_unit(conn, args.diff_unit) if args.diff_unit else None,
                          leader=queries.resolve_person(conn, args.leader) if args.leader else None)
    changed_only = not args.all
    if args.summary:
        diffout.summary(old, new, diff.diff_counts(conn, old.id, new.id, flt), args.format)
        return
    if args.format == "csv":  # rows only, made by SQLite: one pass, however many items
        diffout.csv_rows(diff.diff_csv_lines(conn, old.id, new.id, flt, changed_only=changed_only))
        return
    counts = diff.diff_counts(conn, old.id, new.id, flt)
    if args.format == "json":
        diffout.json_rows(old, new, counts, diff.diff_json_lines(conn, old.id, new.id, flt, changed_only=changed_only))
        return
    rows = diff.diff_rows(conn, old.id, new.id, flt, changed_only=changed_only, text_limit=diffout.TEXT_CELLS + 1)
    (diffout.table if args.format == "table" else diffout.markdown)(old, new, counts, rows)


def cmd_export(args: Namespace) -> None:
    from ..domain.bulletin import build_bulletin
    from ..domain.export import confined, export_bulletin, export_name
    from ..locations import exports_dir

    conn = open_store(args)
    rnd = round_of(conn, args.round)
    folder = exports_dir(args.out)
    with build_bulletin(conn, rnd.id, by=args.by) as bulletin, \
            naming(confined(folder, export_name(rnd.id, rnd.name, args.format, args.by))):  # say which file
        path = export_bulletin(bulletin, args.format, folder)
    say_out(t("export.written", path=path))
