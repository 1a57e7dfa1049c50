"""Help online: people ask the administrators from inside opsuite instead of phoning."""

from __future__ import annotations

from opsuite import clock
from opsuite.audit.service import record
from opsuite.auth.models import User
from opsuite.auth.permissions import people_with
from opsuite.caps import Cap
from opsuite.errors import Conflict, NotFound
from opsuite.help.models import ContactRequest
from opsuite.notify.service import enqueue_email
from opsuite.settings import Settings
from opsuite.web.i18n import gettext as _


async def contact_admins(
    *,
    sender: User | None,
    name: str,
    email: str,
    subject: str,
    message: str,
    page: str,
    settings: Settings,
) -> ContactRequest:
    """Keep the question and email every active administrator (in their own language)."""
    request = await ContactRequest.create(
        sender=sender,
        name=name,
        email=email,
        subject=subject,
        message=message,
        page=page[:300],
        created_at=clock.now(),
    )
    for admin in await people_with(Cap.ADMIN):
        await enqueue_email(
            kind="contact_request",
            to=admin,
            settings=settings,
            dedupe_key=f"help.contact.{request.id}.{admin.id}",
            context={"request": request, "link": "/admin/requests"},
        )
    await record(sender, "help.contact.sent", request, subject=subject)
    return request


async def list_requests(
    *, open_only: bool, offset: int, limit: int
) -> tuple[list[ContactRequest], int]:
    query = ContactRequest.all()
    if open_only:
        query = query.filter(handled_at=None)
    return await query.offset(offset).limit(limit).prefetch_related(
        "handled_by"
    ), await query.count()


async def mark_handled(admin: User, request_id: int) -> ContactRequest:
    """Raises NotFound, or Conflict when someone already handled it."""
    request = await ContactRequest.get_or_none(id=request_id)
    if request is None:
        raise NotFound(_("No such request."))
    if request.handled_at is not None:
        raise Conflict(_("Someone has already handled this request."))
    request.handled_by = admin
    request.handled_at = clock.now()
    await request.save(update_fields=["handled_by_id", "handled_at"])
    await record(admin, "help.contact.handled", request)
    return request
