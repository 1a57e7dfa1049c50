"""Accounts: creating people, logging in and out, sessions, one-time links and API tokens."""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise import connections
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from opsuite import clock
from opsuite.audit.service import record
from opsuite.auth.models import (
    ApiToken,
    LoginChallenge,
    LoginThrottle,
    OneTimeLink,
    Role,
    Session,
    User,
)
from opsuite.auth.passwords import hash_password, verify_password
from opsuite.db import db_time, is_postgres
from opsuite.errors import FieldErrors, InvalidInput, NotFound, TooManyRequests
from opsuite.settings import Settings
from opsuite.tokens import digest, new_token
from opsuite.web.forms import EMAIL_RE
from opsuite.web.i18n import gettext as _
from opsuite.web.i18n import is_timezone

SESSION_TOUCH_EVERY = timedelta(minutes=5)
# Many people share one address (an office, a mobile carrier), so an address may fail this many
# times more often than one account before it is locked: one person's typos must not lock out
# the whole office, while one address guessing at many accounts still is.
ADDRESS_FAILURE_FACTOR = 5


def normalize_email(email: str) -> str:
    return email.strip().lower()


def check_password_rules(password: str, settings: Settings) -> None:
    minimum = settings.security.password_min_length
    if len(password) < minimum:
        raise FieldErrors({"password": _("Use at least %(n)s characters.", n=minimum)})
    if len(password) > 200:
        raise FieldErrors({"password": _("Use at most 200 characters.")})


def name_error(name: object, *, limit: int = 120) -> str | None:
    """What is wrong with a person's, team's or program's name, if anything: an empty name is
    missing (not "too long"), and a long one says how long it may be."""
    text = name.strip() if isinstance(name, str) else ""
    if not text:
        return _("This field is required.")
    if len(text) > limit:
        return _(
            "At most %(n)s characters, please (you typed %(typed)s).", n=limit, typed=len(text)
        )
    return None


async def create_user(
    *,
    email: str,
    name: str,
    role: Role = Role.VOLUNTEER,
    timezone: str = "UTC",
    locale: str = "en",
    password: str | None = None,
    phone: str = "",
    skills: list[str] | None = None,
    actor: User | None = None,
) -> User:
    """Create an account. Raises FieldErrors for a taken email, unknown zone or bad values."""
    email = normalize_email(email)
    errors: dict[str, str] = {}
    if not EMAIL_RE.match(email) or len(email) > 254:
        errors["email"] = _("Enter an email address like name@example.org.")
    if message := name_error(name):
        errors["name"] = message
    if not is_timezone(timezone):
        errors["timezone"] = _(
            "Unknown time zone; choose one such as Asia/Shanghai or Europe/London."
        )
    if locale not in ("en", "zh_Hans"):
        errors["locale"] = _("Choose from the list.")
    if not errors and await User.filter(email=email).exists():
        errors["email"] = _("Someone already uses this email address.")
    if errors:
        raise FieldErrors(errors)
    try:
        user = await User.create(
            email=email,
            name=name.strip(),
            role=role,
            timezone=timezone,
            locale=locale,
            phone=phone,
            skills=skills or [],
            password_hash=hash_password(password) if password else "",
            created_at=clock.now(),
        )
    except IntegrityError:
        raise FieldErrors({"email": _("Someone already uses this email address.")}) from None
    await record(actor or user, "auth.user.created", user, role=str(role))
    return user


async def set_password(user: User, password: str, settings: Settings) -> None:
    check_password_rules(password, settings)
    user.password_hash = hash_password(password)
    await user.save(update_fields=["password_hash"])
    await Session.filter(user_id=user.id).delete()
    await record(user, "auth.password.changed", user)


# --- profile ----------------------------------------------------------------------------------

PROFILE_FIELDS = ("name", "timezone", "locale", "phone", "skills")
MAX_SKILLS = 30
MAX_SKILL_LENGTH = 60


