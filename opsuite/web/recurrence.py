"""RFC 5545 RRULE text read into its parts: the one parser the repeating areas build on.

``parse_rule`` splits "FREQ=WEEKLY;BYDAY=MO,WE" into its parts and checks each value's form
(weekday codes, whole numbers, UNTIL as a date or a date-time). It refuses a part we do not
know and a part given twice ("BYDAY=MO;BYDAY=TU" could mean either). What a rule may ask for
(which frequencies, how many dates, whether it must end) is each area's own policy, checked on
top of the parts returned here. Every refusal is an InvalidInput for the "rrule" field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from opsuite.errors import InvalidInput
from opsuite.web.i18n import gettext as _

FIELD = "rrule"
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# The parts of RFC 5545 §3.3.10 a series of whole days or fixed-time events can use; BYHOUR,
# BYMINUTE and BYSECOND would repeat within a day, which no area of ours plans.
PARTS = (
    "FREQ",
    "INTERVAL",
    "COUNT",
    "UNTIL",
    "BYDAY",
    "BYMONTHDAY",
    "BYMONTH",
    "BYSETPOS",
    "WKST",
    "BYYEARDAY",
    "BYWEEKNO",
)
_NUMBER_PARTS = ("INTERVAL", "COUNT")
_NUMBER_LIST_PARTS = ("BYMONTHDAY", "BYMONTH", "BYSETPOS", "BYYEARDAY", "BYWEEKNO")
_NUMBER_RE = re.compile(r"[0-9]{1,9}")
_SIGNED_RE = re.compile(r"[+-]?[0-9]{1,3}")
_BYDAY_RE = re.compile(r"([+-]?[0-9]{1,2})?([A-Z]{2})")
_UNTIL_RE = re.compile(r"([0-9]{8})(?:T([0-9]{6})(Z?))?")


@dataclass(frozen=True)
class Until:
    """UNTIL as written: a date alone (``at`` None, the whole of that day), or a date-time that
    is UTC when it ends in Z and otherwise local to the series' zone."""

    day: date
    at: time | None
    utc: bool


def parse_until(value: str) -> Until:
    """UNTIL's value (20260630, 20260630T170000 or 20260630T170000Z). Raises InvalidInput."""
    match = _UNTIL_RE.fullmatch(value.strip().upper())
    if not match:
        raise InvalidInput(_("UNTIL must look like 20260630 or 20260630T170000Z."), field=FIELD)
    try:
        day = datetime.strptime(match[1], "%Y%m%d").date()
        at = datetime.strptime(match[2], "%H%M%S").time() if match[2] else None
    except ValueError:
        raise InvalidInput(_("UNTIL is not a real date."), field=FIELD) from None
    return Until(day, at, bool(match[3]))


def _refuse_part(chunk: str) -> InvalidInput:
    return InvalidInput(
        _("Unsupported or repeated part in the rule: %(part)s.", part=chunk[:40]), field=FIELD
    )


def _bad_weekday(part: str) -> InvalidInput:
    return InvalidInput(
        _("Unknown weekday in the rule: %(part)s. Use MO, TU, WE, TH, FR, SA or SU.", part=part),
        field=FIELD,
    )


def _check_value(name: str, value: str) -> None:
    part = f"{name}={value}"[:40]
    if name in _NUMBER_PARTS and not _NUMBER_RE.fullmatch(value):
        raise InvalidInput(_("Not a whole number in the rule: %(part)s.", part=part), field=FIELD)
    if name in _NUMBER_LIST_PARTS and not all(_SIGNED_RE.fullmatch(v) for v in value.split(",")):
        raise InvalidInput(_("Not a whole number in the rule: %(part)s.", part=part), field=FIELD)
    if name == "BYDAY":
        for item in value.split(","):
            match = _BYDAY_RE.fullmatch(item)
            if not match or match[2] not in WEEKDAYS:
                raise _bad_weekday(part)
    if name == "WKST" and value not in WEEKDAYS:
        raise _bad_weekday(part)
    if name == "UNTIL":
        parse_until(value)


def parse_rule(text: str) -> dict[str, str]:
    """The rule's parts, upper case and in the order written ({} for no rule; an "RRULE:"
    prefix and empty parts are ignored). Raises InvalidInput (field "rrule") for a part without
    a value, one not in PARTS, one given twice, or a value of the wrong form."""
    text = text.strip().upper().removeprefix("RRULE:")
    parts: dict[str, str] = {}
    for chunk in text.split(";"):
        chunk = chunk.strip()
        if not chunk:
            continue
        name, sep, value = chunk.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not value or name not in PARTS or name in parts:
            raise _refuse_part(chunk)
        _check_value(name, value)
        parts[name] = value
    return parts
