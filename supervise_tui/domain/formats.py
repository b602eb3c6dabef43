"""The one registry of output formats and bulletin groupings, used by the CLI, the TUI and the export.

Also the one guard every CSV cell passes through, so a spreadsheet never runs a cell as a formula.
"""

from __future__ import annotations

# What listing commands print: a table for people, JSON or CSV for programs.
LISTING_FORMATS = ("table", "json", "csv")
# The round diff on the command line can also be a Markdown table.
DIFF_FORMATS = (*LISTING_FORMATS, "md")
# The bulletin's files, each with the catalogue key of its name in the export dialog.
EXPORT_FORMATS = {"md": "format.md", "csv": "format.csv", "html": "format.html", "json": "format.json"}
DEFAULT_EXPORT_FORMAT = "md"
# How the bulletin's breakdown is grouped, each with the catalogue key of its name.
GROUPINGS = {"pillar": "tui.export.by_pillar", "unit": "tui.export.by_unit", "leader": "tui.export.by_leader"}
DEFAULT_GROUPING = "pillar"

# Spreadsheet programs run a cell that starts with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Keep a CSV cell from being run as a spreadsheet formula."""
    return "'" + value if value.startswith(FORMULA_START) else value
