"""Tests for supervise_tui.ui.widgets.vtable (virtual, line-API table)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from rich.cells import cell_len
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.strip import Strip

from supervise_tui.ui.widgets.vtable import (
    Column,
    RowSource,
    VirtualTable,
    fit_cell,
    printable,
)

pytestmark = pytest.mark.asyncio

N_ROWS = 200_000
SIZE = (80, 24)

MARKUP_NAME = "[@click=app.quit]x[/]"
BOLD_NAME = "[b]x[/b]"
ESC_STATUS = "\x1b[31m"


def status_style(text: str) -> str:
    return {"完成": "green", "ok": "green", "late": "bold red"}.get(text, "")


COLUMNS = (
    Column("编号", 8),
    Column("名称", 0),
    Column("状态", 6, style_fn=status_style),
    Column("金额", 10, align="right"),
)


class FakeSource:
    """200,000 synthetic rows generated from the index (no list of rows)."""

    columns = COLUMNS

    def __init__(self, n: int = N_ROWS, *, shift: int = 0) -> None:
        self.n = n
        self.shift = shift  # rows inserted at the top (to test reload/keep_key)
        self.calls: list[tuple[int, int]] = []
        self.count_calls = 0
        self.overrides: dict[int, tuple[str, str, str, str]] = {
            1: ("K0000001", "abcd", "ok", "12.50"),
            2: ("K0000002", "中文名称", "完成", "12.50"),
            3: ("K0000003", "很长很长的中文任务名称" * 10, "进行中", "1234567.89"),
            4: ("K0000004", "long ascii name " * 10, "late", "0"),
            5: ("K0000005", MARKUP_NAME, ESC_STATUS, BOLD_NAME),
            6: ("K0000006", "a\u202eb\u2066c\x85d\x7fe\tf\ng", "ok", "1"),
        }

    def count(self) -> int:
        self.count_calls += 1
        return self.n

    def make_row(self, index: int) -> tuple[str, ...]:
        if index < self.shift:
            return (f"NEW{index:05d}", "inserted", "new", "0")
        i = index - self.shift
        if i in self.overrides:
            return self.overrides[i]
        return (f"K{i:07d}", f"task {i}", "ok" if i % 3 else "late", f"{i * 1.5:.2f}")

    def rows(self, offset: int, limit: int) -> Sequence[Sequence[str]]:
        self.calls.append((offset, limit))
        end = min(self.n, offset + limit)
        return [self.make_row(i) for i in range(max(0, offset), end)]

    def key(self, row: Sequence[str]) -> str:
        return row[0]

    @property
    def rows_fetched(self) -> int:
        return sum(min(limit, max(0, self.n - offset)) for offset, limit in self.calls)


class TableApp(App):
    def __init__(self, source: RowSource) -> None:
        super().__init__()
        self.source = source
        self.selected: list[VirtualTable.Selected] = []
        self.moved: list[VirtualTable.CursorMoved] = []

    def compose(self) -> ComposeResult:
        yield VirtualTable(self.source, id="table")

    def on_virtual_table_selected(self, message: VirtualTable.Selected) -> None:
        self.selected.append(message)

    def on_virtual_table_cursor_moved(self, message: VirtualTable.CursorMoved) -> None:
        self.moved.append(message)


def line_text(table: VirtualTable, y: int) -> str:
    return table.render_line(y).text


def cell_offset(text: str, needle: str) -> int:
    """Cell (terminal column) offset of `needle` in a rendered line."""
    index = text.index(needle)
    return cell_len(text[:index])


# --------------------------------------------------------------------------- #
# pure helpers
# --------------------------------------------------------------------------- #


async def test_printable_replaces_controls_and_bidi() -> None:
    assert printable("plain [b]text[/b]") == "plain [b]text[/b]"
    assert printable("\x1b[31m") == "␛[31m"
    assert printable("a\tb\nc\rd\x00") == "a␉b␊c␍d␀"
    assert printable("x\x7fy") == "x␡y"
    assert printable("\x85\x9b\x80\x9f") == "�" * 4
    for code in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]:
        assert printable(f"a{chr(code)}b") == "a�b", hex(code)
    assert printable("中文 ok") == "中文 ok"
    # one char in, one char out: nothing disappears
    sample = "".join(chr(c) for c in range(0, 0xA0)) + "\u202e\u2066"
    assert len(printable(sample)) == len(sample)
    assert all(ch.isprintable() for ch in printable(sample))


async def test_fit_cell_by_cell_width() -> None:
    assert fit_cell("abc", 5) == "abc  "
    assert fit_cell("abc", 5, "right") == "  abc"
    assert fit_cell("中文", 4) == "中文"
    assert fit_cell("中文", 5) == "中文 "
    assert fit_cell("abcdef", 4) == "abc…"
    # never half a wide char: 3 cells for text + "…" = "中" + pad
    assert fit_cell("中文字符", 4) == "中… "
    assert fit_cell("中文字符", 4, "right") == " 中…"
    assert fit_cell("中文字符", 5) == "中文…"
    assert fit_cell("中文", 1) == "…"
    assert fit_cell("anything", 0) == ""
    for text in ["中文字符串测试", "a中b文c", "ab", "x" * 1000, "中" * 1000]:
        for width in range(1, 12):
            for align in ("left", "right"):
                assert cell_len(fit_cell(text, width, align)) == width


# --------------------------------------------------------------------------- #
# widget
# --------------------------------------------------------------------------- #


async def test_only_windows_are_fetched() -> None:
    source = FakeSource()
    app = TableApp(source)
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.pause()
        assert table.virtual_size.height == N_ROWS + 1
        assert source.count_calls == 1
        assert source.calls, "visible rows must be fetched"
        assert max(limit for _, limit in source.calls) <= VirtualTable.PAGE_SIZE

        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_row == N_ROWS - 1
        await pilot.press("home", "pagedown", "pagedown", "end", "pageup")
        await pilot.pause()

        # Jumping around: the page cache stays bounded (LRU eviction) and an
        # evicted page is fetched again when needed.
        for i in range(20):
            table.cursor_row = i * 9_000
            await pilot.pause()
        assert len(table._pages) == VirtualTable.MAX_PAGES
        assert 0 not in table._pages
        calls = len(source.calls)
        await pilot.press("home")
        await pilot.pause()
        assert (0, VirtualTable.PAGE_SIZE) in source.calls[calls:]

        # Never anything close to the whole table: ~2 pages per jump above
        # (the visible window straddles a page boundary), a few for the keys.
        assert len(source.calls) <= 60
        assert source.rows_fetched <= 60 * VirtualTable.PAGE_SIZE < N_ROWS // 10
        assert all(limit <= VirtualTable.PAGE_SIZE for _, limit in source.calls)
        assert len(table._pages) <= VirtualTable.MAX_PAGES


async def test_cursor_keys() -> None:
    source = FakeSource()
    app = TableApp(source)
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.pause()
        assert table.has_focus
        page = table._page_height()
        # 24 lines: header + 23 data rows; a horizontal scrollbar is not shown
        assert page == SIZE[1] - 1

        await pilot.press("down")
        assert table.cursor_row == 1
        await pilot.press("down", "down")
        assert table.cursor_row == 3
        await pilot.press("up")
        assert table.cursor_row == 2
        await pilot.press("up", "up", "up")
        assert table.cursor_row == 0  # clamped at the top

        await pilot.press("pagedown")
        assert table.cursor_row == page
        await pilot.press("pagedown")
        assert table.cursor_row == 2 * page
        await pilot.press("pageup")
        assert table.cursor_row == page

        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_row == N_ROWS - 1
        # cursor is visible: last data line on screen is the last row
        assert table.scroll_offset.y == N_ROWS - page
        assert "K0199999" in line_text(table, page)
        await pilot.press("down", "pagedown")
        assert table.cursor_row == N_ROWS - 1

        await pilot.press("home")
        await pilot.pause()
        assert table.cursor_row == 0
        assert table.scroll_offset.y == 0
        await pilot.press("pageup")
        assert table.cursor_row == 0


async def test_cursor_scrolls_into_view_and_header_stays() -> None:
    source = FakeSource()
    app = TableApp(source)
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.pause()
        page = table._page_height()
        for _ in range(page + 5):
            await pilot.press("down")
        await pilot.pause()
        assert table.cursor_row == page + 5
        assert table.scroll_offset.y == 6  # scrolled just enough
        # Cursor row is the last visible line; header still on line 0.
        assert f"K{page + 5:07d}" in line_text(table, page)
        header = line_text(table, 0)
        for label in ("编号", "名称", "状态", "金额"):
            assert label in header
        assert "K0000" not in header

        await pilot.press("end")
        await pilot.pause()
        header = line_text(table, 0)
        assert "编号" in header and "金额" in header
        # ...and in the real composited screen output
        screen = [strip.text for strip in app.screen._compositor.render_strips()]
        assert "编号" in screen[0] and "金额" in screen[0]
        assert "K0199999" in screen[page]


async def test_enter_posts_selected_with_key() -> None:
    source = FakeSource()
    app = TableApp(source)
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.pause()
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert len(app.selected) == 1
        message = app.selected[0]
        assert message.key == "K0000002"
        assert message.table is table
        assert message.control is table
        assert tuple(message.row) == source.overrides[2]
        assert table.current_key == "K0000002"
        assert tuple(table.current_row or ()) == source.overrides[2]

        await pilot.press("end", "enter")
        await pilot.pause()
        assert app.selected[-1].key == "K0199999"


async def test_cursor_moved_messages() -> None:
    source = FakeSource()
    app = TableApp(source)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert [m.key for m in app.moved] == ["K0000000"]  # initial position
        await pilot.press("down", "down", "up")
        await pilot.pause()
        assert [m.key for m in app.moved] == [
            "K0000000",
            "K0000001",
            "K0000002",
            "K0000001",
        ]
        assert app.moved[-1].index == 1
        await pilot.press("up", "up")  # second "up" is clamped: no new message
        await pilot.pause()
        assert [m.index for m in app.moved[-2:]] == [1, 0]
        assert len(app.moved) == 5


async def test_cursor_down_is_cheap() -> None:
    """Moving the cursor repaints two lines and issues no SQL while cached."""
    renders: list[int] = []

    class CountingTable(VirtualTable):
        def render_line(self, y: int) -> Strip:
            renders.append(y)
            return super().render_line(y)

    class CountingApp(TableApp):
        def compose(self) -> ComposeResult:
            yield CountingTable(self.source, id="table")

    source = FakeSource()
    app = CountingApp(source)
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.pause()
        calls_before = len(source.calls)
        renders.clear()
        await pilot.press("down")
        await pilot.pause()
        assert table.cursor_row == 1
        # only the old and the new cursor line are re-rendered
        assert sorted(set(renders)) == [1, 2]
        assert len(source.calls) == calls_before

        # The work of a step: the key action plus re-rendering what the compositor will ask for.
        # (How long it takes is the benchmark's business — benchmarks/bench.py — not a test's.)
        width, height = table.size
        full = Region(0, 0, width, height)

        def downs(count: int) -> None:
            for _ in range(count):
                table.action_cursor_down()
                table.render_lines(full)

        # (a) cursor moves inside the visible page: two lines repaint
        renders.clear()
        downs(20)
        assert table.cursor_row == 21
        assert table.scroll_offset.y == 0
        assert len(renders) <= 2 * 20
        assert len(source.calls) == calls_before

        # (b) cursor at the bottom edge: every step scrolls by one line and
        # the whole page is re-rendered, still from the caches.
        table.cursor_row = 150_010
        table.render_lines(full)
        await pilot.pause()
        calls_before = len(source.calls)
        scroll_before = table.scroll_offset.y
        downs(20)
        assert table.cursor_row == 150_030
        assert table.scroll_offset.y == scroll_before + 20
        assert len(source.calls) == calls_before


async def test_cjk_alignment() -> None:
    source = FakeSource()
    app = TableApp(source)
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.pause()
        width = table.size.width
        assert width == SIZE[0]
        lines = [line_text(table, y) for y in range(table.size.height)]
        strips = [table.render_line(y) for y in range(table.size.height)]
        for y, strip in enumerate(strips):
            assert strip.cell_length == width, y
            assert cell_len(strip.text) == width, y
            # the strip is made of whole characters
            assert sum(cell_len(seg.text) for seg in strip) == width

        header = lines[0]
        ascii_row = lines[2]  # row 1: ("K0000001", "abcd", "ok", "12.50")
        cjk_row = lines[3]  # row 2: ("K0000002", "中文名称", "完成", "12.50")
        long_cjk = lines[4]  # row 3: long Chinese name, truncated
        long_ascii = lines[5]  # row 4: long ASCII name, truncated

        name_x = cell_offset(header, "名称")
        status_x = cell_offset(header, "状态")
        assert cell_offset(ascii_row, "abcd") == name_x
        assert cell_offset(cjk_row, "中文名称") == name_x
        assert cell_offset(long_cjk, "很长") == name_x
        assert cell_offset(ascii_row, "ok") == status_x
        assert cell_offset(cjk_row, "完成") == status_x
        assert cell_offset(long_cjk, "进行中") == status_x
        assert cell_offset(long_ascii, "late") == status_x
        # right aligned amounts end at the same cell
        amount_end = cell_offset(ascii_row, "12.50") + len("12.50")
        assert cell_offset(cjk_row, "12.50") + len("12.50") == amount_end
        assert cell_offset(long_cjk, "1234567.89") + len("1234567.89") == amount_end

        # truncation marks, no overflow into the next column
        assert "…" in long_cjk and "…" in long_ascii
        assert cell_offset(long_cjk, "…") < status_x
        assert cell_offset(long_ascii, "…") < status_x


async def test_cjk_alignment_when_narrow_and_scrolled() -> None:
    """Columns wider than the screen scroll horizontally; lines keep full width."""
    source = FakeSource()
    app = TableApp(source)
    async with app.run_test(size=(30, 12)) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.pause()
        assert table.virtual_size.width > 30
        for scroll_x in (0, 1, 3, 7):
            table.scroll_to(x=scroll_x, animate=False)
            await pilot.pause()
            for y in range(table.size.height):
                strip = table.render_line(y)
                assert strip.cell_length == table.size.width
                assert cell_len(strip.text) == table.size.width


async def test_text_is_literal_and_click_is_safe() -> None:
    source = FakeSource()
    app = TableApp(source)
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.pause()
        y = 5 + 1  # row 5, below the header
        strip = table.render_line(y)
        text = strip.text
        assert MARKUP_NAME in text
        assert BOLD_NAME in text
        assert "\x1b" not in text
        assert "␛[31m"[: len("␛[31")] in text  # status column is 6 wide: "␛[31m"
        for segment in strip:
            style = segment.style
            assert style is None or "@click" not in (style.meta or {})

        bidi = line_text(table, 6 + 1)
        assert "a�b�c�d␡e␉f␊g" in bidi
        assert not any(ch in bidi for ch in "\u202e\u2066\x85\x7f\t\n")

        # Click exactly on the "x" of the would-be link.
        x = cell_offset(text, MARKUP_NAME) + MARKUP_NAME.index("x")
        await pilot.click(VirtualTable, offset=(x, y))
        await pilot.pause()
        assert app.is_running
        assert app.return_code is None
        assert table.cursor_row == 5
        assert table.current_key == "K0000005"
        # double click selects, still without running any action
        await pilot.double_click(VirtualTable, offset=(x, y))
        await pilot.pause()
        assert app.is_running
        assert app.selected and app.selected[-1].key == "K0000005"


async def test_click_moves_cursor_and_header_click_does_not() -> None:
    source = FakeSource()
    app = TableApp(source)
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.pause()
        await pilot.click(VirtualTable, offset=(3, 10))
        await pilot.pause()
        assert table.cursor_row == 9
        await pilot.click(VirtualTable, offset=(3, 0))  # header
        await pilot.pause()
        assert table.cursor_row == 9
        table.scroll_to(y=1000, animate=False)
        await pilot.pause()
        await pilot.click(VirtualTable, offset=(3, 1))
        await pilot.pause()
        assert table.cursor_row == 1000


async def test_reload_after_count_changes() -> None:
    source = FakeSource()
    app = TableApp(source)
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.pause()
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_row == N_ROWS - 1

        source.n = 150
        calls_before = len(source.calls)
        table.reload()
        await pilot.pause()
        assert source.count_calls == 2
        assert table.row_count == 150
        assert table.virtual_size.height == 151
        assert table.cursor_row == 149  # clamped
        assert table.current_key == "K0000149"
        assert len(source.calls) > calls_before  # cache was dropped
        assert table.scroll_offset.y <= table.max_scroll_y
        assert "K0000149" in line_text(table, table.cursor_row - table.scroll_offset.y + 1)
        await pilot.press("down")
        assert table.cursor_row == 149

        source.n = 0
        table.reload()
        await pilot.pause()
        assert table.cursor_row == 0
        assert table.current_row is None and table.current_key is None
        assert app.moved[-1].key is None
        await pilot.press("down", "end", "enter")
        await pilot.pause()
        assert table.cursor_row == 0
        assert "编号" in line_text(table, 0)
        assert line_text(table, 1).strip() == ""


async def test_reload_keeps_row_by_key() -> None:
    source = FakeSource()
    app = TableApp(source)
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.pause()
        table.cursor_row = 10
        await pilot.pause()
        assert table.current_key == "K0000010"

        # Two rows inserted above: the same record is now at index 12.
        source.shift = 2
        source.n += 2
        table.reload()
        await pilot.pause()
        assert table.cursor_row == 12
        assert table.current_key == "K0000010"

        # keep_key=False: stay on the same index
        source.shift = 5
        source.n += 3
        table.reload(keep_key=False)
        await pilot.pause()
        assert table.cursor_row == 12
        assert table.current_key == "K0000007"
        assert app.moved[-1].key == "K0000007"


async def test_set_source_resets_cursor() -> None:
    source = FakeSource()
    app = TableApp(source)
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.pause()
        await pilot.press("pagedown", "pagedown", "down")
        await pilot.pause()
        assert table.cursor_row > 0

        class Small(FakeSource):
            columns = (Column("Code", 6), Column("Title", 0))

        other = Small(n=3)
        other.overrides = {}
        table.set_source(other)
        await pilot.pause()
        assert table.cursor_row == 0
        assert table.scroll_offset.y == 0
        assert table.virtual_size.height == 4
        assert table.current_key == "K0000000"
        assert app.moved[-1].key == "K0000000"
        header = line_text(table, 0)
        assert "Code" in header and "Title" in header and "编号" not in header
        await pilot.press("end")
        assert table.cursor_row == 2
        assert table.source is other


async def test_style_fn_and_cursor_styles() -> None:
    source = FakeSource()
    app = TableApp(source)
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.pause()

        def style_of(y: int, needle: str):
            for segment in table.render_line(y):
                if needle in segment.text:
                    return segment.style
            raise AssertionError(needle)

        late = style_of(5, "late")  # row 4 (not the cursor)
        assert late is not None and late.bold
        def first_style(y: int):
            return next(iter(table.render_line(y))).style

        assert first_style(1).bgcolor != first_style(2).bgcolor  # cursor row
        focused = first_style(1)

        table.blur()
        await pilot.pause()
        assert first_style(1) != focused  # blurred cursor looks different
        table.focus()
        await pilot.pause()
        assert first_style(1) == focused


async def test_rows_are_drawn_in_the_new_theme_after_a_theme_change() -> None:
    """A row's own style is worked out once per restyle: a theme change must still reach every row."""
    app = TableApp(FakeSource())
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.pause()

        def plain_row_style():  # row 3 (not the cursor): its first cell's pad has the row's own style
            return next(iter(table.render_line(4))).style

        before = plain_row_style()
        assert before == table.rich_style
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await pilot.pause()
        after = plain_row_style()
        assert after == table.rich_style and after != before


