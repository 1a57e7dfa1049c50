"""The webhook endpoint form: what an admin types (the rules are the service's)."""

from __future__ import annotations

from opsuite.hooks.events import kind_choices
from opsuite.web.forms import Field
from opsuite.web.i18n import lazy_gettext as L

ENDPOINT = (
    Field(
        "url",
        L("Address"),
        max_length=500,
        help=L("Where opsuite posts the events, for example https://example.org/opsuite-events"),
    ),
    Field("description", L("Description"), required=False, max_length=200),
    Field("events", L("Events"), kind="multiselect", choices=kind_choices),
)
EDIT = (*ENDPOINT, Field("active", L("Active"), kind="bool", required=False))
