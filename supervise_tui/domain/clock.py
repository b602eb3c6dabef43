"""The time the app stamps on changes; $SUPERVISE_TUI_NOW pins it for reproducible runs."""

from __future__ import annotations

import os
from datetime import date, datetime


def now() -> str:
    """Local time as ISO 8601 to the second."""
    pinned = os.environ.get("SUPERVISE_TUI_NOW")
    if pinned:
        return pinned
    return datetime.now().astimezone().replace(microsecond=0).isoformat()


def today() -> date:
    """Today's date (from $SUPERVISE_TUI_NOW when pinned)."""
    return date.fromisoformat(now()[:10])
