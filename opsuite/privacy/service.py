"""A person's own data: everything opsuite holds about them as one JSON document ("download my
data"), and erasing a person while the organisation's totals stay right.

Both are about one person across every area, so, like ``reports`` and the backup command, this
module reads the models of every area directly (read-only for the export). Erasure is the one
deliberate exception to "each area writes its own tables": it must reach every table that holds
the person's name, address or words in one transaction, and a chain of per-area service calls
could leave half a person behind. China's Personal Information Protection Law (arts. 45, 47)
and the GDPR (arts. 15, 17, 20) ask for both.
"""

from __future__ import annotations

import datetime as dt
import gzip
import re
from decimal import Decimal
from enum import Enum
from typing import Any

from tortoise import Tortoise, fields
from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import ValuesQuery
from tortoise.transactions import in_transaction

from opsuite import clock
from opsuite.applications.models import Application, CheckRecord, ConsentRecord, GuardianConsent
from opsuite.audit.models import Activity
from opsuite.audit.service import record
from opsuite.auth.models import ApiToken, LoginThrottle, OneTimeLink, Session, User
from opsuite.auth.twofactor import has_two_factor, remove_two_factor
from opsuite.errors import Conflict, PermissionDenied
from opsuite.feeds.models import FeedCache, FeedToken
from opsuite.help.models import ContactRequest
from opsuite.meetings.models import Attendee, Meeting, PollVote
from opsuite.notify.models import Notification, NotificationPreference
from opsuite.people.models import ProgramRole, TeamMember
from opsuite.schedules.models import Arrangement, ScheduleException, TimeOff
from opsuite.shifts.models import (
    AvailabilityBlock,
    Blackout,
    HoursRecord,
    ShiftHandover,
    ShiftInvitation,
    SignUp,
)
from opsuite.tasks.models import Comment, Task, TaskAssignee
from opsuite.web.i18n import gettext as _
from opsuite.web.models import Draft

ERASED_DOMAIN = "erased.invalid"
FORMAT_VERSION = 1


