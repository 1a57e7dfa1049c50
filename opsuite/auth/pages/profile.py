"""One's own profile: name, time zone, language, phone and skills, the password and API tokens
(the same profile as JSON, /api/v1/me, is in auth/api.py)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from opsuite.auth import forms
from opsuite.auth import service as auth
from opsuite.auth.models import ApiToken, User
from opsuite.auth.pages.sign_in import log_in, redirect, settings_of
from opsuite.auth.passwords import verify_password
from opsuite.caps import Cap
from opsuite.errors import FieldErrors, NotFound
from opsuite.notify.reminders import replan_for
from opsuite.web.context import flash
from opsuite.web.forms import Form
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import page
from opsuite.web.templating import render


async def profile(request: Request) -> Response:
    user: User = request.state.user
    if request.method == "GET":
        form = Form.blank(forms.PROFILE, forms.profile_initial(user))
        return render(
            request,
            "auth/profile.html",
            {"form": form, "password_form": Form.blank(forms.CHANGE_PASSWORD)},
        )
    form = Form.bind(forms.PROFILE, await request.form())
    if form.is_valid:
        zone_before = user.timezone
        try:
            await auth.update_own_profile(user, **form.cleaned)
        except FieldErrors as exc:
            form.absorb(exc)
        else:
            if user.timezone != zone_before:  # queued reminders give times in the new zone
                await replan_for(user, settings=settings_of(request))
            return flash(request, redirect("/me"), _("Your profile is saved."), "success")
    return render(
        request,
        "auth/profile.html",
        {"form": form, "password_form": Form.blank(forms.CHANGE_PASSWORD)},
        status=400,
    )


async def change_password(request: Request) -> Response:
    user: User = request.state.user
    form = Form.bind(forms.CHANGE_PASSWORD, await request.form())
    if form.is_valid and not verify_password(user.password_hash, form.cleaned["current_password"]):
        form.add_error("current_password", _("That is not your current password."))
    if form.is_valid:
        try:
            await auth.set_password(user, form.cleaned["password"], settings_of(request))
        except FieldErrors as exc:
            form.absorb(exc)
        else:
            # set_password ends every session; start a fresh one for this browser.
            response = await log_in(request, user, "/me")
            return flash(
                request,
                response,
                _("Your password is changed; other devices are logged out."),
                "success",
            )
    form.values.update(password="", current_password="")  # blanked, not a secret  # nosec B106
    return render(
        request,
        "auth/profile.html",
        {
            "form": Form.blank(forms.PROFILE, forms.profile_initial(user)),
            "password_form": form,
        },
        status=400,
    )


async def tokens_page(request: Request) -> Response:
    user: User = request.state.user
    new_token = None
    form = Form.blank(forms.API_TOKEN)
    status = 200
    if request.method == "POST":
        form = Form.bind(forms.API_TOKEN, await request.form())
        if form.is_valid:
            try:
                new_token = (await auth.create_api_token(user, form.cleaned["name"])).token
                form = Form.blank(forms.API_TOKEN)
            except FieldErrors as exc:
                form.absorb(exc)
        if not form.is_valid:
            status = 400
    tokens = await ApiToken.filter(user_id=user.id)
    return render(
        request,
        "auth/tokens.html",
        {"form": form, "tokens": tokens, "new_token": new_token},
        status=status,
    )


async def revoke_token(request: Request) -> Response:
    try:
        token_id = int(request.path_params["token_id"])
    except ValueError:
        raise NotFound(_("No such token.")) from None
    await auth.revoke_api_token(request.state.user, token_id)
    return flash(request, redirect("/me/tokens"), _("The token is revoked."), "success")


def routes() -> list[BaseRoute]:
    get_post = ("GET", "POST")
    return [
        page("/me", profile, cap=Cap.SIGNED_IN, name="auth:profile", methods=get_post),
        page(
            "/me/password",
            change_password,
            cap=Cap.SIGNED_IN,
            name="auth:password",
            methods=("POST",),
        ),
        page("/me/tokens", tokens_page, cap=Cap.SIGNED_IN, name="auth:tokens", methods=get_post),
        page(
            "/me/tokens/{token_id}/revoke",
            revoke_token,
            cap=Cap.SIGNED_IN,
            name="auth:token_revoke",
            methods=("POST",),
        ),
    ]
