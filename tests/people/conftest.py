from __future__ import annotations

from typing import Any

import pytest
from tortoise import connections


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0


@pytest.fixture
def queries(monkeypatch: pytest.MonkeyPatch) -> QueryCounter:
    """Counts the SQL statements the database client runs (to catch N+1 queries)."""
    counter = QueryCounter()
    client_class = type(connections.get("default"))
    for name in ("execute_query", "execute_query_dict", "execute_insert"):
        original = getattr(client_class, name)

        def counting(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            counter.count += 1
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(client_class, name, counting)
    return counter
