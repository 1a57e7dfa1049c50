"""gettext for opsuite: catalogs are read from the .po files at start-up (no build step), the
active locale lives in a context variable set per request, and formatting helpers show dates
and times in the viewer's locale and time zone."""

from __future__ import annotations

import contextvars
import io
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
from babel.dates import get_timezone_name
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import LazyProxy, Translations

from opsuite import resources
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


@lru_cache(maxsize=1024)
def _format_day(day: date, fmt: str, locale: Locale) -> str:
    """A day as the locale writes it; a board shows the same few due dates on many cards."""
    return babel_format_date(day, fmt, locale=locale)