def profile_errors(values: dict[str, Any]) -> dict[str, str]:
    """What is wrong with the profile fields in ``values`` (those being changed), by field: the
    same rules as create_user, for one's own profile and for a manager editing someone's."""
    errors: dict[str, str] = {}
    if "name" in values and (message := name_error(values["name"])):
        errors["name"] = message
    if "timezone" in values and not (
        isinstance(values["timezone"], str) and is_timezone(values["timezone"])
    ):
        errors["timezone"] = _(
            "Unknown time zone; choose one such as Asia/Shanghai or Europe/London."
        )
    if "locale" in values and values["locale"] not in ("en", "zh_Hans"):
        errors["locale"] = _("Choose from the list.")
    if "phone" in values and not (isinstance(values["phone"], str) and len(values["phone"]) <= 40):
        errors["phone"] = _("Enter a phone number of at most 40 characters.")
    if "skills" in values:
        skills = values["skills"]
        if (
            not isinstance(skills, list)
            or len(skills) > MAX_SKILLS
            or not all(isinstance(s, str) and len(s.strip()) <= MAX_SKILL_LENGTH for s in skills)
        ):
            errors["skills"] = _(
                "List at most %(n)s skills of at most %(length)s characters each.",
                n=MAX_SKILLS,
                length=MAX_SKILL_LENGTH,
            )
    return errors


def tidy_profile(values: dict[str, Any]) -> dict[str, Any]:
    """Valid profile values as stored: name and phone stripped, blank skills dropped."""
    tidy = dict(values)
    for key in ("name", "phone"):
        if key in tidy:
            tidy[key] = tidy[key].strip()
    if "skills" in tidy:
        tidy["skills"] = [s.strip() for s in tidy["skills"] if s.strip()]
    return tidy


async def update_own_profile(user: User, **values: Any) -> User:
    """Change one's own name, time zone, language, phone or skills (the profile page and
    /api/v1/me); an activity entry names the fields that changed.

    Raises InvalidInput for any other field, or FieldErrors; nothing is saved then."""
    unknown = sorted(set(values) - set(PROFILE_FIELDS))
    if unknown:
        raise InvalidInput(_("Unknown field: %(name)s", name=unknown[0]), field=unknown[0])
    errors = profile_errors(values)
    if errors:
        raise FieldErrors(errors)
    values = tidy_profile(values)
    changed = sorted(k for k, v in values.items() if getattr(user, k) != v)
    if changed:
        for key in changed:
            setattr(user, key, values[key])
        async with in_transaction():
            await user.save(update_fields=changed)
            await record(user, "auth.profile.updated", user, fields=changed)
    return user


# --- login throttling -------------------------------------------------------------------------


async def _throttle_check(keys: list[str]) -> None:
    now = clock.now()
    locked = await LoginThrottle.filter(key__in=keys, locked_until__gt=now).first()
    if locked and locked.locked_until:
        seconds = math.ceil((locked.locked_until - now).total_seconds())
        minutes = max(1, math.ceil(seconds / 60))
        raise TooManyRequests(
            _(
                "Too many failed logins. Try again in %(minutes)s minutes, or reset your password.",
                minutes=minutes,
            ),
            retry_after=seconds,
        )


# {p}1 the key, {p}2 now, {p}3 when a window that started then would have run out. The SET
# expressions all see the row as it was before this statement.
_COUNT_SQL = """
INSERT INTO login_throttles (key, failures, window_started_at, locked_until)
VALUES ({p}1, 1, {p}2, NULL)
ON CONFLICT (key) DO UPDATE SET
  failures = CASE WHEN login_throttles.window_started_at > {p}3
    THEN login_throttles.failures + 1 ELSE 1 END,
  window_started_at = CASE WHEN login_throttles.window_started_at > {p}3
    THEN login_throttles.window_started_at ELSE excluded.window_started_at END,
  locked_until = CASE WHEN login_throttles.window_started_at > {p}3
    THEN login_throttles.locked_until ELSE NULL END
RETURNING failures, window_started_at
"""


