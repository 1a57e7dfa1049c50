"""Forms of the privacy area."""

from __future__ import annotations

from opsuite.web.forms import Field
from opsuite.web.i18n import lazy_gettext

L = lazy_gettext

ERASE_CONFIRM = (
    Field(
        "confirm_email",
        L("Type this person's email address to confirm"),
        kind="email",
        max_length=254,
    ),
)
