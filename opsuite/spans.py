"""Sets of time spans (start, end) as sorted lists: merge, intersect, subtract, cover.
Shared by schedules (team overlap hours) and meetings (availability, find-a-time)."""

from __future__ import annotations

import bisect
from datetime import UTC, datetime

Span = tuple[datetime, datetime]


def merge(spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def subtract(spans: list[Span], cuts: list[Span]) -> list[Span]:
    """Merged ``spans`` minus sorted ``cuts``."""
    out: list[Span] = []
    cuts = merge(cuts)
    j = 0
    for s, e in spans:
        while j < len(cuts) and cuts[j][1] <= s:
            j += 1
        k, cursor = j, s
        while k < len(cuts) and cuts[k][0] < e:
            if cuts[k][0] > cursor:
                out.append((cursor, cuts[k][0]))
            cursor = max(cursor, cuts[k][1])
            k += 1
        if cursor < e:
            out.append((cursor, e))
    return out


def intersect(a: list[Span], b: list[Span]) -> list[Span]:
    out, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        s, e = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if s < e:
            out.append((s, e))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def covers(spans: list[Span], start: datetime, end: datetime) -> bool:
    """Whether one of the merged ``spans`` holds all of [start, end)."""
    index = bisect.bisect_right(spans, (start, datetime.max.replace(tzinfo=UTC))) - 1
    return index >= 0 and spans[index][0] <= start and spans[index][1] >= end
