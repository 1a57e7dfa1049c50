"""The reports JSON API under /api/v1/: a report by name with its filters, the exports (CSV or
JSON, streamed, by the same handler as the export page), and a program's report for funders
with its narrative and share links (the same services as reports/pages/program.py), and a
CSV import of people or shifts (the import page's service)."""

from __future__ import annotations

import io
from typing import Annotated, Any, Literal

from pydantic import Field, RootModel
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from opsuite.caps import Cap
from opsuite.errors import InvalidInput
from opsuite.reports.downloads import (
    export_download,
    org_zone,
    report_download,
    share_url,
)
from opsuite.reports.forms import NARRATIVE, SHARE_LINK, download_format, wants_bom
from opsuite.reports.models import ReportShareLink
from opsuite.reports.service import sharing
from opsuite.reports.service.catalog import run_report
from opsuite.reports.service.funder import FIGURES, PRESETS, Period, parse_period
from opsuite.reports.service.imports import Mode, import_file
from opsuite.web.api import form_data_from_json, page_params, paginated, typed_body
from opsuite.web.forms import Form, parse_date
from opsuite.web.http import path_id, viewer
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import ApiDoc, api
from opsuite.web.typed import DateText, DateTimeText, RequestBody, ResponseBody, absent


async def api_report(request: Request) -> Response:
    name = str(request.path_params["report"])
    report = await run_report(viewer(request), name, request.query_params)
    fmt = download_format(request, "json")
    if fmt == "csv":
        return report_download(report, fmt, bom=wants_bom(request))
    return JSONResponse(report.as_json())


class ReportExport(RootModel[list[dict[str, Any]]]):
    pass


class ProgramReportProgram(ResponseBody):
    id: int = absent()
    name: str = absent()


class ProgramReportPeriod(ResponseBody):
    preset: Literal["last_month", "last_quarter", "last_year", "custom"] = absent()
    start: DateText = absent()
    end: DateText = absent()
    timezone: str = absent()


class Figures(ResponseBody):
    approved_hours: float
    volunteers_active: int
    shifts_held: int
    places: int
    places_filled: int
    fill_rate_percent: float
    meetings_held: int
    tasks_done: int


class ProgramReportNarrative(ResponseBody):
    text: str = absent()
    updated_at: DateTimeText | None = None


class ProgramReport(ResponseBody):
    program: ProgramReportProgram
    period: ProgramReportPeriod
    totals: Figures
    months: list[Any]
    narrative: ProgramReportNarrative
    generated_at: DateTimeText


class NarrativeInput(RequestBody):
    period: Literal["last_month", "last_quarter", "last_year", "custom"] = absent(
        description="last_month by default"
    )
    start: DateText = absent(description="with period=custom")
    end: DateText = absent(description="with period=custom, inclusive")
    # Optional as in the page's form: an empty narrative clears it.
    narrative: Annotated[str, Field(max_length=sharing.MAX_NARRATIVE)] = absent(
        description="the manager's text; empty or left out clears it"
    )


class NarrativeAnswer(ResponseBody):
    program_id: int = absent()
    start: DateText = absent()
    end: DateText = absent()
    text: str = absent()
    updated_at: DateTimeText = absent()


class ReportLinkCreate(RequestBody):
    period: Literal["last_month", "last_quarter", "last_year", "custom"] = absent(
        description="last_month by default"
    )
    start: DateText = absent(description="with period=custom")
    end: DateText = absent(description="with period=custom, inclusive")
    label: Annotated[str, Field(max_length=120)] = absent()
    expires_on: DateText = absent(description="last day it works")


class ReportLink(ResponseBody):
    id: int
    program_id: int
    start: DateText
    end: DateText
    label: str = absent()
    starts_with: str = absent()
    expires_on: DateText | None = None
    state: Literal["open", "expired", "revoked"]
    created_at: DateTimeText
    last_used_at: DateTimeText | None = None
    revoked_at: DateTimeText | None = None
    url: str = absent(description="only when the link was just created")


class ProgramLinkRevoke(ResponseBody):
    revoked: bool = absent()


class ReportColumn(ResponseBody):
    key: str = absent()
    label: str = absent()
    numeric: bool = absent()