async def test_bindings_have_ids_and_help() -> None:
    ids = set()
    for binding in VirtualTable.BINDINGS:
        assert binding.id and binding.id.startswith("supervise."), binding
        assert binding.tooltip and binding.description, binding
        ids.add(binding.id)
    assert {
        "supervise.up",
        "supervise.down",
        "supervise.page_up",
        "supervise.page_down",
        "supervise.first",
        "supervise.last",
        "supervise.open",
    } <= ids
    keys = {binding.key for binding in VirtualTable.BINDINGS}
    assert {"up", "down", "pageup", "pagedown", "home", "end", "enter"} <= keys


class Heading(tuple):
    """A group's heading row: its first cell drawn across the whole row."""

    heading = True


class GroupedSource(FakeSource):
    """Every tenth row a heading."""

    def make_row(self, index: int) -> tuple[str, ...]:
        if index % 10 == 0:
            return Heading((f"第{index // 10 + 1}组 · 很长的标题" * 5, "", "", ""))
        return super().make_row(index)

    def key(self, row: Sequence[str]) -> str:
        return f"#{row[0]}" if getattr(row, "heading", False) else row[0]


async def test_a_heading_row_spans_the_table_and_is_cut_to_it() -> None:
    app = TableApp(GroupedSource(100))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.pause()
        heading = line_text(table, 1)
        assert heading.startswith(" 第1组 · 很长的标题第1组")
        assert heading.rstrip().endswith("…") and cell_len(heading) == SIZE[0]
        assert line_text(table, 2).startswith(" K0000001 ")  # an ordinary row keeps its columns


