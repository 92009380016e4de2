"""A person's settings: show them, change them one at a time (re-scoring when needed)."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from db.models import User
from services.errors import LeakBotError
from services.money import currency_code, default_micro_threshold, exponent, parse_amount
from services.scoring import rescoring
from services.scoring.verdicts import DEFAULT_POLICY, POLICIES

SETTINGS = (
    "timezone",
    "currency",
    "micro",
    "leak_threshold",
    "leak_rule",
    "salary_day",
    "reminder_days",
    "ask",
)
ON, OFF = frozenset({"on", "yes", "true", "1"}), frozenset({"off", "no", "false", "0"})
_ALIASES = {
    "tz": "timezone",
    "time_zone": "timezone",
    "micro_threshold": "micro",
    "threshold": "leak_threshold",
    "leak": "leak_threshold",
    "salary": "salary_day",
    "payday": "salary_day",
    "reminder": "reminder_days",
    "policy": "leak_rule",
    "leak_policy": "leak_rule",
    "rule": "leak_rule",
    "questions": "ask",
    "cards": "ask",
    "teach": "ask",
}
_finder: object | None = None  # timezonefinder's TimezoneFinder, loaded on the first location


@dataclass(frozen=True, slots=True)
class Preferences:
    timezone: str
    currency: str
    micro_threshold_minor: int
    leak_threshold: int
    salary_day: int
    reminder_days: int
    leak_rule: str = DEFAULT_POLICY  # verdicts.POLICIES
    ask: bool = True  # the daily "Leak or not?" card (after a spend, in the digest)


@dataclass(frozen=True, slots=True)
class Change:
    setting: str  # one of SETTINGS
    now: Preferences  # every setting after the change
    rescored: int  # entries re-scored because of the change


def view(user: User) -> Preferences:
    return Preferences(
        user.timezone,
        user.currency,
        user.micro_threshold_minor,
        user.leak_threshold,
        user.salary_day,
        user.renewal_reminder_days,
        user.leak_policy or DEFAULT_POLICY,
        user.ask_enabled is not False,
    )


def change(*, session: Session, user: User, setting: str, value: str) -> Change:
    """Change one setting; timezone and thresholds re-derive / re-score stored entries."""
    name = _ALIASES.get(setting.casefold(), setting.casefold())
    value = value.strip()
    if name not in SETTINGS:
        raise LeakBotError(f"There is no setting {setting!r}. Settings: {', '.join(SETTINGS)}.")
    if name == "timezone":
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise LeakBotError(
                f"{value!r} is not a time zone. Use a name like Asia/Kolkata or Europe/London, "
                "or share your location."
            ) from exc
        user.timezone = value
        return _changed(name, user, rescoring.rescore_all(session=session, user=user, rederive_time=True))
    if name == "currency":
        code = currency_code(value)
        if exponent(code) != exponent(user.currency):
            raise LeakBotError(
                f"{code} counts {exponent(code)} decimals and {user.currency} "
                f"{exponent(user.currency)}: stored amounts would change meaning. "
                "Export your data, /forget, and start again in the new currency."
            )
        rescored = 0
        if user.micro_threshold_minor == default_micro_threshold(user.currency):  # never set by hand
            user.micro_threshold_minor = default_micro_threshold(code)
            rescored = rescoring.rescore_all(session=session, user=user, rederive_time=False)
        user.currency = code
        return _changed(name, user, rescored)
    if name == "micro":
        user.micro_threshold_minor = parse_amount(value, user.currency)
        return _changed(name, user, rescoring.rescore_all(session=session, user=user, rederive_time=False))
    if name == "leak_rule":
        policy = value.casefold()
        if policy not in POLICIES:
            raise LeakBotError(
                "leak_rule is guarded (a necessity is never a leak unless you say so; the default) "
                "or seed (the seed analysis's own rule: every score from the threshold is a leak)."
            )
        user.leak_policy = policy
        session.flush()
        return _changed(name, user, rescoring.rederive(session, user))
    if name == "ask":
        said = value.casefold()
        if said not in ON | OFF:
            raise LeakBotError("ask is on or off: a daily 'Leak or not?' card. /teach works either way.")
        user.ask_enabled = said in ON
        return _changed(name, user, 0)
    number = _whole_number(value, name)
    if name == "leak_threshold":
        if not 1 <= number <= 9:
            raise LeakBotError("The leak threshold is a score from 1 to 9 (default 5).")
        user.leak_threshold = number
        return _changed(name, user, rescoring.rescore_all(session=session, user=user, rederive_time=False))
    if name == "reminder_days":
        if not 0 <= number <= 30:
            raise LeakBotError("reminder_days is how many days before a renewal to remind you: 0 to 30.")
        user.renewal_reminder_days = number
        return _changed(name, user, 0)
    if not 1 <= number <= 31:
        raise LeakBotError("The salary day is a day of the month from 1 to 31.")
    user.salary_day = number
    return _changed(name, user, 0)


def _changed(setting: str, user: User, rescored: int) -> Change:
    return Change(setting, view(user), rescored)


def _whole_number(value: str, name: str) -> int:
    if not value.isdecimal():
        raise LeakBotError(f"{name} takes a whole number, not {value!r}.")
    return int(value)


def timezone_at(*, latitude: float, longitude: float) -> str:
    """The IANA time zone at a location (offline lookup)."""
    global _finder
    if _finder is None:
        from timezonefinder import TimezoneFinder

        _finder = TimezoneFinder()
    name = _finder.timezone_at(lat=latitude, lng=longitude)  # type: ignore[attr-defined]
    if name is None:
        raise LeakBotError(
            "I couldn't tell the time zone of that location. Try /settings timezone Asia/Kolkata."
        )
    return name
