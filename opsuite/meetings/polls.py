"""Polls: the organizer sends candidate slots, invitees vote yes / if need be / no, and the
winning slot becomes the meeting (invitations go out as for any meeting)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from opsuite import clock
from opsuite.audit.service import record
from opsuite.auth.models import User
from opsuite.auth.permissions import is_admin
from opsuite.errors import FieldErrors, InvalidInput, NotFound, PermissionDenied
from opsuite.meetings import availability
from opsuite.meetings.models import (
    Meeting,
    Mode,
    Poll,
    PollInvitee,
    PollSlot,
    PollStatus,
    PollVote,
    Response,
    Vote,
)
from opsuite.meetings.service import (
    AttendeeInput,
    MeetingInput,
    check_place,
    check_text,
    create_meeting,
)
from opsuite.notify.service import enqueue_email
from opsuite.settings import Settings
from opsuite.web.i18n import gettext as _
from opsuite.web.i18n import is_timezone

MAX_SLOTS = 20
# What a vote for the time that is booked says as an answer to the invitation.
_VOTE_ANSWERS = {Vote.YES: Response.ACCEPTED, Vote.IF_NEED_BE: Response.TENTATIVE}


@dataclass(frozen=True)
class PollInput:
    title: str
    timezone: str
    slots: tuple[tuple[datetime, datetime], ...]
    invitees: tuple[AttendeeInput, ...]
    description: str = ""
    mode: str = Mode.IN_PERSON
    location: str = ""
    video_url: str = ""


async def create_poll(actor: User, data: PollInput, *, settings: Settings) -> Poll:
    """Send candidate slots to the invitees. Raises FieldErrors."""
    errors: dict[str, str] = {}
    if not data.title.strip():
        errors["title"] = _("This field is required.")
    if not is_timezone(data.timezone):
        errors["timezone"] = _("Unknown time zone; choose one such as Asia/Shanghai.")
    if not 1 <= len(data.slots) <= MAX_SLOTS:
        errors["slots"] = _("Offer between 1 and %(n)s times.", n=MAX_SLOTS)
    elif any(e <= s or e - s > timedelta(hours=12) for s, e in data.slots):
        errors["slots"] = _("Each time must end after it starts (12 hours at most).")
    elif any(s < clock.now() for s, _e in data.slots):
        errors["slots"] = _("Offer times in the future.")
    check_text(
        errors,
        lines={"title": data.title, "location": data.location},
        areas={"description": data.description},
    )
    check_place(errors, mode=data.mode, location=data.location, video_url=data.video_url)
    ids = [i.user_id for i in data.invitees]
    if not ids or len(set(ids)) != len(ids):
        errors["invitees"] = _("Invite each person once, and at least one person.")
    elif await User.filter(id__in=ids, is_active=True).count() != len(ids):
        errors["invitees"] = _("Some of the people invited are unknown or inactive.")
    if errors:
        raise FieldErrors(errors)
    durations = {e - s for s, e in data.slots}
    async with in_transaction():
        poll = await Poll.create(
            organizer=actor,
            title=data.title.strip(),
            description=data.description,
            timezone=data.timezone,
            duration_minutes=int(max(durations).total_seconds() // 60),
            mode=data.mode,
            location=data.location.strip(),
            video_url=data.video_url.strip(),
            created_at=clock.now(),
        )
        slots = [
            await PollSlot.create(poll=poll, starts_at=s, ends_at=e) for s, e in sorted(data.slots)
        ]
        for invitee in data.invitees:
            if invitee.user_id != actor.id:
                await PollInvitee.create(
                    poll=poll, user_id=invitee.user_id, required=invitee.required
                )
        await record(actor, "meetings.poll.created", poll, slots=len(slots))
    for person in await User.filter(id__in=[i for i in ids if i != actor.id]):
        await enqueue_email(
            kind="meeting_poll",
            to=person,
            context={
                "poll": poll,
                "organizer": actor,
                "slots": slots,
                "link": f"/meetings/polls/{poll.id}",
            },
            dedupe_key=f"meeting_poll:{poll.id}:{person.id}",
            settings=settings,
            timezone=poll.timezone,
        )
    return poll


async def get_poll(poll_id: int) -> Poll:
    poll = await Poll.get_or_none(id=poll_id).prefetch_related("organizer")
    if poll is None:
        raise NotFound(_("No such poll."))
    return poll


async def poll_for(user: User, poll_id: int) -> Poll:
    """A poll this person organizes, is invited to, or (as an admin) may see."""
    poll = await get_poll(poll_id)
    if user.id == poll.organizer_id or is_admin(user):
        return poll
    if not await PollInvitee.filter(poll_id=poll.id, user_id=user.id).exists():
        raise PermissionDenied(_("You are not invited to this poll."))
    return poll


@dataclass(frozen=True)
class SlotView:
    slot: PollSlot
    local_start: datetime
    local_end: datetime
    outside_hours: bool
    mine: str
    yes: int
    if_need_be: int
    no: int
    voters: dict[int, str]

    @property
    def score(self) -> tuple[int, int, int]:
        return (self.yes + self.if_need_be, self.yes, -self.slot.starts_at.toordinal())


async def slots_for(poll: Poll, viewer: User) -> list[SlotView]:
    """Each slot in the viewer's zone, flagged when outside their working hours, with the
    votes so far."""
    from zoneinfo import ZoneInfo

    slots = await PollSlot.filter(poll_id=poll.id).order_by("starts_at")
    if not slots:
        return []
    votes = await PollVote.filter(slot__poll_id=poll.id)
    found = await availability.availability(
        [viewer], slots[0].starts_at, max(s.ends_at for s in slots)
    )
    mine = found[viewer.id]
    zone = ZoneInfo(viewer.timezone)
    out = []
    for slot in slots:
        here = {v.user_id: str(v.answer) for v in votes if v.slot_id == slot.id}
        answers = list(here.values())
        out.append(
            SlotView(
                slot,
                slot.starts_at.astimezone(zone),
                slot.ends_at.astimezone(zone),
                mine.has_hours and not mine.is_working(slot.starts_at, slot.ends_at),
                here.get(viewer.id, ""),
                answers.count(Vote.YES),
                answers.count(Vote.IF_NEED_BE),
                answers.count(Vote.NO),
                here,
            )
        )
    return out


async def vote(poll: Poll, user: User, answers: dict[int, str]) -> None:
    """Record this person's answer for each slot. Raises InvalidInput or PermissionDenied."""
    if poll.status != PollStatus.OPEN:
        raise InvalidInput(_("This poll is closed."))
    if (
        user.id != poll.organizer_id
        and not await PollInvitee.filter(poll_id=poll.id, user_id=user.id).exists()
    ):
        raise PermissionDenied(_("You are not invited to this poll."))
    slot_ids = set(await PollSlot.filter(poll_id=poll.id).values_list("id", flat=True))
    if set(answers) - slot_ids or any(a not in set(Vote) for a in answers.values()):
        raise InvalidInput(_("Answer yes, if need be or no for the times offered."), field="votes")
    async with in_transaction():
        for slot_id, answer in answers.items():
            await PollVote.update_or_create(
                slot_id=slot_id, user_id=user.id, defaults={"answer": answer}
            )
        await record(user, "meetings.poll.voted", poll)