class Report(ResponseBody):
    report: Literal["hours", "fill", "applications", "no_shows", "coverage", "leave", "throughput"]
    title: str
    filter: dict[str, str]
    columns: list[ReportColumn]
    rows: list[dict[str, Any]]
    totals: dict[str, Any] = absent()


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
PERIOD_KEYS = ("period", "start", "end")


def _body_period(request: Request, body: dict[str, Any]) -> Period:
    """The period named in a JSON body (as the page's query: period, start, end)."""
    given: dict[str, str] = {}
    for key in PERIOD_KEYS:
        value = body.pop(key, "")
        if not isinstance(value, str):
            raise InvalidInput(_("Expected text."), field=key)
        given[key] = value
    return parse_period(given, timezone=org_zone(request))


async def api_program_report(request: Request) -> Response:
    """JSON only: the CSV is the report page's ``?format=csv`` (one content type here)."""
    period = parse_period(request.query_params, timezone=org_zone(request))
    report = await sharing.program_report(viewer(request), path_id(request), period)
    return JSONResponse(report.as_json())


async def api_narrative(request: Request) -> Response:
    body = await typed_body(request, NarrativeInput)
    period = _body_period(request, body)
    form = Form.bind(NARRATIVE, form_data_from_json(NARRATIVE, body, {}))
    form.raise_if_invalid()
    narrative = await sharing.save_narrative(
        viewer(request), path_id(request), period, str(form.cleaned["narrative"])
    )
    return JSONResponse(
        {
            "program_id": narrative.program_id,
            "start": narrative.starts_on.isoformat(),
            "end": narrative.ends_on.isoformat(),
            "text": narrative.text,
            "updated_at": narrative.updated_at.isoformat(),
        }
    )


def link_json(link: ReportShareLink, timezone: str) -> dict[str, Any]:
    state = "open"
    if link.revoked_at is not None:
        state = "revoked"
    elif sharing.is_expired(link, timezone):
        state = "expired"
    return {
        "id": link.id,
        "program_id": link.program_id,
        "start": link.starts_on.isoformat(),
        "end": link.ends_on.isoformat(),
        "label": link.label,
        "starts_with": link.prefix,
        "expires_on": link.expires_on.isoformat() if link.expires_on else None,
        "state": state,
        "created_at": link.created_at.isoformat(),
        "last_used_at": link.last_used_at.isoformat() if link.last_used_at else None,
        "revoked_at": link.revoked_at.isoformat() if link.revoked_at else None,
    }


async def api_links(request: Request) -> Response:
    zone = org_zone(request)
    if request.method == "GET":
        period = parse_period(request.query_params, timezone=zone)
        offset, limit = page_params(request)
        links = await sharing.list_links(viewer(request), path_id(request), period)
        items = [link_json(link, zone) for link in links]
        return paginated(items[offset : offset + limit], len(items), offset, limit)
    body = await typed_body(request, ReportLinkCreate)
    period = _body_period(request, body)
    form = Form.bind(SHARE_LINK, form_data_from_json(SHARE_LINK, body, {}))
    form.raise_if_invalid()
    new = await sharing.create_link(
        viewer(request),
        path_id(request),
        period,
        label=str(form.cleaned["label"]),
        expires_on=parse_date(str(form.cleaned["expires_on"])),
    )
    return JSONResponse(
        {**link_json(new.link, zone), "url": share_url(request, new.token)}, status_code=201
    )


async def api_link_revoke(request: Request) -> Response:
    await sharing.revoke_link(viewer(request), path_id(request), path_id(request, "link_id"))
    return JSONResponse({"revoked": True})


FIGURES_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": list(FIGURES),
    "properties": {
        name: {"type": "number" if name.endswith(("hours", "percent")) else "integer"}
        for name in FIGURES
    },
}
PERIOD_PROPERTIES: dict[str, Any] = {
    "period": {"type": "string", "enum": list(PRESETS), "description": "last_month by default"},
    "start": {"type": "string", "format": "date", "description": "with period=custom"},
    "end": {"type": "string", "format": "date", "description": "with period=custom, inclusive"},
}
PERIOD_PARAMS = (
    _query(
        "period",
        "last_month (default), last_quarter, last_year or custom",
        {"type": "string", "enum": list(PRESETS)},
    ),
    _query("start", "with period=custom: first day, YYYY-MM-DD (organisation's dates)"),
    _query("end", "with period=custom: last day, YYYY-MM-DD, inclusive"),
)
EXPORT_PARAMS = (
    _query("format", "csv (default) or json", {"type": "string", "enum": ["csv", "json"]}),
    _query("bom", "1: start the CSV with a byte order mark, for Excel"),
)


