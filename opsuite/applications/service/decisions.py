"""Coordinators' side: the queue of applications to the programs they run, and a decision on
one (approve, ask for more information, decline), each told to the volunteer by email."""

from __future__ import annotations

from datetime import datetime

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from opsuite import clock
from opsuite.applications.models import Application, ApplicationStatus
from opsuite.audit.service import record
from opsuite.auth.models import User
from opsuite.auth.permissions import authorize, can
from opsuite.caps import Cap
from opsuite.errors import Conflict, FieldErrors, NotFound
from opsuite.notify.service import enqueue_email
from opsuite.people.access import managed_programs
from opsuite.people.models import Program, ProgramAccess, ProgramRole
from opsuite.settings import Settings
from opsuite.web.forms import MAX_INT, has_control_character
from opsuite.web.i18n import gettext as _

DECISIONS = {
    "approve": ApplicationStatus.APPROVED,
    "more_info": ApplicationStatus.MORE_INFO,
    "decline": ApplicationStatus.DECLINED,
}
WAITING = (ApplicationStatus.RECEIVED, ApplicationStatus.MORE_INFO)
MAX_NOTE = 2000


async def get_application(application_id: int) -> Application:
    """Raises NotFound."""
    found = None
    if 0 < application_id <= MAX_INT:
        found = await Application.get_or_none(id=application_id).prefetch_related(
            "program", "volunteer", "version", "decided_by"
        )
    if found is None:
        raise NotFound(_("There is no such application."))
    return found


async def authorize_see(user: User, application: Application) -> None:
    """The applicant and those who run the program. Raises PermissionDenied."""
    if application.volunteer_id == user.id:
        return
    await authorize(user, Cap.MANAGE, await Program.get(id=application.program_id))


async def may_decide(user: User | None, application: Application) -> bool:
    return await can(user, Cap.MANAGE, await Program.get(id=application.program_id))


async def coordinators_of(program_id: int) -> list[User]:
    """Those who run the program, whom a volunteer asks about checks."""
    roles = ProgramRole.filter(program_id=program_id, access=ProgramAccess.MANAGE)
    ids = [r.user_id for r in await roles]
    return list(await User.filter(id__in=ids, is_active=True).order_by("name", "id"))


async def list_queue(
    actor: User,
    *,
    statuses: tuple[ApplicationStatus, ...] = WAITING,
    program_id: int | None = None,
    offset: int = 0,
    limit: int = 50,
    updated_since: datetime | None = None,
) -> tuple[list[Application], int]:
    """Applications to the active programs ``actor`` runs, oldest first (only those changed
    at or after ``updated_since``, when given)."""
    program_ids = [p.id for p in await managed_programs(actor)]
    if program_id is not None:
        program_ids = [i for i in program_ids if i == program_id]
    query = Application.filter(Q(program_id__in=program_ids), status__in=statuses)
    if updated_since is not None:
        query = query.filter(updated_at__gte=updated_since)
    total = await query.count()
    rows = (
        await query.order_by("submitted_at", "id")
        .offset(offset)
        .limit(limit)
        .prefetch_related("program", "volunteer")
    )
    return list(rows), total


async def list_own(user: User, *, updated_since: datetime | None = None) -> list[Application]:
    query = Application.filter(volunteer_id=user.id)
    if updated_since is not None:
        query = query.filter(updated_at__gte=updated_since)
    return list(await query.order_by("-updated_at", "-id").prefetch_related("program"))


async def decide(
    actor: User, application: Application, *, decision: str, note: str, settings: Settings
) -> Application:
    """Approve, ask for more information (``note`` says what) or decline; the volunteer gets
    an email in their language. Raises PermissionDenied, FieldErrors or Conflict (the
    application is already in that state)."""
    program = await Program.get(id=application.program_id)
    await authorize(actor, Cap.MANAGE, program)
    status = DECISIONS.get(decision)
    note = note.strip()
    errors = {}
    if status is None:
        errors["decision"] = _("Choose from the list.")
    if has_control_character(note, multiline=True):
        errors["note"] = _("This contained a control character (such as a NUL byte); remove it.")
    elif len(note) > MAX_NOTE:
        errors["note"] = _("At most %(n)s characters, please (you typed %(typed)s).",
                           n=MAX_NOTE, typed=len(note))  # fmt: skip
    elif status == ApplicationStatus.MORE_INFO and not note:
        errors["note"] = _("Say what information you need.")
    if errors or status is None:
        raise FieldErrors(errors)
    async with in_transaction():
        fresh = await Application.select_for_update().get(id=application.id)
        if fresh.status == status:
            raise Conflict(_("This application is already: %(status)s.", status=status.label))
        fresh.status = status
        fresh.note = note
        fresh.decided_at = fresh.updated_at = clock.now()
        fresh.decided_by = actor
        await fresh.save(
            update_fields=["status", "note", "decided_at", "decided_by_id", "updated_at"]
        )
    await record(actor, f"applications.application.{status}", fresh, program_id=program.id)
    volunteer = await User.get(id=fresh.volunteer_id)
    await enqueue_email(
        kind="application_decision",
        to=volunteer,
        context={
            "program": program,
            "status": str(status),
            "note": note,
            "decider": actor,
            "link": f"/programs/{program.id}/apply",
        },
        dedupe_key=f"application:{fresh.id}:{status}:{fresh.decided_at:%Y%m%dT%H%M%S}",
        settings=settings,
    )
    return await get_application(fresh.id)
