"""Download my data (anyone, their own) and erase a person (admins)."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from opsuite import clock
from opsuite.audit.service import record
from opsuite.caps import Cap
from opsuite.errors import Conflict, PermissionDenied
from opsuite.people import service as people
from opsuite.privacy import forms
from opsuite.privacy import service as personal_data
from opsuite.web.context import flash
from opsuite.web.forms import Form
from opsuite.web.http import path_id, see_other, viewer
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import page
from opsuite.web.templating import render


async def my_data(request: Request) -> Response:
    user = viewer(request)
    document = await personal_data.export_person(user)
    await record(user, "people.person.exported", user)
    filename = f"opsuite-my-data-{clock.now().date().isoformat()}.json"
    return Response(
        json.dumps(document, ensure_ascii=False, indent=2),
        media_type="application/json",
        headers={
            "content-disposition": f'attachment; filename="{filename}"',
            "cache-control": "no-store",
        },
    )


async def erase(request: Request) -> Response:
    actor = viewer(request)
    person = await people.get_person(path_id(request))
    context = {"person": person, "erased": personal_data.is_erased(person)}
    if request.method == "GET":
        return render(
            request, "people/erase.html", {**context, "form": Form.blank(forms.ERASE_CONFIRM)}
        )
    form = Form.bind(forms.ERASE_CONFIRM, await request.form())
    if form.is_valid and form.cleaned["confirm_email"].strip().lower() != person.email.lower():
        form.add_error("confirm_email", _("That is not this person's email address."))
    if form.is_valid:
        try:
            await personal_data.erase_person(person, actor=actor)
        except (PermissionDenied, Conflict) as exc:
            form.add_error("confirm_email", exc.message)
        else:
            message = _(
                "The person's personal data is erased; their hours and sign-ups still count."
            )
            return flash(request, see_other(f"/people/{person.id}"), message, "success")
    return render(request, "people/erase.html", {**context, "form": form}, status=400)


def routes() -> list[BaseRoute]:
    return [
        page("/me/data.json", my_data, cap=Cap.SIGNED_IN, name="people:my_data"),
        page(
            "/people/{id}/erase",
            erase,
            cap=Cap.ADMIN,
            name="people:erase",
            methods=("GET", "POST"),
        ),
    ]
