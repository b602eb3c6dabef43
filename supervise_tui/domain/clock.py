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


def shown_time(stamp: str | None) -> str:
    """A stored time as a person reads it: local time, to the minute ("2024-03-15 10:00"); "" for none.

    Stamps carry their UTC offset; they are shown in this machine's time zone, so a stamp
    written on another machine (or as +00:00) reads in local time here.
    """
    if not stamp:
        return ""
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if moment.tzinfo is not None:
        moment = moment.astimezone(_local_zone())
    return moment.strftime("%Y-%m-%d %H:%M")


def _local_zone():
    """This machine's zone; pinned runs ($SUPERVISE_TUI_NOW) read in the pinned stamp's offset."""
    pinned = os.environ.get("SUPERVISE_TUI_NOW")
    if pinned:
        zone = datetime.fromisoformat(pinned).tzinfo
        if zone is not None:
            return zone
    return datetime.now().astimezone().tzinfo
