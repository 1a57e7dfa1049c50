"""RFC 5545 recurrence: validate rule text and expand a series in its own zone.

Expansion uses dateutil's rrule with a DTSTART that carries the meeting's ZoneInfo, so each
occurrence is the same wall-clock time (10:00 stays 10:00 across daylight-saving changes) and
converting it to UTC gives the real instant. Every expansion is over a bounded window, so a
rule without COUNT or UNTIL is fine to store and never expanded forever.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrule, rrulestr

from opsuite.errors import InvalidInput
from opsuite.web import recurrence as recurrence_text
from opsuite.web.i18n import gettext as _

MAX_WINDOW = timedelta(days=400)
MAX_COUNT = 1000
# A rule must produce an occurrence within this long of its start, and the UNTIL may lie at most
# this far ahead: past that, a "series" is a typo.
HORIZON_YEARS = 10
ALLOWED_FREQ = {"DAILY": DAILY, "WEEKLY": WEEKLY, "MONTHLY": MONTHLY, "YEARLY": YEARLY}
WEEKDAYS = recurrence_text.WEEKDAYS


def local_start(starts_at: datetime, timezone: str) -> datetime:
    return starts_at.astimezone(ZoneInfo(timezone))


def _utc_stamp(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _until_instant(value: str, zone: ZoneInfo) -> datetime:
    """UNTIL as an aware UTC instant. A date alone means the end of that local day and a local
    time is read in the meeting's zone: RFC 5545 wants UTC when DTSTART has a zone."""
    until = recurrence_text.parse_until(value)
    if until.at is None:
        return datetime.combine(until.day, time(23, 59, 59), tzinfo=zone).astimezone(UTC)
    return datetime.combine(until.day, until.at, tzinfo=UTC if until.utc else zone).astimezone(UTC)


def normalize_rule(text: str, *, starts_at: datetime, timezone: str) -> str:
    """The rule as we store and publish it (upper case, UNTIL in UTC), or "" for none.

    The text is read by the shared parser (web.recurrence: unknown or repeated parts, weekday
    codes, numbers and UNTIL's form); this adds the meetings policy. Raises InvalidInput (field
    "rrule") for text that is not a daily, weekly, monthly or yearly RRULE, COUNT above
    MAX_COUNT, or a rule that never produces a date.
    """
    parts = recurrence_text.parse_rule(text)
    if not parts:
        return ""
    zone = ZoneInfo(timezone)
    if parts.get("FREQ") not in ALLOWED_FREQ:
        raise InvalidInput(
            _("The rule needs FREQ=DAILY, WEEKLY, MONTHLY or YEARLY."), field="rrule"
        )
    if "COUNT" in parts and "UNTIL" in parts:
        raise InvalidInput(_("Give COUNT or UNTIL, not both."), field="rrule")
    count = parts.get("COUNT")
    if count is not None and not 1 <= int(count) <= MAX_COUNT:
        raise InvalidInput(_("COUNT must be between 1 and %(max)s.", max=MAX_COUNT), field="rrule")
    if "INTERVAL" in parts and not 1 <= int(parts["INTERVAL"]) <= 366:
        raise InvalidInput(_("INTERVAL must be a whole number from 1 to 366."), field="rrule")
    if "UNTIL" in parts:
        until = _until_instant(parts["UNTIL"], zone)
        if until < starts_at:
            raise InvalidInput(_("UNTIL is before the first meeting."), field="rrule")
        if until > starts_at + timedelta(days=366 * HORIZON_YEARS):
            raise InvalidInput(
                _("UNTIL may be at most %(n)s years ahead.", n=HORIZON_YEARS), field="rrule"
            )
        parts["UNTIL"] = _utc_stamp(until)
    ordered = ["FREQ"] + [p for p in parts if p != "FREQ"]
    normalized = ";".join(f"{p}={parts[p]}" for p in ordered)
    try:
        rule = build_rule(normalized, starts_at=starts_at, timezone=timezone)
        first = rule.after(local_start(starts_at, timezone), inc=True)
    except (ValueError, TypeError, IndexError, KeyError) as exc:
        raise InvalidInput(
            _("This recurrence rule cannot be read: %(why)s", why=str(exc)[:120]), field="rrule"
        ) from exc
    if first is None or first.astimezone(UTC) > starts_at + timedelta(days=366 * HORIZON_YEARS):
        raise InvalidInput(_("This rule never produces a date."), field="rrule")
    return normalized


