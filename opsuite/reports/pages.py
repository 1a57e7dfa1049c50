"""Report pages (table, chart, CSV and JSON downloads of the same rows) and export downloads."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import BaseRoute

from opsuite.auth.models import User
from opsuite.caps import Cap
from opsuite.errors import InvalidInput
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
from opsuite.reports.service.model import Report
from opsuite.reports.service.scope import scope_for
from opsuite.reports.service.tabular import csv_lines
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import ApiDoc, api, page
from opsuite.web.templating import render

CSV = "text/csv; charset=utf-8"


def viewer(request: Request) -> User:
    user: User = request.state.user
    return user


def _wants_bom(request: Request) -> bool:
    return request.query_params.get("bom", "") in ("1", "on", "true")


def _format(request: Request, default: str) -> str:
    wanted = request.query_params.get("format", default)
    if wanted not in ("html", "csv", "json"):
        raise InvalidInput(_("Choose csv or json."), field="format")
    return wanted


def _filename(report: Report, extension: str) -> str:
    f = report.filter
    return f"{report.name}-{f.group}-{f.start}-{f.end}.{extension}"


def report_download(report: Report, fmt: str, *, bom: bool) -> Response:
    """The report's rows as CSV or JSON: exactly the rows of the page with the same filters."""
    if fmt == "json":
        return JSONResponse(
            report.as_json(),
            headers={"content-disposition": f'attachment; filename="{_filename(report, "json")}"'},
        )
    return StreamingResponse(
        iter(csv_lines(report.header(), report.table(), bom=bom)),
        media_type=CSV,
        headers={"content-disposition": f'attachment; filename="{_filename(report, "csv")}"'},
    )


async def reports_index(request: Request) -> Response:
    scope = await scope_for(viewer(request))
    return render(request, "reports/index.html", {"kinds": kinds_for(scope), "scope": scope})


async def report_page(request: Request) -> Response:
    name = str(request.url.path).rstrip("/").rsplit("/", 1)[-1]
    kind = get_kind(name)
    fmt = _format(request, "html")
    if fmt != "html":
        report = await run_report(viewer(request), name, request.query_params)
        return report_download(report, fmt, bom=_wants_bom(request))
    scope = await scope_for(viewer(request))
    check_kind(scope, kind)
    context: dict[str, Any] = {
        "kind": kind,
        "scope": scope,
        "group_labels": GROUP_LABELS,
        "values": dict(request.query_params),
        "error": None,
        "report": None,
    }
    try:
        report_filter = parse_filter(
            request.query_params, timezone=viewer(request).timezone, groups=kind.groups
        )
        report = await kind.build(viewer(request), report_filter)
    except InvalidInput as exc:
        context["error"] = exc
        return render(request, "reports/report.html", context, status=400)
    query = report.filter.query()
    context.update(
        report=report,
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


async def export_download(request: Request) -> Response:
    await scope_for(viewer(request))  # those who may export nothing are refused first
    dataset = exports.get_dataset(str(request.path_params["dataset"]))
    fmt = _format(request, "csv")
    if fmt == "json":
        body = await exports.export_json(viewer(request), dataset)
        media, extension = "application/json", "json"
    else:
        body = await exports.export_csv(viewer(request), dataset, bom=_wants_bom(request))
        media, extension = CSV, "csv"
    return StreamingResponse(
        body,
        media_type=media,
        headers={"content-disposition": f'attachment; filename="{dataset.name}.{extension}"'},
    )


async def api_report(request: Request) -> Response:
    name = str(request.path_params["report"])
    report = await run_report(viewer(request), name, request.query_params)
    fmt = _format(request, "json")
    if fmt == "csv":
        return report_download(report, fmt, bom=_wants_bom(request))
    return JSONResponse(report.as_json())


REPORT_SCHEMA = {
    "type": "object",
    "required": ["report", "title", "filter", "columns", "rows"],
    "properties": {
        "report": {"type": "string", "enum": list(KINDS)},
        "title": {"type": "string"},
        "filter": {"type": "object", "additionalProperties": {"type": "string"}},
        "columns": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "key": {"type": "string"},
                    "label": {"type": "string"},
                    "numeric": {"type": "boolean"},
                },
            },
        },
        "rows": {"type": "array", "items": {"type": "object"}},
        "totals": {"type": "object"},
    },
}


def _query(name: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "description": description,
        "schema": schema or {"type": "string"},
    }


REPORT_PARAMS = (
    _query("start", "first day, YYYY-MM-DD (default: first day of this month)"),
    _query("end", "last day, YYYY-MM-DD, inclusive (default: last day of this month)"),
    _query("group", "grouping; the report's first one by default"),
    _query("program", "program id", {"type": "integer"}),
    _query("opportunity", "opportunity id", {"type": "integer"}),
    _query("team", "team id", {"type": "integer"}),
    _query("board", "board id", {"type": "integer"}),
    _query("person", "person id", {"type": "integer"}),
    _query("format", "json (default) or csv", {"type": "string", "enum": ["json", "csv"]}),
)
EXPORT_PARAMS = (
    _query("format", "csv (default) or json", {"type": "string", "enum": ["csv", "json"]}),
    _query("bom", "1: start the CSV with a byte order mark, for Excel"),
)


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
        api(
            "/api/v1/reports/exports/{dataset}",
            export_download,
            cap=Cap.SIGNED_IN,
            name="api:report_export",
            doc=ApiDoc(
                "Export people, shifts, signups, hours, meetings or tasks (CSV or JSON), "
                "streamed; managers get what belongs to what they run, a program's read-only "
                "viewers its shifts, sign-ups and hours without contact data",
                response={"type": "array", "items": {"type": "object"}},
                params=EXPORT_PARAMS,
            ),
        ),
        api(
            "/api/v1/reports/{report}",
            api_report,
            cap=Cap.SIGNED_IN,
            name="api:report",
            doc=ApiDoc(
                "A report (hours, fill, coverage or throughput) with its filters",
                response=REPORT_SCHEMA,
                params=REPORT_PARAMS,
            ),
        ),
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
