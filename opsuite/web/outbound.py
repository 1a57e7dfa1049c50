"""Addresses opsuite posts to on someone's word (chat channels, webhook endpoints): the guard
that keeps such a post from reaching the server's own network (server-side request forgery).

A host that is, or resolves to, a loopback, private, link-local, shared, multicast, reserved
or unspecified address is refused unless ``integrations.allow_private_hosts`` is on (a
receiver on the organisation's own network, or the tests' local servers). The check runs when
the address is saved and again before each send, so a name that later resolves elsewhere is
caught too.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from opsuite.web.i18n import gettext as _

RESOLVE_SECONDS = 5.0


def _is_internal(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


async def addresses_of(host: str) -> list[str]:
    """The addresses ``host`` resolves to (itself, for an address). Raises OSError."""
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    else:
        return [host]
    loop = asyncio.get_running_loop()
    infos = await asyncio.wait_for(
        loop.getaddrinfo(host, None, type=socket.SOCK_STREAM), RESOLVE_SECONDS
    )
    return sorted({str(info[4][0]) for info in infos})


async def host_problem(url: str, *, allow_private: bool) -> str | None:
    """Why opsuite may not post to ``url``'s host, in words for the form, or None."""
    if allow_private:
        return None
    host = urlsplit(url).hostname or ""
    try:
        addresses = await addresses_of(host)
    except (OSError, TimeoutError, UnicodeError):
        return _("The address's host (%(host)s) could not be found.", host=host)
    if not addresses or any(_is_internal(a) for a in addresses):
        return _(
            "The address's host (%(host)s) is on a private or local network, which opsuite "
            "does not post to.",
            host=host,
        )
    return None
