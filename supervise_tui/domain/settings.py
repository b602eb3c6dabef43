"""The settings file: user name, language and the light thresholds."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields

from ..locations import config_path


@dataclass(frozen=True)
class LightRules:
    """Points progress may trail the time elapsed in the item's stage before a light turns."""

    yellow_behind: int = 10  # trailing by this many points or more: yellow
    red_behind: int = 30  # trailing by more than this: red
    due_soon_days: int = 7  # a round due within this many days turns unfinished items yellow


@dataclass(frozen=True)
class Settings:
    user: str | None = None
    lang: str | None = None
    lights: LightRules = field(default_factory=LightRules)


class SettingsError(ValueError):
    """The settings file is unreadable or holds a bad value."""


def load_settings() -> Settings:
    """Read the settings file; a missing file means the defaults."""
    path = config_path()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SettingsError(f"{path}: cannot read settings: {exc}") from None
    if not isinstance(raw, dict):
        raise SettingsError(f"{path}: settings must be a JSON object")
    rules = raw.get("lights", {})
    known = {f.name for f in fields(LightRules)}
    if not isinstance(rules, dict) or set(rules) - known:
        raise SettingsError(f"{path}: lights: expected an object with {', '.join(sorted(known))}")
    for key, value in rules.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise SettingsError(f"{path}: lights.{key}: expected a whole number ≥ 0")
    user, lang = raw.get("user"), raw.get("lang")
    if user is not None and not isinstance(user, str) or lang not in (None, "zh", "en"):
        raise SettingsError(f"{path}: user must be text and lang zh or en")
    return Settings(user=user, lang=lang, lights=LightRules(**rules))
