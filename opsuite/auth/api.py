"""The accounts JSON API under /api/v1/: the signed-in person's own profile (/api/v1/me),
validated by the same form as the profile page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from opsuite.auth import forms
from opsuite.auth import service as auth
from opsuite.auth.models import User
from opsuite.auth.schemas import USER_SCHEMA, user_json
from opsuite.caps import Cap
from opsuite.web.api import form_data_from_json, json_body
from opsuite.web.forms import Form
from opsuite.web.routing import ApiDoc, api

PROFILE_PATCH_SCHEMA = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "maxLength": 120},
        "timezone": {"type": "string"},
        "locale": {"type": "string", "enum": ["en", "zh_Hans"]},
        "phone": {"type": "string", "maxLength": 40},
        "skills": {"type": "array", "items": {"type": "string"}},
    },
    "additionalProperties": False,
}


async def api_me(request: Request) -> Response:
    user: User = request.state.user
    if request.method == "PATCH":
        body = await json_body(request)
        form = Form.bind(
            forms.PROFILE, form_data_from_json(forms.PROFILE, body, forms.profile_initial(user))
        )
        form.raise_if_invalid()
        await auth.update_own_profile(user, **form.cleaned)
    return JSONResponse(user_json(user, private=True))


def routes() -> list[BaseRoute]:
    return [
        api(
            "/api/v1/me",
            api_me,
            cap=Cap.SIGNED_IN,
            name="api:me",
            methods=("GET", "PATCH"),
            doc=ApiDoc(
                "The signed-in person's profile", request=PROFILE_PATCH_SCHEMA, response=USER_SCHEMA
            ),
        ),
    ]
