"""Login, logout, self-registration, invitations, password reset, profile and API tokens."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute

from opsuite.auth import forms, twofactor, twofactor_routes
from opsuite.auth import service as auth
from opsuite.auth.models import ApiToken, Role, User
from opsuite.auth.passwords import verify_password
from opsuite.caps import Cap
from opsuite.errors import FieldErrors, InvalidInput, NotFound, TooManyRequests
from opsuite.notify.reminders import replan_for
from opsuite.notify.service import enqueue_email
from opsuite.settings import Settings
from opsuite.web.api import form_data_from_json, json_body
from opsuite.web.context import (
    LANG_COOKIE,
    clear_session_cookie,
    client_ip,
    flash,
    rotate_csrf,
    set_session_cookie,
)
from opsuite.web.forms import Form
from opsuite.web.http import safe_next
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import ApiDoc, api, page
from opsuite.web.templating import render

CHALLENGE_COOKIE = "opsuite_2fa"


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


async def _log_in(request: Request, user: User, target: str) -> Response:
    started = await auth.start_session(
        user,
        settings=_settings(request),
        user_agent=request.headers.get("user-agent", ""),
        replaces=request.cookies.get("opsuite_session"),
    )
    response = _redirect(safe_next(target))
    set_session_cookie(request, response, started.key, _settings(request))
    await rotate_csrf(request, response)  # a token seen before login is worth nothing after it
    response.delete_cookie(LANG_COOKIE, path="/")
    return response


async def login(request: Request) -> Response:
    next_url = safe_next(request.query_params.get("next", "/"))
    if request.method == "GET":
        if request.state.user is not None:
            return _redirect(next_url)
        return render(
            request, "auth/login.html", {"form": Form.blank(forms.LOGIN), "next": next_url}
        )
    data = await request.form()
    form = Form.bind(forms.LOGIN, data)
    next_url = safe_next(str(data.get("next", "/")))
    status, retry_after = 400, 0
    if form.is_valid:
        try:
            user = await auth.authenticate(
                form.cleaned["email"],
                form.cleaned["password"],
                ip=client_ip(request),
                settings=_settings(request),
            )
        except TooManyRequests as exc:
            form.add_error("email", exc.message)
            status = 429
            retry_after = exc.retry_after
        except InvalidInput as exc:
            form.add_error("password", exc.message)
        else:
            if await twofactor.has_two_factor(user):
                return await _ask_second_factor(request, user, next_url)
            return await _log_in(request, user, next_url)
    form.values["password"] = ""  # never echo a typed password back  # nosec B105
    response = render(request, "auth/login.html", {"form": form, "next": next_url}, status=status)
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response


async def _ask_second_factor(request: Request, user: User, next_url: str) -> Response:
    """The password was right; the session starts only after the second step. Until then the
    browser holds just a random key to a short-lived half-login kept on the server."""
    key = await twofactor.start_challenge(user, next_url)
    response = _redirect("/login/two-factor")
    response.set_cookie(
        CHALLENGE_COOKIE,
        key,
        max_age=twofactor.CHALLENGE_MINUTES * 60,
        path="/login",
        samesite="lax",
        httponly=True,
        secure=request.state.secure,
    )
    return response


async def login_second_step(request: Request) -> Response:
    key = request.cookies.get(CHALLENGE_COOKIE, "")
    if request.method == "GET":
        if await twofactor.find_challenge(key) is None:
            return flash(
                request,
                _redirect("/login"),
                _("Your sign-in took too long or has ended. Enter your email and password again."),
            )
        return render(
            request, "auth/login_two_factor.html", {"form": Form.blank(forms.TWO_FACTOR_CODE)}
        )
    form = Form.bind(forms.TWO_FACTOR_CODE, await request.form())
    status, retry_after = 400, 0
    if form.is_valid:
        try:
            challenge = await twofactor.pass_challenge(
                key, form.cleaned["code"], ip=client_ip(request), settings=_settings(request)
            )
        except TooManyRequests as exc:
            form.add_error("code", exc.message)
            status, retry_after = 429, exc.retry_after
        except InvalidInput as exc:
            if exc.field == "login":
                return flash(request, _redirect("/login"), exc.message)
            form.add_error("code", exc.message)
        else:
            response = await _log_in(request, challenge.user, challenge.next_url)
            response.delete_cookie(CHALLENGE_COOKIE, path="/login")
            return response
    form.values["code"] = ""
    response = render(request, "auth/login_two_factor.html", {"form": form}, status=status)
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response


async def logout(request: Request) -> Response:
    key = request.cookies.get("opsuite_session", "")
    if key:
        await auth.end_session(key)
    response = _redirect("/login")
    clear_session_cookie(request, response)
    await rotate_csrf(request, response)
    return flash(request, response, _("You have logged out."))


async def register(request: Request) -> Response:
    settings = _settings(request)
    if not settings.security.allow_volunteer_signup:
        raise NotFound(_("Self-registration is switched off. Ask a coordinator for an invitation."))
    if request.method == "GET":
        initial = {"timezone": settings.i18n.default_timezone, "locale": request.state.locale}
        return render(request, "auth/register.html", {"form": Form.blank(forms.REGISTER, initial)})
    form = Form.bind(forms.REGISTER, await request.form())
    if form.is_valid:
        try:
            auth.check_password_rules(form.cleaned["password"], settings)
            user = await auth.create_user(
                email=form.cleaned["email"],
                name=form.cleaned["name"],
                role=Role.VOLUNTEER,
                timezone=form.cleaned["timezone"],
                locale=form.cleaned["locale"],
                password=form.cleaned["password"],
            )
        except FieldErrors as exc:
            form.absorb(exc)
        else:
            response = await _log_in(request, user, "/")
            return flash(request, response, _("Welcome to opsuite, %(name)s!", name=user.name))
    form.values["password"] = ""  # never echo a typed password back  # nosec B105
    return render(request, "auth/register.html", {"form": form}, status=400)


async def forgot_password(request: Request) -> Response:
    settings = _settings(request)
    if request.method == "GET":
        return render(request, "auth/forgot.html", {"form": Form.blank(forms.FORGOT)})
    form = Form.bind(forms.FORGOT, await request.form())
    if not form.is_valid:
        return render(request, "auth/forgot.html", {"form": form}, status=400)
    # The same answer, as fast, whether or not the address has an account (no account
    # discovery): even the look-up happens after the answer is sent.
    response = _redirect("/login")
    response.background = BackgroundTask(_send_reset_link, form.cleaned["email"], settings)
    return flash(
        request,
        response,
        _("If that address has an account, a reset link is on its way. Check your email."),
    )


async def _send_reset_link(email: str, settings: Settings) -> None:
    user = await User.get_or_none(email=email, is_active=True)
    if user is None:
        return
    token = await auth.create_link(
        user, purpose="reset", valid_for=timedelta(hours=settings.security.reset_hours)
    )
    await enqueue_email(
        kind="password_reset",
        to=user,
        settings=settings,
        context={"link": f"/password/reset/{token}", "hours": settings.security.reset_hours},
        dedupe_key=f"auth.reset.{token[:16]}",
    )


async def _use_link_page(request: Request, purpose: str) -> Response:
    token = request.path_params["token"]
    template = f"auth/{purpose}.html"
    try:
        link = await auth.get_link(token, purpose=purpose)
    except NotFound as exc:
        return render(request, "auth/link_invalid.html", {"message": exc.message}, status=404)
    if request.method == "GET":
        return render(
            request, template, {"form": Form.blank(forms.SET_PASSWORD), "invitee": link.user}
        )
    form = Form.bind(forms.SET_PASSWORD, await request.form())
    if form.is_valid:
        try:
            user = await auth.use_link(
                token,
                purpose=purpose,
                password=form.cleaned["password"],
                settings=_settings(request),
            )
        except FieldErrors as exc:
            form.absorb(exc)
        except NotFound as exc:
            return render(request, "auth/link_invalid.html", {"message": exc.message}, status=404)
        else:
            response = await _log_in(request, user, "/")
            return flash(
                request, response, _("Your password is set. Welcome, %(name)s!", name=user.name)
            )
    form.values["password"] = ""  # never echo a typed password back  # nosec B105
    return render(request, template, {"form": form, "invitee": link.user}, status=400)


async def reset_password(request: Request) -> Response:
    return await _use_link_page(request, "reset")


async def accept_invite(request: Request) -> Response:
    return await _use_link_page(request, "invite")


def _profile_initial(user: User) -> dict[str, Any]:
    return {
        "name": user.name,
        "timezone": user.timezone,
        "locale": user.locale,
        "phone": user.phone,
        "skills": list(user.skills),
    }


async def profile(request: Request) -> Response:
    user: User = request.state.user
    if request.method == "GET":
        form = Form.blank(forms.PROFILE, _profile_initial(user))
        return render(
            request,
            "auth/profile.html",
            {"form": form, "password_form": Form.blank(forms.CHANGE_PASSWORD)},
        )
    form = Form.bind(forms.PROFILE, await request.form())
    if not form.is_valid:
        return render(
            request,
            "auth/profile.html",
            {"form": form, "password_form": Form.blank(forms.CHANGE_PASSWORD)},
            status=400,
        )
    zone_before = user.timezone
    await update_profile(user, form.cleaned)
    if user.timezone != zone_before:  # queued reminders give times in the new zone
        await replan_for(user, settings=_settings(request))
    return flash(request, _redirect("/me"), _("Your profile is saved."), "success")


async def update_profile(user: User, values: dict[str, Any]) -> None:
    for key in ("name", "timezone", "locale", "phone", "skills"):
        if key in values and values[key] is not None:
            setattr(user, key, values[key])
    await user.save()


async def change_password(request: Request) -> Response:
    user: User = request.state.user
    form = Form.bind(forms.CHANGE_PASSWORD, await request.form())
    if form.is_valid and not verify_password(user.password_hash, form.cleaned["current_password"]):
        form.add_error("current_password", _("That is not your current password."))
    if form.is_valid:
        try:
            await auth.set_password(user, form.cleaned["password"], _settings(request))
        except FieldErrors as exc:
            form.absorb(exc)
        else:
            # set_password ends every session; start a fresh one for this browser.
            response = await _log_in(request, user, "/me")
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
            "form": Form.blank(forms.PROFILE, _profile_initial(user)),
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
    return flash(request, _redirect("/me/tokens"), _("The token is revoked."), "success")


def user_json(user: User, *, private: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": user.id,
        "name": user.name,
        "role": str(user.role),
        "timezone": user.timezone,
        "locale": user.locale,
        "skills": list(user.skills),
        "is_active": user.is_active,
    }
    if private:
        data.update(email=user.email, phone=user.phone)
    return data


USER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "name", "role", "timezone", "locale", "skills", "is_active"],
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "role": {"type": "string", "enum": [r.value for r in Role]},
        "timezone": {"type": "string"},
        "locale": {"type": "string", "enum": ["en", "zh_Hans"]},
        "skills": {"type": "array", "items": {"type": "string"}},
        "is_active": {"type": "boolean"},
        "email": {"type": "string"},
        "phone": {"type": "string"},
    },
}
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
            forms.PROFILE, form_data_from_json(forms.PROFILE, body, _profile_initial(user))
        )
        form.raise_if_invalid()
        await update_profile(user, form.cleaned)
    return JSONResponse(user_json(user, private=True))


def routes() -> list[BaseRoute]:
    get_post = ("GET", "POST")
    return [
        page("/login", login, cap=Cap.PUBLIC, name="auth:login", methods=get_post),
        page(
            "/login/two-factor",
            login_second_step,
            cap=Cap.PUBLIC,
            name="auth:login_two_factor",
            methods=get_post,
        ),
        page("/logout", logout, cap=Cap.PUBLIC, name="auth:logout", methods=("POST",)),
        page("/register", register, cap=Cap.PUBLIC, name="auth:register", methods=get_post),
        page(
            "/password/forgot",
            forgot_password,
            cap=Cap.PUBLIC,
            name="auth:forgot",
            methods=get_post,
        ),
        page(
            "/password/reset/{token}",
            reset_password,
            cap=Cap.PUBLIC,
            name="auth:reset",
            methods=get_post,
        ),
        page(
            "/invite/{token}", accept_invite, cap=Cap.PUBLIC, name="auth:invite", methods=get_post
        ),
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
        *twofactor_routes.routes(),
    ]
