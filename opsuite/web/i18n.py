"""gettext for opsuite: catalogs are read from the .po files at start-up (no build step), the
active locale lives in a context variable set per request, and formatting helpers show dates
and times in the viewer's locale and time zone."""

from __future__ import annotations

import contextvars
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from functools import cache, lru_cache
from zoneinfo import ZoneInfo, available_timezones

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.dates import format_interval as babel_format_interval
from babel.dates import format_skeleton as babel_format_skeleton
from babel.dates import format_time as babel_format_time
from babel.dates import format_timedelta as babel_format_timedelta
from babel.dates import get_timezone_name
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal as babel_format_decimal
from babel.support import LazyProxy, Translations

from opsuite import clock, resources
from opsuite.settings import LOCALES

LOCALE_DIR = resources.locale_dir()
LANGUAGE_NAMES = {"en": "English", "zh_Hans": "简体中文"}

_locale: contextvars.ContextVar[str] = contextvars.ContextVar("opsuite_locale", default="en")
_timezone: contextvars.ContextVar[str] = contextvars.ContextVar("opsuite_tz", default="UTC")


@cache
def translations(locale: str) -> Translations:
    po_path = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
    if not po_path.exists():
        return Translations()
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=Locale.parse(locale))
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def current_locale() -> str:
    return _locale.get()


def current_timezone() -> str:
    return _timezone.get()


@contextmanager
def use_locale(locale: str, timezone: str = "UTC") -> Iterator[None]:
    """Render something (a page, an email) in another person's language and zone."""
    t1 = _locale.set(locale if locale in LOCALES else "en")
    t2 = _timezone.set(timezone)
    try:
        yield
    finally:
        _locale.reset(t1)
        _timezone.reset(t2)


def set_request_locale(locale: str, timezone: str) -> None:
    _locale.set(locale if locale in LOCALES else "en")
    _timezone.set(timezone)


def gettext(message: str, **variables: object) -> str:
    text = translations(current_locale()).ugettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, **variables: object) -> str:
    text = translations(current_locale()).ungettext(singular, plural, n)
    return text % {"num": n, **variables}


def pgettext(context: str, message: str, **variables: object) -> str:
    """gettext for a word whose translation depends on where it is used (msgctxt): the
    "Day" of a calendar's view tabs is 日 in Chinese, the "Day" column of a table 日期."""
    text = translations(current_locale()).upgettext(context, message)
    return text % variables if variables else text


_ = gettext


def lazy_gettext(message: str) -> LazyProxy:
    """For strings defined at import time (form labels, choices), translated when shown."""
    return LazyProxy(gettext, message, enable_cache=False)


@lru_cache(maxsize=32)
def locale_of(name: str) -> Locale:
    """The parsed Babel locale for ``name``, parsed once: Babel's formatters re-parse a locale
    given as a string on every call, which dominated the time to render a big board."""
    return Locale.parse(name)


def babel_locale(locale: str | None = None) -> Locale:
    return locale_of(locale or current_locale())


@lru_cache(maxsize=32)
def _medium_datetime_pattern(locale: Locale) -> str:
    return str(locale.datetime_formats["medium"]).replace("'", "")


@lru_cache(maxsize=32)
def _hour_symbol(locale: Locale) -> str:
    """The hour letter of the locale's short time: "h" on a 12-hour clock, "H" on a 24-hour one."""
    return "h" if "h" in str(locale.time_formats["short"].pattern) else "H"


def pick_locale(accept_language: str, default: str) -> str:
    """The best of our locales for an Accept-Language header.

    Chinese written in Traditional characters (zh-Hant, or zh-TW/HK/MO without an explicit
    Hans script) is not offered Simplified; q=0 means "not this language".
    """
    candidates: list[tuple[float, list[str]]] = []
    for part in accept_language.split(","):
        lang, _sep, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _eq, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            candidates.append((quality, lang.strip().lower().replace("_", "-").split("-")))
    for _q, subtags in sorted(candidates, key=lambda c: -c[0]):
        if subtags[0] == "zh":
            traditional = "hant" in subtags or (
                "hans" not in subtags and any(t in ("tw", "hk", "mo") for t in subtags[1:])
            )
            if traditional:
                continue
            return "zh_Hans"
        if subtags[0] == "en":
            return "en"
    return default


@cache
def all_timezones() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


def is_timezone(name: str) -> bool:
    return name in all_timezones()


# Where NGOs using opsuite mostly are: offered first in every time-zone list.
COMMON_TIMEZONES = (
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Taipei",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "Asia/Dubai",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "Africa/Lagos",
    "Africa/Nairobi",
    "Africa/Johannesburg",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Mexico_City",
    "America/Sao_Paulo",
    "Australia/Sydney",
    "Pacific/Auckland",
    "UTC",
)

