"""People reading Chinese see Chinese words, not the values stored in the database: statuses in
the outbox and delivery logs, job names, export datasets, kinds of leave in emails, column
headers and calendar tabs that say what they mean."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from opsuite import clock
from opsuite.areas import collect
from opsuite.auth.models import Role
from opsuite.errors import FieldErrors
from opsuite.notify.models import Notification, NotificationStatus
from opsuite.notify.scheduler import run_job
from opsuite.notify.service import dispatch_due, enqueue_email
from opsuite.people import service as people
from opsuite.reports.service.imports import Mode, import_file
from opsuite.schedules.models import Location, TimeOffKind, TimeOffStatus
from opsuite.schedules.service import LeaveInput, request_leave
from opsuite.web.i18n import use_locale
from tests.conftest import log_in
from tests.factories.auth import make_user
from tests.factories.people import make_team

RAW_STATUSES = {"pending", "sending", "sent", "failed", "cancelled", "ok"}


def texts(html: str) -> set[str]:
    """Every piece of text a reader sees between tags, stripped (attributes left out)."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return {t.strip() for t in re.split(r"<[^>]*>", body) if t.strip()}


async def zh_admin(client):
    admin = await make_user(Role.ADMIN, locale="zh_Hans", name="管理员")
    await log_in(client, admin.email)
    return admin


async def queue(settings, to, n, status):
    row = await enqueue_email(
        kind="password_reset",
        to=to,
        settings=settings,
        dedupe_key=f"words.{n}",
        context={"link": "/password/reset/x", "hours": 2},
    )
    await Notification.filter(id=row.id).update(status=status)


async def test_outbox_shows_statuses_in_chinese(client, settings):
    admin = await zh_admin(client)
    for n, status in enumerate(NotificationStatus):
        await queue(settings, admin, n, status)

    page = await client.get("/admin/outbox")

    assert page.status_code == 200
    seen = texts(page.text)
    assert not seen & RAW_STATUSES, seen & RAW_STATUSES
    for chinese in ("已发送", "等待发送", "已取消", "发送失败"):
        assert chinese in seen
    filtered = await client.get("/admin/outbox?status=cancelled")
    assert '<option value="cancelled" selected>已取消</option>' in filtered.text


async def test_scheduler_page_names_jobs_and_outcomes_in_chinese(client, settings):
    await zh_admin(client)

    async def fails() -> None:
        raise RuntimeError("SMTP down")

    await run_job("notify.dispatch", lambda: dispatch_due(settings))
    await run_job("feeds.refresh", fails)

    page = await client.get("/admin/scheduler")

    assert page.status_code == 200
    seen = texts(page.text)
    assert "notify.dispatch" not in seen
    assert "feeds.refresh" not in seen
    assert {"发送排队的邮件", "刷新日历订阅"} <= seen
    assert not {t.split()[0] for t in seen} & RAW_STATUSES
    assert "成功" in seen
    assert any(t.startswith("失败") for t in seen)


def test_every_scheduled_job_has_a_name_and_an_interval(settings):
    jobs = collect().jobs
    assert len({job.id for job in jobs}) == len(jobs) >= 9
    for job in jobs:
        assert str(job.label)
        assert str(job.label) != job.id
        assert job.every(settings)


async def test_exports_page_names_datasets_in_chinese(client):
    await zh_admin(client)

    page = await client.get("/reports/exports")

    assert page.status_code == 200
    seen = texts(page.text)
    assert not seen & {"people", "shifts", "signups", "hours", "meetings", "tasks"}
    assert {"人员", "班次", "报名", "志愿服务时长", "会议", "任务"} <= seen
    assert '/reports/exports/signups?format=csv"' in page.text  # the links keep the names


async def test_leave_email_names_the_kind_of_leave_in_the_managers_language(settings, inbox):
    manager = await make_user(Role.MANAGER, locale="zh_Hans", name="李经理")
    worker = await make_user(Role.STAFF, name="Wen")
    await make_team(manager=manager, members=[worker])
    clock.set_now(datetime(2026, 2, 2, 1, 0, tzinfo=UTC))

    await request_leave(
        worker, LeaveInput("sick", date(2026, 3, 10), date(2026, 3, 11)), settings=settings
    )
    await dispatch_due(settings)

    [mail] = inbox.to(manager.email)
    assert "（病假）" in mail.text or "(病假)" in mail.text
    assert "病假" in mail.part("text/html")
    for raw in ("sick", "(other)", "（other）"):
        assert raw not in mail.text
        assert raw not in mail.part("text/html")


def test_every_leave_and_place_value_has_a_chinese_label():
    with use_locale("zh_Hans"):
        for enum in (TimeOffKind, TimeOffStatus, Location, NotificationStatus):
            for member in enum:
                assert member.label != member.value
                assert re.search(r"[\u4e00-\u9fff]", member.label), (enum, member)


async def test_activity_column_says_what_the_entry_concerns(client):
    await zh_admin(client)

    page = await client.get("/admin/activity")

    assert page.status_code == 200
    seen = texts(page.text)
    assert "对象" not in seen
    assert "涉及" in seen


async def test_calendar_view_tabs_read_day_week_month(client):
    await zh_admin(client)

    page = await client.get("/meetings?view=week")

    assert page.status_code == 200
    nav = page.text.split('aria-label="日历视图"', 1)[-1].split("</nav>", 1)[0]
    tabs = [t for t in texts(nav) if t in {"列表", "日", "周", "月", "日期", "月份", "议程"}]
    assert sorted(tabs) == sorted(["列表", "日", "周", "月"])


async def test_optional_choices_carry_no_required_star(client):
    staff = await make_user(Role.MANAGER, locale="en")
    await log_in(client, staff.email)

    page = await client.get("/meetings/new")

    assert page.status_code == 200
    labels = {
        re.sub(r"<[^>]+>", "", inner).replace("*", "").strip(): "*" in inner
        for inner in re.findall(r'<label for="f-[^"]+">(.*?)</label>', page.text, flags=re.S)
    }
    assert labels["Optional"] is False
    assert labels["Required"] is False  # a multiple choice may be left empty
    assert labels["Title"] is True


async def test_an_empty_name_is_missing_not_too_long():
    admin = await make_user(Role.ADMIN)
    person = await make_user(Role.VOLUNTEER)

    for name in ("", "   "):
        with pytest.raises(FieldErrors) as empty:
            await people.update_person(admin, person, name=name)
        assert empty.value.errors["name"] == "This field is required."
    with pytest.raises(FieldErrors) as long:
        await people.update_person(admin, person, name="x" * 121)
    assert long.value.errors["name"] == "At most 120 characters, please (you typed 121)."


async def test_an_imported_row_without_a_name_says_the_name_is_missing():
    admin = await make_user(Role.ADMIN)
    data = "email,name\nnoname@example.org,\nlong@example.org," + "x" * 121 + "\n"

    result = await import_file(admin, "people", io.BytesIO(data.encode()), mode=Mode.ALL)

    assert [(e.line, e.column, e.message) for e in result.errors] == [
        (2, "name", "This field is required."),
        (3, "name", "At most 120 characters, please (you typed 121)."),
    ]


def test_every_email_html_part_uses_the_one_layout():
    root = Path(__file__).resolve().parents[2] / "templates" / "email"
    kinds = sorted(p.parent.name for p in root.glob("*/body.html"))
    assert len(kinds) >= 20
    for kind in kinds:
        assert (root / kind / "body.txt").exists(), kind
        first = (root / kind / "body.html").read_text(encoding="utf-8").splitlines()[0]
        assert first == '{% extends "email/_layout.html" %}', kind
