"""JSON shapes of a user, shared by the auth and people APIs (and the OpenAPI document)."""

from __future__ import annotations

from typing import Any, Literal

from opsuite.auth.models import Role, User
from opsuite.web.typed import ResponseBody, absent


def user_json(user: User, *, private: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": user.id,
        "name": user.name,
        "role": str(user.role),
        "timezone": user.timezone,
        "locale": user.locale,
        "skills": list(user.skills),
        "is_active": user.is_active,
    }
    if private:
        data.update(email=user.email, phone=user.phone)
    return data


class UserJson(ResponseBody):
    id: int
    name: str
    role: Role
    timezone: str
    locale: Literal["en", "zh_Hans"]
    skills: list[str]
    is_active: bool
    email: str = absent()
    phone: str = absent()