def _plain(value: Any) -> Any:
    """A value as JSON can carry it."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bytes):
        return None
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


async def _rows(query: ValuesQuery[Any]) -> list[dict[str, Any]]:
    return [{k: _plain(v) for k, v in row.items()} for row in await query]


def _profile(user: User, two_factor: bool) -> dict[str, Any]:
    return {
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "role": _plain(user.role),
        "timezone": user.timezone,
        "locale": user.locale,
        "phone": user.phone,
        "skills": list(user.skills),
        "is_active": user.is_active,
        "created_at": _plain(user.created_at),
        "last_login_at": _plain(user.last_login_at),
        "two_factor_sign_in": two_factor,
    }


async def export_person(user: User) -> dict[str, Any]:
    """Everything about ``user``, section by section; never another person's details (other
    people appear only as numbers), nor secrets (hashes of passwords, tokens and codes)."""
    me = user.id
    about_me = Q(actor_id=me) | Q(target_type="user", target_id=str(me))
    sections: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "generated_at": _plain(clock.now()),
        "profile": _profile(user, await has_two_factor(user)),
        "team_memberships": await _rows(
            TeamMember.filter(user_id=me).values("team_id", "team__name", "is_manager")
        ),
        "program_roles": await _rows(
            ProgramRole.filter(user_id=me).values("program_id", "program__name", "access")
        ),
        "shift_signups": await _rows(
            SignUp.filter(volunteer_id=me).values(
                "id",
                "shift_id",
                "shift__opportunity__title",
                "shift__starts_at",
                "shift__ends_at",
                "shift__timezone",
                "status",
                "attendance",
                "checked_in_at",
                "checked_out_at",
                "created_at",
                "cancelled_at",
            )
        ),
        "shift_handovers": await _rows(
            ShiftHandover.filter(Q(giver_id=me) | Q(recipient_id=me)).values(
                "id",
                "shift_id",
                "shift__opportunity__title",
                "kind",
                "status",
                "giver_id",
                "recipient_id",
                "created_at",
                "expires_at",
                "answered_at",
            )
        ),
        "volunteer_hours": await _rows(
            HoursRecord.filter(volunteer_id=me).values(
                "id",
                "program_id",
                "program__name",
                "source",
                "work_date",
                "minutes",
                "description",
                "status",
                "decided_at",
                "created_at",
            )
        ),
        "work_arrangements": await _rows(
            Arrangement.filter(user_id=me).values(
                "id",
                "kind",
                "valid_from",
                "timezone",
                "office__name",
                "core_start_minute",
                "core_end_minute",
                "window_start_minute",
                "window_end_minute",
                "weekly_hours_target",
                "status",
                "note",
                "created_at",
            )
        ),
        "leave_requests": await _rows(
            TimeOff.filter(user_id=me).values(
                "id",
                "kind",
                "start_date",
                "end_date",
                "start_minute",
                "end_minute",
                "reason",
                "status",
                "decided_at",
                "decision_note",
                "created_at",
            )
        ),
        "schedule_exceptions": await _rows(
            ScheduleException.filter(user_id=me).values(
                "id", "date", "kind", "start_minute", "end_minute", "location", "note", "created_at"
            )
        ),
        "meetings_organised": await _rows(
            Meeting.filter(organizer_id=me).values(
                "id",
                "title",
                "description",
                "timezone",
                "starts_at",
                "ends_at",
                "rrule",
                "location",
                "video_url",
                "agenda",
                "minutes",
            )
        ),
        "meetings_invited_to": await _rows(
            Attendee.filter(user_id=me).values(
                "meeting_id",
                "meeting__title",
                "meeting__starts_at",
                "meeting__ends_at",
                "required",
                "response",
                "responded_at",
            )
        ),
        "poll_votes": await _rows(
            PollVote.filter(user_id=me).values("slot__poll_id", "slot__poll__title", "slot_id")
        ),
        "tasks_assigned": await _rows(
            TaskAssignee.filter(user_id=me).values(
                "task_id",
                "task__title",
                "task__board__name",
                "task__due_date",
                "task__due_at",
                "task__completed_at",
                "assigned_at",
            )
        ),
        "tasks_created": await _rows(
            Task.filter(created_by_id=me).values(
                "id", "title", "board__name", "created_at", "completed_at"
            )
        ),
        "task_comments": await _rows(
            Comment.filter(author_id=me).values(
                "id", "task_id", "task__title", "body", "created_at"
            )
        ),
        "activity": await _rows(
            Activity.filter(about_me).values(
                "action", "actor_id", "target_type", "target_id", "data", "created_at"
            )
        ),
        "calendar_feeds": await _rows(
            FeedToken.filter(user_id=me).values(
                "id",
                "kind",
                "prefix",
                "team__name",
                "program__name",
                "include_shifts",
                "include_meetings",
                "include_schedule",
                "include_tasks",
                "created_at",
                "last_used_at",
                "revoked_at",
            )
        ),
        "api_tokens": await _rows(
            ApiToken.filter(user_id=me).values(
                "name", "prefix", "created_at", "last_used_at", "revoked_at"
            )
        ),
        "notification_preferences": await _rows(
            NotificationPreference.filter(user_id=me).values(
                "disabled_kinds", "lead_minutes", "quiet_start_minute", "quiet_end_minute"
            )
        ),
        "contact_requests": await _rows(
            ContactRequest.filter(sender_id=me).values("subject", "message", "page", "created_at")
        ),
        **await _volunteering(me),
    }
    return sections


async def _volunteering(me: int) -> dict[str, Any]:
    """Applying to programs (answers, consents, a minor's birth date and guardian), the checks
    a coordinator recorded, and the availability given for shifts."""
    return {
        "applications": await _rows(
            Application.filter(volunteer_id=me).values(
                "id",
                "program_id",
                "program__name",
                "version__number",
                "status",
                "answers",
                "submitted_at",
                "updated_at",
                "decided_at",
                "note",
                "birth_date",
                "guardian_name",
                "guardian_email",
                "guardian_phone",
            )
        ),
        "consents_accepted": await _rows(
            ConsentRecord.filter(volunteer_id=me).values(
                "application_id", "version__number", "consent_key", "accepted_at"
            )
        ),
        "guardian_consents": await _rows(
            GuardianConsent.filter(application__volunteer_id=me).values(
                "application_id",
                "guardian_name",
                "guardian_email",
                "sent_at",
                "expires_at",
                "answer",
                "answered_at",
                "superseded",
            )
        ),
        "check_records": await _rows(
            CheckRecord.filter(volunteer_id=me).values(
                "required_check__name",
                "required_check__program__name",
                "done_on",
                "expires_on",
                "note",
                "recorded_at",
            )
        ),
        "availability": await _rows(
            AvailabilityBlock.filter(volunteer_id=me).values(
                "weekday", "start_minute", "end_minute", "timezone"
            )
        ),
        "blackouts": await _rows(
            Blackout.filter(volunteer_id=me).values(
                "first_day", "last_day", "timezone", "note", "created_at"
            )
        ),
        "shift_invitations": await _rows(
            ShiftInvitation.filter(volunteer_id=me).values(
                "shift_id", "shift__opportunity__title", "invited_at"
            )
        ),
    }


# --- erasure ------------------------------------------------------------------------------------


def is_erased(person: User) -> bool:
    return person.email.endswith(f"@{ERASED_DOMAIN}")


def _replace(text: str, old: str, new: str) -> str:
    """``text`` with ``old`` replaced where it stands as a word of its own: erasing "Ann" must
    not turn "Annual" into "Erased person #7ual". Chinese is written without spaces, so a name
    in Chinese characters is replaced wherever it occurs."""
    if not old.isascii():
        return text.replace(old, new)
    return re.sub(rf"(?<![\w@.+-]){re.escape(old)}(?![\w@-])", lambda _m: new, text)


def _scrub(value: Any, words: list[tuple[str, str]]) -> Any:
    """``value`` (text or JSON) with every occurrence of the person's details replaced."""
    if isinstance(value, str):
        for old, new in words:
            value = _replace(value, old, new)
        return value
    if isinstance(value, dict):
        return {k: _scrub(v, words) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v, words) for v in value]
    return value


