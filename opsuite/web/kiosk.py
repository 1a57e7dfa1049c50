"""Kiosk mode: one signed-in browser kept on one set of pages until someone gives a PIN.

A coordinator opens a kiosk on a tablet (the shifts area's door pages); from then on every page
of that browser's session redirects back to the kiosk, and only the PIN the coordinator chose
ends it. The mode lives in a cookie signed with the app's secret key and bound to the session
(the SHA-256 of its key), so it cannot be carried to another session or changed; the PIN is kept
only as an HMAC with the secret key and a salt, so the cookie does not give it away. Ending the
session (logging out elsewhere, expiry) ends the kiosk with it: its pages need a coordinator.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import timedelta

from starlette.requests import Request
from starlette.responses import Response

from opsuite import clock
from opsuite.tokens import digest

COOKIE = "opsuite_kiosk"
LASTS = timedelta(hours=16)  # a kiosk left open overnight asks for a coordinator again


@dataclass(frozen=True)
class Kiosk:
    home: str  # where every other page sends the browser back to
    prefix: str  # the pages it may open: this path and those under it
    session: str
    salt: str
    pin: str
    expires: int

    def allows(self, path: str) -> bool:
        return path == self.prefix or path.startswith(self.prefix + "/")


def _key(request: Request) -> bytes:
    return str(request.app.state.secret_key).encode()


def _mac(request: Request, text: str) -> str:
    return hmac.new(_key(request), f"kiosk:{text}".encode(), hashlib.sha256).hexdigest()


def _pin_mac(request: Request, salt: str, session: str, pin: str) -> str:
    return _mac(request, f"pin:{salt}:{session}:{pin}")


def _session(request: Request) -> str:
    key = str(getattr(request.state, "session_key", "") or "")
    return digest(key) if key and request.state.user is not None else ""


def enter(request: Request, response: Response, *, home: str, prefix: str, pin: str) -> Response:
    """Put this browser's session in kiosk mode (``response`` sets the cookie)."""
    session = _session(request)
    salt = secrets.token_hex(8)
    payload = {
        "home": home,
        "prefix": prefix,
        "session": session,
        "salt": salt,
        "pin": _pin_mac(request, salt, session, pin),
        "expires": int((clock.now() + LASTS).timestamp()),
    }
    body = base64.urlsafe_b64encode(json.dumps(payload, sort_keys=True).encode()).decode()
    response.set_cookie(
        COOKIE,
        f"{body}.{_mac(request, body)}",
        max_age=int(LASTS.total_seconds()),
        path="/",
        samesite="lax",
        httponly=True,
        secure=request.state.secure,
    )
    return response


def current(request: Request) -> Kiosk | None:
    """The kiosk this session is in, or None (no cookie, a changed one, another session's,
    an expired one)."""
    raw = request.cookies.get(COOKIE, "")
    body, _sep, mac = raw.rpartition(".")
    if not body or not hmac.compare_digest(_mac(request, body), mac):
        return None
    try:
        kiosk = Kiosk(**json.loads(base64.urlsafe_b64decode(body.encode())))
    except (ValueError, TypeError, UnicodeDecodeError):
        return None
    session = _session(request)
    if not session or not hmac.compare_digest(kiosk.session, session):
        return None
    if kiosk.expires <= clock.now().timestamp():
        return None
    return kiosk


def pin_matches(request: Request, kiosk: Kiosk, pin: str) -> bool:
    expected = _pin_mac(request, kiosk.salt, kiosk.session, pin)
    return hmac.compare_digest(expected, kiosk.pin)


def leave(request: Request, response: Response) -> Response:
    response.delete_cookie(COOKIE, path="/", samesite="lax", httponly=True)
    return response
