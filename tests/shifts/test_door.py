"""At the door: the check-in code's token, the QR check-in page, kiosk mode and the paper sheet."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from opsuite import clock
from opsuite.errors import PermissionDenied
from opsuite.shifts import door, service
from opsuite.shifts.models import Attendance, HoursRecord, SignUp
from tests.conftest import log_in, post_form
from tests.factories.shifts import make_opportunity, make_shift, make_volunteer, manager_of


async def on_shift(settings, *, name="Ana Pereira", starts_in=timedelta(minutes=30)):
    shift = await make_shift(starts_at=clock.now() + starts_in)
    volunteer = await make_volunteer(name=name)
    signup = await service.sign_up(volunteer, shift.id, settings=settings)
    return shift, volunteer, signup, await manager_of(await shift.opportunity)


# --- the token ---------------------------------------------------------------------------


async def test_a_shifts_own_token_is_good_until_hours_after_the_shift(settings, frozen_clock):
    shift = await make_shift()
    token = door.door_token(settings, shift)
    door.check_token(settings, shift.id, token)
    clock.set_now(shift.ends_at + door.TOKEN_LASTS - timedelta(minutes=1))
    door.check_token(settings, shift.id, token)
    clock.set_now(shift.ends_at + door.TOKEN_LASTS)
    with pytest.raises(door.ExpiredCode, match="expired"):
        door.check_token(settings, shift.id, token)


async def test_another_shifts_token_or_a_changed_one_is_refused(settings, frozen_clock):
    shift = await make_shift()
    other = await make_shift(await shift.opportunity)
    token = door.door_token(settings, shift)
    with pytest.raises(PermissionDenied, match="not for this shift"):
        door.check_token(settings, other.id, token)
    expires, mac = token.split(".")
    later = f"{int(expires) + 86400}.{mac}"  # a longer life, the same signature
    flipped = f"{expires}.{mac[:-1]}{'0' if mac[-1] != '0' else '1'}"
    for bad in (later, flipped, "", "x.y", f"{expires}", "9" * 40 + "." + mac):
        with pytest.raises(PermissionDenied):
            door.check_token(settings, shift.id, bad)


# --- the page the QR code opens ------------------------------------------------------------


async def test_the_qr_link_checks_a_signed_in_volunteer_in_and_out(client, settings, frozen_clock):
    shift, volunteer, signup, _manager = await on_shift(settings)
    path = door.door_path(settings, shift)
    page = await client.get(path)  # not signed in: a way to log in and come back
    assert page.status_code == 200
    assert f"/login?next=%2Fshifts%2F{shift.id}%2Fdoor%2F" in page.text
    await log_in(client, volunteer.email)
    response = await post_form(client, path, {})
    assert response.status_code == 303
    assert (await SignUp.get(id=signup.id)).checked_in_at == clock.now()
    clock.advance(timedelta(hours=3))
    assert (await post_form(client, path, {})).status_code == 303
    record = await HoursRecord.get(signup_id=signup.id)
    assert record.minutes == 180
    assert "Checked out at" in (await client.get(path)).text


async def test_a_bad_code_is_refused_and_nothing_is_saved(client, settings, frozen_clock):
    shift, volunteer, signup, _manager = await on_shift(settings)
    other = await make_shift(await shift.opportunity)
    await log_in(client, volunteer.email)
    token = door.door_token(settings, other)
    wrong = await client.get(f"/shifts/{shift.id}/door/{token}")
    assert wrong.status_code == 403
    assert "not for this shift" in wrong.text
    good_path = door.door_path(settings, shift)
    csrf = (await client.get(good_path)).text.split('name="csrf_token" value="')[1].split('"')[0]
    refused = await client.post(f"/shifts/{shift.id}/door/{token}", data={"csrf_token": csrf})
    assert refused.status_code == 403
    clock.set_now(shift.ends_at + door.TOKEN_LASTS + timedelta(minutes=1))
    expired = await client.post(good_path, data={"csrf_token": csrf})
    assert expired.status_code == 410
    assert "expired" in expired.text
    assert (await SignUp.get(id=signup.id)).checked_in_at is None


async def test_someone_not_on_the_shift_is_told_so(client, settings, frozen_clock):
    shift, _volunteer, _signup, _manager = await on_shift(settings)
    stranger = await make_volunteer()
    await log_in(client, stranger.email)
    path = door.door_path(settings, shift)
    assert "You are not signed up for this shift" in (await client.get(path)).text
    response = await post_form(client, path, {})
    assert response.status_code == 400
    assert not await SignUp.filter(volunteer_id=stranger.id).exists()


# --- kiosk mode ------------------------------------------------------------------------------


async def test_kiosk_mode_keeps_the_browser_on_the_kiosk_until_the_pin(
    client, settings, frozen_clock
):
    shift, volunteer, signup, manager = await on_shift(settings, name="Ana Pereira")
    await log_in(client, manager.email)
    start = f"/shifts/{shift.id}/open-kiosk"
    bad = await post_form(client, start, {"pin": "12", "pin_again": "12"})
    assert bad.status_code == 400
    assert "4 to 8 digits" in bad.text
    differ = await post_form(client, start, {"pin": "2468", "pin_again": "2469"})
    assert differ.status_code == 400
    opened = await post_form(client, start, {"pin": "2468", "pin_again": "2468"})
    assert opened.headers["location"] == f"/shifts/{shift.id}/kiosk"
    kiosk = await client.get(f"/shifts/{shift.id}/kiosk")
    assert "Ana" in kiosk.text  # alone on the shift: the first name is enough
    assert volunteer.email not in kiosk.text
    assert "Pereira" not in kiosk.text
    for elsewhere in ("/shifts", f"/shifts/{shift.id}/roster", "/me", start):
        response = await client.get(elsewhere)
        assert response.status_code == 303, elsewhere
        assert response.headers["location"] == f"/shifts/{shift.id}/kiosk"
    assert (await client.get("/api/v1/shifts")).status_code == 403
    tap = f"/shifts/{shift.id}/kiosk/tap"
    from_page = f"/shifts/{shift.id}/kiosk"
    assert (
        await post_form(client, tap, {"signup_id": signup.id}, from_page=from_page)
    ).status_code == 303
    assert (await SignUp.get(id=signup.id)).checked_in_at is not None
    leave = f"/shifts/{shift.id}/kiosk/leave"
    wrong = await post_form(client, leave, {"pin": "1111"})
    assert wrong.status_code == 400
    assert (await client.get("/shifts")).status_code == 303  # still a kiosk
    right = await post_form(client, leave, {"pin": "2468"})
    assert right.headers["location"] == f"/shifts/{shift.id}/roster"
    assert (await client.get("/shifts")).status_code == 200


async def test_a_kiosk_cookie_is_worthless_in_another_session(client, app, settings, frozen_clock):
    shift, _volunteer, _signup, manager = await on_shift(settings)
    await log_in(client, manager.email)
    start = f"/shifts/{shift.id}/open-kiosk"
    await post_form(client, start, {"pin": "2468", "pin_again": "2468"})
    cookie = client.cookies["opsuite_kiosk"]
    assert (await client.get("/login")).status_code == 303  # even signing in again is the kiosk
    client.cookies.clear()
    await log_in(client, manager.email)  # a new session, and the old kiosk cookie put back
    client.cookies.set("opsuite_kiosk", cookie)
    assert (await client.get("/shifts")).status_code == 200
    client.cookies.set("opsuite_kiosk", cookie[:-1] + ("0" if cookie[-1] != "0" else "1"))
    assert (await client.get("/shifts")).status_code == 200


# --- the paper sheet ------------------------------------------------------------------------


async def test_the_sheet_lists_names_and_phones_for_the_coordinator(client, settings, frozen_clock):
    shift, volunteer, _signup, manager = await on_shift(settings)
    await volunteer.filter(id=volunteer.id).update(phone="+49 30 1234567")
    await log_in(client, manager.email)
    sheet = await client.get(f"/shifts/{shift.id}/sheet")
    assert sheet.status_code == 200
    assert "Ana Pereira" in sheet.text
    assert "+49 30 1234567" in sheet.text
    assert "Signature" in sheet.text
    client.cookies.clear()
    await log_in(client, volunteer.email)
    assert (await client.get(f"/shifts/{shift.id}/sheet")).status_code == 403


async def test_paper_results_are_saved_all_or_nothing(client, settings, frozen_clock):
    opportunity = await make_opportunity()
    shift = await make_shift(opportunity, starts_at=clock.now() + timedelta(hours=2))
    manager = await manager_of(opportunity)
    ana, ben = await make_volunteer(name="Ana A"), await make_volunteer(name="Ben B")
    one = await service.sign_up(ana, shift.id, settings=settings)
    two = await service.sign_up(ben, shift.id, settings=settings)
    clock.advance(timedelta(hours=6))  # the shift is over; the paper sheet comes back
    await log_in(client, manager.email)
    path = f"/shifts/{shift.id}/sheet/results"
    start = shift.starts_at.astimezone(ZoneInfo(manager.timezone))
    at = start.strftime("%H:%M")
    out = (start + timedelta(hours=2, minutes=30)).strftime("%H:%M")
    rows = {f"att_{one.id}": "attended", f"in_{one.id}": at, f"att_{two.id}": "no_show"}
    for wrong, message in (
        ({f"out_{one.id}": "17:90"}, "such as 17:00"),
        ({f"out_{one.id}": ""}, "such as 17:00"),
        ({f"out_{one.id}": out, f"in_{two.id}": at}, "A no-show has no times"),
        ({f"out_{one.id}": out, f"att_{two.id}": "maybe"}, "Choose from the list"),
    ):
        bad = await post_form(client, path, {**rows, **wrong})
        assert bad.status_code == 400, wrong
        assert "Nothing was saved" in bad.text
        assert message in bad.text
        assert f'value="{at}"' in bad.text  # what was typed is kept
        assert await HoursRecord.all().count() == 0
        assert (await SignUp.get(id=two.id)).attendance is None
    good = await post_form(client, path, {**rows, f"out_{one.id}": out})
    assert good.status_code == 303, good.text
    assert (await HoursRecord.get(signup_id=one.id)).minutes == 150
    assert (await SignUp.get(id=two.id)).attendance == Attendance.NO_SHOW
    assert (await SignUp.get(id=one.id)).attendance == Attendance.ATTENDED


async def test_paper_results_before_the_shift_save_nothing(client, settings, frozen_clock):
    shift, _volunteer, signup, manager = await on_shift(settings, starts_in=timedelta(hours=3))
    await log_in(client, manager.email)
    path = f"/shifts/{shift.id}/sheet/results"
    two = await make_volunteer(name="Cai C")
    other = await service.sign_up(two, shift.id, settings=settings)
    sent = {f"att_{signup.id}": "attended", f"att_{other.id}": "no_show"}
    response = await post_form(client, path, sent)
    assert response.status_code == 400
    assert "once the shift has started" in response.text
    assert await SignUp.filter(attendance__isnull=False).count() == 0
    assert await HoursRecord.all().count() == 0


async def test_the_shifts_own_time_reads_as_one_aside_in_chinese(client, settings, frozen_clock):
    shift, volunteer, _signup, _manager = await on_shift(settings, name="李娜")
    volunteer.locale, volunteer.timezone = "zh_Hans", "Asia/Shanghai"
    await volunteer.save()
    await log_in(client, volunteer.email)
    page = (await client.get(door.door_path(settings, shift))).text
    aside = "\uff08Europe/Berlin \u65f6\u95f4 "  # in full-width brackets, and only in those
    assert aside in page
    assert "(" not in page.split(aside, 1)[0].rsplit(">", 1)[-1]


async def test_a_queued_door_check_in_counts_once_and_a_bad_time_or_late_code_is_refused(
    client, settings, frozen_clock
):
    """What the phone's queue sends to the QR page: a retry does not check the volunteer out,
    a time outside the last day is refused, and a code that expired meanwhile says so."""
    shift, volunteer, signup, _manager = await on_shift(settings)
    await log_in(client, volunteer.email)
    path = door.door_path(settings, shift)
    page = (await client.get(path)).text
    fields = {
        "csrf_token": page.split('name="csrf_token" value="')[1].split('"')[0],
        "submission_key": page.split('name="submission_key" value="')[1].split('"')[0],
    }
    json = {"accept": "application/json"}
    too_old = (frozen_clock - timedelta(days=2)).isoformat()
    refused = await client.post(path, data={**fields, "happened_at": too_old}, headers=json)
    assert refused.status_code == 400
    assert "last 24 hours" in refused.json()["error"]
    assert (await SignUp.get(id=signup.id)).checked_in_at is None

    pressed = frozen_clock + timedelta(minutes=25)
    clock.set_now(frozen_clock + timedelta(minutes=40))
    queued = {**fields, "happened_at": pressed.isoformat()}
    first = await client.post(path, data=queued)
    again = await client.post(path, data=queued)  # the answer was lost; the phone retries
    assert first.status_code == again.status_code == 303
    signup = await SignUp.get(id=signup.id)
    assert signup.checked_in_at == pressed
    assert signup.checked_out_at is None  # the retry did not check them out

    page = (await client.get(path)).text
    late = {
        "csrf_token": page.split('name="csrf_token" value="')[1].split('"')[0],
        "submission_key": page.split('name="submission_key" value="')[1].split('"')[0],
        "happened_at": shift.ends_at.isoformat(),
    }
    clock.set_now(shift.ends_at + door.TOKEN_LASTS + timedelta(minutes=1))
    expired = await client.post(path, data=late, headers=json)
    assert expired.status_code == 410
    assert "expired" in expired.json()["error"]
    assert (await SignUp.get(id=signup.id)).checked_out_at is None
