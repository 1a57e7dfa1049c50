"""Two-factor sign-in: an authenticator app (TOTP, RFC 6238, through pyotp) plus ten one-time
recovery codes, and the short-lived server-side challenge between the password and the code.

Codes are checked at ``clock.now()`` (tests move it), one 30-second step either side is accepted
for clocks that drift, and a code's step is remembered so it works only once. Wrong codes count
towards the same lockout as wrong passwords.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

import pyotp
import segno
from markupsafe import Markup
from tortoise.transactions import in_transaction

from opsuite import clock
from opsuite.audit.service import record
from opsuite.auth.models import LoginChallenge, LoginThrottle, RecoveryCode, TwoFactor, User
from opsuite.auth.passwords import verify_password
from opsuite.auth.permissions import has_role_in
from opsuite.auth.service import _throttle_check, _throttle_fail
from opsuite.errors import Conflict, InvalidInput
from opsuite.settings import Secret, Settings
from opsuite.tokens import digest, new_token
from opsuite.web.i18n import gettext as _

ISSUER = "opsuite"
RECOVERY_CODE_COUNT = 10
# Long enough to find the phone and type six digits; short enough that a forgotten half-login
# is gone soon.
CHALLENGE_MINUTES = 5
# 16 characters of 31 are 79 random bits: too many to guess even from a stolen hash, so a
# SHA-256 digest (as for every other token) keeps them, and checking one is a lookup.
RECOVERY_CODE_LENGTH = 16
# No 0/O or 1/I/L: recovery codes are read off paper.
_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


@dataclass(frozen=True)
class Enrolment:
    """What the enrolment page shows: the secret (wrapped, so reprs and logs hide it), the
    otpauth:// address and a QR code of it as inline SVG, made here, not by a web service."""

    secret: Secret
    uri: Secret
    qr_svg: Markup


def _totp(secret: str) -> pyotp.TOTP:
    return pyotp.TOTP(secret)


def _clean_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


async def find_two_factor(user: User) -> TwoFactor | None:
    """The user's confirmed authenticator, if they have one."""
    return await TwoFactor.get_or_none(user_id=user.id, confirmed_at__isnull=False)


async def has_two_factor(user: User) -> bool:
    return await TwoFactor.filter(user_id=user.id, confirmed_at__isnull=False).exists()


async def needs_enrolment(user: User, settings: Settings) -> bool:
    """Whether ``user``'s role must use two-factor sign-in (a setting) and they have not set it
    up yet: until they do, they can use nothing but the set-up page."""
    return has_role_in(user, settings.security.require_two_factor_for) and not (
        await has_two_factor(user)
    )


async def recovery_codes_left(user: User) -> int:
    return await RecoveryCode.filter(user_id=user.id, used_at=None).count()


def _enrolment(user: User, secret: str) -> Enrolment:
    uri = _totp(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    svg = segno.make(uri, error="m").svg_inline(scale=4, title=_("QR code for your app"))
    # segno's own markup: the address is drawn as modules, never written out as text.
    return Enrolment(Secret(secret), Secret(uri), Markup(svg))  # noqa: S704  # nosec B704


async def start_enrolment(user: User) -> Enrolment:
    """A fresh secret for ``user`` to add to their app; not in force until confirmed.
    Raises Conflict when two-factor sign-in is already on."""
    if await has_two_factor(user):
        raise Conflict(_("Two-factor sign-in is already on."))
    secret = pyotp.random_base32()
    async with in_transaction():
        await TwoFactor.filter(user_id=user.id, confirmed_at=None).delete()
        await TwoFactor.create(user=user, secret=secret, created_at=clock.now())
    return _enrolment(user, secret)


async def find_enrolment(user: User) -> Enrolment | None:
    """The enrolment ``user`` started and has not confirmed yet."""
    pending = await TwoFactor.get_or_none(user_id=user.id, confirmed_at=None)
    return _enrolment(user, pending.secret) if pending else None


def _matching_step(secret: str, code: str) -> int | None:
    """The 30-second step whose code is ``code`` (now, or one step either side)."""
    code = _clean_code(code)
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp = _totp(secret)
    now = clock.now()
    for offset in (0, -1, 1):
        if hmac.compare_digest(totp.at(now, counter_offset=offset), code):
            return totp.timecode(now) + offset
    return None


async def _spend_step(row: TwoFactor, step: int) -> bool:
    """Remember ``step`` as used; False when it (or a later one) was used already. One
    conditional update, so two requests with the same code cannot both win."""
    return bool(
        await TwoFactor.filter(id=row.id, last_used_step__lt=step).update(last_used_step=step)
    )


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, RECOVERY_CODE_LENGTH, 4))


async def _replace_recovery_codes(user: User) -> list[str]:
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    now = clock.now()
    await RecoveryCode.filter(user_id=user.id).delete()
    await RecoveryCode.bulk_create(
        [RecoveryCode(user=user, code_hash=digest(_clean_code(c)), created_at=now) for c in codes]
    )
    return codes


async def confirm_enrolment(user: User, code: str) -> list[str]:
    """Turn two-factor sign-in on once ``code`` from the app matches; return the ten recovery
    codes (shown once; only their hashes are kept). Raises InvalidInput or Conflict."""
    pending = await TwoFactor.get_or_none(user_id=user.id, confirmed_at=None)
    if pending is None:
        raise Conflict(
            _("Start the set-up again: there is no authenticator waiting to be confirmed.")
        )
    step = _matching_step(pending.secret, code)
    if step is None:
        raise InvalidInput(
            _("That code does not match. Check the time on your phone and try the newest code."),
            field="code",
        )
    async with in_transaction():
        await TwoFactor.filter(id=pending.id).update(confirmed_at=clock.now(), last_used_step=step)
        codes = await _replace_recovery_codes(user)
    await record(user, "auth.two_factor.enabled", user)
    return codes


