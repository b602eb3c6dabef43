"""The fixed vocabularies of supervision: statuses, lights, kinds, roles, fields — their codes,
how people type them, and the one place a code becomes the word a reader sees.

The CLI, the TUI, the diff and the bulletin all call ``word`` and ``shown_value`` here, so a
status reads the same everywhere and in the chosen language.
"""

from __future__ import annotations

from ..errors import BadValue
from ..i18n import CATALOGUE, t

STATUSES = ("not_started", "in_progress", "done", "behind", "blocked")
LIGHTS = ("green", "yellow", "red")
KINDS = ("target", "measure")

# What people type for a status: the code, the Chinese word, or the English word.
STATUS_WORDS = {
    "not_started": ("未启动", "not started"),
    "in_progress": ("推进中", "in progress"),
    "done": ("已完成", "done"),
    "behind": ("滞后", "behind"),
    "blocked": ("受阻", "blocked"),
}
LIGHT_WORDS = {"green": ("绿", "绿灯"), "yellow": ("黄", "黄灯"), "red": ("红", "红灯")}

# Which catalogue family names the codes of each coded field (the old_/new_ forms of the diff too).
_FAMILY = {"status": "status", "light": "light", "kind": "kind", "role": "role", "class": "diff.class"}
_CODED = {f"{prefix}{key}": family for key, family in _FAMILY.items() for prefix in ("", "old_", "new_")}


def word(family: str, code: str | None) -> str:
    """The word for a code in the interface language (``word("status", "done")`` → 已完成); "" for none."""
    return t(f"{family}.{code}") if code else ""


def field_name(field: str) -> str:
    """The name of a stored field as a reader knows it (``note`` → 备注)."""
    return t(f"field.{field}")


def shown_value(field: str, value: object) -> str:
    """A stored value of ``field`` as a person reads it in a message, a table or an editor."""
    if field in _CODED and isinstance(value, str) and f"{_CODED[field]}.{value}" in CATALOGUE:
        return word(_CODED[field], value)
    if value is None or value == "":
        return ""
    if field in ("progress", "old_progress", "new_progress", "rate") and isinstance(value, (int, float)):
        return f"{value:g}%"
    if field == "progress_delta" and isinstance(value, int):
        return f"{value:+d}" if value else "0"
    if field == "closed_out":
        return t("field.closed_out") if value else "—"
    if field == "evidence" and isinstance(value, str):
        from .evidence import shown

        return shown(value)
    if isinstance(value, bool):
        return "✓" if value else ""
    return str(value)


def shown_edit(field: str, value: object) -> str:
    """A column's value as an edit wrote it: the stored light is the override, so none means "by the rules"."""
    if field == "light" and value is None:
        return t("light.rules")
    return shown_value(field, value)


def shown_audit(row: dict) -> dict:
    """An audit row as a person reads it: local time, the action and field in words, coded values worded
    (``edit/status/not_started→in_progress`` reads 修改 · 状态 · 未启动 → 推进中). Other keys as they are."""
    from .clock import shown_time

    field = row.get("field") or ""
    out = dict(row)
    out["at"] = shown_time(row.get("at"))
    action = row.get("action") or ""
    out["action"] = t(f"audit.action.{action}") if f"audit.action.{action}" in CATALOGUE else action
    out["field"] = field_name(field) if f"field.{field}" in CATALOGUE else field
    for side in ("old", "new"):
        out[side] = _stored(field, row.get(side))
    return out


def _stored(field: str, text: object) -> str:
    """A value as the audit log stores it (text) in the words of ``shown_value``."""
    if text is None:
        return shown_edit(field, None) if field == "light" else ""
    if field == "closed_out" and text in ("0", "1"):
        return t("detail.closed_out_no") if text == "0" else t("audit.closed_out")
    if field == "progress" and isinstance(text, str) and text.isdigit():
        return shown_value(field, int(text))
    if field in ("closed_at", "updated_at"):
        from .clock import shown_time

        return shown_time(str(text))
    return shown_value(field, text)


def parse_status(text: str) -> str:
    """Turn a typed status (code, 中文 or English) into its code."""
    key = text.strip().lower().replace("-", " ")
    for code, spellings in STATUS_WORDS.items():
        if key == code or key.replace(" ", "_") == code or key in spellings:
            return code
    raise BadValue("error.unknown_status", word=text, allowed=" / ".join(s[0] for s in STATUS_WORDS.values()))


def parse_light(text: str) -> str:
    """Turn a typed light (code or 中文) into its code."""
    key = text.strip().lower()
    for code, spellings in LIGHT_WORDS.items():
        if key == code or key in spellings:
            return code
    raise BadValue("error.unknown_light", word=text)


def parse_progress(text: str) -> int:
    """A progress percentage 0–100 from what a person typed ("40", "40%")."""
    value = text.strip().rstrip("%").strip()
    if not value.isascii() or not value.isdigit() or not 0 <= int(value) <= 100:
        raise BadValue("error.bad_progress", value=text)
    return int(value)
