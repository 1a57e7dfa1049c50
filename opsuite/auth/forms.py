from __future__ import annotations

from typing import TYPE_CHECKING, Any

from opsuite.web.forms import Field
from opsuite.web.i18n import LANGUAGE_NAMES, all_timezones, lazy_gettext

if TYPE_CHECKING:
    from opsuite.auth.models import User

L = lazy_gettext


def locale_choices() -> list[tuple[str, str]]:
    return list(LANGUAGE_NAMES.items())


def timezone_choices() -> list[tuple[str, str]]:
    return [(tz, tz) for tz in all_timezones()]


LOGIN = (
    Field("email", L("Email"), kind="email", max_length=254),
    Field("password", L("Password"), kind="password"),
)
REGISTER = (
    Field("name", L("Full name"), max_length=120),
    Field("email", L("Email"), kind="email", max_length=254),
    Field("timezone", L("Time zone"), kind="tz", max_length=64),
    Field("locale", L("Language"), kind="select", choices=locale_choices),
    Field("password", L("Password"), kind="password"),
)
FORGOT = (Field("email", L("Email"), kind="email", max_length=254),)
SET_PASSWORD = (Field("password", L("New password"), kind="password"),)
CHANGE_PASSWORD = (
    Field("current_password", L("Current password"), kind="password"),
    Field("password", L("New password"), kind="password"),
)
PROFILE = (
    Field("name", L("Full name"), max_length=120),
    Field(
        "timezone",
        L("Time zone"),
        kind="tz",
        max_length=64,
        help=L("Times everywhere in opsuite are shown in this zone."),
    ),
    Field("locale", L("Language"), kind="select", choices=locale_choices),
    Field("phone", L("Phone"), required=False, max_length=40),
    Field(
        "skills",
        L("Skills"),
        kind="list",
        required=False,
        max_length=500,
        help=L("Separate skills with commas, e.g. first aid, driving, Mandarin."),
    ),
)


def profile_initial(user: User) -> dict[str, Any]:
    """The profile form filled in with the person as they are (PATCH /api/v1/me starts from it)."""
    return {
        "name": user.name,
        "timezone": user.timezone,
        "locale": user.locale,
        "phone": user.phone,
        "skills": list(user.skills),
    }


API_TOKEN = (
    Field(
        "name",
        L("Token name"),
        max_length=80,
        help=L('What the token is for, e.g. "reporting spreadsheet".'),
    ),
)
TWO_FACTOR_CODE = (
    Field(
        "code",
        L("Code"),
        max_length=20,
        help=L("The six digits your authenticator app shows now, or one of your recovery codes."),
    ),
)
TWO_FACTOR_CONFIRM = (
    Field(
        "code",
        L("Code from your app"),
        max_length=20,
        help=L("Six digits; the code changes every 30 seconds."),
    ),
)
TWO_FACTOR_PROOF = (
    Field(
        "proof",
        L("A current code from your app, or your password"),
        kind="password",
        max_length=200,
    ),
)