async def decide(actor: User, poll: Poll, slot_id: int, *, settings: Settings) -> Meeting:
    """Book the chosen slot as the meeting and invite everyone; those who voted yes for it have
    accepted, those who said if need be answered maybe. Raises InvalidInput,
    PermissionDenied, NotFound or FieldErrors."""
    if actor.id != poll.organizer_id and not is_admin(actor):
        raise PermissionDenied(_("Only the organizer can decide."))
    if poll.status != PollStatus.OPEN:
        raise InvalidInput(_("This poll is closed."))
    slot = await PollSlot.get_or_none(id=slot_id, poll_id=poll.id)
    if slot is None:
        raise NotFound(_("That time is not part of this poll."))
    invitees = await PollInvitee.filter(poll_id=poll.id)
    organizer = await User.get(id=poll.organizer_id)
    # A "yes" to the chosen time is an acceptance, an "if need be" a maybe; "no" (or no vote)
    # leaves the invitation to be answered.
    votes = await PollVote.filter(slot_id=slot.id, answer__in=list(_VOTE_ANSWERS))
    meeting = await create_meeting(
        organizer,
        MeetingInput(
            title=poll.title,
            description=poll.description,
            timezone=poll.timezone,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            mode=poll.mode,
            location=poll.location,
            video_url=poll.video_url,
            attendees=tuple(AttendeeInput(i.user_id, i.required) for i in invitees),
        ),
        settings=settings,
        answers={v.user_id: _VOTE_ANSWERS[Vote(v.answer)] for v in votes},
    )
    poll.status, poll.meeting_id = PollStatus.DECIDED, meeting.id
    await poll.save(update_fields=["status", "meeting_id"])
    await record(actor, "meetings.poll.decided", poll, meeting=meeting.id)
    return meeting


async def invitees_of(poll: Poll) -> list[PollInvitee]:
    return await PollInvitee.filter(poll_id=poll.id).prefetch_related("user")