ZoneChoices = tuple[tuple[str, str], ...]


def timezone_choices(at: datetime) -> tuple[ZoneChoices, ZoneChoices]:
    """(common, all) zones as (name, "UTC+08:00 Asia/Shanghai"), with each zone's offset at
    ``at`` (it changes with daylight saving time), the rest sorted by offset, then name."""
    return _timezone_choices(at.replace(minute=0, second=0, microsecond=0))


@lru_cache(maxsize=4)
def _timezone_choices(hour: datetime) -> tuple[ZoneChoices, ZoneChoices]:
    def offset(zone: str) -> int:
        delta = hour.astimezone(ZoneInfo(zone)).utcoffset()
        return int(delta.total_seconds() // 60) if delta is not None else 0

    def label(zone: str) -> str:
        minutes = offset(zone)
        sign = "+" if minutes >= 0 else "−"
        hours, rest = divmod(abs(minutes), 60)
        return f"UTC{sign}{hours:02d}:{rest:02d} {zone}"

    common = tuple((z, label(z)) for z in COMMON_TIMEZONES if is_timezone(z))
    others = sorted(set(all_timezones()) - set(COMMON_TIMEZONES), key=lambda z: (offset(z), z))
    return common, tuple((z, label(z)) for z in others)


def to_local(instant: datetime, timezone: str | None = None) -> datetime:
    return instant.astimezone(ZoneInfo(timezone or current_timezone()))


def format_datetime(
    instant: datetime | None, fmt: str = "medium", timezone: str | None = None
) -> str:
    """An instant in the viewer's (or the given) zone. "medium" is the locale's medium date
    and its short time: nobody plans a shift to the second."""
    if instant is None:
        return ""
    zone = ZoneInfo(timezone or current_timezone())
    locale = babel_locale()
    if fmt != "medium":
        return babel_format_datetime(instant, fmt, tzinfo=zone, locale=locale)
    local = instant.astimezone(zone)
    return _date_and_time(
        babel_format_date(local.date(), "medium", locale=locale),
        babel_format_time(local, "short", tzinfo=zone, locale=locale),
    )


def _date_and_time(day: str, time_of_day: str) -> str:
    pattern = _medium_datetime_pattern(babel_locale())
    return pattern.replace("{1}", day).replace("{0}", time_of_day)


def zone_name(instant: datetime, timezone: str | None = None) -> str:
    """The zone's name as people say it in their language ("China Standard Time")."""
    local = instant.astimezone(ZoneInfo(timezone or current_timezone()))
    return str(get_timezone_name(local, locale=babel_locale()))


def format_span(start: datetime, end: datetime, timezone: str | None = None) -> str:
    """From ``start`` to ``end`` as the language writes a range (CLDR interval formats),
    naming the zone: "Sat, Mar 7, 2026, 9:00 AM - 1:00 PM (China Standard Time)" in English.
    A range over several days gives both dates."""
    zone = ZoneInfo(timezone or current_timezone())
    first, last = start.astimezone(zone), end.astimezone(zone)
    locale = babel_locale()
    hours = _hour_symbol(locale)
    if first.date() == last.date():
        text = _date_and_time(
            babel_format_skeleton("yMMMEd", first, locale=locale),
            babel_format_interval(first, last, f"{hours}m", tzinfo=zone, locale=locale),
        )
    else:
        text = " – ".join(format_datetime(t, timezone=str(zone)) for t in (first, last))
    return gettext("%(span)s (%(zone)s)", span=text, zone=zone_name(start, str(zone)))


def format_relative(instant: datetime | None, now: datetime | None = None) -> str:
    """How far away an instant is, as people say it: "in 2 hours", "3 days ago", "2小时后"."""
    if instant is None:
        return ""
    delta = instant - (now or clock.now())
    return str(babel_format_timedelta(delta, add_direction=True, locale=babel_locale()))


def format_time(instant: datetime | None, fmt: str = "short", timezone: str | None = None) -> str:
    if instant is None:
        return ""
    zone = ZoneInfo(timezone or current_timezone())
    return babel_format_time(instant, fmt, tzinfo=zone, locale=babel_locale())


def format_date(day: date | datetime | None, fmt: str = "medium") -> str:
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = to_local(day).date()
    return _format_day(day, fmt, babel_locale())


def format_weekday_date(day: date | None) -> str:
    """A day with its weekday, short, as the locale writes it ("Tue, Dec 8", "12月8日周二")."""
    if day is None:
        return ""
    return str(babel_format_skeleton("MMMEd", day, locale=babel_locale()))


def format_number(value: object) -> str:
    """A number as the locale writes it, with at most two decimals (2.5 days, 1,234 hours)."""
    if value is None:
        return ""
    return str(babel_format_decimal(value, "#,##0.##", locale=babel_locale()))  # type: ignore[arg-type]


@lru_cache(maxsize=1024)
def _format_day(day: date, fmt: str, locale: Locale) -> str:
    """A day as the locale writes it; a board shows the same few due dates on many cards."""
    return babel_format_date(day, fmt, locale=locale)


_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_RRULE_DAY = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")


def _weekday_name(code: str, locale: Locale) -> str:
    # zh: "周四" (abbreviated) reads naturally after 每; en: "Thursday".
    width = "abbreviated" if locale.language == "zh" else "wide"
    return str(locale.days["format"][width][_WEEKDAYS.index(code)])


def _ordinal_day(ordinal: int, code: str, locale: Locale) -> str:
    day = _weekday_name(code, locale)
    if ordinal == -1:
        return gettext("the last %(day)s", day=day)
    return gettext("the %(nth)s %(day)s", nth=_ordinal(ordinal), day=day)


def _ordinal(n: int) -> str:
    words = {
        1: gettext("first"),
        2: gettext("second"),
        3: gettext("third"),
        4: gettext("fourth"),
        5: gettext("fifth"),
    }
    return words.get(n, str(n))


def _join(items: list[str], locale: Locale) -> str:
    if locale.language == "zh":
        return "、".join(items)
    if len(items) <= 2:
        return gettext(" and ").join(items)
    return ", ".join(items[:-1]) + gettext(", and ") + items[-1]


def format_rrule(rule: str | None) -> str:
    """A repeat rule (RFC 5545 RRULE) in words, as each language says it: "Every Thursday,
    6 times".

    Covers what the forms offer (daily, weekly on days, monthly by day or weekday, yearly, an
    interval, a count or an end date); anything else falls back to "Repeats (custom rule)"
    rather than showing the rule's code."""
    if not rule:
        return ""
    parts: dict[str, str] = {}
    for piece in rule.strip().removeprefix("RRULE:").split(";"):
        key, _sep, value = piece.partition("=")
        parts[key.strip().upper()] = value.strip().upper()
    locale = babel_locale()
    try:
        interval = int(parts.get("INTERVAL", "1"))
        count = int(parts["COUNT"]) if "COUNT" in parts else None
        days = [_RRULE_DAY.match(d) for d in parts.get("BYDAY", "").split(",") if d]
        if any(d is None for d in days) or interval < 1:
            raise ValueError(rule)
    except ValueError:
        return gettext("Repeats (custom rule)")
    plain = [d[2] for d in days if d and not d[1]]
    ordinals = [(int(d[1]), d[2]) for d in days if d and d[1]]
    freq = parts.get("FREQ", "")
    if freq == "DAILY":
        text = gettext("Every day") if interval == 1 else gettext("Every %(n)s days", n=interval)
    elif freq == "WEEKLY":
        on = _join([_weekday_name(code, locale) for code in plain], locale) if plain else ""
        if interval == 1:
            text = gettext("Every %(days)s", days=on) if on else gettext("Every week")
        elif on:
            text = gettext("Every %(n)s weeks on %(days)s", n=interval, days=on)
        else:
            text = gettext("Every %(n)s weeks", n=interval)
    elif freq == "MONTHLY":
        if ordinals:
            on = _join([_ordinal_day(n, code, locale) for n, code in ordinals], locale)
        elif parts.get("BYMONTHDAY", "").lstrip("-").isdigit():
            on = gettext("day %(n)s", n=parts["BYMONTHDAY"])
        else:
            on = ""
        if interval == 1:
            text = gettext("Every month on %(day)s", day=on) if on else gettext("Every month")
        elif on:
            text = gettext("Every %(n)s months on %(day)s", n=interval, day=on)
        else:
            text = gettext("Every %(n)s months", n=interval)
    elif freq == "YEARLY":
        text = gettext("Every year") if interval == 1 else gettext("Every %(n)s years", n=interval)
    else:
        return gettext("Repeats (custom rule)")
    if count is not None:
        text = gettext("%(rule)s, %(n)s times", rule=text, n=count)
    elif parts.get("UNTIL"):
        until = parts["UNTIL"][:8]
        if until.isdigit():
            day = date(int(until[:4]), int(until[4:6]), int(until[6:8]))
            text = gettext("%(rule)s, until %(day)s", rule=text, day=format_date(day))
    return text
