"""The one place the TUI tells the user that a background worker failed.

Workers run with ``exit_on_error=False``, so an error ends the worker, not the app; Frame and
Dialog hand every worker's state change here. A worker interrupted because the app is
quitting is not an error worth a word.
"""

from __future__ import annotations

import sqlite3

from textual.dom import DOMNode
from textual.worker import Worker, WorkerState

from ..errors import describe, store_error
from ..i18n import t


def worker_failed(node: DOMNode, event: Worker.StateChanged) -> None:
    if event.state != WorkerState.ERROR:
        return
    session = getattr(node.app, "session", None)
    if session is not None and session.quitting:
        return
    error = event.worker.error
    if isinstance(error, sqlite3.Error) and session is not None:  # named with the store's path and what to do
        error = store_error(error, session.db_path)
    node.app.notify(t("error.worker", detail=describe(error) if error else ""), severity="error",
                    timeout=10, markup=False)
