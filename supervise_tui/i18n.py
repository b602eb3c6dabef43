"""The one catalogue of user-facing strings, Chinese first with English beside it."""

from __future__ import annotations

import os

LANGUAGES = ("zh", "en")
_language = "zh"

# key: (中文, English).  A test fails if either side is missing or blank.
CATALOGUE: dict[str, tuple[str, str]] = {
    # statuses and lights
    "status.not_started": ("未启动", "not started"),
    "status.in_progress": ("推进中", "in progress"),
    "status.done": ("已完成", "done"),
    "status.behind": ("滞后", "behind"),
    "status.blocked": ("受阻", "blocked"),
    "light.green": ("绿", "green"),
    "light.yellow": ("黄", "yellow"),
    "light.red": ("红", "red"),
    "light.none": ("—", "—"),
    "kind.target": ("目标", "target"),
    "kind.measure": ("举措", "measure"),
    "role.lead": ("牵头", "lead"),
    "role.co": ("配合", "co"),
    "role.leader": ("分管领导", "leader"),
    "role.liaison": ("联络员", "liaison"),
    "role.inspector": ("督查", "inspector"),
    # column headings
    "col.id": ("编号", "id"),
    "col.kind": ("类型", "kind"),
    "col.work": ("重点工作", "key work"),
    "col.pillar": ("总体任务", "pillar"),
    "col.text": ("内容", "text"),
    "col.lead_unit": ("牵头单位", "lead unit"),
    "col.unit": ("单位", "unit"),
    "col.status": ("状态", "status"),
    "col.progress": ("进度", "progress"),
    "col.light": ("亮灯", "light"),
    "col.note": ("备注", "note"),
    "col.leader": ("分管领导", "leader"),
    "col.liaison": ("联络员", "liaison"),
    "col.stage": ("实施阶段", "stage"),
    "col.works": ("重点工作数", "works"),
    "col.works_lead": ("牵头工作", "works led"),
    "col.works_co": ("配合工作", "works co"),
    "col.items": ("事项", "items"),
    "col.items_lead": ("牵头事项", "items led"),
    "col.items_co": ("配合事项", "items co"),
    "col.done": ("已完成", "done"),
    "col.in_progress": ("推进中", "in progress"),
    "col.behind": ("滞后/受阻", "behind/blocked"),
    "col.not_started": ("未启动", "not started"),
    "col.red": ("红灯", "red"),
    "col.name": ("姓名", "name"),
    "col.role": ("角色", "role"),
    "col.round": ("轮次", "round"),
    "col.period": ("期间", "period"),
    "col.due": ("截止", "due"),
    "col.opened": ("开启", "opened"),
    "col.closed": ("关闭", "closed"),
    "col.updated_by": ("修改人", "changed by"),
    "col.updated_at": ("修改时间", "changed at"),
    "col.at": ("时间", "when"),
    "col.user": ("用户", "user"),
    "col.action": ("操作", "action"),
    "col.field": ("字段", "field"),
    "col.old": ("原值", "old"),
    "col.new": ("新值", "new"),
    "col.year": ("年份", "year"),
    "col.goal": ("目标", "goal"),
    # command line messages
    "cli.loaded": ("已载入 {source}", "loaded {source}"),
    "cli.load_counts": (
        "{kind}: 新增 {added}, 变更 {changed}, 退役 {retired}, 未变 {unchanged}",
        "{kind}: added {added}, changed {changed}, retired {retired}, unchanged {unchanged}",
    ),
    "cli.round_created": ("已创建报送轮次 {name}", "created reporting round {name}"),
    "cli.valid": (
        "{path}: 有效 — {works} 项重点工作, {targets} 个目标, {measures} 条举措",
        "{path}: valid — {works} key works, {targets} targets, {measures} measures",
    ),
    "cli.no_items": ("没有符合条件的事项", "no items match"),
    "detail.units": ("责任单位", "responsible units"),
    "detail.history": ("各轮次状态", "state in each round"),
    "detail.audit": ("修改记录", "audit trail"),
    "detail.none": ("(无)", "(none)"),
    "detail.retired": ("已从任务清单移除", "retired from the task list"),
}


def set_language(lang: str | None) -> str:
    """Choose the interface language (zh or en); returns the one in force."""
    global _language
    lang = (lang or os.environ.get("SUPERVISE_TUI_LANG") or "zh").lower()[:2]
    _language = lang if lang in LANGUAGES else "zh"
    return _language


def language() -> str:
    return _language


def t(key: str, **values) -> str:
    """The string for ``key`` in the current language, with ``values`` filled in."""
    zh, en = CATALOGUE[key]
    text = en if _language == "en" else zh
    return text.format(**values) if values else text
