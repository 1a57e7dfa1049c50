"""One place decides: roles are compared only in opsuite/auth/ (issue #15).

Everywhere else asks opsuite/auth/permissions.py (``can``, ``role_allows``, ``is_admin``,
``people_with`` ...) and templates call ``may(user, "staff")``. A module or template that
compares a role itself fails here, with the line to change.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ALLOWED = ROOT / "opsuite" / "auth"

PYTHON_PATTERNS = (
    # user.role == Role.ADMIN, user.role in (...), user.role != "volunteer", user.role is ...
    re.compile(r"\.role\s*(==|!=|\bis\b|\bin\b|\bnot\s+in\b)"),
    # Role.ADMIN == user.role, "admin" != user.role
    re.compile(r"(==|!=|\bin\b)\s*[\w.()\[\]]*\.role\b"),
    # Role.MANAGER == x, x in (Role.MANAGER, Role.ADMIN)
    re.compile(r"Role\.[A-Z]+\s*(==|!=|\bin\b)|(==|!=|\bin\b)\s*\(?Role\.[A-Z]+"),
    # collections of roles held outside the permission module: (Role.MANAGER, Role.ADMIN)
    re.compile(r"[({\[]\s*Role\.[A-Z]+\s*,"),
    # queries on the role: filter(role=Role.ADMIN), user__role__not=..., role__in=[...]
    re.compile(r"\.(filter|exclude)\([^)]*\brole=Role\."),
    re.compile(r"__role(__\w+)?=|\brole__(in|not|not_in)="),
)
TEMPLATE_PATTERN = re.compile(r"(?<!filters)\.role\s*(==|!=|\bin\b|\bnot\s+in\b)")


def _comparisons(paths, patterns) -> list[str]:
    found = []
    for path in sorted(paths):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if any(p.search(line) for p in patterns):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return found


def test_no_module_outside_auth_compares_roles():
    modules = [
        p for p in (ROOT / "opsuite").rglob("*.py") if ALLOWED not in p.parents and p.is_file()
    ]
    found = _comparisons(modules, PYTHON_PATTERNS)
    assert not found, "ask opsuite/auth/permissions.py instead:\n" + "\n".join(found)


def test_no_template_compares_roles():
    found = _comparisons((ROOT / "templates").rglob("*.html"), (TEMPLATE_PATTERN,))
    found += _comparisons((ROOT / "templates").rglob("*.txt"), (TEMPLATE_PATTERN,))
    assert not found, 'use may(user, "staff") (a template global):\n' + "\n".join(found)


def test_the_check_catches_the_comparisons_it_is_for():
    caught = (
        "if user.role == Role.ADMIN:",
        "is_manager = user.role in _MANAGERS",
        '    if not actor.role == "admin":',
        "_STAFF = (Role.STAFF, Role.MANAGER, Role.ADMIN)",
        "User.filter(role=Role.ADMIN, is_active=True)",
        "TeamMember.filter(user__role__not=Role.VOLUNTEER)",
        "frozenset({Role.MANAGER, Role.ADMIN})",
    )
    for line in caught:
        assert any(p.search(line) for p in PYTHON_PATTERNS), line
    assert TEMPLATE_PATTERN.search('{% if user.role != "volunteer" %}')
    for line in (
        "create_user(email=email, role=Role.VOLUNTEER)",
        "Role(person.role)",
        "people.filter(role=role)",
    ):
        assert not any(p.search(line) for p in PYTHON_PATTERNS), line
    assert not TEMPLATE_PATTERN.search("{% if filters.role == role.value %}")
