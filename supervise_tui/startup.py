"""Start-up without the cycle collector walking what start-up builds.

Starting the TUI makes a few hundred thousand objects that live as long as the process: the classes of
Textual, rich and this app, their styles, the catalogue. Python's cycle collector runs every few hundred
allocations and walks the long-lived objects again and again while they are made: about a tenth of
the time to the first screen. The process's entry point pauses it (``pause``); each face resumes it once
it has started (``resume``): the command line when its arguments are parsed, the TUI when its first
screen is drawn. Resuming first moves everything made so far out of the collector's view
(``gc.freeze``), so the collections while working do not walk it either; garbage is still freed by
reference counting throughout.

Only a pause made here is resumed: code that runs the faces in-process (the tests) keeps the
collector as it was.
"""

from __future__ import annotations

import gc

_paused = False


def pause() -> None:
    """Stop the cycle collector until ``resume`` (the process's entry point, before the app is imported)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """Start the collector again if ``pause`` stopped it, with what exists now kept out of its walks."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()


def paused() -> bool:
    """Whether start-up has the collector paused (for the tests)."""
    return _paused
