"""Per-request context: who is asking (session cookie or bearer token), in which language and
time zone, the CSRF cookie, flash messages and the security headers on every answer.

A pure ASGI middleware (not BaseHTTPMiddleware) so streaming answers pass straight through and
the locale context variable is visible to the endpoint.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import uuid
from http.cookies import CookieError, SimpleCookie
from typing import TYPE_CHECKING, Any

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from opsuite import clock
from opsuite.settings import Settings
from opsuite.web.access import policy
from opsuite.web.i18n import pick_locale, set_request_locale
from opsuite.web.submissions import carry_over

if TYPE_CHECKING:
    from opsuite.auth.models import User

SESSION_COOKIE = "opsuite_session"
CSRF_COOKIE = "opsuite_csrf"
LANG_COOKIE = "opsuite_lang"
FLASH_COOKIE = "opsuite_flash"

SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'"
    ),
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}


def hsts_header(settings: Settings) -> str:
    """Production runs behind HTTPS; telling browsers so stops a downgrade to plain HTTP."""
    seconds = settings.server.hsts_seconds
    return f"max-age={seconds}; includeSubDomains" if settings.is_production and seconds else ""


def _cookies(scope: Scope) -> dict[str, str]:
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except CookieError:
                return {}
            return {k: m.value for k, m in jar.items()}
    return {}


def needs_csrf_cookie(scope: Scope, headers: MutableHeaders) -> bool:
    """Only pages (which carry forms) hand out a CSRF cookie: not calendar feeds, which
    clients poll every few minutes and which must not be tied to a browser, nor JSON."""
    if str(scope.get("path", "")).startswith("/feeds/"):
        return False
    return headers.get("content-type", "").startswith("text/html")


def _header(scope: Scope, name: bytes) -> str:
    headers: list[tuple[bytes, bytes]] = scope.get("headers", [])
    for key, value in headers:
        if key == name:
            return value.decode("latin-1")
    return ""


class WebContextMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings, key: str) -> None:
        self.app = app
        self.settings = settings
        self.key = key
        self.hsts = hsts_header(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state: dict[str, Any] = scope.setdefault("state", {})
        cookies = _cookies(scope)
        state.setdefault("request_id", uuid.uuid4().hex[:16])  # ObserveMiddleware sets it
        state["secure"] = scope.get("scheme") == "https" or self.settings.is_production
        user, via_token = await self._who(scope, cookies, state)
        state["user"] = user
        state["via_token"] = via_token
        csrf = cookies.get(CSRF_COOKIE, "")
        new_csrf = not (csrf and len(csrf) == 43)
        if new_csrf:
            csrf = secrets.token_urlsafe(32)
        state["csrf_token"] = csrf
        state["flashes"] = self._read_flashes(cookies.get(FLASH_COOKIE, ""))
        locale = (
            (user.locale if user else "")
            or cookies.get(LANG_COOKIE, "")
            or pick_locale(_header(scope, b"accept-language"), self.settings.i18n.default_locale)
        )
        if locale not in ("en", "zh_Hans"):
            locale = self.settings.i18n.default_locale
        timezone = user.timezone if user else self.settings.i18n.default_timezone
        state["locale"], state["timezone"] = locale, timezone
        set_request_locale(locale, timezone)
        had_flash = FLASH_COOKIE in cookies

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                headers.setdefault("x-request-id", state["request_id"])
                if self.hsts:
                    headers.setdefault("strict-transport-security", self.hsts)
                secure = "; Secure" if state["secure"] else ""
                if (
                    new_csrf
                    and needs_csrf_cookie(scope, headers)
                    and f"{CSRF_COOKIE}=" not in str(headers.getlist("set-cookie"))
                ):
                    headers.append(
                        "set-cookie",
                        f"{CSRF_COOKIE}={csrf}; Path=/; SameSite=Lax; HttpOnly{secure}",
                    )
                consumed = state.get("flashes_consumed") and "opsuite_flash=" not in str(
                    headers.getlist("set-cookie")
                )
                if state.get("session_slid") and "opsuite_session=" not in str(
                    headers.getlist("set-cookie")
                ):
                    # The browser keeps the cookie as long as the server keeps the session.
                    max_age = self.settings.security.session_hours * 3600
                    headers.append(
                        "set-cookie",
                        f"{SESSION_COOKIE}={state['session_key']}; Max-Age={max_age}; Path=/; "
                        f"SameSite=Lax; HttpOnly{secure}",
                    )
                if had_flash and consumed:
                    headers.append(
                        "set-cookie", f"{FLASH_COOKIE}=; Path=/; Max-Age=0; SameSite=Lax{secure}"
                    )
            await send(message)

        await self.app(scope, receive, send_wrapper)

    async def _who(
        self, scope: Scope, cookies: dict[str, str], state: dict[str, Any]
    ) -> tuple[User | None, bool]:
        scheme, _sep, token = _header(scope, b"authorization").partition(" ")
        # Only a bearer token replaces the session: a browser behind a password-protected
        # proxy sends "Authorization: Basic" on every request, and that must neither hide
        # the session nor skip the CSRF check.
        if scheme.lower() == "bearer":
            state["bearer_given"] = True
            return await policy().find_user_by_api_token(token.strip()), True
        session_key = cookies.get(SESSION_COOKIE, "")
        state["session_key"] = session_key
        if not session_key:
            return None, False
        started = clock.now()
        session = await policy().find_session(session_key, settings=self.settings)
        if session is None:
            return None, False
        state["session_slid"] = session.last_seen_at >= started
        return session.user, False

    def _read_flashes(self, raw: str) -> list[dict[str, str]]:
        payload, _sep, _mac = raw.rpartition(".")
        if not payload or not hmac.compare_digest(sign(self.key, payload), raw):
            return []
        try:
            data = json.loads(base64.urlsafe_b64decode(payload.encode()).decode())
        except (ValueError, UnicodeDecodeError):
            return []
        return [m for m in data if isinstance(m, dict)][:5]


def sign(key: str, payload: str) -> str:
    """Flash messages travel in a signed cookie so they survive the redirect after a POST."""
    mac = hmac.new(key.encode(), payload.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{payload}.{mac}"


def current_user(request: Request) -> User | None:
    user: User | None = request.state.user
    return user


def flash(request: Request, response: Response, message: str, kind: str = "info") -> Response:
    """Show ``message`` on the next page this browser renders."""
    pending = (
        [*request.state.flashes_pending, {"kind": kind, "text": message}]
        if hasattr(request.state, "flashes_pending")
        else [{"kind": kind, "text": message}]
    )
    request.state.flashes_pending = pending
    payload = base64.urlsafe_b64encode(json.dumps(pending).encode()).decode()
    response.set_cookie(
        FLASH_COOKIE,
        sign(request.app.state.secret_key, payload),
        path="/",
        samesite="lax",
        httponly=True,
        secure=request.state.secure,
    )
    return response


def take_flashes(request: Request) -> list[dict[str, str]]:
    request.state.flashes_consumed = True
    flashes: list[dict[str, str]] = request.state.flashes
    return flashes


def set_session_cookie(request: Request, response: Response, key: str, settings: Settings) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        key,
        max_age=settings.security.session_hours * 3600,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.state.secure,
    )


async def rotate_csrf(request: Request, response: Response) -> None:
    """Give the browser a fresh CSRF token (at login and logout), so one learnt before does
    not carry over into the new session."""
    token = secrets.token_urlsafe(32)
    await carry_over(old_csrf=request.state.csrf_token, new_csrf=token)
    response.set_cookie(
        CSRF_COOKIE,
        token,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.state.secure,
    )


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=request.state.secure
    )


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"
