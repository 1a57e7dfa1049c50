"""Raw input of the reports area to typed values or field errors: the format a download is
asked for and whether its CSV starts with a byte order mark (pages and API alike)."""

from __future__ import annotations

from starlette.requests import Request

from opsuite.errors import InvalidInput
from opsuite.web.i18n import gettext as _


def wants_bom(request: Request) -> bool:
    return request.query_params.get("bom", "") in ("1", "on", "true")


def download_format(request: Request, default: str) -> str:
    wanted = request.query_params.get("format", default)
    if wanted not in ("html", "csv", "json"):
        raise InvalidInput(_("Choose csv or json."), field="format")
    return wanted
