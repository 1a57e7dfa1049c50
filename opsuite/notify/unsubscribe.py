"""Signed one-click unsubscribe links for digests (RFC 8058): the link itself is the proof,
so a mail client can POST it without a session or CSRF token."""

from __future__ import annotations

import hashlib
import hmac
from typing import TYPE_CHECKING

from opsuite.settings import Settings, secret_key

if TYPE_CHECKING:
    from opsuite.auth.models import User


def signature(settings: Settings, user_id: int, kind: str) -> str:
    message = f"unsubscribe:{user_id}:{kind}".encode()
    return hmac.new(secret_key(settings).encode(), message, hashlib.sha256).hexdigest()[:32]


def unsubscribe_url(settings: Settings, user: User, kind: str) -> str:
    base = settings.server.base_url.rstrip("/")
    return f"{base}/notify/unsubscribe/{user.id}/{kind}/{signature(settings, user.id, kind)}"


def is_valid(settings: Settings, user_id: int, kind: str, given: str) -> bool:
    return hmac.compare_digest(signature(settings, user_id, kind), given)
