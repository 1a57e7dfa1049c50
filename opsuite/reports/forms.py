"""Raw input of the reports area to typed values or field errors: the format a download is
asked for and whether its CSV starts with a byte order mark (pages and API alike), and the
forms of a program's report (its narrative, a share link, the period presets)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from opsuite.errors import InvalidInput
from opsuite.reports.service.sharing import MAX_NARRATIVE
from opsuite.web.forms import Field, parse_date
from opsuite.web.i18n import gettext as _
from opsuite.web.i18n import lazy_gettext as L


def wants_bom(request: Request) -> bool:
    return request.query_params.get("bom", "") in ("1", "on", "true")


def download_format(request: Request, default: str) -> str:
    wanted = request.query_params.get("format", default)
    if wanted not in ("html", "csv", "json"):
        raise InvalidInput(_("Choose csv or json."), field="format")
    return wanted


def _day_or_none(value: object) -> str | None:
    return None if parse_date(str(value)) else _("Enter a date like 2026-03-31.")


def period_choices() -> list[tuple[str, Any]]:
    return [
        ("last_month", L("Last month")),
        ("last_quarter", L("Last quarter")),
        ("last_year", L("Last year")),
        ("custom", L("Custom dates")),
    ]


# A program report's narrative: plain text with a little Markdown (reports.service.prose).
NARRATIVE = (
    Field(
        "narrative",
        L("Narrative"),
        kind="textarea",
        required=False,
        max_length=MAX_NARRATIVE,
        help=L(
            "What the figures do not say: what happened, what changed, what comes next. "
            'A blank line starts a paragraph, "- " a list item, **bold** is bold.'
        ),
    ),
)
# A share link: a note of whom it is for, and the last day it works (none: until revoked).
SHARE_LINK = (
    Field("label", L("For whom (a note)"), required=False, max_length=120),
    Field(
        "expires_on",
        L("Works until (inclusive)"),
        required=False,
        max_length=10,
        validate=_day_or_none,
        help=L("Leave empty for a link that works until you revoke it."),
    ),
)
