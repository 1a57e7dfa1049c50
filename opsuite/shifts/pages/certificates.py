"""Certificates of service: a volunteer gets one from "My shifts", a coordinator issues one
from the hours page, the certificate page prints as A4, and ``/verify/<code>`` lets anyone
check one."""

from __future__ import annotations

from datetime import date
from typing import Any

import segno
from babel.dates import format_interval as babel_format_interval
from babel.numbers import format_decimal
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from opsuite import clock
from opsuite.auth.models import User
from opsuite.caps import Cap
from opsuite.errors import InvalidInput, NotFound
from opsuite.people.service import get_person
from opsuite.shifts import certificates, forms
from opsuite.shifts.models import Certificate
from opsuite.web.context import flash
from opsuite.web.forms import Form, parse_id
from opsuite.web.http import path_id, see_other, settings_of, viewer
from opsuite.web.i18n import babel_locale, format_date, use_locale
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import page
from opsuite.web.templating import render, render_string


async def own_form(user: User, data: Any = None) -> Form:
    """The "Get a certificate of service" form of "My shifts": it offers the programs the
    volunteer served in; a submitted one takes any program, so the service can say clearly
    that there are no hours in it."""
    if data is None:
        programs = [(str(p.id), p.name) for p in await certificates.served_programs(user.id)]
        fields = forms.certificate_fields(programs)
        return Form.blank(fields, forms.certificate_initial(clock.now().date()))
    return Form.bind(forms.certificate_fields(await forms.program_choices()), data)


async def coordinator_form(user: User, data: Any = None) -> Form:
    """The hours page's form: a coordinator issues a certificate for one of their volunteers."""
    from opsuite.shifts.planning import managed_programs

    people = [(str(i), name) for i, name in await certificates.certifiable_volunteers(user)]
    if data is None:
        programs = [(str(p.id), p.name) for p in await managed_programs(user)]
        fields = forms.certificate_fields(programs, people)
        return Form.blank(fields, forms.certificate_initial(clock.now().date()))
    return Form.bind(forms.certificate_fields(await forms.program_choices(), people), data)


async def _issue(request: Request, form: Form, volunteer: User) -> Response:
    if form.is_valid:
        try:
            certificate = await certificates.issue_certificate(
                viewer(request),
                volunteer,
                settings=settings_of(request),
                **forms.certificate_input(form.cleaned),
            )
        except InvalidInput as exc:
            form.add_error(exc.field or "period_start", exc.message)
        else:
            message = _("Certificate %(number)s is ready to print.", number=certificate.number)
            target = f"/shifts/certificates/{certificate.id}"
            return flash(request, see_other(target), message, "success")
    context = {"form": form, "action": request.url.path}
    return render(request, "shifts/certificate_form.html", context, status=400)


async def issue_mine(request: Request) -> Response:
    user = viewer(request)
    return await _issue(request, await own_form(user, await request.form()), user)


async def issue_for(request: Request) -> Response:
    form = await coordinator_form(viewer(request), await request.form())
    volunteer_id = parse_id(str(form.cleaned.get("volunteer", "")))
    volunteer = await get_person(volunteer_id) if volunteer_id else viewer(request)
    return await _issue(request, form, volunteer)


def hours_text(minutes: int) -> str:
    """Hours with at most two decimals, as the current language writes numbers."""
    return format_decimal(minutes / 60, "#,##0.##", locale=babel_locale())


def qr_svg(url: str, *, fluid: bool = False) -> Markup:
    """The address as an inline SVG QR code; ``fluid``: sized by the page's CSS (a viewBox,
    no width and height), as the door's code that fills a phone or a printed page."""
    code = segno.make(url, error="m")
    svg = code.svg_inline(scale=3, title=_("QR code of the address"), omitsize=fluid)
    # segno's own markup: the address is drawn as modules, never written out as text.
    return Markup(svg)  # noqa: S704  # nosec B704


def certificate_body(request: Request, certificate: Certificate) -> Markup:
    """The certificate itself, in its own language whatever the viewer reads the page in."""
    url = certificates.verify_url(settings_of(request), certificate)
    content = certificate.content
    with use_locale(certificate.locale, str(request.state.timezone)):
        rows = [
            {
                **row,
                "dates": [format_date(date.fromisoformat(d)) for d in row["dates"]],
                "hours": hours_text(row["minutes"]),
            }
            for row in content["programs"]
        ]
        html = render_string(
            "shifts/_certificate.html",
            {
                "certificate": certificate,
                "content": content,
                "rows": rows,
                "period": format_span_of_days(certificate.period_start, certificate.period_end),
                "total": hours_text(content["total_minutes"]),
                "issued_on": format_date(date.fromisoformat(content["issued_on"]), "long"),
                "url": url,
                "qr": qr_svg(url),
            },
        )
    # our own template, autoescaped as every other one
    return Markup(html)  # noqa: S704  # nosec B704


async def certificate_page(request: Request) -> Response:
    certificate = await certificates.get_certificate(viewer(request), path_id(request))
    return render(
        request,
        "shifts/certificate.html",
        {
            "certificate": certificate,
            "body": certificate_body(request, certificate),
            "lang": "zh-Hans" if certificate.locale == "zh_Hans" else "en",
        },
    )


async def verify_page(request: Request) -> Response:
    try:
        found = await certificates.verify(settings_of(request), request.path_params["code"])
    except NotFound:
        return render(request, "shifts/verify.html", {"found": None}, status=404)
    certificate = found.certificate
    context = {
        "found": found,
        "content": certificate.content,
        "hours": hours_text(int(certificate.content.get("total_minutes", 0))),
        "period": format_span_of_days(certificate.period_start, certificate.period_end),
    }
    return render(request, "shifts/verify.html", context, status=200 if found.is_genuine else 409)


def format_span_of_days(start: date, end: date) -> str:
    """A range of days as the language writes it (CLDR intervals: 2026年1月1日至3月31日)."""
    return str(babel_format_interval(start, end, "yMMMd", locale=babel_locale()))


def routes() -> list[BaseRoute]:
    post = ("POST",)
    return [
        page(
            "/shifts/mine/certificates",
            issue_mine,
            cap=Cap.SIGNED_IN,
            name="shifts:certificate_mine",
            methods=post,
        ),
        page(
            "/shifts/hours/certificates",
            issue_for,
            cap=Cap.MANAGE,
            name="shifts:certificate_for",
            methods=post,
        ),
        page(
            "/shifts/certificates/{id}",
            certificate_page,
            cap=Cap.SIGNED_IN,
            name="shifts:certificate",
        ),
        page("/verify/{code}", verify_page, cap=Cap.PUBLIC, name="shifts:verify"),
    ]
