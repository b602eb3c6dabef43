"""The fixed vocabularies of supervision: statuses, lights, roles, and their spellings."""

from __future__ import annotations

STATUSES = ("not_started", "in_progress", "done", "behind", "blocked")
LIGHTS = ("green", "yellow", "red")

# What people type for a status: the code, the Chinese word, or the English word.
STATUS_WORDS = {
    "not_started": ("未启动", "not started"),
    "in_progress": ("推进中", "in progress"),
    "done": ("已完成", "done"),
    "behind": ("滞后", "behind"),
    "blocked": ("受阻", "blocked"),
}
LIGHT_WORDS = {"green": ("绿", "绿灯"), "yellow": ("黄", "黄灯"), "red": ("红", "红灯")}


def parse_status(word: str) -> str:
    """Turn a typed status (code, 中文 or English) into its code; ValueError if unknown."""
    key = word.strip().lower().replace("-", " ")
    for code, spellings in STATUS_WORDS.items():
        if key == code or key.replace(" ", "_") == code or key in spellings:
            return code
    allowed = " / ".join(s[0] for s in STATUS_WORDS.values())
    raise ValueError(f"unknown status {word!r}; use one of {allowed}")


def parse_light(word: str) -> str:
    """Turn a typed light (code or 中文) into its code; ValueError if unknown."""
    key = word.strip().lower()
    for code, spellings in LIGHT_WORDS.items():
        if key == code or key in spellings:
            return code
    raise ValueError(f"unknown light {word!r}; use green / yellow / red (绿 / 黄 / 红)")


def parse_progress(text: str) -> int:
    """A progress percentage 0–100 from what a person typed (\"40\", \"40%\")."""
    value = text.strip().rstrip("%").strip()
    if not value.isascii() or not value.isdigit() or not 0 <= int(value) <= 100:
        raise ValueError(f"progress must be a whole number from 0 to 100, got {text!r}")
    return int(value)
