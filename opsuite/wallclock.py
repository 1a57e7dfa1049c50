"""Wall-clock times of day (a 09:00 rule, quiet hours from 22:00) are stored as minutes since
local midnight. They belong to no zone until a date and an IANA zone are given, which is why
they are not stored in Tortoise's TimeField (that one treats times as zone-aware)."""

from __future__ import annotations

from datetime import time


def to_minute(at: time) -> int:
    return at.hour * 60 + at.minute


def from_minute(minute: int) -> time:
    if not 0 <= minute < 24 * 60:
        raise ValueError(f"minute of day out of range: {minute}")
    return time(minute // 60, minute % 60)


def optional_minute(at: time | None) -> int | None:
    return None if at is None else to_minute(at)


def optional_time(minute: int | None) -> time | None:
    return None if minute is None else from_minute(minute)
