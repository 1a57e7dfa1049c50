"""Webhook pages (admins): the endpoints, add one, an endpoint's page with its deliveries and
their attempts, edit, new secret, test event, resume, replay, delete."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from opsuite.caps import Cap
from opsuite.errors import FieldErrors
from opsuite.hooks import forms
from opsuite.hooks import service as hooks
from opsuite.hooks.events import LABELS, label_of
from opsuite.hooks.models import DeliveryStatus, WebhookEndpoint
from opsuite.web.api import page_params
from opsuite.web.context import flash
from opsuite.web.forms import Form
from opsuite.web.http import pager, path_id, see_other, settings_of, viewer
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import page
from opsuite.web.templating import render

POST = ("POST",)


async def _list_page(request: Request, form: Form | None = None, status: int = 200) -> Response:
    offset, limit = page_params(request)
    endpoints, total = await hooks.list_endpoints(offset=offset, limit=limit)
    return render(
        request,
        "hooks/list.html",
        {
            "endpoints": endpoints,
            "labels": LABELS,
            "form": form or Form.blank(forms.ENDPOINT),
            **pager(total, offset, limit),
        },
        status=status,
    )


async def endpoints_page(request: Request) -> Response:
    if request.method != "POST":
        return await _list_page(request)
    form = Form.bind(forms.ENDPOINT, await request.form())
    if form.is_valid:
        try:
            endpoint, secret = await hooks.create_endpoint(
                viewer(request), **form.cleaned, settings=settings_of(request)
            )
        except FieldErrors as exc:
            form.absorb(exc)
        else:
            return render(request, "hooks/secret.html", {"endpoint": endpoint, "secret": secret})
    return await _list_page(request, form, status=400)


async def _endpoint_page(
    request: Request, endpoint: WebhookEndpoint, form: Form | None = None, status: int = 200
) -> Response:
    offset, limit = page_params(request)
    deliveries, total = await hooks.list_deliveries(endpoint, offset=offset, limit=limit)
    initial = {
        "url": endpoint.url,
        "description": endpoint.description,
        "events": endpoint.events,
        "active": endpoint.active,
    }
    return render(
        request,
        "hooks/endpoint.html",
        {
            "endpoint": endpoint,
            "labels": LABELS,
            "label_of": label_of,
            "deliveries": deliveries,
            "sent": DeliveryStatus.SENT,
            "failed": DeliveryStatus.FAILED,
            "form": form or Form.blank(forms.EDIT, initial),
            **pager(total, offset, limit),
        },
        status=status,
    )


async def endpoint_page(request: Request) -> Response:
    endpoint = await hooks.get_endpoint(path_id(request))
    if request.method != "POST":
        return await _endpoint_page(request, endpoint)
    form = Form.bind(forms.EDIT, await request.form())
    if form.is_valid:
        try:
            await hooks.update_endpoint(
                viewer(request), endpoint, **form.cleaned, settings=settings_of(request)
            )
        except FieldErrors as exc:
            form.absorb(exc)
        else:
            return _back(request, endpoint, _("The endpoint is saved."), "success")
    await endpoint.refresh_from_db()
    return await _endpoint_page(request, endpoint, form, status=400)


def _back(request: Request, endpoint: WebhookEndpoint, message: str, level: str) -> Response:
    return flash(request, see_other(f"/admin/webhooks/{endpoint.id}"), message, level)


async def endpoint_delete(request: Request) -> Response:
    endpoint = await hooks.get_endpoint(path_id(request))
    await hooks.delete_endpoint(viewer(request), endpoint)
    message = _("The endpoint %(url)s is removed.", url=endpoint.url)
    return flash(request, see_other("/admin/webhooks"), message, "success")


async def endpoint_secret(request: Request) -> Response:
    endpoint = await hooks.get_endpoint(path_id(request))
    secret = await hooks.regenerate_secret(viewer(request), endpoint)
    return render(request, "hooks/secret.html", {"endpoint": endpoint, "secret": secret})


async def endpoint_test(request: Request) -> Response:
    endpoint = await hooks.get_endpoint(path_id(request))
    delivery = await hooks.send_test(viewer(request), endpoint, settings_of(request))
    if delivery.status == DeliveryStatus.SENT:
        return _back(request, endpoint, _("The test event was delivered."), "success")
    message = _("The test event was not delivered: %(error)s", error=delivery.last_error)
    return _back(request, endpoint, message, "error")


async def endpoint_resume(request: Request) -> Response:
    endpoint = await hooks.get_endpoint(path_id(request))
    await hooks.resume_endpoint(viewer(request), endpoint)
    return _back(request, endpoint, _("The endpoint is taken up again."), "success")


async def delivery_replay(request: Request) -> Response:
    delivery = await hooks.replay(viewer(request), await hooks.get_delivery(path_id(request)))
    endpoint = await hooks.get_endpoint(delivery.endpoint_id)
    message = _("The delivery will be sent again within a minute.")
    return _back(request, endpoint, message, "success")


def routes() -> list[BaseRoute]:
    get_post = ("GET", "POST")
    admin = Cap.ADMIN
    return [
        page("/admin/webhooks", endpoints_page, cap=admin, name="hooks:list", methods=get_post),
        page(
            "/admin/webhooks/{id}",
            endpoint_page,
            cap=admin,
            name="hooks:endpoint",
            methods=get_post,
        ),
        page(
            "/admin/webhooks/{id}/delete",
            endpoint_delete,
            cap=admin,
            name="hooks:delete",
            methods=POST,
        ),
        page(
            "/admin/webhooks/{id}/secret",
            endpoint_secret,
            cap=admin,
            name="hooks:secret",
            methods=POST,
        ),
        page(
            "/admin/webhooks/{id}/test", endpoint_test, cap=admin, name="hooks:test", methods=POST
        ),
        page(
            "/admin/webhooks/{id}/resume",
            endpoint_resume,
            cap=admin,
            name="hooks:resume",
            methods=POST,
        ),
        page(
            "/admin/webhook-deliveries/{id}/replay",
            delivery_replay,
            cap=admin,
            name="hooks:replay",
            methods=POST,
        ),
    ]
