"""A program's report for its funders and board (``/reports/programs/{id}``): the figures of a
period, its narrative, charts and month table, printable on A4 and downloadable as CSV and
JSON; its managers write the narrative and share it by revocable read-only links, which open
``/shared/reports/{token}``: the report alone, no menu, for someone without an account."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from opsuite.auth.permissions import can
from opsuite.caps import Cap
from opsuite.errors import FieldErrors, InvalidInput, NotFound
from opsuite.reports.downloads import org_zone, program_download, share_url
from opsuite.reports.forms import NARRATIVE, SHARE_LINK, download_format, period_choices, wants_bom
from opsuite.reports.service import sharing
from opsuite.reports.service.charts import bar_chart
from opsuite.reports.service.funder import FunderReport, Period, charts_of, parse_period
from opsuite.reports.service.prose import narrative_html
from opsuite.web.context import flash
from opsuite.web.forms import Form, parse_date
from opsuite.web.http import path_id, see_other, viewer
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import page
from opsuite.web.templating import render


def body_context(report: FunderReport) -> dict[str, Any]:
    """What the report's body (templates/reports/_program_body.html) draws."""
    hours_chart, places_chart = charts_of(report)
    return {
        "report": report,
        "narrative": narrative_html(report.narrative_text),
        "hours_chart": bar_chart(hours_chart, key="hours-chart"),
        "places_chart": bar_chart(places_chart, key="places-chart"),
    }


async def _page(
    request: Request,
    period: Period,
    *,
    forms: Mapping[str, Form] | None = None,
    new_link: sharing.NewLink | None = None,
    error: InvalidInput | None = None,
    status: int = 200,
) -> Response:
    user = viewer(request)
    report = await sharing.program_report(user, path_id(request), period)
    manages = await can(user, Cap.MANAGE, report.program)
    query = period.query()
    context: dict[str, Any] = {
        **body_context(report),
        "period": period,
        "presets": period_choices(),
        "values": dict(request.query_params)
        if error
        else {**query, "start": period.start.isoformat(), "end": period.end.isoformat()},
        "error": error,
        "manages": manages,
        "links": await sharing.list_links(user, report.program.id, period) if manages else [],
        "is_expired": lambda link: sharing.is_expired(link, period.timezone),
        "narrative_form": Form.blank(NARRATIVE, {"narrative": report.narrative_text}),
        "link_form": Form.blank(SHARE_LINK),
        "new_link": new_link,
        "new_url": share_url(request, new_link.token) if new_link else "",
        "csv_query": {**query, "format": "csv"},
        "excel_query": {**query, "format": "csv", "bom": "1"},
        "json_query": {**query, "format": "json"},
        **(forms or {}),
    }
    return render(request, "reports/program.html", context, status=status)


async def program_report_page(request: Request) -> Response:
    fmt = download_format(request, "html")
    try:
        period = parse_period(request.query_params, timezone=org_zone(request))
    except InvalidInput as exc:
        if fmt != "html":
            raise
        # The form again with what was typed and why; the figures of last month below it.
        fallback = parse_period({}, timezone=org_zone(request))
        return await _page(request, fallback, error=exc, status=400)
    if fmt != "html":
        report = await sharing.program_report(viewer(request), path_id(request), period)
        return program_download(report, fmt, bom=wants_bom(request))
    return await _page(request, period)


def _back(request: Request, period: Period, message: str) -> Response:
    query = "&".join(f"{k}={v}" for k, v in period.query().items())
    target = f"/reports/programs/{path_id(request)}?{query}"
    return flash(request, see_other(target), message, "success")


async def narrative_save(request: Request) -> Response:
    form_data = await request.form()
    period = parse_period(form_data, timezone=org_zone(request))  # type: ignore[arg-type]
    form = Form.bind(NARRATIVE, form_data)
    if form.is_valid:
        text = str(form.cleaned["narrative"])
        await sharing.save_narrative(viewer(request), path_id(request), period, text)
        return _back(request, period, _("The narrative is saved."))
    return await _page(request, period, forms={"narrative_form": form}, status=400)


async def link_create(request: Request) -> Response:
    form_data = await request.form()
    period = parse_period(form_data, timezone=org_zone(request))  # type: ignore[arg-type]
    form = Form.bind(SHARE_LINK, form_data)
    if form.is_valid:
        try:
            new = await sharing.create_link(
                viewer(request),
                path_id(request),
                period,
                label=str(form.cleaned["label"]),
                expires_on=parse_date(str(form.cleaned["expires_on"])),
            )
        except InvalidInput as exc:
            form.absorb(FieldErrors({exc.field or "label": exc.message}))
        else:
            return await _page(request, period, new_link=new)
    return await _page(request, period, forms={"link_form": form}, status=400)


async def link_revoke(request: Request) -> Response:
    form_data = await request.form()
    period = parse_period(form_data, timezone=org_zone(request))  # type: ignore[arg-type]
    await sharing.revoke_link(viewer(request), path_id(request), path_id(request, "link_id"))
    return _back(request, period, _("The link is revoked; it no longer opens the report."))


async def shared_page(request: Request) -> Response:
    """The report behind a share link, or a plain page saying the link is unknown or gone."""
    request.state.session_slid = False  # nothing of a session belongs to a shared address
    try:
        report = await sharing.shared_report(
            str(request.path_params["token"]), timezone=org_zone(request)
        )
    except NotFound as exc:  # LinkGoneError is one (410)
        context = {"status": exc.status, "message": exc.message}
        response = render(request, "reports/shared_gone.html", context, status=exc.status)
    else:
        response = render(request, "reports/shared.html", body_context(report))
    response.headers["cache-control"] = "private, no-store"
    response.headers["x-robots-tag"] = "noindex"
    response.headers["referrer-policy"] = "no-referrer"
    return response


def routes() -> list[BaseRoute]:
    # The report is open to the program's managers and to its read-only viewers (a funder):
    # the service asks the permission module (scope_for, program_in_scope). Writing the
    # narrative and the links needs one who runs the program (authorize Cap.MANAGE on it).
    base = "/reports/programs/{id}"
    return [
        page(base, program_report_page, cap=Cap.SIGNED_IN, name="reports:program"),
        page(
            f"{base}/narrative",
            narrative_save,
            cap=Cap.MANAGE,
            name="reports:program_narrative",
            methods=("POST",),
        ),
        page(
            f"{base}/links",
            link_create,
            cap=Cap.MANAGE,
            name="reports:program_link_create",
            methods=("POST",),
        ),
        page(
            f"{base}/links/{{link_id}}/revoke",
            link_revoke,
            cap=Cap.MANAGE,
            name="reports:program_link_revoke",
            methods=("POST",),
        ),
        page("/shared/reports/{token}", shared_page, cap=Cap.PUBLIC, name="reports:shared"),
    ]
