"""The committed migrations describe the models exactly (a model change without its
migration fails here), and they build the schema the suite runs on (see conftest). They are
frozen history: none imports opsuite, so renaming an enum or a model cannot break them."""

from __future__ import annotations

import ast
import itertools
from importlib.util import find_spec
from pathlib import Path

from tortoise import Tortoise
from tortoise.migrations.autodetector import MigrationAutodetector

from opsuite import db, resources


async def test_models_and_migrations_agree(settings):
    config = db.config_for(settings)
    detector = MigrationAutodetector(Tortoise.apps, config["apps"])
    pending = await detector.changes()
    described = [
        op.describe() if hasattr(op, "describe") else repr(op)
        for writer in pending
        for op in writer.operations
    ]
    assert pending == [], (
        "models changed without a migration; run `make migrations` and review the file: "
        f"{described}"
    )


def _migration_files() -> list[Path]:
    spec = find_spec(resources.migrations_module())
    assert spec is not None
    assert spec.submodule_search_locations
    folder = Path(next(iter(spec.submodule_search_locations)))
    return [folder / f"{name}.py" for name in resources.migration_names()]


def _imported_modules(tree: ast.AST) -> list[str]:
    modules = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.append(node.module)
        elif isinstance(node, ast.ImportFrom) and node.level:
            modules.append("." * node.level + (node.module or ""))
    return modules


def test_migrations_import_no_application_code():
    files = _migration_files()
    assert len(files) >= 13, files
    offending = {
        path.name: imported
        for path in files
        if (
            imported := [
                module
                for module in _imported_modules(ast.parse(path.read_text(encoding="utf-8")))
                if module.split(".")[0] == "opsuite" or module.startswith(".")
            ]
        )
    }
    assert offending == {}, (
        "migrations must not import application code (copy an enum's values into the "
        f"migration instead): {offending}"
    )


def test_migrations_form_one_numbered_chain():
    """Two branches landing the same night once both made a 0026 after 0025: a database
    migrated through one of them would never get the other. Each migration follows the one
    before it, and no number is used twice."""
    files = _migration_files()
    numbers = [path.name[:4] for path in files]
    assert len(numbers) == len(set(numbers)), f"a migration number is used twice: {numbers}"
    for previous, path in itertools.pairwise(files):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        follows = [
            ast.literal_eval(node.value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "dependencies" for t in node.targets)
        ]
        assert follows == [[("models", previous.stem)]], (
            f"{path.name} must follow {previous.stem} (renumber it after what landed first)"
        )