def _mentions(text: bytes, words: list[tuple[str, str]]) -> bool:
    return any(old.encode() in text for old, _new in words)


async def _scrub_text_columns(model: type[Model], words: list[tuple[str, str]]) -> None:
    pk = model._meta.pk_attr
    for name, field in model._meta.fields_map.items():
        if field.pk or not isinstance(field, fields.CharField | fields.TextField):
            continue
        found = Q(*(Q(**{f"{name}__contains": old}) for old, _new in words), join_type="OR")
        for row in await model.filter(found).only(pk, name):
            await model.filter(pk=row.pk).update(**{name: _scrub(getattr(row, name), words)})


async def _scrub_json_columns(model: type[Model], words: list[tuple[str, str]]) -> None:
    pk = model._meta.pk_attr
    for name, field in model._meta.fields_map.items():
        if not isinstance(field, fields.JSONField):
            continue
        for row in await model.all().only(pk, name):
            value = getattr(row, name)
            cleaned = _scrub(value, words)
            if cleaned != value:
                await model.filter(pk=row.pk).update(**{name: cleaned})


async def _scrub_copies(words: list[tuple[str, str]]) -> None:
    """Wherever else the person's name, address or phone was written as text: mail kept in the
    outbox, activity and task-event data, other people's comments and notes ("thanks, Mei").
    Every text and JSON column of every table is searched, so a table added later is covered
    too; built feeds are dropped (they are rebuilt on the next poll)."""
    for model in Tortoise.apps["models"].values():
        if model in (User, LoginThrottle):
            continue  # the person's own row is rewritten below; throttle keys are deleted
        await _scrub_text_columns(model, words)
        await _scrub_json_columns(model, words)
    for cache in await FeedCache.all().only("id", "gzip_body"):
        if _mentions(gzip.decompress(cache.gzip_body), words):
            await FeedCache.filter(id=cache.id).delete()


async def erase_person(person: User, *, actor: User) -> None:
    """Remove ``person``'s personal data for good; keep the rows that totals count (hours,
    sign-ups, attendance), now tied to "Erased person #id". They can no longer log in.

    Raises PermissionDenied (erasing oneself) and Conflict (already erased)."""
    if person.id == actor.id:
        raise PermissionDenied(_("You cannot erase yourself; ask another administrator."))
    if is_erased(person):
        raise Conflict(_("This person is already erased."))
    me = person.id
    placeholder_name = f"Erased person #{me}"
    placeholder_email = f"erased-{me}@{ERASED_DOMAIN}"
    words = [(person.email, placeholder_email)]
    if len(person.name.strip()) >= 2:
        words.append((person.name.strip(), placeholder_name))
    if len(person.phone.strip()) >= 4:
        words.append((person.phone.strip(), ""))
    removed = _("(removed)")
    async with in_transaction():
        await Session.filter(user_id=me).delete()
        await LoginThrottle.filter(key=f"email:{person.email}"[:300]).delete()
        await OneTimeLink.filter(user_id=me).delete()
        await ApiToken.filter(user_id=me).delete()
        await FeedToken.filter(user_id=me).delete()
        await Draft.filter(user_id=me).delete()
        await NotificationPreference.filter(user_id=me).delete()
        await Notification.filter(recipient_id=me).delete()
        await remove_two_factor(person)
        await Comment.filter(author_id=me).update(body=removed)
        await HoursRecord.filter(volunteer_id=me).update(description="")
        await TimeOff.filter(user_id=me).update(reason="", decision_note="")
        await Arrangement.filter(user_id=me).update(note="")
        await ScheduleException.filter(user_id=me).update(note="")
        # What a person wrote when applying, a minor's birth date and their guardian's
        # contact carry no name of theirs for the scrub below to find: emptied here. The
        # application and its decision stay (the program's counts), as a sign-up does.
        await Application.filter(volunteer_id=me).update(
            answers={},
            note="",
            birth_date=None,
            guardian_name="",
            guardian_email="",
            guardian_phone="",
        )
        # The emails to their guardian (addressed to no account) go with them.
        asked = await GuardianConsent.filter(application__volunteer_id=me).values_list(
            "id", flat=True
        )
        await Notification.filter(
            kind="guardian_consent", dedupe_key__in=[f"guardian-consent:{n}" for n in asked]
        ).delete()
        await GuardianConsent.filter(application__volunteer_id=me).update(
            guardian_name="", guardian_email=""
        )
        await CheckRecord.filter(volunteer_id=me).update(note="")
        await AvailabilityBlock.filter(volunteer_id=me).delete()
        await Blackout.filter(volunteer_id=me).delete()
        await ContactRequest.filter(Q(sender_id=me) | Q(email=person.email)).update(
            name=placeholder_name, email=placeholder_email, subject=removed, message=removed
        )
        await _scrub_copies(words)
        await User.filter(id=me).update(
            name=placeholder_name,
            email=placeholder_email,
            phone="",
            skills=[],
            password_hash="",  # no password: nobody logs in as an erased person  # nosec B106
            is_active=False,
            last_login_at=None,
        )
        await person.refresh_from_db()
        await record(actor, "people.person.erased", person)
