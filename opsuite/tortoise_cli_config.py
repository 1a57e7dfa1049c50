"""Config for Tortoise's own CLI (``tortoise -c opsuite.tortoise_cli_config.TORTOISE_ORM
makemigrations``); it reads the same settings the app does."""

from opsuite.db import config_for
from opsuite.settings import load_settings

TORTOISE_ORM = config_for(load_settings())
