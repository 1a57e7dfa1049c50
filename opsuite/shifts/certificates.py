"""Certificates of service: a volunteer's approved hours for a period, in one program or all.

A certificate freezes the record when it is issued (organisation, volunteer, and per program
the service done, places, dates and hours: what the national rules for volunteer service
records list) and signs it with the secret key (HMAC-SHA256 over a canonical JSON of the
number, the code and the content). Anyone holding the code can check at ``/verify/<code>`` that
it is genuine and unchanged; a changed byte of the content no longer matches its signature.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

from tortoise.transactions import in_transaction

from opsuite import clock
from opsuite.audit.service import record
from opsuite.auth.models import User
from opsuite.auth.permissions import is_admin
from opsuite.errors import InvalidInput, NotFound
from opsuite.people.models import Program
from opsuite.settings import LOCALES, Settings, secret_key
from opsuite.shifts.models import Certificate, HoursRecord, HoursStatus
from opsuite.shifts.service import refuse
from opsuite.web.i18n import gettext as _
from opsuite.web.i18n import use_locale

MAX_PERIOD = timedelta(days=3653)  # ten years, leap days included
CODE_LENGTH = 64  # the longest code a lookup considers (ours are 32 characters)


@dataclass(frozen=True)
class Verification:
    certificate: Certificate
    is_genuine: bool


def signature(settings: Settings, *, number: str, code: str, content: dict[str, Any]) -> str:
    """HMAC-SHA256 (hex) of the certificate's canonical JSON with the app's secret key."""
    canonical = json.dumps(
        {"code": code, "content": content, "number": number},
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
    )
    message = f"certificate:{canonical}".encode()
    return hmac.new(secret_key(settings).encode(), message, hashlib.sha256).hexdigest()


def organisation_name(settings: Settings) -> str:
    """The name the certificate is issued under: ``server.organisation``, else the host name
    of ``server.base_url``."""
    named = settings.server.organisation.strip()
    return named or urlsplit(settings.server.base_url).hostname or "opsuite"


def verify_url(settings: Settings, certificate: Certificate) -> str:
    return f"{settings.server.base_url.rstrip('/')}/verify/{certificate.code}"


async def _allowed_programs(actor: User, volunteer: User) -> list[int] | None:
    """Programs whose hours ``actor`` may certify for ``volunteer`` (None: every one)."""
    if actor.id == volunteer.id or is_admin(actor):
        return None
    from opsuite.shifts.planning import managed_programs

    program_ids = [p.id for p in await managed_programs(actor)]
    if not program_ids:
        raise refuse()
    return program_ids


def _check_period(period_start: date, period_end: date) -> None:
    if period_end < period_start:
        raise InvalidInput(
            _("The end of the period must not be before its start."), field="period_end"
        )
    if period_end - period_start > MAX_PERIOD:
        raise InvalidInput(_("A certificate covers at most ten years."), field="period_end")
    if period_start > clock.now().date():
        raise InvalidInput(_("The period must start today or earlier."), field="period_start")


def _content(
    settings: Settings, volunteer: User, rows: list[HoursRecord], program: Program | None
) -> dict[str, Any]:
    by_program: dict[int, dict[str, Any]] = {}
    seen: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in sorted(rows, key=lambda r: (r.program.name.lower(), r.program_id, r.work_date)):
        entry = by_program.setdefault(
            row.program_id,
            {"program": row.program.name, "service": [], "places": [], "dates": [], "minutes": 0},
        )
        if row.signup is not None:
            opportunity = row.signup.shift.opportunity
            service, place = opportunity.title, row.signup.shift.location or opportunity.location
        else:
            service, place = row.description, _("Off-site")
        for key, value in (("service", service), ("places", place), ("dates", str(row.work_date))):
            if value and value not in seen[row.program_id][key]:
                seen[row.program_id][key].add(value)
                entry[key].append(value)
        entry["minutes"] += row.minutes
    return {
        "organisation": organisation_name(settings),
        "volunteer": volunteer.name,
        "program": program.name if program else None,
        "programs": list(by_program.values()),
        "total_minutes": sum(p["minutes"] for p in by_program.values()),
    }


async def issue_certificate(
    actor: User,
    volunteer: User,
    *,
    period_start: date,
    period_end: date,
    program_id: int | None,
    locale: str,
    settings: Settings,
) -> Certificate:
    """Issue a certificate of ``volunteer``'s approved hours in the period (the volunteer, or a
    coordinator for the programs they run). Raises InvalidInput, PermissionDenied."""
    allowed = await _allowed_programs(actor, volunteer)
    if locale not in LOCALES:
        raise InvalidInput(_("Choose from the list."), field="locale")
    _check_period(period_start, period_end)
    program = None
    query = HoursRecord.filter(
        volunteer_id=volunteer.id,
        status=HoursStatus.APPROVED,
        work_date__gte=period_start,
        work_date__lte=period_end,
    )
    if program_id is not None:
        if allowed is not None and program_id not in allowed:
            raise refuse()
        program = await Program.get_or_none(id=program_id)
        if (
            program is None
            or not await HoursRecord.filter(
                volunteer_id=volunteer.id, program_id=program_id
            ).exists()
        ):
            message = (
                _("You have no hours in this program.")
                if actor.id == volunteer.id
                else _("This volunteer has no hours in this program.")
            )
            raise InvalidInput(message, field="program_id")
        query = query.filter(program_id=program_id)
    elif allowed is not None:
        query = query.filter(program_id__in=allowed)
    rows = list(await query.prefetch_related("program", "signup__shift__opportunity"))
    if not rows:
        raise InvalidInput(_("There are no approved hours in this period."), field="period_start")
    with use_locale(locale):
        content = _content(settings, volunteer, rows, program)
    content["period"] = {"start": period_start.isoformat(), "end": period_end.isoformat()}
    now = clock.now()
    code = secrets.token_urlsafe(24)
    async with in_transaction():
        certificate = await Certificate.create(
            number=f"pending-{code[:24]}",
            code=code,
            volunteer=volunteer,
            issued_by=actor,
            issued_at=now,
            period_start=period_start,
            period_end=period_end,
            program=program,
            locale=locale,
            content={**content, "issued_on": now.date().isoformat()},
            signature="",
        )
        certificate.number = f"OPS-{now.year}-{certificate.id:06d}"
        certificate.signature = signature(
            settings, number=certificate.number, code=code, content=certificate.content
        )
        await certificate.save(update_fields=["number", "signature"])
        await record(
            actor,
            "shifts.certificate.issued",
            certificate,
            number=certificate.number,
            volunteer_id=volunteer.id,
            minutes=content["total_minutes"],
        )
    return certificate


def is_genuine(settings: Settings, certificate: Certificate) -> bool:
    expected = signature(
        settings, number=certificate.number, code=certificate.code, content=certificate.content
    )
    return hmac.compare_digest(expected, certificate.signature)


async def verify(settings: Settings, code: str) -> Verification:
    """The certificate with this code and whether its content still matches its signature.
    Raises NotFound for a code nobody issued."""
    found = None
    if 0 < len(code) <= CODE_LENGTH and code.isascii() and code.isprintable():
        found = await Certificate.get_or_none(code=code)
    if found is None:
        raise NotFound(_("No certificate has this code. Check the address."))
    return Verification(found, is_genuine(settings, found))


async def get_certificate(actor: User, certificate_id: int) -> Certificate:
    """A certificate its volunteer, its issuer or an admin may see. Raises NotFound."""
    found = await Certificate.get_or_none(id=certificate_id)
    mine = found is not None and actor.id in (found.volunteer_id, found.issued_by_id)
    if found is None or not (mine or is_admin(actor)):
        raise NotFound(_("There is nothing at this address. Check the link."))
    return found


async def certificates_page(
    volunteer_id: int, *, offset: int, limit: int
) -> tuple[list[Certificate], int]:
    """One page of a volunteer's certificates, newest first, and how many there are."""
    query = Certificate.filter(volunteer_id=volunteer_id)
    total = await query.count()
    rows = await query.order_by("-issued_at", "-id").offset(offset).limit(limit)
    return list(rows), total


async def served_programs(volunteer_id: int, program_ids: list[int] | None = None) -> list[Program]:
    """The programs a volunteer has hours in (of ``program_ids`` only, when given), by name."""
    query = Program.filter(volunteer_hours__volunteer_id=volunteer_id)
    if program_ids is not None:
        query = query.filter(id__in=program_ids)
    return list(await query.distinct().order_by("name", "id"))


async def certifiable_volunteers(actor: User) -> list[tuple[int, str]]:
    """(id, name) of the volunteers with approved hours in the programs ``actor`` runs."""
    from opsuite.shifts.planning import managed_programs

    program_ids = [p.id for p in await managed_programs(actor)]
    rows = (
        await HoursRecord.filter(program_id__in=program_ids, status=HoursStatus.APPROVED)
        .distinct()
        .order_by("volunteer__name", "volunteer_id")
        .values_list("volunteer_id", "volunteer__name")
    )
    return [(int(i), str(name)) for i, name in rows]
