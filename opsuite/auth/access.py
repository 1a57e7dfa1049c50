"""The answers the web shell asks of auth (opsuite.web.access): sessions, API tokens,
capabilities, two-factor enrolment and throttle counters. Installed by ``auth.register``."""

from __future__ import annotations

from opsuite.auth.models import User
from opsuite.auth.permissions import authorize, is_admin, may, people_with
from opsuite.auth.roles import ROLE_LABELS
from opsuite.auth.service import count_request, find_session, find_user_by_api_token
from opsuite.auth.twofactor import needs_enrolment
from opsuite.caps import Cap
from opsuite.web.access import AccessPolicy


async def find_user(user_id: int) -> User | None:
    return await User.get_or_none(id=user_id)


async def people_holding(cap: Cap) -> list[User]:
    return await people_with(cap)


def access_policy() -> AccessPolicy:
    return AccessPolicy(
        find_session=find_session,
        find_user_by_api_token=find_user_by_api_token,
        find_user=find_user,
        authorize=authorize,
        needs_enrolment=needs_enrolment,
        may=may,
        is_admin=is_admin,
        people_with=people_holding,
        count_request=count_request,
        role_labels=ROLE_LABELS,
    )
