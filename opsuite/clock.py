"""The only wall clock in opsuite. Tests set it with ``clock.set_now`` / ``clock.advance``."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

_frozen: datetime | None = None


def now() -> datetime:
    """The current instant, aware, in UTC."""
    return _frozen if _frozen is not None else datetime.now(UTC)


def today_in(timezone: str) -> date:
    """Today's date on the wall clocks of ``timezone`` (an IANA name)."""
    return now().astimezone(ZoneInfo(timezone)).date()


def set_now(instant: datetime | None) -> None:
    """Freeze the clock at an aware instant (None lets it run again)."""
    global _frozen
    if instant is not None and instant.tzinfo is None:
        raise ValueError("clock.set_now needs an aware datetime")
    _frozen = instant.astimezone(UTC) if instant is not None else None


def advance(delta: timedelta) -> datetime:
    """Move a frozen clock forward."""
    if _frozen is None:
        raise RuntimeError("clock.advance needs a frozen clock; call set_now first")
    set_now(_frozen + delta)
    return now()
