"""Every filesystem location the app uses, in one place.

Each can be overridden by a command-line flag or an environment variable, so
tests and air-gapped installs can point the app anywhere.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "supervise-tui"
DB_ENV = "SUPERVISE_TUI_DB"
DATA_ENV = "SUPERVISE_TUI_DATA_DIR"
CONFIG_ENV = "SUPERVISE_TUI_CONFIG"


def data_dir() -> Path:
    """The per-user data directory (platformdirs), or $SUPERVISE_TUI_DATA_DIR."""
    override = os.environ.get(DATA_ENV)
    if override:
        return Path(override)
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def db_path(flag: str | os.PathLike | None = None) -> Path:
    """The database file: --db, else $SUPERVISE_TUI_DB, else the data directory."""
    if flag:
        return Path(flag)
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env)
    return data_dir() / "supervise.db"


def config_path() -> Path:
    """The settings file (light thresholds, user name, language)."""
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env)
    return data_dir() / "settings.json"


def bundled_tasklist() -> Path:
    """The task list shipped with the package (data/tasklist.yaml in the repo)."""
    return Path(__file__).resolve().parent / "data" / "tasklist.yaml"


def exports_dir(flag: str | os.PathLike | None = None) -> Path:
    """Where exports go: --out, else exports/ of the current directory."""
    return Path(flag) if flag else Path.cwd() / "exports"
