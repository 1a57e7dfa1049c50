"""The one form helper: declare fields, parse a submission into typed values or per-field errors,
and give templates back exactly what was typed.

A form never throws away input: ``Form.values`` always holds the raw submitted strings, so a page
re-rendered after an error shows everything the user typed next to the messages.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from opsuite.errors import FieldErrors
from opsuite.web import submissions
from opsuite.web.i18n import gettext as _
from opsuite.web.i18n import is_timezone

EMAIL_RE = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$")

# Every integer column (ids, counts, limits) is a 32-bit integer in the databases we support, so
# a larger number could only end in a database error: input past it is refused where it arrives.
MAX_INT = 2**31 - 1
# C0 control characters and DEL. PostgreSQL refuses NUL in text (a 500, and a SQLite backup that
# cannot be restored into it), and a line break in a one-line field breaks calendars and headers.
FIRST_YEAR, LAST_YEAR = 1970, 2100
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Browsers send HH:MM from <input type=time>, and HH:MM:SS when a step below a minute is set.
_TIME_RE = re.compile(r"(\d{1,2}):(\d{2})(?::\d{2})?")


def parse_date(text: str, *, first_year: int = FIRST_YEAR) -> date | None:
    """A day as ``<input type=date>`` sends it (2026-03-09), within the years we plan in (from
    ``first_year``: a birth date reaches further back than any plan)."""
    text = text.strip()
    if not _DATE_RE.fullmatch(text):
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if first_year <= day.year <= LAST_YEAR else None


def parse_time(text: str) -> time | None:
    """A time of day as ``<input type=time>`` sends it: ``HH:MM``, seconds ignored."""
    match = _TIME_RE.fullmatch(text.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        return None
    return time(int(match[1]), int(match[2]))


def parse_end_time(text: str) -> time | None:
    """Like ``parse_time``, and ``24:00`` (the end of a day, as people write it) is midnight."""
    if _TIME_RE.fullmatch(text.strip()) and text.strip().startswith("24:00"):
        return time(0)
    return parse_time(text)


_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")
# Text areas keep their tabs and line breaks.
_CONTROLS_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control_character(text: str, *, multiline: bool = False) -> bool:
    """NUL or another control character (tab, CR and LF are allowed when ``multiline``)."""
    return bool((_CONTROLS_IN_TEXT if multiline else _CONTROLS).search(text))


def without_control_characters(text: str, *, multiline: bool = False) -> str:
    return (_CONTROLS_IN_TEXT if multiline else _CONTROLS).sub("", text)


def parse_id(raw: object) -> int | None:
    """The one id parser: a positive whole number the database can hold, else None (the caller
    answers 404 for an address, 400 for a field)."""
    if isinstance(raw, int) and not isinstance(raw, bool):  # a path already converted by {x:int}
        value = raw
    else:
        text = raw.strip() if isinstance(raw, str) else ""
        if not text.isascii() or not text.isdigit() or len(text) > 10:
            return None
        value = int(text)
    return value if 0 < value <= MAX_INT else None


@dataclass(frozen=True)
class Field:
    name: str
    label: Any  # a lazy_gettext proxy or str
    kind: str = "text"  # text, textarea, email, password, int, bool, select, multiselect, tz, list
    required: bool = True
    max_length: int = 200
    choices: Callable[[], Iterable[tuple[str, Any]]] | None = None
    help: Any = ""
    validate: Callable[[Any], str | None] | None = None


@dataclass
class Form:
    fields: tuple[Field, ...]
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    cleaned: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def blank(cls, fields: tuple[Field, ...], initial: Mapping[str, Any] | None = None) -> Form:
        """A form to fill in, from ``initial`` values, or with what this person typed before
        if the page is putting back a draft or a stashed submission (web.submissions)."""
        form = cls(fields)
        restored = submissions.restored()
        for f in fields:
            value = (initial or {}).get(f.name, "" if f.kind != "multiselect" else [])
            if f.kind == "list" and isinstance(value, list):
                value = ", ".join(value)
            if f.kind == "bool":
                value = bool(value)
            if restored is not None and f.name in restored.values and f.kind != "password":
                if f.kind == "multiselect":
                    value = restored.getlist(f.name)
                elif f.kind == "bool":
                    value = restored.get(f.name) in ("on", "true", "1")
                else:
                    value = restored.get(f.name)
            form.values[f.name] = value
        return form

    @classmethod
    def bind(cls, fields: tuple[Field, ...], data: Any) -> Form:
        """Parse submitted data (a Starlette FormData or a dict); errors land in .errors."""
        form = cls(fields)
        for f in fields:
            if f.kind == "multiselect":
                raw_list = (
                    data.getlist(f.name) if hasattr(data, "getlist") else data.get(f.name, [])
                )
                form.values[f.name] = [str(v) for v in raw_list]
            elif f.kind == "bool":
                form.values[f.name] = data.get(f.name) in ("on", "true", "1", True)
            else:
                raw = data.get(f.name, "")
                form.values[f.name] = raw if isinstance(raw, str) else ""
            message = form._refuse_control_characters(f) or form._clean(f)
            if message:
                form.errors[f.name] = message
        return form

    def _refuse_control_characters(self, f: Field) -> str | None:
        """The form's one check for NUL and control characters: the field gets an error and
        shows what was typed without them, so nothing of it reaches the database."""
        if f.kind == "bool":
            return None
        multiline = f.kind == "textarea"
        raw = self.values[f.name]
        texts = raw if isinstance(raw, list) else [raw]
        if not any(has_control_character(t, multiline=multiline) for t in texts):
            return None
        cleaned = [without_control_characters(t, multiline=multiline) for t in texts]
        self.values[f.name] = cleaned if isinstance(raw, list) else cleaned[0]
        return _(
            "This contained a control character (such as a NUL byte), removed below: "
            "check the text and send it again."
        )

    def _clean(self, f: Field) -> str | None:
        raw = self.values[f.name]
        if f.kind == "bool":
            self.cleaned[f.name] = raw
            return None
        if f.kind == "multiselect":
            allowed = {str(k) for k, _label in (f.choices() if f.choices else [])}
            if any(v not in allowed for v in raw):
                return _("Choose from the list.")
            self.cleaned[f.name] = raw
            return None
        text = raw.strip() if f.kind != "password" else raw
        if not text:
            if f.required:
                return _("This field is required.")
            self.cleaned[f.name] = {"int": None, "list": []}.get(f.kind, "")
            return None
        if len(text) > f.max_length:
            return _(
                "At most %(n)s characters, please (you typed %(typed)s).",
                n=f.max_length,
                typed=len(text),
            )
        value: Any = text
        if f.kind == "email":
            if not EMAIL_RE.match(text):
                return _("Enter an email address like name@example.org.")
            value = text.lower()
        elif f.kind == "int":
            try:
                value = int(text)
            except ValueError:
                return _("Enter a whole number.")
            if not -MAX_INT <= value <= MAX_INT:
                return _("That number is too large.")
        elif f.kind == "tz":
            if not is_timezone(text):
                return _("Unknown time zone; choose one such as Asia/Shanghai or Europe/London.")
        elif f.kind == "select":
            allowed = {str(k) for k, _label in (f.choices() if f.choices else [])}
            if text not in allowed:
                return _("Choose from the list.")
        elif f.kind == "list":
            value = [part.strip() for part in re.split(r"[,，]", text) if part.strip()]
        if f.validate:
            message = f.validate(value)
            if message:
                return message
        self.cleaned[f.name] = value
        return None

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def add_error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def absorb(self, error: FieldErrors) -> None:
        for name, message in error.errors.items():
            self.add_error(name, message)

    def raise_if_invalid(self) -> None:
        if self.errors:
            raise FieldErrors(dict(self.errors))
