"""Signing in and out: login (and its second step), logout, self-registration, invitations and
password reset."""

from __future__ import annotations

from datetime import timedelta

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute

from opsuite.auth import forms, twofactor
from opsuite.auth import service as auth
from opsuite.auth.models import Role, User
from opsuite.caps import Cap
from opsuite.errors import FieldErrors, InvalidInput, NotFound, TooManyRequests
from opsuite.notify.service import enqueue_email
from opsuite.settings import Settings
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
from opsuite.web.routing import page
from opsuite.web.templating import render

CHALLENGE_COOKIE = "opsuite_2fa"


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


async def log_in(request: Request, user: User, target: str) -> Response:
    started = await auth.start_session(
        user,
        settings=settings_of(request),
        user_agent=request.headers.get("user-agent", ""),
        replaces=request.cookies.get("opsuite_session"),
    )
    response = redirect(safe_next(target))
    set_session_cookie(request, response, started.key, settings_of(request))
    await rotate_csrf(request, response)  # a token seen before login is worth nothing after it
    response.delete_cookie(LANG_COOKIE, path="/")
    return response


async def login(request: Request) -> Response:
    next_url = safe_next(request.query_params.get("next", "/"))
    if request.method == "GET":
        if request.state.user is not None:
            return redirect(next_url)
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
                settings=settings_of(request),
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
            return await log_in(request, user, next_url)
    form.values["password"] = ""  # never echo a typed password back  # nosec B105
    response = render(request, "auth/login.html", {"form": form, "next": next_url}, status=status)
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response


async def _ask_second_factor(request: Request, user: User, next_url: str) -> Response:
    """The password was right; the session starts only after the second step. Until then the
    browser holds just a random key to a short-lived half-login kept on the server."""
    key = await twofactor.start_challenge(user, next_url)
    response = redirect("/login/two-factor")
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
                redirect("/login"),
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
                key, form.cleaned["code"], ip=client_ip(request), settings=settings_of(request)
            )
        except TooManyRequests as exc:
            form.add_error("code", exc.message)
            status, retry_after = 429, exc.retry_after
        except InvalidInput as exc:
            if exc.field == "login":
                return flash(request, redirect("/login"), exc.message)
            form.add_error("code", exc.message)
        else:
            response = await log_in(request, challenge.user, challenge.next_url)
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
    response = redirect("/login")
    clear_session_cookie(request, response)
    await rotate_csrf(request, response)
    return flash(request, response, _("You have logged out."))


async def register(request: Request) -> Response:
    settings = settings_of(request)
    if not settings.security.allow_volunteer_signup:
        raise NotFound(_("Self-registration is switched off. Ask a coordinator for an invitation."))
    # Where to go once the account exists (a program's application page, say).
    next_url = safe_next(request.query_params.get("next", "/"))
    if request.method == "GET":
        initial = {"timezone": settings.i18n.default_timezone, "locale": request.state.locale}
        form = Form.blank(forms.REGISTER, initial)
        return render(request, "auth/register.html", {"form": form, "next": next_url})
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
            response = await log_in(request, user, next_url)
            return flash(request, response, _("Welcome to opsuite, %(name)s!", name=user.name))
    form.values["password"] = ""  # never echo a typed password back  # nosec B105
    return render(request, "auth/register.html", {"form": form, "next": next_url}, status=400)


async def forgot_password(request: Request) -> Response:
    settings = settings_of(request)
    if request.method == "GET":
        return render(request, "auth/forgot.html", {"form": Form.blank(forms.FORGOT)})
    form = Form.bind(forms.FORGOT, await request.form())
    if not form.is_valid:
        return render(request, "auth/forgot.html", {"form": form}, status=400)
    # The same answer, as fast, whether or not the address has an account (no account
    # discovery): even the look-up happens after the answer is sent.
    response = redirect("/login")
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
                settings=settings_of(request),
            )
        except FieldErrors as exc:
            form.absorb(exc)
        except NotFound as exc:
            return render(request, "auth/link_invalid.html", {"message": exc.message}, status=404)
        else:
            response = await log_in(request, user, "/")
            return flash(
                request, response, _("Your password is set. Welcome, %(name)s!", name=user.name)
            )
    form.values["password"] = ""  # never echo a typed password back  # nosec B105
    return render(request, template, {"form": form, "invitee": link.user}, status=400)


async def reset_password(request: Request) -> Response:
    return await _use_link_page(request, "reset")


async def accept_invite(request: Request) -> Response:
    return await _use_link_page(request, "invite")


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
    ]