async def count_request(key: str, *, limit: int, window: timedelta) -> None:
    """Count one request under ``key`` (e.g. an address and a form); past ``limit`` within
    ``window`` raise TooManyRequests until the window ends. The counters live in the database
    (the login lockout's table, keyed "post:<form>:<address>" or
    "api:<user id>"), so every worker process shares them."""
    now = clock.now()
    key = key[:300]
    # One statement, no transaction: every API write passes here, in a rush as well. The
    # upsert counts in the running window, or starts a new one, atomically on both engines,
    # so concurrent workers count every request once whatever the interleaving.
    p = "$" if is_postgres() else "?"
    rows = await connections.get("default").execute_query_dict(
        _COUNT_SQL.format(p=p), [key, db_time(now), db_time(now - window)]
    )
    failures, started = int(rows[0]["failures"]), rows[0]["window_started_at"]
    if isinstance(started, str):  # SQLite hands back the stored text
        started = datetime.fromisoformat(started)
    if failures > limit:
        seconds = math.ceil((started + window - now).total_seconds())
        raise TooManyRequests(
            _(
                "Too many tries from your address. Please wait %(minutes)s minutes and try again.",
                minutes=max(1, math.ceil(seconds / 60)),
            ),
            retry_after=seconds,
        )


async def purge_expired_throttles(settings: Settings) -> int:
    """Forget counters whose window and lockout are over (the scheduler runs it hourly)."""
    now = clock.now()
    longest = max(
        timedelta(seconds=settings.throttle.window_seconds),
        timedelta(minutes=settings.security.login_lockout_minutes),
    )
    return (
        await LoginThrottle.filter(window_started_at__lt=now - longest)
        .filter(Q(locked_until=None) | Q(locked_until__lte=now))
        .delete()
    )


async def _throttle_fail(keys: list[str], settings: Settings) -> None:
    now = clock.now()
    window = timedelta(minutes=settings.security.login_lockout_minutes)
    for key in keys:
        async with in_transaction():
            row, _created = await LoginThrottle.get_or_create(
                key=key, defaults={"failures": 0, "window_started_at": now}
            )
            if row.window_started_at < now - window:
                row.failures, row.window_started_at, row.locked_until = 0, now, None
                await row.save()
            # An atomic increment, so failures from several processes all count.
            await LoginThrottle.filter(key=key).update(failures=F("failures") + 1)
            await row.refresh_from_db()
            limit = settings.security.login_max_failures
            if key.startswith("ip:"):
                limit *= ADDRESS_FAILURE_FACTOR
            if row.failures >= limit:
                row.locked_until = now + window
                await row.save(update_fields=["locked_until"])


async def authenticate(email: str, password: str, *, ip: str, settings: Settings) -> User:
    """The active user with these credentials. Raises InvalidInput or TooManyRequests."""
    email = normalize_email(email)
    keys = [f"email:{email}"[:300], f"ip:{ip}"[:300]]
    await _throttle_check(keys)
    user = await User.get_or_none(email=email)
    ok = verify_password(user.password_hash if user else "", password)
    if not (user and ok and user.is_active):
        await _throttle_fail(keys, settings)
        raise InvalidInput(_("That email and password do not match an active account."))
    await LoginThrottle.filter(key=keys[0]).delete()
    user.last_login_at = clock.now()
    await user.save(update_fields=["last_login_at"])
    return user


# --- sessions -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StartedSession:
    key: str
    session: Session


async def start_session(
    user: User, *, settings: Settings, user_agent: str = "", replaces: str | None = None
) -> StartedSession:
    """A fresh session id at every login (the old one, if any, is dropped: no fixation)."""
    if replaces:
        await Session.filter(id=digest(replaces)).delete()
    key = new_token()
    now = clock.now()
    session = await Session.create(
        id=digest(key),
        user=user,
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=settings.security.session_hours),
        user_agent=user_agent[:200],
    )
    await record(user, "auth.login", user)
    return StartedSession(key, session)


async def find_session(key: str, *, settings: Settings) -> Session | None:
    """The live session for a cookie value, slid forward while the user is active."""
    if not key or len(key) > 100:
        return None
    now = clock.now()
    session = await Session.get_or_none(id=digest(key), expires_at__gt=now).select_related("user")
    if session is None or not session.user.is_active:
        return None
    if now - session.last_seen_at > SESSION_TOUCH_EVERY:
        session.last_seen_at = now
        session.expires_at = now + timedelta(hours=settings.security.session_hours)
        await session.save(update_fields=["last_seen_at", "expires_at"])
    return session


