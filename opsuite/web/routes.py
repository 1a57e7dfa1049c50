"""Home, language switch, health checks and the OpenAPI document."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute

from opsuite import db
from opsuite.auth.models import User
from opsuite.auth.permissions import Cap
from opsuite.web.api import openapi_document
from opsuite.web.context import LANG_COOKIE
from opsuite.web.i18n import LANGUAGE_NAMES
from opsuite.web.routing import page
from opsuite.web.templating import render


async def home(request: Request) -> Response:
    return render(request, "home.html")


def safe_next(target: str, default: str = "/") -> str:
    """Only same-site paths are followed after login or a language switch."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


async def switch_language(request: Request) -> Response:
    form = await request.form()
    locale = str(form.get("locale", ""))
    target = safe_next(str(form.get("next", "/")))
    response = RedirectResponse(target, status_code=303)
    if locale in LANGUAGE_NAMES:
        response.set_cookie(
            LANG_COOKIE,
            locale,
            max_age=365 * 86400,
            path="/",
            samesite="lax",
            httponly=True,
            secure=request.state.secure,
        )
        user: User | None = request.state.user
        if user is not None:
            user.locale = locale
            await user.save(update_fields=["locale"])
    return response


async def healthz(request: Request) -> Response:
    return PlainTextResponse("ok")


async def readyz(request: Request) -> Response:
    try:
        await db.ping()
    except Exception:
        import logging

        logging.getLogger("opsuite.web").warning("readiness check failed", exc_info=True)
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})


async def openapi(request: Request) -> Response:
    from opsuite import __version__

    return JSONResponse(openapi_document(request.app.routes, __version__))


def routes() -> list[BaseRoute]:
    return [
        page("/", home, cap=Cap.PUBLIC, name="web:home"),
        page("/lang", switch_language, cap=Cap.PUBLIC, name="web:lang", methods=("POST",)),
        page("/healthz", healthz, cap=Cap.PUBLIC, name="web:healthz"),
        page("/readyz", readyz, cap=Cap.PUBLIC, name="web:readyz"),
        page("/api/v1/openapi.json", openapi, cap=Cap.PUBLIC, name="api:openapi"),
    ]
