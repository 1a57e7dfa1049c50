"""The capability names routes, templates and services ask for.

They are plain words so any layer can declare what a route needs without importing the accounts
area; `opsuite.auth.permissions` is the one module that decides who has them (see its docstring
for what each means)."""

from __future__ import annotations

from enum import StrEnum


class Cap(StrEnum):
    PUBLIC = "public"
    SIGNED_IN = "signed_in"
    STAFF = "staff"
    VIEW = "view"
    MANAGE = "manage"
    ADMIN = "admin"
