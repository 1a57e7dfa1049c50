"""The one RRULE parser (web.recurrence) meetings and shifts build their policies on."""

from __future__ import annotations

from datetime import date, time

import pytest

from opsuite.errors import InvalidInput
from opsuite.web.i18n import use_locale
from opsuite.web.recurrence import Until, parse_rule, parse_until


def refusal(text: str) -> str:
    with use_locale("en"), pytest.raises(InvalidInput) as caught:
        parse_rule(text)
    assert caught.value.field == "rrule"
    return str(caught.value.message)


def test_parts_come_back_upper_case_in_the_order_written():
    assert parse_rule(" rrule:freq=weekly; byday=MO,-1fr ;interval=2;") == {
        "FREQ": "WEEKLY",
        "BYDAY": "MO,-1FR",
        "INTERVAL": "2",
    }
    assert parse_rule("") == {}
    assert parse_rule("  ") == {}


@pytest.mark.parametrize("text", ["FREQ=WEEKLY;DTSTART=20260101", "FREQ=DAILY;BYHOUR=9", "FREQ"])
def test_an_unknown_or_empty_part_is_refused(text):
    assert "Unsupported or repeated part in the rule" in refusal(text)


def test_a_part_given_twice_is_refused_not_overwritten():
    message = refusal("FREQ=WEEKLY;BYDAY=MO;BYDAY=TU")
    assert message == "Unsupported or repeated part in the rule: BYDAY=TU."


@pytest.mark.parametrize("text", ["FREQ=WEEKLY;BYDAY=XX", "FREQ=WEEKLY;BYDAY=MO,1", "WKST=SO"])
def test_a_bad_weekday_is_refused(text):
    assert refusal(text).startswith("Unknown weekday in the rule:")


@pytest.mark.parametrize(
    "text",
    ["FREQ=DAILY;COUNT=ten", "FREQ=DAILY;INTERVAL=-2", "FREQ=DAILY;COUNT=1.5", "BYMONTHDAY=1,x"],
)
def test_a_bad_number_is_refused(text):
    assert refusal(text).startswith("Not a whole number in the rule:")


def test_until_as_a_date_a_local_date_time_or_utc():
    assert parse_until("20260630") == Until(date(2026, 6, 30), None, utc=False)
    assert parse_until("20260630T170000") == Until(date(2026, 6, 30), time(17), utc=False)
    assert parse_until("20260630T170000Z") == Until(date(2026, 6, 30), time(17), utc=True)
    assert parse_rule("FREQ=DAILY;UNTIL=20260630T170000Z")["UNTIL"] == "20260630T170000Z"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("FREQ=DAILY;UNTIL=2026-06-30", "UNTIL must look like 20260630 or 20260630T170000Z."),
        ("FREQ=DAILY;UNTIL=20260631", "UNTIL is not a real date."),
        ("FREQ=DAILY;UNTIL=20260630T250000Z", "UNTIL is not a real date."),
    ],
)
def test_a_bad_until_is_refused(text, message):
    assert refusal(text) == message
