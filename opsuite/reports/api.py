"""The reports JSON API under /api/v1/: a report by name with its filters, and the exports
(CSV or JSON, streamed, by the same handler as the export page)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from opsuite.caps import Cap
from opsuite.reports.downloads import export_download, report_download
from opsuite.reports.forms import download_format, wants_bom
from opsuite.reports.service.catalog import KINDS, run_report
from opsuite.web.http import viewer
from opsuite.web.routing import ApiDoc, api


async def api_report(request: Request) -> Response:
    name = str(request.path_params["report"])
    report = await run_report(viewer(request), name, request.query_params)
    fmt = download_format(request, "json")
    if fmt == "csv":
        return report_download(report, fmt, bom=wants_bom(request))
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
    # Open to every signed-in person, as the pages are: scope_for() decides (PermissionDenied).
    return [
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
