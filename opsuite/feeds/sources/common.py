"""What every feed source shares: the window a feed covers, and text in both languages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from babel.support import LazyProxy
from tortoise.expressions import RawSQL

from opsuite.settings import LOCALES
from opsuite.web.i18n import use_locale


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime
    now: datetime
    cancelled_since: datetime  # cancelled items newer than this stay (STATUS:CANCELLED)
    base_url: str
    host: str

    def uid(self, kind: str, *parts: object) -> str:
        return "-".join([kind, *(str(p) for p in parts)]) + f"@{self.host}"


def both(message: LazyProxy, **variables: object) -> str:
    """``message`` (a ``lazy_gettext``) in every language of the app, for the public feed:
    programs have no language of their own and anyone may subscribe (English, then Chinese)."""
    texts: list[str] = []
    for locale in LOCALES:
        with use_locale(locale):
            text = str(message) % variables if variables else str(message)
        if text not in texts:
            texts.append(text)
    return " / ".join(texts)


def join_text(*parts: str) -> str:
    return "\n\n".join(p.strip() for p in parts if p and p.strip())


def raw(model: Any, column: str) -> RawSQL:
    """A column as the database driver returns it, for ``instant``: a feed reads thousands of
    instants, and the ORM's general ISO 8601 parser took a third of a cold build."""
    return RawSQL(f'"{model._meta.db_table}"."{column}"')


def instant(value: object) -> datetime | None:
    """An instant read with ``raw``: asyncpg gives datetimes, SQLite the text Tortoise wrote
    (``2026-03-02 09:00:00+00:00``), which ``datetime.fromisoformat`` reads in C."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    if isinstance(value, bytes):
        value = value.decode()
    parsed = datetime.fromisoformat(str(value))
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
