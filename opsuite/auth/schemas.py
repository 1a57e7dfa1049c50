"""JSON shapes of a user, shared by the auth and people APIs (and the OpenAPI document)."""

from __future__ import annotations

from typing import Any

from opsuite.auth.models import Role, User


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


USER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "name", "role", "timezone", "locale", "skills", "is_active"],
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "role": {"type": "string", "enum": [r.value for r in Role]},
        "timezone": {"type": "string"},
        "locale": {"type": "string", "enum": ["en", "zh_Hans"]},
        "skills": {"type": "array", "items": {"type": "string"}},
        "is_active": {"type": "boolean"},
        "email": {"type": "string"},
        "phone": {"type": "string"},
    },
}
