"""The accounts JSON API under /api/v1/: the signed-in person's own profile (/api/v1/me),
validated by the same form as the profile page."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from opsuite.auth import forms
from opsuite.auth import service as auth
from opsuite.auth.models import User
from opsuite.auth.schemas import UserJson, user_json
from opsuite.caps import Cap
from opsuite.web.api import form_data_from_json, typed_body
from opsuite.web.forms import Form
from opsuite.web.routing import ApiDoc, api
from opsuite.web.typed import RequestBody, absent


class ProfilePatch(RequestBody):
    name: Annotated[str, Field(max_length=120)] = absent()
    timezone: str = absent()
    locale: Literal["en", "zh_Hans"] = absent()
    phone: Annotated[str, Field(max_length=40)] = absent()
    skills: list[str] = absent()


async def api_me(request: Request) -> Response:
    user: User = request.state.user
    if request.method == "PATCH":
        body = await typed_body(request, ProfilePatch)
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
            doc=ApiDoc("The signed-in person's profile", request=ProfilePatch, response=UserJson),
        ),
    ]
