"""The air-gapped exchange: exchange enrol, issue, open, return, import, status."""

from __future__ import annotations

from argparse import Namespace
from pathlib import Path

from ..errors import UsageError
from ..i18n import t
from .common import actor, open_store, user


def cmd_exchange(args: Namespace) -> None:
    {"enrol": _enrol, "issue": _issue, "open": _open, "return": _return}[args.exchange_action](args)


def _enrol(args: Namespace) -> None:
    from ..domain.exchange.keys import enrol

    conn = open_store(args)
    key = enrol(conn, actor(args, conn), args.unit, rotate=args.rotate)
    if key.generation > 1:
        print(t("exchange.rotated", unit=key.unit, old=key.generation - 1, new=key.generation))
    else:
        print(t("exchange.enrolled", unit=key.unit))


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
        print(t("exchange.issued_key" if p.with_key else "exchange.issued", path=str(p.path), unit=p.unit,
                round=p.round.name, items=p.items))


def _open(args: Namespace) -> None:
    from ..domain.exchange.liaison import open_package

    conn = open_store(args, need_data=False, create=True)  # a package is how a liaison store begins
    opened = open_package(conn, Path(args.file), user=user(args))
    if opened.already:
        print(t("exchange.opened_before", package=opened.package_id, at=opened.already))
        return
    print(t("exchange.opened_new" if opened.created else "exchange.opened", unit=opened.unit,
            round=opened.round.name, items=opened.items))
    if opened.kept:
        print(t("exchange.kept", count=len(opened.kept), items=", ".join(opened.kept)))
    if opened.gone:
        print(t("exchange.gone", count=len(opened.gone), items=", ".join(opened.gone)))


def _return(args: Namespace) -> None:
    from ..domain.exchange.liaison import write_return

    conn = open_store(args)
    written = write_return(conn, Path(args.out), user=user(args))
    print(t("exchange.returned", path=str(written.path), seq=written.seq, round=written.round.name,
            items=written.items))
