"""How far away something is, in the words people use, in both languages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from opsuite.web.i18n import format_relative, use_locale

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("locale", "ahead", "words"),
    [
        ("en", timedelta(hours=2), "in 2 hours"),
        ("en", timedelta(days=3), "in 3 days"),
        ("en", -timedelta(minutes=45), "45 minutes ago"),
        ("zh_Hans", timedelta(hours=2), "2小时后"),
        ("zh_Hans", timedelta(days=3), "3天后"),
        ("zh_Hans", -timedelta(minutes=45), "45分钟前"),
    ],
)
def test_relative_words(locale, ahead, words):
    with use_locale(locale):
        assert format_relative(NOW + ahead, NOW) == words


def test_nothing_for_no_instant():
    assert format_relative(None) == ""
