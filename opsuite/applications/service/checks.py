"""Required checks per program ("Training done", "Background check on file"): the managers
define them, coordinators record who has one (done on, valid through, a note), and a volunteer
without a valid one cannot sign up (``gate``). Expiry counts in the volunteer's zone: a check
valid through 31 March still counts on 31 March there, and not on 1 April."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from opsuite import clock
from opsuite.applications.models import Application, CheckRecord, RequiredCheck
from opsuite.applications.service.versions import check_text
from opsuite.audit.service import record
from opsuite.auth.models import User
from opsuite.auth.permissions import authorize
from opsuite.caps import Cap
from opsuite.errors import Conflict, FieldErrors, NotFound
from opsuite.people.models import Program
from opsuite.web.forms import MAX_INT
from opsuite.web.i18n import gettext as _

MAX_NAME = 120
MAX_NOTE = 1000
MAX_CHECKS = 20
SOON = timedelta(days=30)  # a check expiring within this is shown to coordinators


@dataclass(frozen=True)
class CheckState:
    """One required check as it stands for one volunteer today (in their zone)."""

    check: RequiredCheck
    record: CheckRecord | None
    state: str  # "missing", "expired", "soon" (valid, expiring within SOON), "valid"


def state_of(check: RequiredCheck, found: CheckRecord | None, today: date) -> str:
    if found is None:
        return "missing"
    if check.expires and found.expires_on is not None:
        if found.expires_on < today:
            return "expired"
        if found.expires_on - today <= SOON:
            return "soon"
    return "valid"


async def list_checks(program_id: int) -> list[RequiredCheck]:
    return list(await RequiredCheck.filter(program_id=program_id).order_by("name", "id"))


async def get_check(program_id: int, check_id: int) -> RequiredCheck:
    """A check of this program. Raises NotFound (no such check, or another program's)."""
    found = None
    if 0 < check_id <= MAX_INT:
        found = await RequiredCheck.get_or_none(id=check_id, program_id=program_id)
    if found is None:
        raise NotFound(_("This program has no such check."))
    return found


async def add_check(actor: User, program: Program, *, name: str, expires: bool) -> RequiredCheck:
    """A new required check. Raises PermissionDenied, FieldErrors (a blank, long or repeated
    name) or Conflict (too many checks)."""
    await authorize(actor, Cap.MANAGE, program)
    name = name.strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("This field is required.")
    check_text(errors, "name", name, MAX_NAME, lines=False)
    if errors:
        raise FieldErrors(errors)
    if await RequiredCheck.filter(program_id=program.id).count() >= MAX_CHECKS:
        raise Conflict(_("A program has at most %(n)s required checks.", n=MAX_CHECKS))
    if await RequiredCheck.exists(program_id=program.id, name=name):
        raise FieldErrors({"name": _("This program already has a check of that name.")})
    try:
        check = await RequiredCheck.create(
            program=program, name=name, expires=expires, created_at=clock.now()
        )
    except IntegrityError as exc:  # the same name added at the same moment
        raise FieldErrors({"name": _("This program already has a check of that name.")}) from exc
    await record(actor, "applications.check.added", check, program_id=program.id, name=name)
    return check


async def remove_check(actor: User, program: Program, check_id: int) -> None:
    """Remove a required check and everyone's records of it. Raises PermissionDenied or
    NotFound."""
    await authorize(actor, Cap.MANAGE, program)
    check = await get_check(program.id, check_id)
    await check.delete()
    await record(actor, "applications.check.removed", program, check=check.name)


async def _volunteer_of(program: Program, volunteer_id: int) -> User:
    """Someone who applied to the program. Raises NotFound."""
    found = None
    if 0 < volunteer_id <= MAX_INT and await Application.exists(
        program_id=program.id, volunteer_id=volunteer_id
    ):
        found = await User.get_or_none(id=volunteer_id)
    if found is None:
        raise NotFound(_("This person has not applied to this program."))
    return found


async def states_for(volunteer: User, program_id: int) -> list[CheckState]:
    """Each of the program's checks with this volunteer's record and its state today."""
    checks = await list_checks(program_id)
    records = {
        r.required_check_id: r
        for r in await CheckRecord.filter(
            volunteer_id=volunteer.id, required_check_id__in=[c.id for c in checks]
        )
    }
    today = clock.today_in(volunteer.timezone)
    return [CheckState(c, records.get(c.id), state_of(c, records.get(c.id), today)) for c in checks]


async def overview(actor: User, program: Program) -> list[tuple[User, list[CheckState]]]:
    """Everyone whose application to the program is not declined, with each check's state
    (in a fixed number of queries), for those who run it. Raises PermissionDenied."""
    await authorize(actor, Cap.MANAGE, program)
    checks = await list_checks(program.id)
    applications = (
        await Application.filter(program_id=program.id)
        .exclude(status="declined")
        .order_by("volunteer__name", "id")
        .prefetch_related("volunteer")
    )
    records = {
        (r.required_check_id, r.volunteer_id): r
        for r in await CheckRecord.filter(required_check__program_id=program.id)
    }
    out = []
    for application in applications:
        person = application.volunteer
        today = clock.today_in(person.timezone)
        states = []
        for check in checks:
            found = records.get((check.id, person.id))
            states.append(CheckState(check, found, state_of(check, found, today)))
        out.append((person, states))
    return out


async def person_checks(
    actor: User, program: Program, volunteer_id: int
) -> tuple[User, list[CheckState]]:
    """The volunteer's checks, for those who run the program. Raises PermissionDenied or
    NotFound (someone who has not applied to it)."""
    await authorize(actor, Cap.MANAGE, program)
    volunteer = await _volunteer_of(program, volunteer_id)
    return volunteer, await states_for(volunteer, program.id)


def _check_dates(
    check: RequiredCheck, volunteer: User, done_on: date | None, expires_on: date | None, note: str
) -> dict[str, str]:
    errors: dict[str, str] = {}
    today = clock.today_in(volunteer.timezone)
    if done_on is None:
        errors["done_on"] = _("Enter a date like 2026-03-09.")
    elif done_on > today:
        errors["done_on"] = _("This date is in the future; enter the day it was done.")
    if check.expires and expires_on is None:
        errors["expires_on"] = _("This check expires: enter the last day it is valid.")
    elif not check.expires and expires_on is not None:
        errors["expires_on"] = _("This check does not expire; leave the expiry date empty.")
    elif expires_on is not None and done_on is not None and expires_on < done_on:
        errors["expires_on"] = _("The expiry date cannot be before the day it was done.")
    check_text(errors, "note", note, MAX_NOTE, lines=True)
    return errors


async def record_check(
    actor: User,
    program: Program,
    *,
    check_id: int,
    volunteer_id: int,
    done_on: date | None,
    expires_on: date | None,
    note: str,
) -> CheckRecord:
    """Record (or correct) that a volunteer has one of the program's checks. Raises
    PermissionDenied, NotFound (another program's check, someone who has not applied) or
    FieldErrors (``done_on``, ``expires_on``, ``note``); nothing is saved when it raises."""
    await authorize(actor, Cap.MANAGE, program)
    check = await get_check(program.id, check_id)
    volunteer = await _volunteer_of(program, volunteer_id)
    note = note.strip()
    errors = _check_dates(check, volunteer, done_on, expires_on, note)
    if errors or done_on is None:
        raise FieldErrors(errors)
    values: dict[str, Any] = {
        "done_on": done_on,
        "expires_on": expires_on,
        "note": note,
        "recorded_at": clock.now(),
        "recorded_by": actor,
    }
    async with in_transaction():
        found = await CheckRecord.select_for_update().get_or_none(
            required_check_id=check.id, volunteer_id=volunteer.id
        )
        if found is None:
            found = await CheckRecord.create(required_check=check, volunteer=volunteer, **values)
        else:
            await found.update_from_dict(values).save()
    await record(
        actor,
        "applications.check.recorded",
        found,
        program_id=program.id,
        check=check.name,
        volunteer_id=volunteer.id,
        done_on=done_on.isoformat(),
        expires_on=expires_on.isoformat() if expires_on else None,
    )
    return found


async def remove_record(actor: User, program: Program, *, check_id: int, volunteer_id: int) -> None:
    """Take a volunteer's record of a check off. Raises PermissionDenied or NotFound."""
    await authorize(actor, Cap.MANAGE, program)
    check = await get_check(program.id, check_id)
    volunteer = await _volunteer_of(program, volunteer_id)
    deleted = await CheckRecord.filter(
        required_check_id=check.id, volunteer_id=volunteer.id
    ).delete()
    if not deleted:
        raise NotFound(_("There is no record of this check for this person."))
    await record(
        actor, "applications.check.record_removed", check, program_id=program.id,
        volunteer_id=volunteer.id,
    )  # fmt: skip


async def expiring(actor: User, program: Program) -> list[tuple[CheckRecord, str]]:
    """Records of the program's expiring checks that ran out or run out within SOON, soonest
    first, each with its state, for those who run the program. Raises PermissionDenied."""
    await authorize(actor, Cap.MANAGE, program)
    horizon = clock.now().date() + SOON + timedelta(days=1)  # zones ahead of UTC
    rows = (
        await CheckRecord.filter(
            required_check__program_id=program.id,
            required_check__expires=True,
            expires_on__lte=horizon,
        )
        .order_by("expires_on", "id")
        .prefetch_related("required_check", "volunteer")
    )
    out = []
    for row in rows:
        state = state_of(row.required_check, row, clock.today_in(row.volunteer.timezone))
        if state in ("expired", "soon"):
            out.append((row, state))
    return out
