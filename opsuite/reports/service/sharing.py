"""The parts of a funder's report a manager writes: the narrative for a program and period, and
read-only links that share the report with someone who has no account. A link's token (256
random bits) is shown once and stored as its SHA-256 digest; a revoked or expired link answers
"gone" (410), an unknown one "not found" (404)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from tortoise.transactions import in_transaction

from opsuite import clock
from opsuite.audit.service import record
from opsuite.auth.models import User
from opsuite.auth.permissions import authorize
from opsuite.caps import Cap
from opsuite.errors import InvalidInput, NotFound
from opsuite.people.models import Program
from opsuite.reports.models import ReportNarrative, ReportShareLink
from opsuite.reports.service.funder import FunderReport, Period, build_funder_report
from opsuite.reports.service.scope import program_in_scope, scope_for
from opsuite.tokens import digest, new_token
from opsuite.web.i18n import gettext as _

TOKEN_PREFIX = "rpt_"  # noqa: S105  # a label, not a secret  # nosec B105
MAX_NARRATIVE = 20_000
MAX_LINKS = 50  # open links per program and period


class LinkGoneError(NotFound):
    """The share link was revoked or has expired (the page answers 410)."""

    status = 410


async def program_report(viewer: User, program_id: int, period: Period) -> FunderReport:
    """Raises PermissionDenied (for those who see no reports, or not this program) or
    InvalidInput (no such program)."""
    await scope_for(viewer)
    program = await program_in_scope(viewer, program_id)
    return await build_funder_report(program, period)


async def _managed(actor: User, program_id: int) -> Program:
    """The program, if ``actor`` runs it. Raises PermissionDenied or NotFound."""
    await scope_for(actor)
    program = await Program.get_or_none(id=program_id)
    if program is None:
        raise NotFound(_("No such program."))
    await authorize(actor, Cap.MANAGE, program)
    return program


async def save_narrative(
    actor: User, program_id: int, period: Period, text: str
) -> ReportNarrative:
    """Write (or replace) the narrative of a program's report for ``period``; ``text`` is
    already cleaned by the form. Raises PermissionDenied unless ``actor`` runs the program."""
    program = await _managed(actor, program_id)
    if len(text) > MAX_NARRATIVE:  # the form says so first; this keeps the service honest
        raise InvalidInput(_("The text is too long."), field="narrative")
    async with in_transaction():
        narrative, _created = await ReportNarrative.get_or_create(
            program=program,
            starts_on=period.start,
            ends_on=period.end,
            defaults={"text": text, "updated_by": actor, "updated_at": clock.now()},
        )
        narrative.text, narrative.updated_by, narrative.updated_at = text, actor, clock.now()
        await narrative.save()
    await record(
        actor,
        "reports.narrative.saved",
        program,
        start=period.start.isoformat(),
        end=period.end.isoformat(),
    )
    return narrative


@dataclass(frozen=True)
class NewLink:
    link: ReportShareLink
    token: str  # shown once


async def list_links(actor: User, program_id: int, period: Period) -> list[ReportShareLink]:
    """The program's links for this period, newest first, revoked ones too.
    Raises PermissionDenied unless ``actor`` runs the program."""
    program = await _managed(actor, program_id)
    return list(
        await ReportShareLink.filter(
            program_id=program.id, starts_on=period.start, ends_on=period.end
        ).order_by("-created_at", "-id")
    )


def _today(timezone: str) -> date:
    return clock.now().astimezone(ZoneInfo(timezone)).date()


async def create_link(
    actor: User, program_id: int, period: Period, *, label: str, expires_on: date | None
) -> NewLink:
    """A new read-only address of the report. Raises PermissionDenied, or InvalidInput for an
    expiry date in the past or too many open links."""
    program = await _managed(actor, program_id)
    if expires_on is not None and expires_on < _today(period.timezone):
        raise InvalidInput(_("Choose a day from today on, or none."), field="expires_on")
    open_links = ReportShareLink.filter(
        program_id=program.id, starts_on=period.start, ends_on=period.end, revoked_at=None
    )
    if await open_links.count() >= MAX_LINKS:
        raise InvalidInput(
            _("At most %(n)s open links: revoke one first.", n=MAX_LINKS), field="label"
        )
    token = new_token(TOKEN_PREFIX)
    link = await ReportShareLink.create(
        token_hash=digest(token),
        prefix=token[:10],
        program=program,
        starts_on=period.start,
        ends_on=period.end,
        label=label,
        expires_on=expires_on,
        created_by=actor,
        created_at=clock.now(),
    )
    await record(actor, "reports.link.created", program, link=link.id)
    return NewLink(link, token)


async def revoke_link(actor: User, program_id: int, link_id: int) -> ReportShareLink:
    """Stop a link at once (revoking twice is harmless). Raises NotFound or
    PermissionDenied."""
    program = await _managed(actor, program_id)
    link = await ReportShareLink.get_or_none(id=link_id, program_id=program.id)
    if link is None:
        raise NotFound(_("No such link."))
    if link.revoked_at is None:
        link.revoked_at = clock.now()
        await link.save(update_fields=["revoked_at"])
        await record(actor, "reports.link.revoked", program, link=link.id)
    return link


def is_expired(link: ReportShareLink, timezone: str) -> bool:
    return link.expires_on is not None and link.expires_on < _today(timezone)


async def shared_report(token: str, *, timezone: str) -> FunderReport:
    """The report a share link shows. Raises NotFound (unknown token) or LinkGoneError (revoked
    or expired)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        raise NotFound(_("There is nothing at this address. Check the link."))
    link = await ReportShareLink.get_or_none(token_hash=digest(token)).prefetch_related("program")
    if link is None:
        raise NotFound(_("There is nothing at this address. Check the link."))
    if link.revoked_at is not None or is_expired(link, timezone):
        raise LinkGoneError(_("This link to a report has been withdrawn or has expired."))
    await ReportShareLink.filter(id=link.id).update(last_used_at=clock.now())
    period = Period("custom", link.starts_on, link.ends_on, timezone)
    return await build_funder_report(link.program, period)
