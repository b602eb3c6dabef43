"""What the app sets to keep its memory down at province scale (make bench measures the effect):
a smaller SQLite page cache on each of its connections, and one malloc arena on glibc."""

from __future__ import annotations

import ctypes
import os
import sqlite3
import sys

import pytest

from supervise_tui.ui import launch
from supervise_tui.ui.launch import fewer_malloc_arenas
from supervise_tui.ui.session import CACHE_KIB
from tests.tui.kit import USER


def _cache_kib(conn) -> int:
    return -conn.execute("PRAGMA cache_size").fetchone()[0]


def test_the_apps_connections_keep_a_small_page_cache(store, isolated_locations):
    session = launch.make_session(isolated_locations, user=USER)
    try:
        assert _cache_kib(session.conn) == CACHE_KIB < 2000  # SQLite's own default is 2,000 KiB
        with session.reader() as worker:
            assert _cache_kib(worker) == CACHE_KIB
    finally:
        session.conn.close()
    assert _cache_kib(store) == _cache_kib(sqlite3.connect(":memory:"))  # the command line's: SQLite's default


def _glibc() -> bool:
    try:
        return sys.platform.startswith("linux") and bool(os.confstr("CS_GNU_LIBC_VERSION"))
    except (ValueError, OSError):
        return False


@pytest.mark.skipif(not _glibc(), reason="mallopt's arena limit is glibc's")
def test_glibc_takes_the_arena_limit(monkeypatch):
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    assert fewer_malloc_arenas() is True


def test_the_users_own_arena_setting_stands(monkeypatch):
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    called = []
    monkeypatch.setattr(ctypes, "CDLL", lambda *a: called.append(a))
    assert fewer_malloc_arenas() is False and called == []


@pytest.mark.parametrize("platform", ["win32", "darwin"])
def test_other_systems_are_left_alone(monkeypatch, platform):
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    monkeypatch.setattr(sys, "platform", platform)
    assert fewer_malloc_arenas() is False


class _Libc:
    """A C library with only the functions named."""

    def __init__(self, *names):
        for name in names:
            setattr(self, name, lambda *args: 1)


@pytest.mark.parametrize("names", [("mallopt",), ("gnu_get_libc_version",)], ids=["not glibc", "no mallopt"])
def test_a_c_library_other_than_glibc_is_left_alone(monkeypatch, names):
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(ctypes, "CDLL", lambda *args: _Libc(*names))
    assert fewer_malloc_arenas() is False


def test_glibc_is_asked_for_one_arena(monkeypatch):
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    libc = _Libc("gnu_get_libc_version")
    asked = []
    libc.mallopt = lambda param, value: asked.append((param, value)) or 1
    monkeypatch.setattr(ctypes, "CDLL", lambda *args: libc)
    assert fewer_malloc_arenas() is True and asked == [(-8, 1)]  # M_ARENA_MAX in glibc's malloc.h


def test_the_app_asks_for_it_as_it_is_built(store, isolated_locations, monkeypatch):
    asked = []
    monkeypatch.setattr(launch, "fewer_malloc_arenas", lambda: asked.append(True))
    from tests.tui.kit import build_app

    app = build_app(isolated_locations)
    assert asked == [True]
    app.session.conn.close()
