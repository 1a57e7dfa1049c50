"""Language choice (browser, switch, profile) and times shown in the viewer's zone."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from opsuite.auth.models import User
from opsuite.web.i18n import format_date, format_datetime, format_span, pick_locale, use_locale
from tests.conftest import log_in, post_form
from tests.factories.auth import make_user

HTML_LANG_RE = re.compile(r'<html lang="([^"]+)">')


def html_lang(text: str) -> str:
    match = HTML_LANG_RE.search(text)
    assert match, text[:200]
    return match.group(1)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh_Hans"),
        ("zh", "zh_Hans"),
        ("zh-Hans", "zh_Hans"),
        ("zh-SG", "zh_Hans"),
        ("zh-Hans-HK", "zh_Hans"),
        ("ZH_cn", "zh_Hans"),
        ("zh-TW", "en"),
        ("zh-HK", "en"),
        ("zh-Hant", "en"),
        ("zh-Hant-TW", "en"),
        ("zh-TW,zh;q=0.5", "zh_Hans"),
        ("zh-TW,en-GB;q=0.7", "en"),
        ("en-US,en;q=0.9", "en"),
        ("fr-FR,fr;q=0.9", "en"),
        ("fr;q=1.0,zh-CN;q=0.5", "zh_Hans"),
        ("en;q=0.3,zh-CN;q=0.8", "zh_Hans"),
        ("zh-CN;q=0,en", "en"),
        ("fr,zh;q=0", "en"),
        ("zh-CN;q=abc,en", "en"),
        ("", "en"),
        ("*", "en"),
        (";;,,", "en"),
    ],
)
def test_pick_locale(header, expected):
    assert pick_locale(header, "en") == expected


def test_pick_locale_falls_back_to_the_configured_default():
    assert pick_locale("de-DE", "zh_Hans") == "zh_Hans"
    assert pick_locale("zh-TW", "zh_Hans") == "zh_Hans"


async def test_chinese_browser_gets_the_chinese_page(client):
    response = await client.get("/login", headers={"accept-language": "zh-CN,zh;q=0.9"})
    assert response.status_code == 200
    assert html_lang(response.text) == "zh-Hans"
    assert '<option value="zh_Hans" selected>' in response.text
    assert "<h1>登录</h1>" in response.text
    assert "忘记密码？" in response.text


async def test_signed_in_chinese_user_sees_chinese_navigation_and_role(client):
    from tests.conftest import log_in
    from tests.factories.auth import make_user

    manager = await make_user("manager", name="李伟", locale="zh_Hans")
    await log_in(client, manager.email)
    page = await client.get("/")
    assert "李伟，您好" in page.text
    assert ">团队</a>" in page.text
    assert "（主管）" in page.text or "(主管)" in page.text


async def test_traditional_chinese_browser_is_not_given_simplified(client):
    response = await client.get("/login", headers={"accept-language": "zh-TW"})
    assert html_lang(response.text) == "en"


async def test_english_browser_gets_english(client):
    response = await client.get("/login", headers={"accept-language": "en-GB"})
    assert html_lang(response.text) == "en"


async def test_switching_language_sticks_for_an_anonymous_visitor(client):
    response = await post_form(client, "/lang", {"locale": "zh_Hans", "next": "/login"})
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    page = await client.get("/login", headers={"accept-language": "en"})
    assert html_lang(page.text) == "zh-Hans"
    await post_form(client, "/lang", {"locale": "en", "next": "/login"})
    page = await client.get("/login", headers={"accept-language": "zh-CN"})
    assert html_lang(page.text) == "en"


async def test_switching_language_returns_to_the_same_page_with_its_query(client):
    page = await client.get("/login?next=/me/tokens")
    lang_form = page.text.split('action="/lang"')[1].split("</form>")[0]
    assert 'name="next" value="/login?next=/me/tokens"' in lang_form
    response = await post_form(
        client, "/lang", {"locale": "zh_Hans", "next": "/login?next=/me/tokens"}, from_page="/"
    )
    assert response.headers["location"] == "/login?next=/me/tokens"


async def test_switching_to_an_unknown_language_changes_nothing(client):
    await post_form(client, "/lang", {"locale": "klingon", "next": "/"})
    assert html_lang((await client.get("/")).text) == "en"


async def test_switching_language_is_saved_to_the_profile(client, app):
    user = await make_user("volunteer", locale="en")
    await log_in(client, user.email)
    response = await post_form(client, "/lang", {"locale": "zh_Hans", "next": "/me"}, from_page="/")
    assert response.status_code == 303
    assert (await User.get(id=user.id)).locale == "zh_Hans"
    assert html_lang((await client.get("/me")).text) == "zh-Hans"
    # Another device signing in later gets the saved language whatever the browser says.
    client.cookies.clear()
    await log_in(client, user.email)
    page = await client.get("/", headers={"accept-language": "en-US"})
    assert html_lang(page.text) == "zh-Hans"


async def test_profile_language_beats_the_browser(client):
    user = await make_user("volunteer", locale="zh_Hans")
    await log_in(client, user.email)
    page = await client.get("/me", headers={"accept-language": "en-US"})
    assert html_lang(page.text) == "zh-Hans"


async def test_token_dates_are_shown_in_the_viewers_zone(client, frozen_clock):
    assert frozen_clock == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    user = await make_user("volunteer", timezone="Asia/Shanghai")
    await log_in(client, user.email)
    await post_form(client, "/me/tokens", {"name": "sheet"})
    page = (await client.get("/me/tokens")).text
    assert re.search(r"3/2/26, 5:00\s?PM", page), page
    assert "9:00" not in page
    assert "Times are shown in Asia/Shanghai." in page


async def test_the_same_instant_in_another_viewers_zone(client, frozen_clock):
    user = await make_user("volunteer", timezone="America/New_York")
    await log_in(client, user.email)
    await post_form(client, "/me/tokens", {"name": "sheet"})
    page = (await client.get("/me/tokens")).text
    assert re.search(r"3/2/26, 4:00\s?AM", page), page
    assert "Times are shown in America/New_York." in page


def test_format_datetime_uses_the_locale_and_zone():
    instant = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    with use_locale("zh_Hans", "Asia/Shanghai"):
        text = format_datetime(instant, "short")
    assert "17:00" in text
    assert "2026" in text
    with use_locale("en", "Europe/London"):
        assert "9:00" in format_datetime(instant, "short")
    assert format_datetime(None) == ""


def test_each_language_keeps_its_own_wording_when_pages_alternate():
    """The formatters keep each locale parsed once: a Chinese page rendered between two
    English ones still gets Chinese dates, and the English ones stay English."""
    start = datetime(2026, 3, 7, 1, 0, tzinfo=UTC)
    end = datetime(2026, 3, 7, 5, 0, tzinfo=UTC)
    english = (
        "Mar 7, 2026",
        "Mar 7, 2026, 9:00\u202fAM",
        "Sat, Mar 7, 2026, 9:00\u202fAM\u2009–\u20091:00\u202fPM (China Standard Time)",
    )
    chinese = ("2026年3月7日", "2026年3月7日 09:00", "2026年3月7日周六 09:00–13:00（中国标准时间）")
    for locale, expected in (("en", english), ("zh_Hans", chinese), ("en", english)):
        with use_locale(locale, "Asia/Shanghai"):
            shown = (format_date(date(2026, 3, 7)), format_datetime(start), format_span(start, end))
        assert shown == expected