def build_rule(text: str, *, starts_at: datetime, timezone: str) -> rrule:
    rule = rrulestr(f"RRULE:{text}", dtstart=local_start(starts_at, timezone))
    assert isinstance(rule, rrule)  # RRULE text gives an rrule  # nosec B101
    return rule


def preset_rule(code: str, first_day: date, *, until: date | None, count: int | None) -> str:
    """Rule text for a form preset ("weekly", "biweekly", "monthly_weekday" ...)."""
    weekday = WEEKDAYS[first_day.weekday()]
    nth = (first_day.day - 1) // 7 + 1
    base = {
        "daily": "FREQ=DAILY",
        "weekdays": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
        "weekly": f"FREQ=WEEKLY;BYDAY={weekday}",
        "biweekly": f"FREQ=WEEKLY;INTERVAL=2;BYDAY={weekday}",
        "monthly_weekday": f"FREQ=MONTHLY;BYDAY={nth if nth < 5 else -1}{weekday}",
        "monthly_day": f"FREQ=MONTHLY;BYMONTHDAY={first_day.day}",
    }.get(code, "")
    if not base:
        return ""
    if count:
        return f"{base};COUNT={count}"
    if until:
        return f"{base};UNTIL={until:%Y%m%d}"
    return base


def check_window(start: datetime, end: datetime) -> None:
    if end <= start:
        raise InvalidInput(_("The end must be after the start."), field="end")
    if end - start > MAX_WINDOW:
        raise InvalidInput(
            _("Ask for at most %(n)s days at a time.", n=MAX_WINDOW.days), field="end"
        )


def original_starts(
    *,
    starts_at: datetime,
    timezone: str,
    rule_text: str,
    window_start: datetime,
    window_end: datetime,
) -> list[datetime]:
    """UTC start instants of the series' occurrences that start in [window_start, window_end),
    before exceptions and changes. A one-off meeting has just its own start."""
    if not rule_text:
        return [starts_at] if window_start <= starts_at < window_end else []
    if window_end - window_start > MAX_WINDOW + timedelta(days=2):
        raise InvalidInput(
            _("Ask for at most %(n)s days at a time.", n=MAX_WINDOW.days), field="end"
        )
    if window_end <= starts_at:
        return []
    zone = ZoneInfo(timezone)
    rule = build_rule(rule_text, starts_at=starts_at, timezone=timezone)
    local = rule.between(window_start.astimezone(zone), window_end.astimezone(zone), inc=True)
    out = [d.astimezone(UTC) for d in local]
    return [d for d in out if window_start <= d < window_end]


def last_end(
    *, starts_at: datetime, ends_at: datetime, timezone: str, rule_text: str
) -> datetime | None:
    """When the series' last occurrence ends (None if the rule has no COUNT or UNTIL)."""
    if not rule_text:
        return ends_at
    if "COUNT=" not in rule_text and "UNTIL=" not in rule_text:
        return None
    rule = build_rule(rule_text, starts_at=starts_at, timezone=timezone)
    last: datetime | None = None
    for last in rule:  # noqa: B007 - bounded by COUNT (<= MAX_COUNT) or UNTIL (validated)
        pass
    if last is None:
        return ends_at
    return last.astimezone(UTC) + (ends_at - starts_at)


def count_before(*, starts_at: datetime, timezone: str, rule_text: str, before: datetime) -> int:
    """How many occurrences start before ``before`` (to carry COUNT over a split)."""
    rule = build_rule(rule_text, starts_at=starts_at, timezone=timezone)
    first = local_start(starts_at, timezone) - timedelta(seconds=1)
    return len(rule.between(first, before.astimezone(ZoneInfo(timezone)), inc=False))


def set_part(rule_text: str, name: str, value: str | None) -> str:
    """The rule with one part replaced (or removed when value is None)."""
    parts = [p for p in rule_text.split(";") if p and not p.startswith(f"{name}=")]
    if value is not None:
        parts.append(f"{name}={value}")
    return ";".join(parts)


def until_before(instant: datetime) -> str:
    return _utc_stamp(instant - timedelta(seconds=1))


def stamp(instant: datetime) -> str:
    """How an occurrence's original start is keyed (EXDATE list, forms, links)."""
    return _utc_stamp(instant)


def parse_stamp(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None
