"""The chat channel form: what a manager types to add a channel (the rules are the service's)."""

from __future__ import annotations

from opsuite.chat.models import ChatKind
from opsuite.web.forms import Field
from opsuite.web.i18n import lazy_gettext as L


def _languages() -> list[tuple[str, object]]:
    return [("en", "English"), ("zh_Hans", "简体中文")]


CHANNEL = (
    Field("kind", L("Platform"), kind="select", max_length=12, choices=ChatKind.choices),
    Field("name", L("Name"), max_length=100, help=L("For example: Food bank volunteers group")),
    Field(
        "webhook_url",
        L("Webhook address"),
        max_length=500,
        help=L("The address the platform shows when you add the robot (https://...)."),
    ),
    Field(
        "secret",
        L("Signing secret (DingTalk)"),
        required=False,
        max_length=200,
        help=L("Only for a DingTalk robot set to sign its messages (加签): the SEC... secret."),
    ),
    Field(
        "language",
        L("Language of the posts"),
        kind="select",
        max_length=12,
        choices=_languages,
    ),
)
