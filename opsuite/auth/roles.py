"""How each role is called on screen (translated when shown)."""

from __future__ import annotations

from babel.support import LazyProxy

from opsuite.auth.models import Role
from opsuite.web.i18n import lazy_gettext

ROLE_LABELS: dict[Role, LazyProxy] = {
    Role.ADMIN: lazy_gettext("administrator"),
    Role.MANAGER: lazy_gettext("manager"),
    Role.STAFF: lazy_gettext("staff member"),
    Role.VOLUNTEER: lazy_gettext("volunteer"),
}
