"""What links and text fields may hold (meetings, tasks: whatever ends up in mail and calendars).

A meeting's title, place and link end up in invitation emails and in iCalendar lines that
every attendee's calendar reads; a line break there once forged calendar properties and made
feeds fail (issue #14). One-line fields therefore refuse every control character, text areas
keep only line breaks and tabs, and a link is one http(s) address without whitespace.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from opsuite.web.i18n import gettext as _

MAX_URL = 500
_TEXT_AREA_CONTROLS = frozenset("\n\r\t")


def has_control(text: str, *, multiline: bool = False) -> bool:
    """Whether ``text`` holds a control character (a text area may keep line breaks and tabs)."""
    allowed = _TEXT_AREA_CONTROLS if multiline else frozenset()
    return any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in text)


def is_web_link(url: str) -> bool:
    """One http or https address with a host, no whitespace or control characters, not huge."""
    if len(url) > MAX_URL or any(ch.isspace() for ch in url) or has_control(url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def line_problem(text: str) -> str | None:
    """Why ``text`` cannot be a one-line field (a title, a place, a name), or None."""
    if has_control(text):
        return _("Keep this to one line, without line breaks or tabs.")
    return None


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be a text area's content, or None."""
    if has_control(text, multiline=True):
        return _("Remove the invisible control characters from this text.")
    return None
