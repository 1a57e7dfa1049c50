from __future__ import annotations

import itertools
from typing import Any

from opsuite.auth.models import Role, User
from opsuite.auth.service import create_user

PASSWORD = "correct horse 1"
_numbers = itertools.count(1)


async def make_user(role: Role | str = Role.STAFF, **overrides: Any) -> User:
    n = next(_numbers)
    values: dict[str, Any] = {
        "email": f"person{n}@example.org",
        "name": f"Person {n}",
        "role": Role(role),
        "timezone": "Asia/Shanghai",
        "locale": "en",
        "password": PASSWORD,
    }
    values.update(overrides)
    return await create_user(**values)
