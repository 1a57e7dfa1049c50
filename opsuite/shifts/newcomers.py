"""Signing up for a public shift without an account.

Anyone can type any address into the form, so nothing a stranger types takes a real place:
a newcomer's place is only held (shifts.newcomer_hold_minutes) until the link emailed to the
address is used, and released to the waitlist otherwise (service.release_expired_holds).

The form must not tell whether an address already has an account. So the page answers the
same for every address once the shift is known to be open (``check_joinable``), and the rest
(``join``) runs after the answer is sent, its outcome told only by email: a new address gets an
account, a held place and an invitation; a known one a note asking its owner to log in.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from tortoise.transactions import in_transaction

from opsuite import clock
from opsuite.auth.models import Role, User
from opsuite.auth.service import create_link, create_user, normalize_email
from opsuite.errors import Conflict, NotFound, OpsuiteError
from opsuite.settings import Settings
from opsuite.shifts import eligibility, notices, service
from opsuite.shifts.models import Opportunity, Shift, SignUpStatus
from opsuite.web.i18n import gettext as _

log = logging.getLogger("opsuite.shifts")


async def check_joinable(shift_id: int) -> tuple[Shift, Opportunity]:
    """The public, open shift a newcomer asks for. Raises NotFound (no such public shift) or
    Conflict (cancelled or started): the same for every address."""
    shift = await Shift.get_or_none(id=shift_id)
    opportunity = await Opportunity.get_or_none(id=shift.opportunity_id) if shift else None
    if shift is None or opportunity is None or not opportunity.is_public:
        raise NotFound(_("There is nothing at this address. Check the link."))
    if not opportunity.is_active:
        raise NotFound(_("There is nothing at this address. Check the link."))
    service.check_open(shift)
    if opportunity.required_skills:
        # A new account has no skills yet; a coordinator adds such volunteers.
        raise Conflict(_("This shift needs skills a coordinator checks first; log in or ask them."))
    # A new account has no approved application either.
    await eligibility.check_eligible(None, opportunity.program_id)
    return shift, opportunity


async def join(
    shift_id: int,
    *,
    name: str,
    email: str,
    timezone: str,
    locale: str,
    settings: Settings,
) -> None:
    """Act on a newcomer's request after the page has answered; the outcome goes by email.
    Refusals (the shift filled its waitlist rules, started meanwhile, a bad value) are logged,
    never raised: nobody is waiting for this answer."""
    try:
        shift, opportunity = await check_joinable(shift_id)
        known = await User.get_or_none(email=normalize_email(email))
        if known is not None:
            await _ask_to_log_in(known, shift, opportunity, settings=settings)
        else:
            await _hold_for_newcomer(
                shift,
                opportunity,
                name=name,
                email=email,
                timezone=timezone,
                locale=locale,
                settings=settings,
            )
    except OpsuiteError as exc:
        log.info("newcomer request for shift %s not carried out: %s", shift_id, exc.message)


async def _ask_to_log_in(
    user: User, shift: Shift, opportunity: Opportunity, *, settings: Settings
) -> None:
    await notices.send(
        shift,
        opportunity,
        kind="shift_join_known",
        to=user,
        key=f"join-known:{user.id}:{clock.now():%Y%m%dT%H}",
        settings=settings,
        login_link=f"/login?next=/shifts/{shift.id}",
    )


async def _hold_for_newcomer(
    shift: Shift,
    opportunity: Opportunity,
    *,
    name: str,
    email: str,
    timezone: str,
    locale: str,
    settings: Settings,
) -> None:
    minutes = settings.shifts.newcomer_hold_minutes
    days = settings.security.invite_days
    async with in_transaction():  # no account without its place (or waitlist entry)
        volunteer = await create_user(  # the shift's zone: the only one we know they work in
            email=email, name=name, role=Role.VOLUNTEER, timezone=shift.timezone, locale=locale
        )
        until = clock.now() + timedelta(minutes=minutes)
        signup = await service.hold_place(volunteer, shift.id, until=until, settings=settings)
        token = await create_link(volunteer, purpose="invite", valid_for=timedelta(days=days))
    await notices.send(
        shift,
        opportunity,
        kind="shift_welcome",
        to=volunteer,
        key=f"welcome:{volunteer.id}",
        settings=settings,
        invite_link=f"/invite/{token}",
        days=days,
        minutes=minutes,
        waitlisted=signup.status == SignUpStatus.WAITLISTED,
    )


async def confirm(user: User, settings: Settings) -> None:
    """auth calls this when someone uses an invitation or reset link (their address is
    proven): places held for them become theirs. Wired in shifts.register."""
    await service.confirm_holds(user, settings=settings)
