"""The two-factor page of one's profile: set up an authenticator app, see recovery codes once,
make new ones, turn it off; and an admin turning it off for someone who lost their phone.
(The second step of logging in is in auth/pages/sign_in.py, with login.)"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute

from opsuite.auth import forms, twofactor
from opsuite.auth.models import User
from opsuite.caps import Cap
from opsuite.errors import Conflict, InvalidInput, NotFound, TooManyRequests
from opsuite.settings import Settings
from opsuite.web.context import flash
from opsuite.web.forms import Form, parse_id
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import page
from opsuite.web.templating import render

PAGE = "/me/two-factor"


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def _render_page(
    request: Request,
    *,
    confirm_form: Form | None = None,
    proof_form: Form | None = None,
    status: int = 200,
) -> Response:
    user: User = request.state.user
    enabled = await twofactor.has_two_factor(user)
    context = {
        "enabled": enabled,
        "enrolment": None if enabled else await twofactor.find_enrolment(user),
        "required": await twofactor.needs_enrolment(user, _settings(request)),
        "codes_left": await twofactor.recovery_codes_left(user) if enabled else 0,
        "confirm_form": confirm_form or Form.blank(forms.TWO_FACTOR_CONFIRM),
        "proof_form": proof_form or Form.blank(forms.TWO_FACTOR_PROOF),
    }
    return render(request, "auth/two_factor.html", context, status=status)


def _codes_page(request: Request, codes: list[str]) -> Response:
    response = render(request, "auth/two_factor_codes.html", {"codes": codes})
    # Shown once: keep them out of the browser's cache and history.
    response.headers["cache-control"] = "no-store"
    return response


async def security_page(request: Request) -> Response:
    return await _render_page(request)


async def start(request: Request) -> Response:
    try:
        await twofactor.start_enrolment(request.state.user)
    except Conflict as exc:
        return flash(request, RedirectResponse(PAGE, status_code=303), exc.message, "info")
    return RedirectResponse(PAGE, status_code=303)


async def confirm(request: Request) -> Response:
    form = Form.bind(forms.TWO_FACTOR_CONFIRM, await request.form())
    if form.is_valid:
        try:
            codes = await twofactor.confirm_enrolment(request.state.user, form.cleaned["code"])
        except InvalidInput as exc:
            form.add_error("code", exc.message)
        except Conflict as exc:
            return flash(request, RedirectResponse(PAGE, status_code=303), exc.message, "info")
        else:
            return _codes_page(request, codes)
    form.values["code"] = ""
    return await _render_page(request, confirm_form=form, status=400)


def _retry_after(response: Response, seconds: int) -> Response:
    """A lockout's 429 says when to try again, as every 429 does."""
    if seconds:
        response.headers["Retry-After"] = str(seconds)
    return response


async def _with_proof(request: Request) -> tuple[Form, str | None]:
    form = Form.bind(forms.TWO_FACTOR_PROOF, await request.form())
    return form, form.cleaned.get("proof") if form.is_valid else None


async def new_codes(request: Request) -> Response:
    form, proof = await _with_proof(request)
    status, retry_after = 400, 0
    if proof is not None:
        try:
            codes = await twofactor.regenerate_recovery_codes(
                request.state.user, proof, _settings(request)
            )
        except (InvalidInput, Conflict) as exc:
            form.add_error("proof", exc.message)
        except TooManyRequests as exc:
            form.add_error("proof", exc.message)
            status, retry_after = 429, exc.retry_after
        else:
            return _codes_page(request, codes)
    form.values["proof"] = ""
    return _retry_after(await _render_page(request, proof_form=form, status=status), retry_after)


async def disable(request: Request) -> Response:
    form, proof = await _with_proof(request)
    status, retry_after = 400, 0
    if proof is not None:
        try:
            await twofactor.disable_two_factor(request.state.user, proof, _settings(request))
        except (InvalidInput, Conflict) as exc:
            form.add_error("proof", exc.message)
        except TooManyRequests as exc:
            form.add_error("proof", exc.message)
            status, retry_after = 429, exc.retry_after
        else:
            response = RedirectResponse(PAGE, status_code=303)
            return flash(request, response, _("Two-factor sign-in is off."), "success")
    form.values["proof"] = ""
    return _retry_after(await _render_page(request, proof_form=form, status=status), retry_after)


async def reset(request: Request) -> Response:
    person_id = parse_id(request.path_params["id"])
    person = await User.get_or_none(id=person_id) if person_id else None
    if person is None:
        raise NotFound(_("There is nothing at this address. Check the link."))
    response = RedirectResponse(f"/people/{person.id}", status_code=303)
    try:
        await twofactor.reset_two_factor(person, actor=request.state.user)
    except Conflict as exc:
        return flash(request, response, exc.message, "info")
    message = _(
        "Two-factor sign-in is off for %(name)s; they log in with their password and set it up "
        "again.",
        name=person.name,
    )
    return flash(request, response, message, "success")


def routes() -> list[BaseRoute]:
    post = ("POST",)
    return [
        page(PAGE, security_page, cap=Cap.SIGNED_IN, name="auth:two_factor"),
        page(
            "/people/{id}/two-factor/reset",
            reset,
            cap=Cap.ADMIN,
            name="auth:two_factor_reset",
            methods=post,
        ),
        page(f"{PAGE}/start", start, cap=Cap.SIGNED_IN, name="auth:two_factor_start", methods=post),
        page(
            f"{PAGE}/confirm",
            confirm,
            cap=Cap.SIGNED_IN,
            name="auth:two_factor_confirm",
            methods=post,
        ),
        page(
            f"{PAGE}/recovery-codes",
            new_codes,
            cap=Cap.SIGNED_IN,
            name="auth:two_factor_codes",
            methods=post,
        ),
        page(
            f"{PAGE}/disable",
            disable,
            cap=Cap.SIGNED_IN,
            name="auth:two_factor_disable",
            methods=post,
        ),
    ]
