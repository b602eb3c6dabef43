"""The `synth` subcommand: a synthetic province-scale store for benchmarks."""

from __future__ import annotations

from argparse import Namespace


def add_parsers(sub) -> None:
    s = sub.add_parser("synth", help="fill a NEW database with synthetic items and rounds (benchmarks)")
    s.add_argument("--items", type=int, required=True, help="how many targets and measures")
    s.add_argument("--rounds", type=int, default=3, help="how many reporting rounds of state (default 3)")
    s.add_argument("--seed", type=int, default=1)


def cmd_synth(args: Namespace) -> None:
    from .commands import DataError, current_user, open_store
    from .domain.synth import SynthRefused, synthesize
    from .locations import bundled_tasklist

    if args.items < 1 or args.rounds < 1:
        raise DataError("--items and --rounds must be at least 1")
    conn = open_store(args, need_data=False)
    try:
        result = synthesize(conn, str(bundled_tasklist()), items=args.items, rounds=args.rounds, seed=args.seed,
                            user=current_user(args))
    except SynthRefused as exc:
        raise DataError(str(exc)) from None
    print(f"{result['items']} items in {result['works']} works, {result['rounds']} rounds")


HANDLERS = {"synth": cmd_synth}
