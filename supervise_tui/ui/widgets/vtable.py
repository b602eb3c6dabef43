"""A virtual table for very large row sets (Textual Line API).

`VirtualTable` never holds the whole data set.  It asks a `RowSource` for the
row count (to size the scrollable area) and for pages of rows around whatever
is being drawn, keeping only a few pages in a small LRU cache.  It is built on
`textual.scroll_view.ScrollView` and renders one line at a time in
`render_line`, so moving the cursor over 200,000 rows repaints two lines and
runs no SQL while the rows are cached.

Layout of the virtual canvas::

    virtual line 0      header (column labels)
    virtual line i + 1  data row i

The header is pinned: screen line 0 always renders the header, and screen line
``y >= 1`` renders data row ``scroll_y + y - 1``.  The virtual height is
``count + 1`` so the last row is reachable with the header on top.

Cell texts come from files and people.  They are shown literally: every cell is
passed through `printable` (control / bidi characters replaced by visible
placeholders) and emitted as plain `Segment`s — never parsed as Rich or Textual
markup, so ``[b]x[/b]`` or ``[@click=app.quit]x[/]`` display as typed and
cannot trigger actions.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.cells import cell_len
from rich.errors import StyleSyntaxError
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...textsafe import one_line as printable
from ..bindings import bind, localise
from .tablemodel import Column, RowSource, _Layout, fit_cell

__all__ = [
    "Column",
    "RowSource",
    "VirtualTable",
    "fit_cell",
    "printable",
]


# --------------------------------------------------------------------------- #
# Widget
# --------------------------------------------------------------------------- #


class VirtualTable(ScrollView, can_focus=True):
    """A read-only table that renders only the visible window of a large `RowSource`."""

    PAGE_SIZE: ClassVar[int] = 200
    """Rows fetched per `RowSource.rows` call."""
    MAX_PAGES: ClassVar[int] = 8
    """Pages kept in the row cache (LRU)."""
    RELOAD_SEARCH: ClassVar[int] = 100
    """`reload(keep_key=True)` looks this many rows either side for the old key."""
    CELL_PAD: ClassVar[int] = 1
    """Blank cells before each column."""
    MIN_FLEX_WIDTH: ClassVar[int] = 6
    """Minimum width of a ``width=0`` column."""
    MARK: ClassVar[str] = "●"
    """Drawn before a marked row (in the first column's pad cell)."""

    ALLOW_SELECT = False

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("up", "cursor_up", "up", show=False),
        bind("down", "cursor_down", "down", show=False),
        bind("pageup", "page_up", "page_up", show=False),
        bind("pagedown", "page_down", "page_down", show=False),
        bind("home", "cursor_home", "first", show=False),
        bind("end", "cursor_end", "last", show=False),
        bind("enter", "select", "open"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "vtable--header",
        "vtable--cursor",
        "vtable--heading",
    }

    DEFAULT_CSS = """
    VirtualTable {
        height: 1fr;
        background: $surface;
        color: $foreground;
        & > .vtable--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        & > .vtable--heading {
            text-style: bold;
            color: $accent;
        }
        & > .vtable--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus {
            background-tint: $foreground 5%;
            & > .vtable--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
    }
    """

    cursor_row: reactive[int] = reactive(0, repaint=False, init=False)
    """Index of the row under the cursor (0-based, clamped to the row count)."""

    class Selected(Message):
        """Posted when a row is chosen (enter, or double click)."""

        def __init__(
            self, table: VirtualTable, row: Sequence[str], key: str, index: int
        ) -> None:
            super().__init__()
            self.table = table
            self.row = row
            self.key = key
            self.index = index

        @property
        def control(self) -> VirtualTable:
            return self.table

    class CursorMoved(Message):
        """Posted when the row under the cursor changes.

        `row` and `key` are ``None`` when the table is empty.
        """

        def __init__(
            self,
            table: VirtualTable,
            row: Sequence[str] | None,
            key: str | None,
            index: int,
        ) -> None:
            super().__init__()
            self.table = table
            self.row = row
            self.key = key
            self.index = index

        @property
        def control(self) -> VirtualTable:
            return self.table

    def __init__(
        self,
        source: RowSource,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        localise(self)
        self._source: RowSource = source
        self._columns: tuple[Column, ...] = tuple(source.columns)
        self._count: int = max(0, int(source.count()))
        self._pages: OrderedDict[int, list[Sequence[str]]] = OrderedDict()
        # Rendered lines: a few screens' worth (a page-down never comes back to old ones).
        self._strips: LRUCache[tuple[int, bool], tuple[Strip, Style]] = LRUCache(
            256
        )
        self._layout: _Layout | None = None
        self._layout_avail: int = -1
        self._min_total: int = self._compute_min_total()
        self._style_cache: dict[str, Style] = {}
        # The widget's own style, which every row starts from: worked out (a walk up the DOM)
        # once per restyle, like the lines drawn with it, not once per line.
        self._row_style: Style | None = None
        self._last_notified: tuple[int, str | None] | None = None
        self._marks: set[str] = set()
        self._ready = False  # set in on_mount (is_mounted is False during Mount)

    # ------------------------------------------------------------------ API

    @property
    def source(self) -> RowSource:
        """The current row source."""
        return self._source

    @property
    def row_count(self) -> int:
        """Number of rows (as of the last count)."""
        return self._count

    @property
    def current_row(self) -> Sequence[str] | None:
        """Cells of the row under the cursor, or None if the table is empty."""
        if not self._count:
            return None
        return self._get_row(self.cursor_row)

    @property
    def current_key(self) -> str | None:
        """Key of the row under the cursor, or None if the table is empty."""
        row = self.current_row
        return None if row is None else self._source.key(row)

    @property
    def shown_columns(self) -> list[Column]:
        """The columns drawn at the table's present width (droppable ones may be left out)."""
        layout = self._get_layout()
        return [column for column, shown in zip(self._columns, layout.shown) if shown]

    def column_widths(self) -> dict[str, int]:
        """Each drawn column's width in cells, by its label."""
        layout = self._get_layout()
        return {c.label: w for c, w, shown in zip(self._columns, layout.widths, layout.shown) if shown}

    def set_source(self, source: RowSource) -> None:
        """Show a different data set; the cursor goes back to the first row."""
        self._source = source
        self._columns = tuple(source.columns)
        self._min_total = self._compute_min_total()
        self._count = max(0, int(source.count()))
        self._drop_caches()
        self._style_cache.clear()
        self._last_notified = None
        self._update_virtual_size()
        if self._ready:
            self.scroll_to(0, 0, animate=False, force=True)
        self.set_reactive(VirtualTable.cursor_row, 0)
        self.refresh()
        self._notify_cursor()

    def replace_source(self, source: RowSource, near: int | None = None) -> None:
        """Show a new version of the same rows (filtered or sorted again): the cursor stays on its
        row if that row is within ``near`` rows (default RELOAD_SEARCH) of its old place, else on
        the same index (clamped)."""
        self._source = source
        self._columns = tuple(source.columns)
        self._min_total = self._compute_min_total()
        self._style_cache.clear()
        self.reload(keep_key=True, near=near)

    # ------------------------------------------------------------ marks

    @property
    def marks(self) -> frozenset[str]:
        """Keys of the marked rows (space on a table that allows it); a mark is drawn before the row."""
        return frozenset(self._marks)

    def toggle_mark(self) -> bool:
        """Mark the row under the cursor, or unmark it; returns whether it is marked now."""
        key = self.current_key
        if key is None:
            return False
        if key in self._marks:
            self._marks.discard(key)
        else:
            self._marks.add(key)
        self._strips.discard((self.cursor_row, True))
        self._strips.discard((self.cursor_row, False))
        self.refresh_line(self.cursor_row + 1)
        return key in self._marks

    def clear_marks(self) -> None:
        if self._marks:
            self._marks.clear()
            self._strips.clear()
            self.refresh()

    def reload(self, keep_key: bool = True, near: int | None = None) -> None:
        """Re-count and drop cached rows (call after the data changed).

        The cursor stays on the same row index, clamped to the new count.  With
        `keep_key`, if the row that was under the cursor moved by a little (an
        insert/delete above it), the cursor follows it: the rows within
        `RELOAD_SEARCH` (or ``near``) of the old index are searched for the old key.
        """
        old_index = self.cursor_row
        old_key = self._last_notified[1] if self._last_notified else None
        if old_key is None and keep_key:
            old_key = self._cached_key(old_index)
        self._count = max(0, int(self._source.count()))
        self._drop_caches()
        self._update_virtual_size()
        new_index = self._clamp(old_index)
        if keep_key and old_key is not None and self._count:
            found = self._find_key_near(old_key, new_index, self.RELOAD_SEARCH if near is None else near)
            if found is not None:
                new_index = found
        if self._ready and self.scroll_offset.y > self.max_scroll_y:
            self.scroll_to(y=self.max_scroll_y, animate=False, force=True)
        self.set_reactive(VirtualTable.cursor_row, new_index)
        self._scroll_cursor_into_view()
        self.refresh()
        self._notify_cursor()

    def move_cursor(self, row: int) -> None:
        """Move the cursor to `row` (clamped) and scroll it into view."""
        self.cursor_row = row

    # ------------------------------------------------------------- actions

    def action_cursor_up(self) -> None:
        self.cursor_row -= 1

    def action_cursor_down(self) -> None:
        self.cursor_row += 1

    def action_page_down(self) -> None:
        page = self._page_height()
        target = self._clamp(self.cursor_row + page)
        self.scroll_to(
            y=min(self.scroll_offset.y + page, self.max_scroll_y),
            animate=False,
            force=True,
        )
        self.cursor_row = target
        self._scroll_cursor_into_view()

    def action_page_up(self) -> None:
        page = self._page_height()
        target = self._clamp(self.cursor_row - page)
        self.scroll_to(
            y=max(self.scroll_offset.y - page, 0), animate=False, force=True
        )
        self.cursor_row = target
        self._scroll_cursor_into_view()

    def action_cursor_home(self) -> None:
        self.cursor_row = 0

    def action_cursor_end(self) -> None:
        self.cursor_row = max(0, self._count - 1)

    def action_select(self) -> None:
        self._post_selected()

    # ------------------------------------------------------------ reactive

    def validate_cursor_row(self, value: int) -> int:
        return self._clamp(value)

    def watch_cursor_row(self, old: int, new: int) -> None:
        # Only the two affected lines are repainted (strips are cached by
        # (index, is_cursor), so nothing needs to be invalidated).
        self.refresh_line(old + 1)
        self.refresh_line(new + 1)
        self._scroll_cursor_into_view()
        self._notify_cursor()

    # -------------------------------------------------------------- events

    def on_mount(self) -> None:
        self._ready = True
        self._update_virtual_size()
        self._scroll_cursor_into_view()
        self._notify_cursor()

    async def _on_click(self, event: events.Click) -> None:
        # Never let the click reach Widget._on_click: that would broker
        # "@click" style meta into actions.  Our segments carry no such meta,
        # but a click on a data table should only ever move the cursor.
        event.prevent_default()
        event.stop()
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return
        index = self.scroll_offset.y + offset.y - 1
        if 0 <= index < self._count:
            self.cursor_row = index
            if event.chain >= 2:
                self._post_selected()

    def _on_focus(self, event: events.Focus) -> None:
        self._strips.clear()
        self._row_style = None
        self.refresh_line(self.cursor_row + 1)

    def _on_blur(self, event: events.Blur) -> None:
        self._strips.clear()
        self._row_style = None
        self.refresh_line(self.cursor_row + 1)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()
        self._row_style = None

    # ----------------------------------------------------------- rendering

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.size.width
        layout = self._get_layout()
        if y == 0:
            strip, style = self._header_strip(layout)
        else:
            index = scroll_y + y - 1
            if index >= self._count:
                return Strip.blank(width, self.rich_style)
            strip, style = self._row_strip(index, layout)
        return strip.crop_extend(scroll_x, scroll_x + width, style)

    def _header_strip(self, layout: _Layout) -> tuple[Strip, Style]:
        cache_key = (-1, False)
        cached = self._strips.get(cache_key)
        if cached is not None:
            return cached
        style = self.get_component_rich_style("vtable--header")
        cells = [column.label for column in self._columns]
        result = (
            self._build_strip(cells, layout, style, None, use_style_fn=False),
            style,
        )
        self._strips[cache_key] = result
        return result

    def _row_strip(self, index: int, layout: _Layout) -> tuple[Strip, Style]:
        is_cursor = index == self.cursor_row
        cache_key = (index, is_cursor)
        cached = self._strips.get(cache_key)
        if cached is not None:
            return cached
        base = self._row_style
        if base is None:
            base = self._row_style = self.rich_style
        if is_cursor:
            overlay = self.get_component_rich_style("vtable--cursor")
            style = base + overlay
        else:
            overlay = None
            style = base
        row = self._get_row(index)
        if row is None:
            result = (Strip.blank(layout.total, style), style)
        elif getattr(row, "heading", False):  # a group's heading: one cell across the whole row
            heading = style + self.get_component_rich_style("vtable--heading")
            if overlay is not None:
                heading += overlay
            text = fit_cell(printable(_cell_text(row, 0)), layout.total - self.CELL_PAD)
            result = (Strip([Segment(" " * self.CELL_PAD, style), Segment(text, heading)], layout.total), style)
        else:
            cells = [
                _cell_text(row, column_index)
                for column_index in range(len(self._columns))
            ]
            marked = bool(self._marks) and self._source.key(row) in self._marks
            result = (
                self._build_strip(cells, layout, style, overlay, use_style_fn=True, marked=marked),
                style,
            )
        self._strips[cache_key] = result
        return result

    def _build_strip(
        self,
        cells: Sequence[str],
        layout: _Layout,
        row_style: Style,
        cursor_style: Style | None,
        *,
        use_style_fn: bool,
        marked: bool = False,
    ) -> Strip:
        """Build an (uncropped) line `layout.total` cells wide.

        `cursor_style` (cursor row only) is layered over each cell's own
        `style_fn` style so the cursor stays visible on coloured cells.
        """
        segments: list[Segment] = []
        append = segments.append
        pad = Segment(" " * self.CELL_PAD, row_style) if self.CELL_PAD else None
        used = 0
        first = True
        for column, text, width, shown in zip(self._columns, cells, layout.widths, layout.shown):
            if not shown:
                continue
            if first and marked and pad is not None:  # the mark takes the first shown column's pad cell
                append(Segment(self.MARK, row_style + Style(bold=True)))
            elif pad is not None:
                append(pad)
            style = row_style
            if use_style_fn and column.style_fn is not None:
                extra = self._cell_style(column.style_fn, text)
                if extra is not None:
                    style = row_style + extra
                    if cursor_style is not None:
                        style += cursor_style
            append(Segment(fit_cell(printable(text), width, column.align), style))
            used += self.CELL_PAD + width
            first = False
        if layout.total > used:
            append(Segment(" " * (layout.total - used), row_style))
        return Strip(segments, layout.total).simplify()

    def _cell_style(self, style_fn: Callable[[str], str], text: str) -> Style | None:
        try:
            spec = style_fn(text)
        except Exception:
            return None
        if not spec:
            return None
        style = self._style_cache.get(spec)
        if style is None:
            try:
                style = Style.parse(spec)
            except (StyleSyntaxError, ValueError, TypeError):
                style = Style.null()
            # Never let a style string smuggle in handler meta.
            if style._meta:
                style = Style.null()
            self._style_cache[spec] = style
        return style or None

    # ------------------------------------------------------------- layout

    def _compute_min_total(self) -> int:
        """The narrowest the table gets: the columns that are never dropped, at their minimum."""
        total = 0
        for column in self._columns:
            if not column.drop:
                total += self.CELL_PAD + self._min_width(column)
        return total + self.CELL_PAD

    def _min_width(self, column: Column) -> int:
        if column.width > 0:
            return column.width
        return max(self.MIN_FLEX_WIDTH, cell_len(printable(column.label)))

    def _wanted_width(self, column: Column) -> int:
        """What a column needs before droppable ones give way: a flexible one asks for its min_width."""
        return max(self._min_width(column), column.min_width) if column.width <= 0 else column.width

    def _shown_columns(self, avail: int) -> list[int]:
        """The columns drawn at this width: droppable ones go, highest ``drop`` first (the rightmost
        of equals), until every column has what it wants or none is left to drop."""
        shown = list(range(len(self._columns)))

        def need() -> int:
            return sum(self.CELL_PAD + self._wanted_width(self._columns[i]) for i in shown) + self.CELL_PAD

        while need() > avail:
            droppable = [i for i in shown if self._columns[i].drop]
            if not droppable:
                break
            shown.remove(max(droppable, key=lambda i: (self._columns[i].drop, i)))
        return shown

    def _get_layout(self) -> _Layout:
        avail = max(0, self.size.width - self.scrollbar_size_vertical)
        if self._layout is not None and avail == self._layout_avail:
            return self._layout
        shown = self._shown_columns(avail)
        widths = [self._min_width(column) if i in shown else 0 for i, column in enumerate(self._columns)]
        used = sum(self.CELL_PAD + widths[i] for i in shown) + self.CELL_PAD
        flex = [i for i in shown if self._columns[i].width <= 0]
        extra = max(0, avail - used)
        if flex and extra:
            # Each flexible column first gets up to what it asks for, then the rest by weight.
            for i in flex:
                give = min(extra, max(0, self._wanted_width(self._columns[i]) - widths[i]))
                widths[i] += give
                extra -= give
            weights = sum(self._columns[i].weight for i in flex)
            given = 0
            for n, i in enumerate(flex):
                share = extra - given if n == len(flex) - 1 else extra * self._columns[i].weight // weights
                widths[i] += share
                given += share
        layout = _Layout(tuple(widths), max(used, avail), tuple(i in shown for i in range(len(self._columns))))
        if layout != self._layout:
            self._strips.clear()
        self._layout = layout
        self._layout_avail = avail
        return layout

    def _update_virtual_size(self) -> None:
        self.virtual_size = Size(self._min_total, self._count + 1)

    # ------------------------------------------------------------- cursor

    def _clamp(self, index: int) -> int:
        return max(0, min(index, self._count - 1)) if self._count else 0

    def _page_height(self) -> int:
        """Number of data rows visible at once."""
        height = self.size.height - self.scrollbar_size_horizontal - 1
        return max(1, height)

    def _scroll_cursor_into_view(self) -> None:
        if not self._ready:
            return
        visible = self._page_height()
        top = self.scroll_offset.y
        cursor = self.cursor_row
        if cursor < top:
            self.scroll_to(y=cursor, animate=False, force=True)
        elif cursor > top + visible - 1:
            self.scroll_to(y=cursor - visible + 1, animate=False, force=True)

    def _notify_cursor(self) -> None:
        if not self._ready:
            return
        row = self.current_row
        key = None if row is None else self._source.key(row)
        state = (self.cursor_row, key)
        if state != self._last_notified:
            self._last_notified = state
            self.post_message(self.CursorMoved(self, row, key, self.cursor_row))

    def _post_selected(self) -> None:
        row = self.current_row
        if row is None:
            return
        self.post_message(
            self.Selected(self, row, self._source.key(row), self.cursor_row)
        )

    # --------------------------------------------------------------- cache

    def _drop_caches(self) -> None:
        self._pages.clear()
        self._strips.clear()
        self._layout = None
        self._layout_avail = -1

    def _get_row(self, index: int) -> Sequence[str] | None:
        """Row `index` from the page cache, fetching its page if needed."""
        if index < 0 or index >= self._count:
            return None
        page_no, offset = divmod(index, self.PAGE_SIZE)
        page = self._pages.get(page_no)
        if page is None:
            page = list(
                self._source.rows(page_no * self.PAGE_SIZE, self.PAGE_SIZE)
            )
            self._pages[page_no] = page
            while len(self._pages) > self.MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_no)
        return page[offset] if offset < len(page) else None

    def _cached_key(self, index: int) -> str | None:
        """Key of row `index` if its page is cached (no fetching)."""
        page = self._pages.get(index // self.PAGE_SIZE)
        offset = index % self.PAGE_SIZE
        if page is None or offset >= len(page):
            return None
        return self._source.key(page[offset])

    def _find_key_near(self, key: str, index: int, near: int) -> int | None:
        """Nearest row to `index` (within `near` rows) whose key is `key`."""
        key_of = self._source.key
        for distance in range(near + 1):
            for candidate in (index - distance, index + distance):
                if 0 <= candidate < self._count:
                    row = self._get_row(candidate)
                    if row is not None and key_of(row) == key:
                        return candidate
                if distance == 0:
                    break
        return None


def _cell_text(row: Sequence[str], index: int) -> str:
    if index >= len(row):
        return ""
    value = row[index]
    if isinstance(value, str):
        return value
    return "" if value is None else str(value)
