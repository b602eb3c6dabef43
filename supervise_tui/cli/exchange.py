"""The air-gapped exchange: exchange enrol, issue, open, return, import, status."""

from __future__ import annotations

from argparse import Namespace
from pathlib import Path

from ..errors import UsageError
from ..i18n import t
from ..textsafe import one_line
from .common import actor, open_store, user


def line(text: str) -> None:
    """One line of output: it names files, units, rounds and items from other machines, so every control
    and bidi character in them is shown as a visible placeholder, never sent to the terminal."""
    print(one_line(text))


def cmd_exchange(args: Namespace) -> int | None:
    return {"enrol": _enrol, "issue": _issue, "open": _open, "return": _return, "import": _import,
     "status": _status}[args.exchange_action](args)


def _enrol(args: Namespace) -> None:
    from ..domain.exchange.keys import enrol

    conn = open_store(args)
    key = enrol(conn, actor(args, conn), args.unit, rotate=args.rotate)
    if key.generation > 1:
        line(t("exchange.rotated", unit=key.unit, old=key.generation - 1, new=key.generation))
    else:
        line(t("exchange.enrolled", unit=key.unit))


def _issue(args: Namespace) -> None:
    from ..domain.exchange.package import issue, issue_all

    if bool(args.unit) == bool(args.all):
        raise UsageError("error.usage", detail=t("exchange.issue_which"))
    conn = open_store(args)
    who = actor(args, conn)
    folder = Path(args.out)
    done = issue_all(conn, who, folder, round_ref=args.round) if args.all \
        else [issue(conn, who, args.unit, folder, round_ref=args.round)]
    for p in done:
        line(t("exchange.issued_key" if p.with_key else "exchange.issued", path=str(p.path), unit=p.unit,
                round=p.round.name, items=p.items))


def _open(args: Namespace) -> None:
    from ..domain.exchange.liaison import open_package

    conn = open_store(args, need_data=False, create=True)  # a package is how a liaison store begins
    opened = open_package(conn, Path(args.file), user=user(args))
    if opened.already:
        line(t("exchange.opened_before", package=opened.package_id, at=opened.already))
        return
    line(t("exchange.opened_new" if opened.created else "exchange.opened", unit=opened.unit,
            round=opened.round.name, items=opened.items))
    if opened.kept:
        line(t("exchange.kept", count=len(opened.kept), items=", ".join(opened.kept)))
    if opened.gone:
        line(t("exchange.gone", count=len(opened.gone), items=", ".join(opened.gone)))


def _return(args: Namespace) -> None:
    from ..domain.exchange.liaison import write_return

    conn = open_store(args)
    written = write_return(conn, Path(args.out), user=user(args))
    line(t("exchange.returned", path=str(written.path), seq=written.seq, round=written.round.name,
            items=written.items))


def _import(args: Namespace) -> int:
    from ..domain.exchange.importing import Received, import_files
    from ..errors import ExchangeRefused
    from .run import say

    conn = open_store(args)
    refused = imported = already = 0
    for result in import_files(conn, actor(args, conn), [Path(p) for p in args.paths], accept=args.accept):
        if isinstance(result, ExchangeRefused):
            refused += 1
            say(f"supervise-tui: {result}")
            continue
        assert isinstance(result, Received)
        if result.already:
            already += 1
            line(t("exchange.import.already", file=result.path.name, at=result.already))
            continue
        imported += 1
        line(received_line(result))
        for item, reason in result.refused.items():
            line(t("exchange.import.item_refused", id=item, reason=reason))
    if refused + imported + already == 0:
        raise UsageError("error.usage", detail=t("exchange.import.no_files"))
    if refused + imported + already > 1:
        line(t("exchange.import.summary", imported=imported, refused=refused, already=already))
    return 1 if refused else 0


def received_line(result) -> str:
    """One line per imported file: who, which round, and how its fields went."""
    head = t("exchange.import.head", file=result.path.name, unit=result.unit, seq=result.seq, round=result.round)
    if result.superseded_by is not None:
        return head + t("exchange.import.superseded", newer=result.superseded_by,
                        count=result.counts.get("superseded", 0))
    parts = [t(f"exchange.outcome.{k}", count=result.counts[k]) for k in
             ("accepted", "open", "same", "repeat", "refused") if result.counts.get(k)]
    return head + t("exchange.sep").join(parts or [t("exchange.import.empty")])


def _status(args: Namespace) -> None:
    from ..domain.exchange.status import unit_status
    from .common import round_of
    from .output import emit

    conn = open_store(args)
    rnd = round_of(conn, args.round)
    rows = unit_status(conn, rnd.id)
    if args.format != "json":
        for r in rows:
            r["returned"] = "" if r["returned"] is None else t("exchange.yes" if r["returned"] else "exchange.no")
            r["enrolled"] = (r["enrolled"] or "")[:10]
    columns = [("unit", t("col.unit")), ("enrolled", t("exchange.col.enrolled")), ("key", t("exchange.col.key")),
               ("package_at", t("exchange.col.package_at")), ("returns", t("exchange.col.returns")),
               ("last_seq", t("exchange.col.last_seq")), ("last_at", t("exchange.col.last_at")),
               ("items", t("exchange.col.items")), ("open", t("exchange.col.open")),
               ("conflicts", t("exchange.col.conflicts")), ("returned", t("exchange.col.returned"))]
    emit(rows, columns, args.format)
    if args.format == "table":
        missing = [r["unit"] for r in rows if r["returned"] == t("exchange.no")]
        line(t("exchange.status.missing", round=rnd.name, count=len(missing), units="、".join(missing))
              if missing else t("exchange.status.all_in", round=rnd.name))
