"""Where opsuite's own files are: templates, static files, translations and migrations.

The repository keeps ``templates/`` and ``migrations/`` at its top, beside the ``opsuite``
package; the wheel build (``[tool.hatch.build.targets.wheel.sources]`` in pyproject.toml) puts
them inside the package, as ``opsuite/templates`` and ``opsuite/migrations``. Everything that
needs one of these folders asks here, so a wheel install and a source checkout (``pip install
-e .``, the tests) find the same files. A missing folder is a broken install: it raises
``ResourceMissing`` naming what is missing, which ``opsuite check`` reports.
"""

from __future__ import annotations

import pkgutil
from importlib import resources
from importlib.util import find_spec
from pathlib import Path

PACKAGE = "opsuite"
# The source checkout: the folder that holds the opsuite package (unused in a wheel install).
CHECKOUT = Path(__file__).resolve().parent.parent


class ResourceMissing(RuntimeError):
    """A folder opsuite ships is not where it should be (a broken or partial install)."""


def _folder(name: str) -> Path:
    inside = resources.files(PACKAGE) / name
    if isinstance(inside, Path) and inside.is_dir():
        return inside
    beside = CHECKOUT / name
    if beside.is_dir() and (CHECKOUT / "pyproject.toml").is_file():
        return beside
    raise ResourceMissing(f"opsuite is installed without its {name}/ folder ({inside})")


def template_dir() -> Path:
    """Jinja2 templates: pages, emails and help (templates/ in the repository)."""
    return _folder("templates")


def static_dir() -> Path:
    """CSS and JavaScript served under /static."""
    return _folder("static")


def locale_dir() -> Path:
    """The gettext catalogs (<locale>/LC_MESSAGES/messages.po), read directly."""
    return _folder("locale")


def migrations_module() -> str:
    """The importable name of the migrations package, for Tortoise's config: opsuite.migrations
    when installed from a wheel, the top-level migrations package of a source checkout (on
    sys.path through the editable install, or the tests' root)."""
    if find_spec(f"{PACKAGE}.migrations") is not None:
        return f"{PACKAGE}.migrations"
    spec = find_spec("migrations")
    origin = Path(spec.origin).resolve().parent if spec and spec.origin else None
    if origin != CHECKOUT / "migrations":
        raise ResourceMissing(
            "opsuite is installed without its migrations package "
            f"(neither {PACKAGE}.migrations nor {CHECKOUT / 'migrations'} can be imported)"
        )
    return "migrations"


def migration_names() -> list[str]:
    """The migrations on disk, in order, as Tortoise's loader finds them."""
    spec = find_spec(migrations_module())
    locations = list(spec.submodule_search_locations or []) if spec else []
    return sorted(
        name
        for _, name, is_pkg in pkgutil.iter_modules(locations)
        if not is_pkg and name[0] not in "_~"
    )
