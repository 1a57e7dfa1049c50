"""Report pages (table, chart, CSV and JSON downloads of the same rows), export downloads and
imports (the JSON API is in reports/api.py, the downloads both serve in reports/downloads.py).
A program's report for its funders, its narrative and share links are in pages/program.py."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from opsuite.caps import Cap
from opsuite.errors import InvalidInput
from opsuite.people.service import active_people_choices
from opsuite.reports.downloads import export_download, report_download
from opsuite.reports.forms import download_format, wants_bom
from opsuite.reports.pages import program
from opsuite.reports.service import exports
from opsuite.reports.service.catalog import (
    GROUP_LABELS,
    KINDS,
    check_kind,
    get_kind,
    kinds_for,
    run_report,
)
from opsuite.reports.service.charts import bar_chart
from opsuite.reports.service.filters import parse_filter
from opsuite.reports.service.scope import scope_for
from opsuite.web.api import page_params
from opsuite.web.http import pager, viewer
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import page
from opsuite.web.templating import render


async def reports_index(request: Request) -> Response:
    scope = await scope_for(viewer(request))
    return render(request, "reports/index.html", {"kinds": kinds_for(scope), "scope": scope})


async def report_page(request: Request) -> Response:
    name = str(request.url.path).rstrip("/").rsplit("/", 1)[-1]
    kind = get_kind(name)
    fmt = download_format(request, "html")
    if fmt != "html":
        report = await run_report(viewer(request), name, request.query_params)
        return report_download(report, fmt, bom=wants_bom(request))
    scope = await scope_for(viewer(request))
    check_kind(scope, kind)
    # Chosen by name: a read-only viewer (a funder) sees no one's name or address here.
    people = (
        await active_people_choices() if "person" in kind.filters and not scope.read_only else []
    )
    context: dict[str, Any] = {
        "kind": kind,
        "scope": scope,
        "people": people,
        "group_labels": GROUP_LABELS,
        "values": dict(request.query_params),
        "error": None,
        "report": None,
    }
    try:
        report_filter = parse_filter(
            request.query_params,
            timezone=viewer(request).timezone,
            groups=kind.groups,
            by_year=kind.by_year,
        )
        report = await kind.build(viewer(request), report_filter)
    except InvalidInput as exc:
        context["error"] = exc
        return render(request, "reports/report.html", context, status=400)
    query = report.filter.query()
    offset, limit = page_params(request)  # the table; the chart and downloads keep every row
    context.update(
        report=report,
        rows=report.rows[offset : offset + limit],
        **pager(len(report.rows), offset, limit),
        chart=bar_chart(report),
        values=query,
        csv_query={**query, "format": "csv"},
        excel_query={**query, "format": "csv", "bom": "1"},
        json_query={**query, "format": "json"},
    )
    return render(request, "reports/report.html", context)


async def exports_page(request: Request) -> Response:
    scope = await scope_for(viewer(request))
    datasets = exports.datasets_for(scope)
    return render(request, "reports/exports.html", {"datasets": datasets, "scope": scope})


def routes() -> list[BaseRoute]:
    # Reports and exports are also open to a program's read-only viewers (a funder): the route
    # lets every signed-in person through and scope_for() decides, raising PermissionDenied.
    report_pages = [
        page(f"/reports/{name}", report_page, cap=Cap.SIGNED_IN, name=f"reports:{name}")
        for name in KINDS
    ]
    return [
        page("/reports", reports_index, cap=Cap.SIGNED_IN, name="reports:index"),
        *report_pages,
        page("/reports/exports", exports_page, cap=Cap.SIGNED_IN, name="reports:exports"),
        page(
            "/reports/imports",
            imports_page,
            cap=Cap.MANAGE,
            name="reports:imports",
            methods=("GET", "POST"),
        ),
        page(
            "/reports/exports/{dataset}",
            export_download,
            cap=Cap.SIGNED_IN,
            name="reports:export",
        ),
        *program.routes(),
    ]


async def imports_page(request: Request) -> Response:
    """Upload a CSV, see a preview with every row's errors, then import (all or valid rows)."""
    from opsuite.reports.service.imports import Mode, import_file

    context: dict[str, Any] = {"result": None, "error": None, "kind": "people", "mode": "dry_run"}
    if request.method == "GET":
        await scope_for(viewer(request))
        return render(request, "reports/imports.html", context)
    form = await request.form()
    kind, mode_text, upload = form.get("kind", ""), form.get("mode", ""), form.get("file")
    context.update(kind=kind, mode=mode_text)
    try:
        if mode_text not in Mode.__members__.values():
            raise InvalidInput(_("Choose from the list."), field="mode")
        if upload is None or isinstance(upload, str) or not upload.filename:
            raise InvalidInput(_("Choose a CSV file to upload."), field="file")
        context["result"] = await import_file(
            viewer(request), str(kind), upload.file, mode=Mode(str(mode_text))
        )
    except InvalidInput as exc:
        context["error"] = exc
        return render(request, "reports/imports.html", context, status=400)
    finally:
        await form.close()  # the spooled upload
    return render(request, "reports/imports.html", context)
