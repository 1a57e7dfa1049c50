"""Series rules: RFC 5545 RRULE text expanded at a wall-clock time in an IANA zone.

Expansion happens on naive local date-times (dateutil), and only then is each occurrence placed
in the zone, so a 09:00 rule gives 09:00 on both sides of a daylight-saving change, and an
overnight shift's real length follows the zone (a 22:00-06:00 shift on the autumn night lasts
nine hours).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from opsuite.errors import InvalidInput
from opsuite.web import recurrence as recurrence_text
from opsuite.web.i18n import gettext as _

MAX_OCCURRENCES = 370
ALLOWED_FREQ = ("DAILY", "WEEKLY", "MONTHLY")
WEEKDAY_CODES = recurrence_text.WEEKDAYS


@dataclass(frozen=True)
class Occurrence:
    day: date  # the local date the series names (its RECURRENCE-ID)
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC


def place(day: date, start: time, end: time, zone: str) -> tuple[datetime, datetime]:
    """Local date, start and end (an end at or before the start is the next morning) to UTC."""
    tz = ZoneInfo(zone)
    local_start = datetime.combine(day, start, tzinfo=tz)
    end_day = day + timedelta(days=1) if end <= start else day
    local_end = datetime.combine(end_day, end, tzinfo=tz)
    return local_start.astimezone(UTC), local_end.astimezone(UTC)


def rule_parts(rule: str) -> dict[str, str]:
    """The rule's parts, read by the shared parser (web.recurrence), which refuses an unknown
    part, a part given twice and a value of the wrong form. Raises InvalidInput."""
    return recurrence_text.parse_rule(rule)


def join_parts(parts: dict[str, str]) -> str:
    order = ["FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "COUNT", "UNTIL"]
    keys = sorted(parts, key=lambda k: (order.index(k) if k in order else len(order), k))
    return ";".join(f"{k}={parts[k]}" for k in keys)


def check_rule(rule: str, first_day: date) -> str:
    """The rule in canonical form: the shared parser's parts (rule_parts) under the shifts
    policy. Raises InvalidInput unless it is a daily, weekly or monthly rule that ends (UNTIL
    or COUNT) within MAX_OCCURRENCES occurrences."""
    parts = rule_parts(rule)
    if parts.get("FREQ") not in ALLOWED_FREQ:
        raise InvalidInput(_("Repeat daily, weekly or monthly."), field="rrule")
    if "UNTIL" not in parts and "COUNT" not in parts:
        raise InvalidInput(_("Say until when the series repeats."), field="rrule")
    canonical = join_parts(parts)
    try:
        days = _expand_days(canonical, first_day, limit=MAX_OCCURRENCES + 1)
    except (ValueError, TypeError) as exc:
        raise InvalidInput(_("The repeat rule is not valid."), field="rrule") from exc
    if not days:
        raise InvalidInput(_("The rule gives no dates; check the end date."), field="rrule")
    if len(days) > MAX_OCCURRENCES:
        raise InvalidInput(
            _("A series may have at most %(n)s shifts.", n=MAX_OCCURRENCES), field="rrule"
        )
    return canonical


def _expand_days(rule: str, first_day: date, *, limit: int) -> list[date]:
    start = datetime.combine(first_day, time(0))
    days: list[date] = []
    for occurrence in rrulestr(rule, dtstart=start):
        days.append(occurrence.date())
        if len(days) >= limit:
            break
    return days


def expand(
    rule: str, *, first_day: date, start: time, end: time, zone: str, exdates: set[date]
) -> list[Occurrence]:
    """Every occurrence of a checked rule, skipping excluded dates."""
    result: list[Occurrence] = []
    for day in _expand_days(rule, first_day, limit=MAX_OCCURRENCES):
        if day in exdates:
            continue
        starts_at, ends_at = place(day, start, end, zone)
        result.append(Occurrence(day, starts_at, ends_at))
    return result


def until_before(rule: str, day: date) -> str:
    """The rule cut so its last occurrence falls before ``day`` (for "this and following")."""
    parts = rule_parts(rule)
    parts.pop("COUNT", None)
    parts["UNTIL"] = (day - timedelta(days=1)).strftime("%Y%m%dT235959")
    return join_parts(parts)


def weekly_rule(weekdays: list[int], until: date, interval: int = 1) -> str:
    days = ",".join(WEEKDAY_CODES[d] for d in sorted(set(weekdays)))
    parts = {"FREQ": "WEEKLY", "BYDAY": days, "UNTIL": until.strftime("%Y%m%dT235959")}
    if interval > 1:
        parts["INTERVAL"] = str(interval)
    return join_parts(parts)


def simple_rule(freq: str, until: date) -> str:
    return join_parts({"FREQ": freq, "UNTIL": until.strftime("%Y%m%dT235959")})
