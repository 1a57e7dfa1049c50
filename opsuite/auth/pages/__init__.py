"""The accounts pages: signing in and out (sign_in), one's own profile and API tokens (profile),
and two-factor sign-in (twofactor). ``routes()`` gathers them in matching order."""

from __future__ import annotations

from starlette.routing import BaseRoute

from opsuite.auth.pages import profile, sign_in, twofactor


def routes() -> list[BaseRoute]:
    return [*sign_in.routes(), *profile.routes(), *twofactor.routes()]
