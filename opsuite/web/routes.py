"""Home, language switch, health checks, drafts, the OpenAPI document and its browsable page,
and what installs opsuite as an app on a phone (manifest and service worker)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import BaseRoute

from opsuite import db, resources
from opsuite.caps import Cap
from opsuite.errors import InvalidInput
from opsuite.web import submissions
from opsuite.web.api import json_body, openapi_document
from opsuite.web.context import LANG_COOKIE, flash
from opsuite.web.http import safe_next
from opsuite.web.i18n import LANGUAGE_NAMES, current_locale
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import page
from opsuite.web.templating import render

if TYPE_CHECKING:
    from opsuite.auth.models import User


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


async def api_docs(request: Request) -> Response:
    """The OpenAPI document drawn by the vendored Swagger UI (opsuite/static/swagger-ui)."""
    return render(request, "api_docs.html", {"spec_url": request.url_for("api:openapi").path})


async def manifest(request: Request) -> Response:
    """What a phone needs to install opsuite as an app (with /sw.js, which keeps the
    volunteer's shift pages for a visit without signal)."""
    icon = "/static/icon-{0}.png"
    body = {
        "name": "opsuite",
        "short_name": "opsuite",
        "description": _("Tasks, shifts, meetings and schedules for your organisation"),
        "lang": current_locale().replace("_", "-"),
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b4f8a",
        "icons": [
            {"src": icon.format(192), "sizes": "192x192", "type": "image/png"},
            {"src": icon.format(512), "sizes": "512x512", "type": "image/png"},
            {"src": "/static/favicon.svg", "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    return JSONResponse(body, media_type="application/manifest+json")


async def service_worker(request: Request) -> Response:
    """opsuite/static/sw.js at the root, so it may answer for every page (a worker's scope is
    the folder it is served from); never taken from a cache, so a release replaces it."""
    return FileResponse(
        resources.static_dir() / "sw.js",
        media_type="text/javascript",
        headers={"cache-control": "no-cache"},
    )


async def save_draft(request: Request) -> Response:
    """Autosave from forms.js: {"form": "/page/path", "values": {"name": ["typed", ...]}}."""
    body = await json_body(request)
    form_key, values = body.get("form"), body.get("values")
    if not isinstance(form_key, str) or not form_key.startswith("/") or len(form_key) > 300:
        raise InvalidInput(_("Say which form the draft belongs to."), field="form")
    if not isinstance(values, dict) or not all(
        isinstance(k, str) and isinstance(v, list) and all(isinstance(x, str) for x in v)
        for k, v in values.items()
    ):
        raise InvalidInput(_("Draft values must be lists of text by field name."), field="values")
    if len(json.dumps(values)) > submissions.MAX_FORM_BYTES:
        raise InvalidInput(_("This draft is too large to keep."), field="values")
    kept = {
        k: v for k, v in values.items() if k not in submissions.NEVER_KEPT and "password" not in k
    }
    draft = await submissions.save_draft(request.state.user, form_key, kept)
    return JSONResponse({"saved_at": draft.updated_at.isoformat()})


async def discard_draft(request: Request) -> Response:
    form = await request.form()
    form_key = str(form.get("form", ""))
    if form_key.startswith("/") and len(form_key) <= 300:
        await submissions.discard_draft(request.state.user, form_key)
    response = RedirectResponse(safe_next(form_key), status_code=303)
    return flash(request, response, _("The draft is discarded."))


def routes() -> list[BaseRoute]:
    return [
        page("/lang", switch_language, cap=Cap.PUBLIC, name="web:lang", methods=("POST",)),
        page("/healthz", healthz, cap=Cap.PUBLIC, name="web:healthz"),
        page("/readyz", readyz, cap=Cap.PUBLIC, name="web:readyz"),
        page("/api/v1/openapi.json", openapi, cap=Cap.PUBLIC, name="api:openapi"),
        page("/api/docs", api_docs, cap=Cap.PUBLIC, name="web:api_docs"),
        page("/manifest.webmanifest", manifest, cap=Cap.PUBLIC, name="web:manifest"),
        page("/sw.js", service_worker, cap=Cap.PUBLIC, name="web:service_worker"),
        page("/drafts", save_draft, cap=Cap.SIGNED_IN, name="web:draft_save", methods=("POST",)),
        page(
            "/drafts/discard",
            discard_draft,
            cap=Cap.SIGNED_IN,
            name="web:draft_discard",
            methods=("POST",),
        ),
    ]
