"""Starting the TUI: open the store (loading the bundled task list on first run), build the App."""

from __future__ import annotations

from argparse import Namespace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .app import SuperviseApp
    from .session import Session


def make_session(db_path: Path, *, user: str, role: str | None = None, unit: str | None = None,
                 create: bool = True) -> Session:
    """Open the store and work out who is working on which round; loads the bundled list if empty.

    ``create``: a missing store is made (the first run); with False a missing file is an error.
    A liaison store (made from a round package) is worked in by its unit's liaison, whatever
    ``role`` and ``unit`` say; it is never filled with the bundled list.
    """
    from ..domain.db import connect, holds_no_items
    from ..domain.exchange.storekind import actor_for, liaison_unit
    from ..domain.rounds import current_round
    from .session import Session, small_cache

    conn = small_cache(connect(db_path, create=create))
    fixed = liaison_unit(conn)
    if fixed is None and conn.read_only is None and holds_no_items(conn):
        from ..domain.sync import load
        from ..domain.tasklist import load_tasklist
        from ..locations import bundled_tasklist

        load(conn, load_tasklist(bundled_tasklist()), user=user, source=str(bundled_tasklist()))
    actor = actor_for(conn, user, role, unit)
    home = fixed or (unit.strip() if unit else None)
    return Session(db_path=Path(db_path), conn=conn, actor=actor, round=current_round(conn), home_unit=home)


def make_app(session: Session, **options) -> SuperviseApp:
    """The App for a session (tests build one on a temporary store)."""
    from .app import SuperviseApp

    fewer_malloc_arenas()
    return SuperviseApp(session, **options)


M_ARENA_MAX = -8  # glibc's malloc.h
ARENAS = 1


def fewer_malloc_arenas(arenas: int = ARENAS) -> bool:
    """Let glibc's malloc keep at most ``arenas`` arenas; whether the C library took the setting.

    glibc gives threads that allocate at once arenas of their own (up to eight per core) and keeps
    what an arena once held: each worker that ran a count, a search or an export left its peak
    behind. With one, the app's peak memory at 200,000 items went from about 61 to under 59 MB
    (make bench; with two, about 60), the cursor, page-down and search times unchanged. Not on other
    C libraries, and not where the user set MALLOC_ARENA_MAX: theirs stands.
    """
    import os
    import sys

    if not sys.platform.startswith("linux") or "MALLOC_ARENA_MAX" in os.environ:
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None)
    except OSError:  # no C library to ask
        return False
    # gnu_get_libc_version is glibc's own: M_ARENA_MAX means this only there
    if not hasattr(libc, "gnu_get_libc_version") or not hasattr(libc, "mallopt"):
        return False
    return bool(libc.mallopt(M_ARENA_MAX, arenas))


def run_tui(args: Namespace) -> int:
    """Open the store and run the App until it quits; a store that cannot be opened raises SuperviseError.

    With no store yet (the first run), a first screen asks whether to start an inspector's store
    from the bundled task list or to open a round package into a liaison store.
    """
    from ..domain.settings import audit_name
    from ..locations import db_path

    path, user = db_path(args.db), audit_name(args.user)
    headless = getattr(args, "headless", False)
    first_screen_only = getattr(args, "exit_after_first_screen", False)
    notes: list[str] = []
    # The first run creates the store where it belongs; a --db naming no file is a mistyped path.
    if not args.db and not first_screen_only:
        from .welcome import WelcomeApp, needs_first_run, package_nearby

        if needs_first_run(path):
            from .. import startup

            startup.resume()  # a first run waits on the person, then loads the bundled list: collect as usual
            welcome = WelcomeApp(path, user, package_nearby(Path.cwd()))
            if welcome.run(headless=headless) is None:
                return 0
            notes = welcome.notes
    session = make_session(path, user=user, role=args.role, unit=args.unit, create=not args.db)
    app = make_app(session, exit_after_first_screen=first_screen_only, notes=notes)
    app.run(headless=headless)
    return app.return_code or 0
