"""The application factory uvicorn imports in every worker (``opsuite.asgi:create``)."""

from __future__ import annotations

from starlette.applications import Starlette

from opsuite.app import create_app
from opsuite.settings import load_settings


def create() -> Starlette:
    return create_app(load_settings())
