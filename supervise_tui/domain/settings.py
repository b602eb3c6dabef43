"""The settings file: user name, language and the light thresholds."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields

from ..errors import SettingsError
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


def load_settings() -> Settings:
    """Read the settings file; a missing file means the defaults."""
    path = config_path()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SettingsError("error.settings.unreadable", path=str(path), detail=str(exc)) from None
    if not isinstance(raw, dict):
        raise SettingsError("error.settings.not_object", path=str(path))
    rules = raw.get("lights", {})
    known = {f.name for f in fields(LightRules)}
    if not isinstance(rules, dict) or set(rules) - known:
        raise SettingsError("error.settings.lights", path=str(path), known=", ".join(sorted(known)))
    for key, value in rules.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise SettingsError("error.settings.light_value", path=str(path), key=key)
    user, lang = raw.get("user"), raw.get("lang")
    if user is not None and not isinstance(user, str) or lang not in (None, "zh", "en"):
        raise SettingsError("error.settings.user_lang", path=str(path))
    return Settings(user=user, lang=lang, lights=LightRules(**rules))


def audit_name(flag: str | None, settings: Settings | None = None) -> str:
    """Who is working, for the audit log: --user, else the settings file's user, else the OS login name."""
    if flag:
        return flag
    name = (settings or load_settings()).user
    if name:
        return name
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no login name in a bare container
        return "unknown"
