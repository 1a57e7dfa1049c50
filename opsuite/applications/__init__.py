"""Applying to a program: its application form (versioned questions and consents), volunteers'
applications, and the coordinators' decisions. Shifts asks it whether someone may sign up
(``gate.missing_for``, wired in ``app.wire_peers``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opsuite.areas import Registry


def register(registry: Registry) -> None:
    from opsuite.applications import api, pages

    registry.add_routes(pages.routes())
    registry.add_routes(api.routes())
