"""argon2id password hashing. Tests swap in cheap parameters with ``use_fast_hashing``."""

from __future__ import annotations

import contextlib

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# A fixed hash to verify against when the account does not exist, so the answer takes as long.
_DUMMY: str | None = None


def use_fast_hashing() -> None:
    """Cheap argon2 parameters, for tests only."""
    global _hasher, _DUMMY
    _hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    _DUMMY = None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    global _DUMMY
    if not password_hash:
        if _DUMMY is None:
            _DUMMY = _hasher.hash("not-a-real-password")
        # Verify against a dummy so an unknown account costs as much time as a wrong password.
        with contextlib.suppress(VerificationError, InvalidHashError):
            _hasher.verify(_DUMMY, password)
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