async def test_marks_are_drawn_before_their_rows_and_survive_a_reload() -> None:
    source = FakeSource()
    app = TableApp(source)
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.pause()
        table.cursor_row = 2
        assert table.toggle_mark() is True
        table.cursor_row = 4
        table.toggle_mark()
        await pilot.pause()
        assert table.marks == {"K0000002", "K0000004"}
        assert line_text(table, 3).startswith(VirtualTable.MARK + "K0000002")
        assert line_text(table, 4).startswith(" K0000003")
        assert table.toggle_mark() is False  # again: unmarked
        assert table.marks == {"K0000002"}
        source.shift = 1  # a row inserted above: the mark follows the key, not the index
        source.n += 1
        table.reload()
        await pilot.pause()
        assert line_text(table, 4).startswith(VirtualTable.MARK + "K0000002")
        table.clear_marks()
        await pilot.pause()
        assert table.marks == frozenset() and line_text(table, 4).startswith(" K0000002")


async def test_replace_source_keeps_the_cursor_on_its_row() -> None:
    app = TableApp(FakeSource())
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.pause()
        table.cursor_row = 10
        moved = FakeSource(shift=3)
        moved.n += 3
        table.replace_source(moved)
        await pilot.pause()
        assert (table.cursor_row, table.current_key) == (13, "K0000010")
