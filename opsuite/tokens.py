"""Random secrets handed to people (session keys, links, API and feed tokens), stored hashed."""

from __future__ import annotations

import hashlib
import secrets


def new_token(prefix: str = "") -> str:
    """256 bits of randomness, URL-safe."""
    return prefix + secrets.token_urlsafe(32)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
