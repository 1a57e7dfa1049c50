"""Repeat rules read as words in both languages; the RRULE itself stays in the .ics."""

import pytest

from opsuite.web.i18n import format_rrule, use_locale

CASES = [
    ("FREQ=WEEKLY;BYDAY=TH;COUNT=6", "Every Thursday, 6 times", "每周四，共 6 次"),
    ("FREQ=WEEKLY;BYDAY=MO,WE", "Every Monday and Wednesday", "每周一、周三"),
    (
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE,FR;UNTIL=20270105T000000Z",
        "Every 2 weeks on Monday, Wednesday, and Friday, until Jan 5, 2027",
        "每 2 周的周一、周三、周五，直到 2027年1月5日",
    ),
    ("FREQ=MONTHLY;BYDAY=2TU", "Every month on the second Tuesday", "每月第二个周二"),
    ("FREQ=MONTHLY;BYDAY=-1FR", "Every month on the last Friday", "每月最后一个周五"),
    ("FREQ=MONTHLY;BYMONTHDAY=15", "Every month on day 15", "每月15日"),
    ("FREQ=DAILY;INTERVAL=3", "Every 3 days", "每 3 天"),
    ("FREQ=DAILY;COUNT=5", "Every day, 5 times", "每天，共 5 次"),
    ("FREQ=YEARLY", "Every year", "每年"),
]


@pytest.mark.parametrize(("rule", "english", "chinese"), CASES)
def test_a_repeat_rule_reads_as_words(rule, english, chinese):
    with use_locale("en"):
        assert format_rrule(rule) == english
    with use_locale("zh_Hans"):
        assert format_rrule(rule) == chinese


@pytest.mark.parametrize("rule", ["FREQ=HOURLY", "FREQ=WEEKLY;BYDAY=XX", "FREQ=DAILY;INTERVAL=x"])
def test_a_rule_the_forms_do_not_offer_never_shows_its_code(rule):
    with use_locale("en"):
        assert format_rrule(rule) == "Repeats (custom rule)"
    with use_locale("zh_Hans"):
        assert "FREQ" not in format_rrule(rule)
