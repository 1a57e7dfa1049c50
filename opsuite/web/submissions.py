"""No form loses what was typed.

- Every rendered form carries a one-time ``submission_key``; the first POST with it claims the
  key, so a double click or a retry on a flaky line is answered "already done" instead of
  signing someone up twice. A submission that fails validation gives its key back.
- A form posted after the session expired (or with a stale CSRF token) is stashed server-side
  under a one-time key bound to this browser; after logging in again the person lands on the
  form with everything filled in (``Form.blank`` picks the values up), and submits it with a
  fresh CSRF token.
- With JavaScript, forms autosave drafts; reopening the form offers the draft back.

Passwords are never stored in a stash or a draft.
"""

from __future__ import annotations

import contextvars
import hashlib
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from starlette.datastructures import FormData
from tortoise.exceptions import IntegrityError

from opsuite import clock
from opsuite.tokens import digest, new_token
from opsuite.web.models import Draft, StashedForm, SubmissionKey

if TYPE_CHECKING:
    from opsuite.auth.models import User

STASH_HOURS = 24
KEY_DAYS = 7
MAX_FORM_BYTES = 200_000
NEVER_KEPT = ("csrf_token", "submission_key")

# Values to put back into the forms of the page being rendered (a resumed stash or a draft).
_restored: contextvars.ContextVar[dict[str, list[str]] | None] = contextvars.ContextVar(
    "opsuite_restored_form", default=None
)


class RestoredData:
    """The shape Form.bind reads (``get`` and ``getlist``) over stored values."""

    def __init__(self, values: dict[str, list[str]]) -> None:
        self.values = values

    def get(self, name: str, default: str = "") -> str:
        found = self.values.get(name)
        return found[0] if found else default

    def getlist(self, name: str) -> list[str]:
        return list(self.values.get(name, []))


def restored() -> RestoredData | None:
    values = _restored.get()
    return RestoredData(values) if values is not None else None


def restore(values: dict[str, list[str]] | None) -> None:
    _restored.set(values)


def keepable(form: FormData) -> dict[str, list[str]]:
    """What may be stored of a submission: text fields, never passwords or tokens."""
    kept: dict[str, list[str]] = {}
    for name, value in form.multi_items():
        if not isinstance(value, str) or name in NEVER_KEPT or "password" in name:
            continue
        # NUL would not store (PostgreSQL); the form's own check tells the person about it.
        kept.setdefault(name, []).append(value[:20_000].replace("\x00", ""))
    return kept


def browser_hash(csrf_cookie: str) -> str:
    return hashlib.sha256(f"browser:{csrf_cookie}".encode()).hexdigest()


# --- one-time submission keys -----------------------------------------------------------------


async def claim_submission(key: str) -> bool:
    """True the first time a key is seen; False for a repeat."""
    if not key or len(key) > 64:
        return True  # no key (an API client, an old page): nothing to protect
    try:
        await SubmissionKey.create(key=key, created_at=clock.now())
    except IntegrityError:
        return False
    return True


async def release_submission(key: str) -> None:
    """The submission was refused (bad input): the corrected form may use the key again."""
    if key:
        await SubmissionKey.filter(key=key).delete()


# --- stashes --------------------------------------------------------------------------------------


async def stash(form_key: str, values: dict[str, list[str]], *, csrf_cookie: str) -> str:
    key = new_token()
    now = clock.now()
    await StashedForm.create(
        key_hash=digest(key),
        browser_hash=browser_hash(csrf_cookie),
        form_key=form_key[:300],
        data=values,
        created_at=now,
        expires_at=now + timedelta(hours=STASH_HOURS),
    )
    return key


async def take_stash(key: str, *, csrf_cookie: str) -> dict[str, list[str]] | None:
    """The stashed values, once, to the same browser, before they expire."""
    if not key or len(key) > 100:
        return None
    row = await StashedForm.get_or_none(
        key_hash=digest(key), used_at=None, expires_at__gt=clock.now()
    )
    if row is None or row.browser_hash != browser_hash(csrf_cookie):
        return None
    taken = await StashedForm.filter(id=row.id, used_at=None).update(used_at=clock.now())
    return dict(row.data) if taken else None


async def carry_over(*, old_csrf: str, new_csrf: str) -> None:
    """The browser's CSRF cookie was replaced (login, logout): the forms it stashed stay its
    own, so a form kept while the session had ended still comes back after logging in."""
    await StashedForm.filter(browser_hash=browser_hash(old_csrf), used_at=None).update(
        browser_hash=browser_hash(new_csrf)
    )


# --- drafts ---------------------------------------------------------------------------------------


async def save_draft(user: User, form_key: str, values: dict[str, list[str]]) -> Draft:
    draft, _created = await Draft.update_or_create(
        user_id=user.id,
        form_key=form_key[:300],
        defaults={"data": values, "updated_at": clock.now()},
    )
    return draft


async def find_draft(user: User, form_key: str, *, max_age_days: int) -> Draft | None:
    return await Draft.get_or_none(
        user_id=user.id,
        form_key=form_key[:300],
        updated_at__gt=clock.now() - timedelta(days=max_age_days),
    )


async def discard_draft(user: User, form_key: str) -> None:
    await Draft.filter(user_id=user.id, form_key=form_key[:300]).delete()


async def purge(*, draft_days: int) -> dict[str, Any]:
    """Forget expired drafts, stashes and old submission keys (a daily job)."""
    now = clock.now()
    return {
        "drafts": await Draft.filter(updated_at__lt=now - timedelta(days=draft_days)).delete(),
        "stashes": await StashedForm.filter(expires_at__lt=now).delete(),
        "keys": await SubmissionKey.filter(created_at__lt=now - timedelta(days=KEY_DAYS)).delete(),
    }
