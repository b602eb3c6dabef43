"""Run a loader test module on both YAML event streams: libyaml's (C) and PyYAML's pure-Python one.

Import ``both_parsers`` into a test module: every test there runs once per stream. The C stream
is skipped, saying why, where PyYAML was built without libyaml.
"""

from __future__ import annotations

import pytest

from supervise_tui.domain import yamlstrict

PARSERS = [pytest.param("c", marks=pytest.mark.skipif(yamlstrict._CParser is None,
                                                      reason="PyYAML was built without libyaml")),
           "python"]


@pytest.fixture(autouse=True, params=PARSERS)
def both_parsers(request):
    """The event stream this run of the test reads with (restored after it)."""
    before = yamlstrict.PARSER
    yamlstrict.PARSER = request.param
    yield request.param
    yamlstrict.PARSER = before
