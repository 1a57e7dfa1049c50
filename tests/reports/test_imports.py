"""Importing people and shifts from CSV: per-row errors, all-or-nothing, encodings."""

from __future__ import annotations

import io

import pytest

from opsuite.auth.models import Role, User
from opsuite.errors import InvalidInput
from opsuite.people.models import ProgramRole, TeamMember
from opsuite.reports.service.imports import Mode, import_file
from opsuite.shifts.models import Shift
from tests.conftest import csrf_token, log_in
from tests.factories.auth import make_user
from tests.factories.people import make_program, make_team
from tests.factories.shifts import make_opportunity

HEADER = "email,name,role,timezone,locale,skills,team,program\n"


def csv_file(text: str, encoding: str = "utf-8") -> io.BytesIO:
    return io.BytesIO(text.encode(encoding))


async def test_valid_people_are_imported_with_team_and_program():
    admin = await make_user(Role.ADMIN)
    team = await make_team(name="Kitchen")
    program = await make_program(name="Food bank")
    data = HEADER + (
        "li@example.org,李雷,staff,Asia/Shanghai,zh_Hans,cooking;driving,kitchen,Food bank\n"
        "ann@example.org,Ann,,,,,,\n"
    )
    result = await import_file(admin, "people", csv_file(data), mode=Mode.ALL)
    assert (result.rows, result.imported, result.error_count) == (2, 2, 0)
    li = await User.get(email="li@example.org")
    assert (li.name, li.role, li.skills, li.password_hash) == (
        "李雷",
        Role.STAFF,
        ["cooking", "driving"],
        "",
    )
    assert await TeamMember.filter(team_id=team.id, user_id=li.id).exists()
    assert await ProgramRole.filter(program_id=program.id, user_id=li.id).exists()
    assert (await User.get(email="ann@example.org")).role == Role.VOLUNTEER


async def test_one_bad_row_stops_the_whole_file_and_names_line_and_column():
    admin = await make_user(Role.ADMIN)
    await make_user(Role.STAFF, email="taken@example.org")
    data = HEADER + (
        "ok@example.org,Fine,,,,,,\n"
        "taken@example.org,Dup in database,,,,,,\n"
        "ok@example.org,Dup in file,,,,,,\n"
        "nobody,No email,,Mars/Olympus,,,,Moon program\n"
    )
    result = await import_file(admin, "people", csv_file(data), mode=Mode.ALL)
    assert result.imported == 0
    assert [(e.line, e.column) for e in result.errors] == [
        (3, "email"),
        (4, "email"),
        (5, "email"),
        (5, "timezone"),
        (5, "program"),
    ]
    assert not await User.filter(email="ok@example.org").exists()
    only_valid = await import_file(admin, "people", csv_file(data), mode=Mode.ONLY_VALID)
    assert only_valid.imported == 1
    assert await User.filter(email="ok@example.org").exists()


async def test_dry_run_writes_nothing():
    admin = await make_user(Role.ADMIN)
    result = await import_file(
        admin, "people", csv_file(HEADER + "a@example.org,A,,,,,,\n"), mode=Mode.DRY_RUN
    )
    assert (result.valid, result.imported) == (1, 0)
    assert not await User.filter(email="a@example.org").exists()


async def test_gbk_files_are_decoded_and_wrong_headers_refused():
    admin = await make_user(Role.ADMIN)
    gbk = csv_file("email,name\nwang@example.org,王芳\n", "gbk")
    result = await import_file(admin, "people", gbk, mode=Mode.ALL)
    assert result.encoding == "gb18030"
    assert (await User.get(email="wang@example.org")).name == "王芳"
    with pytest.raises(InvalidInput) as wrong:
        await import_file(admin, "people", csv_file("mail,fullname\nx,y\n"), mode=Mode.ALL)
    assert "missing email, name" in wrong.value.message
    with pytest.raises(InvalidInput):
        await import_file(admin, "people", io.BytesIO(b"\xff\xfe\x00\xd8\x00"), mode=Mode.ALL)


async def test_a_manager_may_not_import_managers_or_into_teams_they_do_not_run():
    manager = await make_user(Role.MANAGER)
    await make_team(name="Elsewhere")
    data = HEADER + "boss@example.org,Boss,admin,,,,,\nv@example.org,V,,,,,Elsewhere,\n"
    result = await import_file(manager, "people", csv_file(data), mode=Mode.ALL)
    assert [(e.line, e.column) for e in result.errors] == [(2, "role"), (3, "team")]


async def test_shifts_import_through_the_shifts_service(frozen_clock):
    manager = await make_user(Role.MANAGER)
    opportunity = await make_opportunity(manager=manager, title="Sorting")
    program = await opportunity.program
    data = (
        "program,opportunity,date,start,end,timezone,capacity\n"
        f"{program.name},Sorting,2026-03-10,09:00,12:00,Europe/Berlin,4\n"
        f"{program.name},Sorting,2026-13-01,09:00,12:00,Europe/Berlin,4\n"
        f"{program.name},Cooking,2026-03-11,9am,12:00,Europe/Berlin,0\n"
    )
    checked = await import_file(manager, "shifts", csv_file(data), mode=Mode.ALL)
    assert [(e.line, e.column) for e in checked.errors] == [
        (3, "date"),
        (4, "opportunity"),
        (4, "start"),
        (4, "capacity"),
    ]
    assert not await Shift.exists()
    imported = await import_file(manager, "shifts", csv_file(data), mode=Mode.ONLY_VALID)
    assert imported.imported == 1
    shift = await Shift.get()
    assert (shift.capacity, shift.timezone) == (4, "Europe/Berlin")


async def test_import_page_shows_errors_then_imports(client):
    await make_user(Role.ADMIN, email="root@example.org")
    await log_in(client, "root@example.org")
    token = await csrf_token(client, "/reports/imports")
    body = HEADER + "new@example.org,New,,,,,,\nbroken,Broken,,,,,,\n"
    files = {"file": ("people.csv", body.encode(), "text/csv")}
    checked = await client.post(
        "/reports/imports",
        data={"csrf_token": token, "kind": "people", "mode": "dry_run"},
        files=files,
    )
    assert checked.status_code == 200
    assert "Enter an email address like name@example.org." in checked.text
    assert "<td>3</td><td>email</td>" in checked.text
    imported = await client.post(
        "/reports/imports",
        data={"csrf_token": token, "kind": "people", "mode": "only_valid"},
        files=files,
    )
    assert "1 imported" in imported.text
    assert await User.filter(email="new@example.org").exists()
    missing = await client.post(
        "/reports/imports", data={"csrf_token": token, "kind": "people", "mode": "all"}
    )
    assert missing.status_code == 400
    assert "Choose a CSV file to upload." in missing.text
