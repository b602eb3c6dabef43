"""Table columns: headed from the catalogue; and the item table's, one declaration each.

``ITEM_COLUMNS`` is the table the item screens (drill-down, search) show, in order. A new column
is one more ``ItemColumn`` here: its cell reads the item row (``queries.page_items``) and nothing
else. At a narrow width the columns with the highest ``drop`` go first, so the item text keeps
its room (``min_width``) instead of being starved to a few cells.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.cells import cell_len

from ..domain.targets import attainment_cell, goal_from_json
from ..domain.vocab import word
from ..i18n import t
from .widgets.vtable import Column

STATUS_STYLE = {"done": "green", "in_progress": "yellow", "behind": "bold red", "blocked": "bold red"}
LIGHT_STYLE = {"green": "bold green", "yellow": "bold yellow", "red": "bold red"}


def column(key: str, width: int, **options) -> Column:
    """A column headed by the catalogue text ``key``, never narrower than that heading (English is wider)."""
    label = t(key)
    return Column(label, max(width, cell_len(label)) if width else 0, **options)


def styler(mapping: dict[str, str], family: str) -> Callable[[str], str]:
    """A cell's style from its word (the status or light as shown, in the interface language)."""
    by_label = {word(family, code): style for code, style in mapping.items()}
    return lambda text: by_label.get(text, "")


@dataclass(frozen=True)
class ItemColumn:
    """One column of an item table.

    ``heading`` is a catalogue key; ``cell`` turns an item row into the cell's text; ``style``
    colours a cell by its text; ``drop``, ``min_width`` and ``weight`` are the table Column's.
    """

    heading: str
    width: int
    cell: Callable[[dict], str]
    align: str = "left"
    style: Callable[[], Callable[[str], str]] | None = None  # made when the table is (the language may change)
    drop: int = 0
    min_width: int = 0
    weight: int = 1

    def column(self) -> Column:
        return column(self.heading, self.width, align=self.align, style_fn=self.style() if self.style else None,
                      drop=self.drop, min_width=self.min_width, weight=self.weight)


ITEM_COLUMNS: tuple[ItemColumn, ...] = (
    ItemColumn("col.id", 9, lambda r: r["id"]),  # first: the row's key
    ItemColumn("col.kind", 4, lambda r: word("kind", r["kind"]), drop=3),
    ItemColumn("col.text", 0, lambda r: r["text"], min_width=30, weight=2),
    ItemColumn("col.lead_unit", 14, lambda r: r["lead_unit"] or "", drop=2),
    ItemColumn("col.status", 8, lambda r: word("status", r["status"]),
               style=lambda: styler(STATUS_STYLE, "status")),
    ItemColumn("col.progress", 6, lambda r: f"{r['progress'] or 0}%", align="right"),
    ItemColumn("col.light", 4, lambda r: word("light", r["light"]), style=lambda: styler(LIGHT_STYLE, "light")),
    # a numeric target's value reached against its goal (18/20名 90%, 未填); blank for the others
    ItemColumn("col.attainment", 14, lambda r: attainment_cell(goal_from_json(r["goal"]), r["value"]), drop=4),
    ItemColumn("col.note", 18, lambda r: r["note"] or "", drop=5),
    ItemColumn("col.light_reason", 0, lambda r: r["light_reason"], drop=6, min_width=24),
)


def item_cells(row: dict, columns: tuple[ItemColumn, ...] = ITEM_COLUMNS) -> list[str]:
    return [c.cell(row) for c in columns]
