"""The public page a guardian reaches from the emailed link: the program's consent texts, and
consent or decline. The signed token in the path is the permission (``signed_link``)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from opsuite.applications import service as applications
from opsuite.applications.models import GuardianConsent
from opsuite.errors import Conflict, InvalidInput, OpsuiteError
from opsuite.web.http import settings_of
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import signed_link
from opsuite.web.templating import render


async def _page(
    request: Request,
    *,
    row: GuardianConsent | None = None,
    answered: GuardianConsent | None = None,
    problem: str = "",
    status: int = 200,
) -> Response:
    version = None
    if row is not None:
        version = await applications.current_form(row.application.program_id)
    return render(
        request,
        "applications/guardian.html",
        {
            "row": row,
            "answered": answered,
            "problem": problem,
            "version": version,
            "consents": applications.consents_of(version),
            "token": request.path_params["token"],
        },
        status=status,
    )


async def guardian_page(request: Request) -> Response:
    settings = settings_of(request)
    token = str(request.path_params["token"])
    try:
        row = await applications.open_request(token, settings=settings)
    except (InvalidInput, applications.LinkUsedError) as exc:
        return await _page(request, problem=exc.message, status=exc.status)
    if request.method == "GET":
        return await _page(request, row=row)
    data = await request.form()
    answer = str(data.get("answer", ""))
    raw = str(data.get("version", ""))
    version = int(raw) if raw.isdigit() and len(raw) < 10 else 0
    if answer not in ("consent", "decline"):
        return await _page(
            request, row=row, problem=_("Choose whether you consent or decline."), status=400
        )
    try:
        answered = await applications.answer_request(
            token, consent=answer == "consent", version=version, settings=settings
        )
    except Conflict as exc:
        return await _page(request, row=row, problem=exc.message, status=exc.status)
    except OpsuiteError as exc:
        return await _page(request, problem=exc.message, status=exc.status)
    return await _page(request, answered=answered)


def routes() -> list[BaseRoute]:
    return [
        signed_link(
            "/guardian-consent/{token}", guardian_page, name="applications:guardian_consent"
        ),
    ]