async def end_session(key: str) -> None:
    await Session.filter(id=digest(key)).delete()


async def purge_expired_sessions() -> int:
    """Forget ended sessions and half-logins left at the code step (run hourly)."""
    now = clock.now()
    await LoginChallenge.filter(expires_at__lte=now).delete()
    return await Session.filter(expires_at__lte=now).delete()


# --- one-time links (invitations and password resets) ------------------------------------------


async def create_link(
    user: User, *, purpose: str, valid_for: timedelta, created_by: User | None = None
) -> str:
    """A single-use link token; earlier unused links of the same purpose stop working."""
    now = clock.now()
    await OneTimeLink.filter(user_id=user.id, purpose=purpose, used_at=None).update(used_at=now)
    token = new_token()
    await OneTimeLink.create(
        purpose=purpose,
        token_hash=digest(token),
        user=user,
        created_by=created_by,
        created_at=now,
        expires_at=now + valid_for,
    )
    return token


async def get_link(token: str, *, purpose: str) -> OneTimeLink:
    """A usable link. Raises NotFound for unknown, used or expired links (with a reason)."""
    if not token or len(token) > 100:
        raise NotFound(_("This link is not valid. Ask for a new one."))
    link = await OneTimeLink.get_or_none(token_hash=digest(token), purpose=purpose).select_related(
        "user"
    )
    if link is None:
        raise NotFound(_("This link is not valid. Ask for a new one."))
    if link.used_at is not None:
        raise NotFound(_("This link has already been used. Ask for a new one."))
    if link.expires_at <= clock.now():
        raise NotFound(_("This link has expired. Ask for a new one."))
    return link


# What other areas do once someone proves their address by using a link (shifts confirms a
# newcomer's held place); the area's register() fills it, so auth imports no other area.
link_used_hooks: list[Callable[[User, Settings], Awaitable[None]]] = []


async def use_link(token: str, *, purpose: str, password: str, settings: Settings) -> User:
    """Set the password through an invitation or reset link, spending the link."""
    link = await get_link(token, purpose=purpose)
    check_password_rules(password, settings)
    async with in_transaction():
        spent = await OneTimeLink.filter(id=link.id, used_at=None).update(used_at=clock.now())
        if not spent:
            raise NotFound(_("This link has already been used. Ask for a new one."))
        await set_password(link.user, password, settings)
    await record(link.user, f"auth.{purpose}.used", link.user)
    for hook in link_used_hooks:
        await hook(link.user, settings)
    return link.user


# --- API tokens -------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewApiToken:
    token: str
    record: ApiToken


async def create_api_token(user: User, name: str) -> NewApiToken:
    """A personal API token; the plain value is returned once and only its hash is kept."""
    name = name.strip()
    if not name or len(name) > 80:
        raise FieldErrors({"name": _("Give the token a name of at most 80 characters.")})
    token = new_token("ops_")
    row = await ApiToken.create(
        user=user, name=name, token_hash=digest(token), prefix=token[:10], created_at=clock.now()
    )
    await record(user, "auth.api_token.created", row, name=name)
    return NewApiToken(token, row)


async def revoke_api_token(user: User, token_id: int) -> None:
    row = await ApiToken.get_or_none(id=token_id, user_id=user.id, revoked_at=None)
    if row is None:
        raise NotFound(_("No such token."))
    row.revoked_at = clock.now()
    await row.save(update_fields=["revoked_at"])
    await record(user, "auth.api_token.revoked", row)


async def find_user_by_api_token(token: str) -> User | None:
    if not token.startswith("ops_") or len(token) > 100:
        return None
    row = await ApiToken.get_or_none(token_hash=digest(token), revoked_at=None).select_related(
        "user"
    )
    if row is None or not row.user.is_active:
        return None
    now = clock.now()
    if row.last_used_at is None or now - row.last_used_at > SESSION_TOUCH_EVERY:
        await ApiToken.filter(id=row.id).update(last_used_at=now)
    return row.user
