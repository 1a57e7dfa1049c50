"""The feeds page and the shift pages offer the same programs: those ``can`` lets one manage."""

from __future__ import annotations

from opsuite.auth.models import Role
from opsuite.auth.permissions import can
from opsuite.caps import Cap
from opsuite.people.access import managed_programs
from opsuite.people.models import Program
from opsuite.shifts import planning
from tests.factories.auth import make_user
from tests.factories.people import make_program


async def test_managed_programs_are_the_active_ones_can_lets_one_manage():
    admin = await make_user(Role.ADMIN)
    manager = await make_user(Role.MANAGER)
    demoted = await make_user(Role.MANAGER)
    await make_program(manager=manager, name="B mine")
    closed = await make_program(manager=manager, name="A closed")
    await make_program(name="C theirs")
    await make_program(manager=demoted, name="D kept")
    await Program.filter(id=closed.id).update(is_active=False)
    demoted.role = Role.STAFF  # still holds the manage role on "D kept"
    await demoted.save()

    assert [p.name for p in await managed_programs(admin)] == ["B mine", "C theirs", "D kept"]
    assert [p.name for p in await managed_programs(manager)] == ["B mine"]
    assert await managed_programs(demoted) == []
    for person in (admin, manager, demoted):
        allowed = [
            p.id for p in await Program.filter(is_active=True) if await can(person, Cap.MANAGE, p)
        ]
        assert sorted(p.id for p in await managed_programs(person)) == sorted(allowed)
        assert await planning.managed_programs(person) == await managed_programs(person)
