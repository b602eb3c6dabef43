"""The end-to-end runs' shared kit: a tmux pane of the test's own, killed whatever the test does."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.tmux_kit import Pane


@pytest.fixture
def pane(tmp_path: Path) -> Iterator[Pane]:
    """A tmux server and pane of this test's own (start it with start_app or pane.start)."""
    started = Pane(tmp_path)
    yield started
    started.kill()
