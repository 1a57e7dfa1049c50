"""The downloads the report pages and the API share: a report's rows as CSV or JSON, a
program's report for funders as CSV or JSON (and the addresses it is read at), and the
streamed exports (one handler behind /reports/exports/{dataset} and its /api/v1/ twin)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from opsuite.reports.forms import download_format, wants_bom
from opsuite.reports.service import exports
from opsuite.reports.service.funder import FunderReport
from opsuite.reports.service.model import Report
from opsuite.reports.service.scope import scope_for
from opsuite.reports.service.tabular import csv_lines
from opsuite.web.http import settings_of, viewer

CSV = "text/csv; charset=utf-8"


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


async def export_download(request: Request) -> Response:
    await scope_for(viewer(request))  # those who may export nothing are refused first
    dataset = exports.get_dataset(str(request.path_params["dataset"]))
    fmt = download_format(request, "csv")
    if fmt == "json":
        body = await exports.export_json(viewer(request), dataset)
        media, extension = "application/json", "json"
    else:
        body = await exports.export_csv(viewer(request), dataset, bom=wants_bom(request))
        media, extension = CSV, "csv"
    return StreamingResponse(
        body,
        media_type=media,
        headers={"content-disposition": f'attachment; filename="{dataset.name}.{extension}"'},
    )


def org_zone(request: Request) -> str:
    return settings_of(request).i18n.default_timezone


def share_url(request: Request, token: str) -> str:
    return f"{settings_of(request).server.base_url.rstrip('/')}/shared/reports/{token}"


def program_download(report: FunderReport, fmt: str, *, bom: bool) -> Response:
    """The report as JSON or CSV (a row a month, then the totals; docs/reports.md)."""
    p = report.period
    name = f"program-{report.program.id}-{p.start}-{p.end}"
    if fmt == "json":
        disposition = f'attachment; filename="{name}.json"'
        return JSONResponse(report.as_json(), headers={"content-disposition": disposition})
    return StreamingResponse(
        iter(csv_lines(report.header(), report.table(), bom=bom)),
        media_type=CSV,
        headers={"content-disposition": f'attachment; filename="{name}.csv"'},
    )