class ImportInput(RequestBody):
    kind: Literal["people", "shifts"]
    mode: Mode = Field(
        description="dry_run checks only; all imports only when every row is valid; "
        "only_valid imports the valid rows"
    )
    csv: str = Field(description="the file's text with its header row (the import page's columns)")


class ImportRowError(ResponseBody):
    line: int = Field(description="line in the file; the header is line 1")
    column: str
    message: str


class ImportAnswer(ResponseBody):
    kind: str
    mode: Mode
    encoding: str = absent()
    rows: int
    valid: int
    imported: int
    error_count: int
    errors: list[ImportRowError] = Field(description="the first thousand")
    preview: list[dict[str, str]] = absent()


async def api_import(request: Request) -> Response:
    """The import page's service, with the file as text in the JSON body."""
    body = await typed_body(request, ImportInput)
    if not body["csv"].strip():
        raise InvalidInput(_("Choose a CSV file to upload."), field="csv")
    result = await import_file(
        viewer(request), body["kind"], io.BytesIO(body["csv"].encode("utf-8")),
        mode=Mode(body["mode"]),
    )  # fmt: skip
    return JSONResponse(
        {
            "kind": result.kind,
            "mode": result.mode.value,
            "encoding": result.encoding,
            "rows": result.rows,
            "valid": result.valid,
            "imported": result.imported,
            "error_count": result.error_count,
            "errors": [
                {"line": e.line, "column": e.column, "message": e.message} for e in result.errors
            ],
            "preview": result.preview,
        }
    )


def routes() -> list[BaseRoute]:
    # Open to every signed-in person, as the pages are: scope_for() decides (PermissionDenied).
    return [
        api(
            "/api/v1/imports",
            api_import,
            cap=Cap.MANAGE,
            name="api:imports",
            methods=("POST",),
            doc=ApiDoc(
                "Check or import a CSV of people or shifts (managers; the columns are the "
                "import page's); answers each row's errors and how many were imported",
                request=ImportInput,
                response=ImportAnswer,
            ),
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
                response=ReportExport,
                params=EXPORT_PARAMS,
            ),
        ),
        api(
            "/api/v1/reports/programs/{id}",
            api_program_report,
            cap=Cap.SIGNED_IN,
            name="api:program_report",
            doc=ApiDoc(
                "A program's report for funders over a period (organisation's dates): approved "
                "hours, volunteers active, shifts held and filled, meetings held, tasks done, "
                "in total and a month at a time, and the narrative; its managers and read-only "
                "viewers (the CSV: the report page with format=csv)",
                response=ProgramReport,
                params=PERIOD_PARAMS,
            ),
        ),
        api(
            "/api/v1/reports/programs/{id}/narrative",
            api_narrative,
            cap=Cap.MANAGE,
            name="api:program_narrative",
            methods=("PUT",),
            doc=ApiDoc(
                "Write the narrative of a program's report for a period (who runs the program)",
                request=NarrativeInput,
                response=NarrativeAnswer,
            ),
        ),
        api(
            "/api/v1/reports/programs/{id}/links",
            api_links,
            cap=Cap.MANAGE,
            name="api:program_links",
            methods=("GET", "POST"),
            doc=ApiDoc(
                "Read-only links to a program's report for a period; POST makes one (its url "
                "is in the answer once)",
                request=ReportLinkCreate,
                response=ReportLink,
                params=PERIOD_PARAMS,
                paginated=True,
            ),
        ),
        api(
            "/api/v1/reports/programs/{id}/links/{link_id}/revoke",
            api_link_revoke,
            cap=Cap.MANAGE,
            name="api:program_link_revoke",
            methods=("POST",),
            doc=ApiDoc(
                "Stop a report link at once (it then answers 410)",
                response=ProgramLinkRevoke,
            ),
        ),
        api(
            "/api/v1/reports/{report}",
            api_report,
            cap=Cap.SIGNED_IN,
            name="api:report",
            doc=ApiDoc(
                "A report (hours, fill, coverage or throughput) with its filters",
                response=Report,
                params=REPORT_PARAMS,
            ),
        ),
    ]