def _throttle_key(user: User) -> str:
    return f"two_factor:{user.id}"


async def _check_proof(user: User, proof: str, settings: Settings) -> None:
    """A current code from the app, or the account's password; else InvalidInput. Wrong
    proofs count towards the lockout, so a borrowed session cannot guess at either."""
    keys = [_throttle_key(user)]
    await _throttle_check(keys)
    row = await find_two_factor(user)
    if row is not None:
        step = _matching_step(row.secret, proof)
        if step is not None and await _spend_step(row, step):
            return
    if proof and verify_password(user.password_hash, proof):
        return
    await _throttle_fail(keys, settings)
    raise InvalidInput(_("Enter a current code from your app, or your password."), field="proof")


async def regenerate_recovery_codes(user: User, proof: str, settings: Settings) -> list[str]:
    """Ten new recovery codes; the old ones stop working. Raises InvalidInput or Conflict."""
    if not await has_two_factor(user):
        raise Conflict(_("Two-factor sign-in is off."))
    await _check_proof(user, proof, settings)
    async with in_transaction():
        codes = await _replace_recovery_codes(user)
    await record(user, "auth.two_factor.recovery_codes_renewed", user)
    return codes


async def disable_two_factor(user: User, proof: str, settings: Settings) -> None:
    """Turn two-factor sign-in off. Raises InvalidInput (wrong proof) or Conflict."""
    if not await has_two_factor(user):
        raise Conflict(_("Two-factor sign-in is off."))
    await _check_proof(user, proof, settings)
    await remove_two_factor(user)
    await record(user, "auth.two_factor.disabled", user)


async def reset_two_factor(person: User, *, actor: User) -> None:
    """An admin turns off ``person``'s two-factor sign-in (phone and recovery codes lost); they
    log in with the password and set it up again. Raises Conflict when it is off."""
    if not await has_two_factor(person):
        raise Conflict(_("Two-factor sign-in is off."))
    await remove_two_factor(person)
    await record(actor, "auth.two_factor.reset", person)


async def remove_two_factor(user: User) -> None:
    """Forget ``user``'s authenticator, recovery codes and pending sign-ins (no checks: for
    callers that already decided, such as erasing a person)."""
    async with in_transaction():
        await TwoFactor.filter(user_id=user.id).delete()
        await RecoveryCode.filter(user_id=user.id).delete()
        await LoginChallenge.filter(user_id=user.id).delete()


# --- the second step of logging in --------------------------------------------------------------


async def start_challenge(user: User, next_url: str) -> str:
    """After the right password: a short-lived, server-side half-login; the cookie value."""
    key = new_token()
    now = clock.now()
    await LoginChallenge.filter(expires_at__lte=now).delete()
    await LoginChallenge.create(
        id=digest(key),
        user=user,
        next_url=next_url[:500],
        created_at=now,
        expires_at=now + timedelta(minutes=CHALLENGE_MINUTES),
    )
    return key


async def find_challenge(key: str) -> LoginChallenge | None:
    """The live half-login for a cookie value (None once expired or used)."""
    if not key or len(key) > 100:
        return None
    return await LoginChallenge.get_or_none(
        id=digest(key), expires_at__gt=clock.now()
    ).select_related("user")


async def _use_recovery_code(user: User, code: str) -> bool:
    cleaned = _clean_code(code)
    if len(cleaned) != RECOVERY_CODE_LENGTH:
        return False
    # One conditional update: the same code posted twice at once is spent once.
    spent = await RecoveryCode.filter(
        user_id=user.id, code_hash=digest(cleaned), used_at=None
    ).update(used_at=clock.now())
    return bool(spent)


async def pass_challenge(key: str, code: str, *, ip: str, settings: Settings) -> LoginChallenge:
    """Check the code (from the app, or a recovery code) for the half-login ``key`` and end it.

    Raises InvalidInput (wrong or reused code, or no live half-login: field "login") and
    TooManyRequests once the login lockout applies."""
    challenge = await find_challenge(key)
    if challenge is None:
        raise InvalidInput(
            _("Your sign-in took too long or has ended. Enter your email and password again."),
            field="login",
        )
    user = challenge.user
    # Its own counter, not the password's: a right password clears that one, and must not
    # give someone who knows it a fresh run of guesses at the code.
    keys = [_throttle_key(user), f"ip:{ip}"[:300]]
    await _throttle_check(keys)
    row = await find_two_factor(user)
    step = _matching_step(row.secret, code) if row else None
    ok = False
    used_recovery = False
    if row is not None and step is not None:
        ok = await _spend_step(row, step)
    elif row is not None:
        ok = used_recovery = await _use_recovery_code(user, code)
    if not ok:
        await _throttle_fail(keys, settings)
        raise InvalidInput(
            _("That code is not right, or was used already. Try the newest code from your app."),
            field="code",
        )
    await LoginChallenge.filter(id=challenge.id).delete()
    await LoginThrottle.filter(key=keys[0]).delete()
    if used_recovery:
        await record(user, "auth.two_factor.recovery_code_used", user)
    return challenge
