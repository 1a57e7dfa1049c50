"""The shape of the code (docs/architecture.md): layers, the area contract, module size.

Each check is a function over a source tree, so the tests below run it on opsuite/ and on a small
tree with a planted violation, to show the check can fail. A violation names the file and import
to change. Imports under ``if TYPE_CHECKING:`` are for annotations only and do not count.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "opsuite"

# Lower layers never import higher ones; areas in one layer (peers) never import each other.
# They meet through hooks that a lower layer offers and a higher one fills in register().
LAYERS: dict[str, int] = {
    "web": 1,
    "audit": 2,
    "notify": 3,
    "auth": 4,
    "people": 5,
    "schedules": 6,
    "shifts": 6,
    "meetings": 6,
    "tasks": 6,
    "help": 6,
    "applications": 6,
    "feeds": 7,
    "reports": 7,
    "chat": 7,
    "hooks": 7,
    "home": 8,
    "privacy": 8,
}
# Top-level modules that put the areas together (and observe, whose /metrics figures read the
# outbox and the error funnel); they may import anything.
COMPOSITION = {
    "app",
    "asgi",
    "cli",
    "cli_data",
    "cli_database",
    "demo",
    "observe",
    "tortoise_cli_config",
}
ROUTE_MODULES = ("pages", "api", "routes")
MAX_LINES = 600
# What every area holds (STYLE.md §1): a module or a package of that name.
CONTRACT = ("service", "pages")  # models.py too, where the area has tables


def _runtime_imports(path: Path) -> list[tuple[int, str]]:
    """(line, dotted module) for each import that runs, skipping ``if TYPE_CHECKING:`` blocks."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                skipped.update(id(n) for n in ast.walk(child))
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found.extend((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
    return found


def _owner(path: Path, package: Path) -> str:
    """The area a module belongs to, or its own name for a top-level module."""
    relative = path.relative_to(package)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def import_edges(package: Path) -> list[tuple[str, str, str]]:
    """(importing area, imported area, "file:line imports module") between different areas."""
    name = package.name
    edges = []
    for path in sorted(package.rglob("*.py")):
        source = _owner(path, package)
        for line, module in _runtime_imports(path):
            parts = module.split(".")
            if parts[0] != name or len(parts) < 2 or parts[1] == source:
                continue
            if (package / parts[1]).is_dir():
                where = f"{path.relative_to(package.parent)}:{line} imports {module}"
                edges.append((source, parts[1], where))
    return edges


def layer_violations(package: Path, layers: dict[str, int], composition: set[str]) -> list[str]:
    found: dict[tuple[str, str], str] = {}
    for source, target, where in import_edges(package):
        if source in composition or target not in layers:
            continue
        if source in layers and layers[target] < layers[source]:
            continue
        if source not in layers and source not in composition:
            # a core top-level module (clock, settings, ...) imports no area
            found.setdefault((source, target), where)
        elif source in layers:
            found.setdefault((source, target), where)
    return [f"{a} -> {b}: {where}" for (a, b), where in sorted(found.items())]


def route_imports_across_areas(package: Path, composition: set[str]) -> list[str]:
    """Modules importing another area's pages/api (peers meet through services and hooks)."""
    found = set()
    for source, _target, where in import_edges(package):
        place, module = where.rsplit(" ", 1)
        parts = module.split(".")
        if source in composition or len(parts) < 3 or parts[1] == "web":
            continue  # web.api is the shared JSON plumbing, not an area's endpoints
        if parts[2] in ROUTE_MODULES or parts[2].endswith("_routes"):
            found.add(f"{place} {'.'.join(parts[:3])}")
    return sorted(found)


def missing_contract_files(package: Path, areas: list[str]) -> list[str]:
    found = []
    for area in areas:
        folder = package / area
        for part in CONTRACT:
            if not ((folder / f"{part}.py").exists() or (folder / part / "__init__.py").exists()):
                found.append(f"{folder.relative_to(package.parent)} has no {part}.py")
        init = folder / "__init__.py"
        if "def register(" not in init.read_text(encoding="utf-8"):
            found.append(f"{init.relative_to(package.parent)} has no register(registry)")
    return found


# HTML routes (page) live in an area's pages module, JSON ones under /api/v1/ (api) in its api
# module: for each kind of module, the declaration that does not belong there.
ROUTE_KINDS = {
    "pages": ("api", "JSON routes go in the area's api module"),
    "api": ("page", "HTML routes go in the area's pages module"),
}


def _route_modules(area: Path, kind: str) -> list[Path]:
    """The area's pages (or api) module: ``<kind>.py``, or each module of a ``<kind>/`` package."""
    single = area / f"{kind}.py"
    return [single] if single.is_file() else sorted((area / kind).rglob("*.py"))


def _route_calls(path: Path, package_name: str) -> list[tuple[int, str]]:
    """(line, "page" or "api") for each call of the declarations imported from web.routing,
    whether imported by name (``from opsuite.web.routing import api``, maybe under another name)
    or called through the module (``from opsuite.web import routing``; ``routing.api(...)``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    routing = f"{package_name}.web.routing"
    names: dict[str, str] = {}  # local name -> declaration
    modules: set[str] = set()  # local names bound to the routing module
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module == routing:
            for alias in node.names:
                if alias.name in ("page", "api"):
                    names[alias.asname or alias.name] = alias.name
        elif isinstance(node, ast.ImportFrom) and node.module == f"{package_name}.web":
            modules.update(a.asname or a.name for a in node.names if a.name == "routing")
        elif isinstance(node, ast.Import):
            modules.update(a.asname for a in node.names if a.name == routing and a.asname)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in names:
            found.append((node.lineno, names[func.id]))
        elif (
            isinstance(func, ast.Attribute)
            and func.attr in ("page", "api")
            and isinstance(func.value, ast.Name)
            and func.value.id in modules
        ):
            found.append((node.lineno, func.attr))
    return sorted(found)


def route_kinds_out_of_place(package: Path) -> list[str]:
    """A pages module declaring ``api(...)`` routes, or an api module declaring ``page(...)``."""
    found = []
    for area in sorted(p for p in package.iterdir() if p.is_dir()):
        for kind, (stray, hint) in ROUTE_KINDS.items():
            for path in _route_modules(area, kind):
                for line, declared in _route_calls(path, package.name):
                    if declared == stray:
                        where = path.relative_to(package.parent)
                        found.append(f"{where}:{line} declares {declared}(): {hint}")
    return found


def long_modules(package: Path, limit: int) -> list[str]:
    found = []
    for path in sorted(package.rglob("*.py")):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > limit:
            found.append(f"{path.relative_to(package.parent)}: {lines} lines")
    return found


def package_cycles(package: Path, composition: set[str]) -> list[str]:
    """Each import between packages that is part of a cycle ("a -> b" where b reaches a)."""
    graph: dict[str, set[str]] = {}
    for source, target, _where in import_edges(package):
        if source not in composition:
            graph.setdefault(source, set()).add(target)

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            node = todo.pop()
            if node == goal:
                return True
            if node not in seen:
                seen.add(node)
                todo.extend(graph.get(node, ()))
        return False

    return sorted(f"{a} -> {b}" for a, targets in graph.items() for b in targets if reaches(b, a))


def test_lower_layers_and_peers_do_not_import_each_other():
    found = layer_violations(PACKAGE, LAYERS, COMPOSITION)
    assert not found, "a lower layer or a peer imports this (use a hook or a service):\n" + (
        "\n".join(found)
    )


def test_no_two_packages_import_each_other_even_through_others():
    assert not package_cycles(PACKAGE, COMPOSITION), package_cycles(PACKAGE, COMPOSITION)


def test_no_module_imports_another_areas_pages_or_api():
    found = route_imports_across_areas(PACKAGE, COMPOSITION)
    assert not found, "call the area's service instead:\n" + "\n".join(found)


def test_every_area_holds_the_contract_files_and_registers_itself():
    areas = sorted(LAYERS)
    on_disk = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())
    assert areas == [a for a in on_disk if a in LAYERS], "every package is placed in LAYERS"
    assert set(on_disk) <= set(LAYERS) | {"locale", "static"}, set(on_disk) - set(LAYERS)
    found = missing_contract_files(PACKAGE, [a for a in areas if a != "web"])
    assert not found, found


def test_no_module_passes_600_lines():
    found = long_modules(PACKAGE, MAX_LINES)
    assert not found, "split by topic:\n" + "\n".join(found)


def test_pages_declare_html_routes_and_api_modules_json_routes():
    found = route_kinds_out_of_place(PACKAGE)
    assert not found, "move the route (and its handler) to the right module:\n" + "\n".join(found)


def test_every_registered_area_is_a_layer():
    from opsuite.areas import AREAS

    assert sorted(AREAS) == sorted(LAYERS)


# The checks fail on planted violations.


def _plant(tmp_path: Path, files: dict[str, str]) -> Path:
    package = tmp_path / "opsuite"
    for name, text in files.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return package


@pytest.fixture
def planted(tmp_path):
    return _plant(
        tmp_path,
        {
            "__init__.py": "",
            "clock.py": "from opsuite.shifts import service\n",
            "app.py": "from opsuite.shifts import pages\n",
            "auth/__init__.py": "def register(registry): ...\n",
            "auth/models.py": "",
            "auth/service.py": "from opsuite.people.models import Team\n",
            "auth/pages.py": (
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    from opsuite.people.models import Team\n"
            ),
            "people/__init__.py": "def register(registry): ...\n",
            "people/models.py": "from opsuite.auth.models import User\n",
            "people/service.py": "",
            "people/pages.py": "",
            "shifts/__init__.py": "",
            "shifts/models.py": "",
            "shifts/service.py": "from opsuite.meetings import service\n",
            "shifts/pages.py": "from opsuite.meetings.api import meeting_json\n",
            "meetings/__init__.py": "def register(registry): ...\n",
            "meetings/models.py": "",
            "meetings/service/__init__.py": "\n" * 601,
            "meetings/pages.py": "",
            # route declarations in the wrong kind of module (and a local page() that is not one)
            "tasks/pages/board.py": (
                "from opsuite.web.routing import api as json_route, page\n"
                "ROUTES = [page('/boards', None), json_route('/api/v1/boards', None)]\n"
            ),
            "tasks/api.py": (
                "from opsuite.web import routing\n"
                "def page(n): return n\n"
                "ROUTES = [routing.api('/api/v1/x', None), routing.page('/x', None), page(1)]\n"
            ),
        },
    )


def test_the_layer_check_catches_upward_peer_and_core_imports(planted):
    layers = {"auth": 4, "people": 5, "shifts": 6, "meetings": 6}
    found = layer_violations(planted, layers, {"app"})
    assert [v.split(":")[0] for v in found] == [
        "auth -> people",
        "clock -> shifts",
        "shifts -> meetings",
    ]
    assert "opsuite/auth/service.py:1 imports opsuite.people.models" in found[0]


def test_the_route_check_catches_a_peers_api_import(planted):
    found = route_imports_across_areas(planted, {"app"})
    assert found == ["opsuite/shifts/pages.py:1 imports opsuite.meetings.api"]


def test_the_contract_check_catches_a_missing_register(planted):
    found = missing_contract_files(planted, ["auth", "people", "shifts", "meetings"])
    assert found == ["opsuite/shifts/__init__.py has no register(registry)"]


def test_the_size_check_catches_a_long_module(planted):
    assert long_modules(planted, MAX_LINES) == ["opsuite/meetings/service/__init__.py: 601 lines"]


def test_the_cycle_check_catches_two_packages_that_need_each_other(planted):
    # auth -> people (service) and people -> auth (models): a cycle, whatever the layers say
    assert package_cycles(planted, {"app"}) == ["auth -> people", "people -> auth"]


def test_the_route_kind_check_catches_json_in_pages_and_html_in_api(planted):
    assert route_kinds_out_of_place(planted) == [
        "opsuite/tasks/pages/board.py:2 declares api(): JSON routes go in the area's api module",
        "opsuite/tasks/api.py:3 declares page(): HTML routes go in the area's pages module",
    ]
