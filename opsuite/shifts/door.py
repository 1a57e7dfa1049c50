"""At the door: a shift's check-in code, the kiosk, and the paper sign-in sheet's results.

- Every shift has a check-in address carrying a signed token (HMAC-SHA256 with the secret key
  over the shift's id and the token's end, a few hours after the shift ends), shown as a QR
  code. A token of another shift, a changed one or an expired one is refused before anything
  is read or written.
- The kiosk and the paper results check people in and out, and mark attendance, through
  ``hours`` (the same records, hours and activity lines as every other check-in).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from opsuite import clock
from opsuite.auth.models import User
from opsuite.errors import Conflict, FieldErrors, InvalidInput, OpsuiteError, PermissionDenied
from opsuite.settings import Settings, secret_key
from opsuite.shifts import hours
from opsuite.shifts.access import authorize_manage_program
from opsuite.shifts.door_names import door_labels
from opsuite.shifts.models import Attendance, HoursRecord, Shift, SignUp, SignUpStatus
from opsuite.web.i18n import gettext as _

TOKEN_LASTS = timedelta(hours=6)  # a check-in code works until this long after the shift ends
PIN_DIGITS = (4, 8)


class ExpiredCode(OpsuiteError):
    status = 410


@dataclass(frozen=True)
class DoorEntry:
    """One button of the kiosk: a first name (``door_names``) and what tapping it does."""

    signup_id: int
    label: str
    state: str  # "out" (tap checks in), "in" (tap checks out), "done"


@dataclass(frozen=True)
class PaperRow:
    signup_id: int
    attendance: Attendance
    checked_in_at: datetime | None
    checked_out_at: datetime | None


def _mac(settings: Settings, shift_id: int, expires: int) -> str:
    message = f"shift-door:{shift_id}:{expires}".encode()
    return hmac.new(secret_key(settings).encode(), message, hashlib.sha256).hexdigest()[:32]


def code_expires(shift: Shift) -> datetime:
    return shift.ends_at + TOKEN_LASTS


def door_token(settings: Settings, shift: Shift) -> str:
    expires = int(code_expires(shift).timestamp())
    return f"{expires}.{_mac(settings, shift.id, expires)}"


def door_path(settings: Settings, shift: Shift) -> str:
    return f"/shifts/{shift.id}/door/{door_token(settings, shift)}"


def door_url(settings: Settings, shift: Shift) -> str:
    return settings.server.base_url.rstrip("/") + door_path(settings, shift)


def check_token(settings: Settings, shift_id: int, token: str) -> None:
    """Raises PermissionDenied for a token that is not this shift's (another shift's, or
    changed) and ExpiredCode for one whose time is over."""
    raw_expires, _sep, mac = token.partition(".")
    if not (raw_expires.isascii() and raw_expires.isdigit() and len(raw_expires) <= 12):
        raise PermissionDenied(_("This check-in code is not for this shift, or it was changed."))
    expires = int(raw_expires)
    if not hmac.compare_digest(_mac(settings, shift_id, expires), mac):
        raise PermissionDenied(_("This check-in code is not for this shift, or it was changed."))
    if expires <= clock.now().timestamp():
        raise ExpiredCode(_("This check-in code has expired: the shift is over."))


async def my_signup(user: User, shift: Shift) -> SignUp | None:
    return await SignUp.get_or_none(
        shift_id=shift.id, volunteer_id=user.id, status=SignUpStatus.CONFIRMED
    )


async def door_check(
    user: User, shift: Shift, *, at: datetime | None = None
) -> tuple[str, SignUp | HoursRecord]:
    """The volunteer who scanned the code checks in (or, checked in, out), now or when a phone
    without signal recorded it. Raises Conflict, InvalidInput."""
    signup = await my_signup(user, shift)
    if signup is None:
        raise InvalidInput(_("You are not signed up for this shift."))
    if signup.checked_in_at is None:
        return "in", await hours.check_in(user, signup.id, at=at)
    return "out", await hours.check_out(user, signup.id, at=at)


async def _managed(actor: User, shift: Shift) -> None:
    await authorize_manage_program(actor, shift.opportunity.program_id)


async def confirmed(actor: User, shift: Shift) -> list[SignUp]:
    """Everyone confirmed on the shift, by name (coordinators only)."""
    await _managed(actor, shift)
    rows = await SignUp.filter(shift_id=shift.id, status=SignUpStatus.CONFIRMED).prefetch_related(
        "volunteer"
    )
    return sorted(rows, key=lambda s: (s.volunteer.name.lower(), s.id))


async def kiosk_entries(actor: User, shift: Shift) -> list[DoorEntry]:
    people = await confirmed(actor, shift)
    labels = door_labels((s.id, s.volunteer.name) for s in people)
    entries = []
    for s in people:
        state = "out" if s.checked_in_at is None else "in" if s.checked_out_at is None else "done"
        entries.append(DoorEntry(s.id, labels[s.id], state))
    return sorted(entries, key=lambda e: (e.label.lower(), e.signup_id))


async def kiosk_tap(actor: User, shift: Shift, signup_id: int) -> tuple[str, str]:
    """A tap on a name: check in, or when checked in, out. Returns (what happened, the name).
    Raises InvalidInput for someone not on the shift, Conflict when both are done."""
    people = {s.id: s for s in await confirmed(actor, shift)}
    signup = people.get(signup_id)
    if signup is None:
        raise InvalidInput(_("That person is not on this shift."))
    label = door_labels((s.id, s.volunteer.name) for s in people.values())[signup_id]
    if signup.checked_in_at is None:
        await hours.check_in(actor, signup.id)
        return "in", label
    if signup.checked_out_at is None:
        await hours.check_out(actor, signup.id)
        return "out", label
    raise Conflict(_("Already checked out."))


def check_pin(pin: str, again: str) -> None:
    """Raises FieldErrors unless the PIN is 4 to 8 digits, typed the same twice."""
    low, high = PIN_DIGITS
    if not (pin.isascii() and pin.isdigit() and low <= len(pin) <= high):
        raise FieldErrors(
            {"pin": _("Choose a PIN of %(low)s to %(high)s digits.", low=low, high=high)}
        )
    if pin != again:
        raise FieldErrors({"pin_again": _("The two PINs are not the same.")})


async def enter_results(actor: User, shift: Shift, rows: list[PaperRow]) -> int:
    """The paper sheet's results in one go: each row's attendance (and times) through
    ``hours.mark_attendance``, all or nothing. Returns how many rows were saved. Raises
    InvalidInput (naming the row's field) or Conflict, and then nothing is saved."""
    people = {s.id: s for s in await confirmed(actor, shift)}
    if not rows:
        raise InvalidInput(_("Mark at least one person as attended or no-show."))
    for row in rows:
        if row.signup_id not in people:
            raise InvalidInput(_("That person is not on this shift."))
    async with in_transaction():
        for row in rows:
            try:
                await hours.mark_attendance(
                    actor,
                    row.signup_id,
                    row.attendance,
                    checked_in_at=row.checked_in_at,
                    checked_out_at=row.checked_out_at,
                )
            except InvalidInput as exc:
                raise InvalidInput(exc.message, field=f"out_{row.signup_id}") from None
    return len(rows)
