"""Offices and their holidays: create, add one, import CSV or iCalendar (all or nothing)."""

from __future__ import annotations

from datetime import date

from opsuite.schedules.models import Holiday, Office
from tests.conftest import csrf_token, log_in, post_form
from tests.factories.auth import make_user
from tests.factories.schedules import make_office
from tests.schedules.helpers import field_error, text_of

ICS = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//opsuite tests//EN\r
BEGIN:VEVENT\r
UID:national-day@example.org\r
DTSTART;VALUE=DATE:20261001\r
DTEND;VALUE=DATE:20261004\r
SUMMARY:National Day\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:new-year@example.org\r
DTSTART;VALUE=DATE:20270101\r
SUMMARY:New Year\r
END:VEVENT\r
END:VCALENDAR\r
"""


async def upload(client, office: Office, name: str, content: bytes, kind: str = "text/csv"):
    url = f"/schedule/offices/{office.id}/holidays"
    token = await csrf_token(client, url)
    return await client.post(
        f"{url}/import", data={"csrf_token": token}, files={"file": (name, content, kind)}
    )


async def holidays_of(office: Office) -> list[tuple[str, str]]:
    return [(h.date.isoformat(), h.name) for h in await Holiday.filter(office=office)]


async def admin_and_office(client):
    admin = await make_user("admin")
    office = await make_office(name="Beijing", timezone="Asia/Shanghai")
    await log_in(client, admin.email)
    return office


async def test_importing_a_csv_file_adds_its_holidays(client):
    office = await admin_and_office(client)
    content = b"date,name\n2026-10-01,National Day\n2026-10-02,National Day (2)\n"
    response = await upload(client, office, "china-2026.csv", content)
    assert response.status_code == 303
    page = await client.get(response.headers["location"])
    assert "Imported 2 new holidays and updated 0." in page.text
    assert "National Day (2)" in page.text
    assert await holidays_of(office) == [
        ("2026-10-01", "National Day"),
        ("2026-10-02", "National Day (2)"),
    ]
    again = await upload(client, office, "china-2026.csv", b"2026-10-01,Golden Week\n")
    assert again.status_code == 303
    page = await client.get(again.headers["location"])
    assert "Imported 0 new holidays and updated 1." in page.text
    assert ("2026-10-01", "Golden Week") in await holidays_of(office)


async def test_a_csv_file_with_a_bad_line_imports_nothing_and_names_the_line(client):
    office = await admin_and_office(client)
    content = b"2026-10-01,National Day\n2026-02-30,Not a day\n2026-10-03\n"
    response = await upload(client, office, "bad.csv", content)
    assert response.status_code == 400
    errors = text_of(response.text.split('id="e-file"', 1)[1].split("</div>", 1)[0])
    assert "Nothing was imported." in errors
    assert "Line 2: 2026-02-30 is not a date like 2026-10-01." in errors
    assert "Line 3: expected a date and a name." in errors
    assert await holidays_of(office) == []


async def test_importing_an_ics_file_adds_each_day_of_each_event(client):
    office = await admin_and_office(client)
    response = await upload(client, office, "holidays.ics", ICS.encode(), "text/calendar")
    assert response.status_code == 303
    assert await holidays_of(office) == [
        ("2026-10-01", "National Day"),
        ("2026-10-02", "National Day"),
        ("2026-10-03", "National Day"),  # DTEND 4 October is exclusive
        ("2027-01-01", "New Year"),
    ]


async def test_an_ics_file_with_a_broken_event_imports_nothing(client):
    office = await admin_and_office(client)
    broken = ICS.replace("DTSTART;VALUE=DATE:20270101", "DTSTART;VALUE=DATE:2027-13-45")
    response = await upload(client, office, "holidays.ics", broken.encode(), "text/calendar")
    assert response.status_code == 400
    assert "Event 2 (New Year): the start or end is not a date." in text_of(response.text)
    assert await holidays_of(office) == []
    junk = await upload(client, office, "junk.ics", b"BEGIN:VCALENDAR\nthis is not ical\n")
    assert junk.status_code == 400
    assert "This is not an iCalendar file" in text_of(junk.text)


async def test_files_over_one_megabyte_or_not_utf8_are_refused(client):
    office = await admin_and_office(client)
    line = b"2026-10-01,National Day\n"
    big = await upload(client, office, "big.csv", line * (1_000_000 // len(line) + 1))
    assert big.status_code == 413
    huge = await upload(client, office, "huge.csv", line * 100_000)
    assert huge.status_code == 413
    assert big.status_code == 413
    assert "larger than 1 MB" in big.text
    latin = await upload(client, office, "latin.csv", "2026-10-01,Fête\n".encode("latin-1"))
    assert latin.status_code == 400
    assert "The file must be UTF-8 text." in latin.text
    nothing = await upload(client, office, "empty.csv", b"")
    assert nothing.status_code == 400
    assert await holidays_of(office) == []


async def test_adding_one_holiday_and_a_bad_date_next_to_its_field(client):
    office = await admin_and_office(client)
    url = f"/schedule/offices/{office.id}/holidays"
    bad = await post_form(client, url, {"date": "1 October", "name": "National Day"})
    assert bad.status_code == 400
    assert field_error(bad, "date") == "Enter a date like 2026-03-09."
    assert 'value="National Day"' in bad.text
    good = await post_form(client, url, {"date": "2026-10-01", "name": "National Day"})
    assert good.status_code == 303
    assert await holidays_of(office) == [("2026-10-01", "National Day")]


async def test_admins_create_offices_with_a_known_zone_and_a_new_name(client):
    await admin_and_office(client)
    taken = await post_form(
        client, "/schedule/offices", {"name": "Beijing", "timezone": "Asia/Shanghai"}
    )
    assert taken.status_code == 400
    assert field_error(taken, "name") == "An office with this name already exists."
    zone = await post_form(client, "/schedule/offices", {"name": "Nairobi", "timezone": "Kenya"})
    assert field_error(zone, "timezone").startswith("Unknown time zone")
    created = await post_form(
        client,
        "/schedule/offices",
        {"name": "Nairobi", "timezone": "Africa/Nairobi", "address": "Ngong Road"},
    )
    assert created.status_code == 303
    page = await client.get("/schedule/offices")
    assert "The office Nairobi is added." in page.text
    assert "Africa/Nairobi" in page.text


async def test_only_admins_manage_offices_and_holidays(client):
    office = await make_office()
    manager = await make_user("manager")
    await log_in(client, manager.email)
    assert (await client.get("/schedule/offices")).status_code == 403
    assert (await client.get(f"/schedule/offices/{office.id}/holidays")).status_code == 403
    response = await post_form(
        client,
        f"/schedule/offices/{office.id}/holidays",
        {"date": "2026-10-01", "name": "National Day"},
        from_page="/schedule",
    )
    assert response.status_code == 403
    assert await Holiday.filter(date=date(2026, 10, 1)).count() == 0
