"""Pilot test: the item detail's audit trail reads in words and local time, not codes and UTC stamps."""

from __future__ import annotations

from supervise_tui.domain.edits import Actor, apply_changes, close_out
from supervise_tui.i18n import t
from supervise_tui.ui.screens.detail import DetailScreen
from tests.tui.kit import build_app, screen_text, settle

ITEM = "W01-T01"


async def test_the_detail_shows_the_audit_in_words_and_local_time(store, isolated_locations):
    apply_changes(store, Actor("督查员"), 1, ITEM, {"status": "in_progress", "progress": 20})
    close_out(store, Actor("督查员"), 1, ITEM, "已核实办结")
    store.execute("INSERT INTO audit(at, user, round_id, item_id, action, field, old, new) "
                  "VALUES ('2024-03-15T02:00:00+00:00', '联络员', 1, ?, 'edit', 'note', NULL, '已报')", (ITEM,))
    app = build_app(isolated_locations)
    async with app.run_test(size=(160, 60)) as pilot:
        await settle(pilot)
        app.push_screen(DetailScreen([ITEM], ITEM))
        await settle(pilot)
        text = screen_text(app)
        audit = text.split(t("detail.audit"))[1]
        rows = [" ".join(cell.strip() for cell in row.split("│")) for row in audit.splitlines()]
        rows = [" ".join(r.split()) for r in rows]
        assert "2024-03-15 10:00 督查员 第1轮 修改 状态 未启动 推进中" in rows
        assert "2024-03-15 10:00 督查员 第1轮 销号 销号 未销号 已销号" in rows
        assert "2024-03-15 10:00 联络员 第1轮 修改 备注 已报" in rows  # written elsewhere in UTC
        for raw in ("not_started", "in_progress", "closed_out", "+00:00", "T02:00"):
            assert raw not in audit
