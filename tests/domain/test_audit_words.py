"""The audit log as a person reads it: actions, fields and coded values in words, times in local time —
in the item detail (TUI) and ``show`` (CLI), in Chinese and in English."""

from __future__ import annotations

from supervise_tui.domain.edits import Actor, apply_changes, close_out, set_light
from supervise_tui.domain.queries import item_detail
from supervise_tui.domain.vocab import shown_audit
from supervise_tui.i18n import set_language

ITEM = "W01-T01"
KEYS = ("at", "user", "action", "field", "old", "new")


def script(store) -> None:
    """An edit, a light override, a close-out with its reason — and a row written elsewhere in UTC."""
    a = Actor("督查员")
    apply_changes(store, a, 1, ITEM, {"status": "in_progress", "progress": 20})
    set_light(store, a, 1, ITEM, "red", "现场核查")
    close_out(store, a, 1, ITEM, "已核实办结")
    store.execute("INSERT INTO audit(at, user, round_id, item_id, action, field, old, new) "
                  "VALUES ('2024-03-15T02:00:00+00:00', '联络员', 1, ?, 'edit', 'note', NULL, '已报')", (ITEM,))


def rows(store) -> list[tuple]:
    return [tuple(shown_audit(a)[k] for k in KEYS) for a in item_detail(store, 1, ITEM)["audit"]]


def test_audit_rows_in_chinese_words_and_local_time(store):
    script(store)
    at = "2024-03-15 10:00"  # the pinned clock's +08:00; the UTC row 02:00 reads 10:00 too
    assert rows(store) == [
        (at, "督查员", "修改", "状态", "未启动", "推进中"),
        (at, "督查员", "修改", "进度", "0%", "20%"),
        (at, "督查员", "覆盖亮灯", "亮灯", "按规则", "红"),
        (at, "督查员", "覆盖亮灯", "亮灯理由", "", "现场核查"),
        (at, "督查员", "销号", "状态", "推进中", "已完成"),  # a close-out makes it done, with its reason
        (at, "督查员", "销号", "进度", "20%", "100%"),
        (at, "督查员", "销号", "销号", "未销号", "已销号"),
        (at, "督查员", "销号", "亮灯", "红", "按规则"),  # and clears the override
        (at, "督查员", "销号", "亮灯理由", "现场核查", ""),
        (at, "督查员", "销号", "理由", "", "已核实办结"),
        (at, "联络员", "修改", "备注", "", "已报"),
    ]


def test_audit_rows_in_english(store, english):
    script(store)
    got = rows(store)
    assert got[0][2:] == ("edit", "status", "not started", "in progress")
    assert got[6][2:] == ("close-out", "close-out", "not closed out", "closed out")
    assert all("+00:00" not in r[0] and "T" not in r[0] for r in got)
    set_language("zh")


def test_show_prints_the_audit_in_words_and_local_time(store, run_cli):
    script(store)
    result = run_cli("show", ITEM)
    assert result.code == 0
    audit = result.out.split("修改记录")[1]
    for line in ("2024-03-15 10:00  督查员  第1轮   修改      状态      未启动  推进中",
                 "2024-03-15 10:00  联络员  第1轮   修改      备注              已报"):
        assert " ".join(line.split()) in {" ".join(row.split()) for row in audit.splitlines()}, audit
    for raw in ("not_started", "in_progress", "closed_out", "+00:00", "T02:00", "edit"):
        assert raw not in result.out
