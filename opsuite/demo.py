"""Demo data: the organisation "Harbour Community Aid / 港湾社区援助", loaded by `opsuite demo`.

Loading is idempotent: people are matched by email, teams and programs by name, memberships and
program roles by their pair, so a second run finds everything in place and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from tortoise.transactions import in_transaction

from opsuite import clock
from opsuite.audit.service import record
from opsuite.auth.models import Role, User
from opsuite.auth.passwords import hash_password
from opsuite.auth.service import create_user
from opsuite.meetings.models import Meeting
from opsuite.meetings.service import AttendeeInput, MeetingInput, create_meeting
from opsuite.people.models import Program, ProgramAccess, ProgramRole, Team, TeamMember
from opsuite.schedules.models import Arrangement, Holiday, Office, TimeOff
from opsuite.schedules.service import (
    ArrangementInput,
    BlockInput,
    LeaveInput,
    decide_leave,
    request_leave,
    set_arrangement,
)
from opsuite.settings import Settings
from opsuite.shifts.models import Opportunity, Shift
from opsuite.shifts.planning import (
    OpportunityInput,
    ShiftInput,
    create_opportunity,
    create_series,
    create_shift,
)
from opsuite.shifts.service import sign_up
from opsuite.tasks.boards import create_board
from opsuite.tasks.models import Board
from opsuite.tasks.service import TaskInput, create_task

ORGANISATION = "Harbour Community Aid / 港湾社区援助"
DEMO_PASSWORD = "opsuite-demo"  # noqa: S105  # published in README; not in production  # nosec B105
DEMO_DOMAIN = "demo.opsuite.org"


@dataclass(frozen=True)
class DemoPerson:
    key: str  # the part of the email before @demo.opsuite.org
    name: str
    role: Role
    timezone: str
    locale: str
    skills: tuple[str, ...] = ()
    arrangement: str = ""  # a key of ARRANGEMENTS

    @property
    def email(self) -> str:
        return f"{self.key}@{DEMO_DOMAIN}"


SH, LDN, NYC = "Asia/Shanghai", "Europe/London", "America/New_York"

PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson(
        "admin", "陈静 Chen Jing", Role.ADMIN, SH, "zh_Hans", arrangement="fixed 09:00-17:00"
    ),
    DemoPerson(
        "manager", "李伟 Li Wei", Role.MANAGER, SH, "zh_Hans", arrangement="fixed 09:00-17:00"
    ),
    DemoPerson("manager2", "Sarah Thompson", Role.MANAGER, LDN, "en", arrangement="hybrid"),
    DemoPerson(
        "staff", "王芳 Wang Fang", Role.STAFF, SH, "zh_Hans", arrangement="fixed 09:00-17:00"
    ),
    DemoPerson("staff2", "张敏 Zhang Min", Role.STAFF, SH, "zh_Hans", arrangement="hybrid"),
    DemoPerson("staff3", "刘洋 Liu Yang", Role.STAFF, SH, "zh_Hans", arrangement="fixed, field"),
    DemoPerson("staff4", "James O'Connor", Role.STAFF, LDN, "en", arrangement="remote"),
    DemoPerson("staff5", "Maria González", Role.STAFF, NYC, "en", arrangement="flexible"),
    DemoPerson("staff6", "Emily Davis", Role.STAFF, NYC, "en", arrangement="part-time remote"),
    DemoPerson(
        "volunteer", "赵磊 Zhao Lei", Role.VOLUNTEER, SH, "zh_Hans", ("driving", "first aid")
    ),
    DemoPerson(
        "volunteer2", "孙丽 Sun Li", Role.VOLUNTEER, SH, "zh_Hans", ("cooking", "Cantonese")
    ),
    DemoPerson(
        "volunteer3",
        "黄晓明 Huang Xiaoming",
        Role.VOLUNTEER,
        SH,
        "zh_Hans",
        ("tutoring", "English"),
    ),
    DemoPerson(
        "volunteer4",
        "周婷 Zhou Ting",
        Role.VOLUNTEER,
        SH,
        "zh_Hans",
        ("photography", "social media"),
    ),
    DemoPerson("volunteer5", "Priya Sharma", Role.VOLUNTEER, LDN, "en", ("tutoring", "maths")),
    DemoPerson(
        "volunteer6", "Aisha Bello", Role.VOLUNTEER, LDN, "en", ("first aid", "elderly care")
    ),
    DemoPerson("volunteer7", "Tom Becker", Role.VOLUNTEER, NYC, "en", ("warehouse", "forklift")),
    DemoPerson("volunteer8", "David Kim", Role.VOLUNTEER, NYC, "en", ("driving", "IT support")),
    # A funder's liaison: the smallest role plus read-only access to the program they fund.
    DemoPerson("funder", "吴雅琴 Wu Yaqin", Role.VOLUNTEER, SH, "zh_Hans"),
)

# team name -> (description, managers, members)
TEAMS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "Office": (
        "办公室 · Shanghai office: finance, HR and coordination.",
        ("manager",),
        ("staff", "staff2"),
    ),
    "Field Services": (
        "外勤服务 · Home visits, food deliveries and events in the neighbourhood.",
        ("manager",),
        ("staff3", "volunteer", "volunteer2", "volunteer6"),
    ),
    "Remote Outreach": (
        "远程外展 · Online tutoring, phone befriending and fundraising from London and New York.",
        ("manager2",),
        ("staff4", "staff5", "staff6", "volunteer5"),
    ),
}

# program name -> (description, funder, managers, read-only)
PROGRAMS: dict[str, tuple[str, str, tuple[str, ...], tuple[str, ...]]] = {
    "Elderly Care Visiting Service": (
        "长者探访服务 · Weekly home visits to older people living alone.",
        "Municipal Civil Affairs Bureau (government grant)",
        ("manager",),
        ("funder",),
    ),
    "Harbour Food Bank": (
        "港湾食物银行 · Collects surplus food and hands out parcels twice a week.",
        "Community donations",
        ("manager",),
        (),
    ),
    "Youth Tutoring": (
        "青少年辅导 · Volunteers tutor secondary-school pupils online and after school.",
        "Harbour Education Foundation",
        ("manager2",),
        (),
    ),
}


@dataclass(frozen=True)
class DemoResult:
    created: int

    @property
    def changed(self) -> bool:
        return self.created > 0


async def _person(person: DemoPerson, password_hash: str) -> tuple[User, bool]:
    existing = await User.get_or_none(email=person.email)
    if existing is not None:
        return existing, False
    user = await create_user(
        email=person.email,
        name=person.name,
        role=person.role,
        timezone=person.timezone,
        locale=person.locale,
        skills=list(person.skills),
    )
    # One hash for every demo account: hashing eighteen times would only slow `make run` down.
    user.password_hash = password_hash
    await user.save(update_fields=["password_hash"])
    return user, True


async def _teams(users: dict[str, User]) -> int:
    created = 0
    for name, (description, managers, members) in TEAMS.items():
        team, new = await Team.get_or_create(
            name=name, defaults={"description": description, "created_at": clock.now()}
        )
        created += new
        for key in managers + members:
            _row, new = await TeamMember.get_or_create(
                team=team, user=users[key], defaults={"is_manager": key in managers}
            )
            created += new
    return created


async def _programs(users: dict[str, User]) -> int:
    created = 0
    for name, (description, funder, managers, readers) in PROGRAMS.items():
        program, new = await Program.get_or_create(
            name=name,
            defaults={"description": description, "funder": funder, "created_at": clock.now()},
        )
        created += new
        for key in managers + readers:
            access = ProgramAccess.MANAGE if key in managers else ProgramAccess.READ
            _row, new = await ProgramRole.get_or_create(
                program=program, user=users[key], defaults={"access": access}
            )
            created += new
    return created


ARRANGEMENTS_FROM = date(2026, 1, 5)
OFFICES = {
    "shanghai": ("上海办公室 Shanghai office", SH, "上海市黄浦区中山东一路 18 号"),
    "london": ("London office", LDN, "18 Harbour Street, London"),
}
HOLIDAYS = {
    "shanghai": [(date(2026, 10, d), "国庆节 National Day") for d in range(1, 8)]
    + [(date(2026, 1, 1), "元旦 New Year's Day"), (date(2026, 5, 1), "劳动节 Labour Day")],
    "london": [
        (date(2026, 12, 25), "Christmas Day"),
        (date(2026, 12, 28), "Boxing Day (substitute)"),
        (date(2026, 8, 31), "Summer bank holiday"),
    ],
}
MON_FRI = range(5)


def _arrangement(kind: str, person: DemoPerson, offices: dict[str, Office]) -> ArrangementInput:
    office = offices["london" if person.timezone == LDN else "shanghai"].id
    nine, five, lunch, after = time(9), time(17), time(12), time(13)
    if kind == "fixed 09:00-17:00":  # lunch excluded
        blocks = [BlockInput(d, nine, lunch, "office", office) for d in MON_FRI]
        blocks += [BlockInput(d, after, five, "office", office) for d in MON_FRI]
        return ArrangementInput("fixed", ARRANGEMENTS_FROM, person.timezone, tuple(blocks), office)
    if kind == "fixed, field":
        blocks = [BlockInput(d, time(8), time(16), "field") for d in MON_FRI]
        return ArrangementInput("fixed", ARRANGEMENTS_FROM, person.timezone, tuple(blocks), office)
    if kind == "hybrid":  # office Mon, Tue, Thu; home Wed, Fri
        blocks = [
            BlockInput(
                d,
                nine,
                five,
                "office" if d in (0, 1, 3) else "home",
                office if d in (0, 1, 3) else None,
            )
            for d in MON_FRI
        ]
        return ArrangementInput("hybrid", ARRANGEMENTS_FROM, person.timezone, tuple(blocks), office)
    if kind == "remote":
        blocks = [BlockInput(d, time(8), time(16), "home") for d in MON_FRI]
        return ArrangementInput("remote", ARRANGEMENTS_FROM, person.timezone, tuple(blocks))
    if kind == "part-time remote":  # mornings, Monday to Thursday
        blocks = [BlockInput(d, nine, time(13), "home") for d in range(4)]
        return ArrangementInput("remote", ARRANGEMENTS_FROM, person.timezone, tuple(blocks))
    if kind == "flexible":
        blocks = [BlockInput(d, time(7), time(20), "home") for d in MON_FRI]
        return ArrangementInput(
            "flexible",
            ARRANGEMENTS_FROM,
            person.timezone,
            tuple(blocks),
            core=(time(10), time(15)),
            window=(time(7), time(20)),
            weekly_hours_target=Decimal(35),
        )
    raise ValueError(f"unknown demo arrangement {kind!r}")


async def _schedules(users: dict[str, User], settings: Settings) -> int:
    created = 0
    offices: dict[str, Office] = {}
    for key, (name, zone, address) in OFFICES.items():
        offices[key], new = await Office.get_or_create(
            name=name, defaults={"timezone": zone, "address": address}
        )
        created += new
        for day, holiday in HOLIDAYS[key]:
            _row, new = await Holiday.get_or_create(
                office=offices[key], date=day, defaults={"name": holiday}
            )
            created += new
    for person in PEOPLE:
        user = users[person.key]
        if not person.arrangement or await Arrangement.filter(user_id=user.id).exists():
            continue
        await set_arrangement(
            users["admin"], user, _arrangement(person.arrangement, person, offices)
        )
        created += 1
    if not await TimeOff.filter(user_id=users["staff"].id).exists():
        # One decided and one waiting, so the approvals page and the digests have something.
        today = clock.now().date()
        monday = today + timedelta(days=7 - today.weekday())
        approved = await request_leave(
            users["staff"],
            LeaveInput(
                "vacation",
                monday + timedelta(days=14),
                monday + timedelta(days=18),
                reason="家庭旅行 Family trip",
            ),
            settings=settings,
        )
        await decide_leave(users["manager"], approved, approve=True, settings=settings)
        await request_leave(
            users["staff4"],
            LeaveInput(
                "other",
                monday + timedelta(days=2),
                monday + timedelta(days=2),
                time(13),
                time(17),
                reason="Dentist",
            ),
            settings=settings,
        )
        created += 2
    return created


def _next(weekday: int, at: time, zone: str, weeks_ahead: int = 0) -> datetime:
    """The next such weekday (0 = Monday) at a wall-clock time in a zone, as an instant."""
    today = clock.now().astimezone(ZoneInfo(zone)).date()
    day = today + timedelta(days=(weekday - today.weekday()) % 7 or 7, weeks=weeks_ahead)
    return datetime.combine(day, at, tzinfo=ZoneInfo(zone))


async def _shifts(users: dict[str, User], settings: Settings) -> int:
    """Weekly food sorting (a series, with sign-ups) and a home visit needing first aid."""
    if await Opportunity.filter(title="Food sorting 食物分拣").exists():
        return 0
    food_bank = await Program.get(name="Harbour Food Bank")
    elderly = await Program.get(name="Elderly Care Visiting Service")
    sorting = await create_opportunity(
        users["manager"],
        food_bank.id,
        OpportunityInput(
            title="Food sorting 食物分拣",
            description="Sort and pack donated food for families.",
            location="Harbour Food Bank, 12 Harbour Road",
            is_public=True,
        ),
    )
    saturday = _next(5, time(9), SH)
    await create_series(
        users["manager"],
        sorting,
        ShiftInput(
            day=saturday.date(),
            start=time(9),
            end=time(12),
            timezone=SH,
            capacity=6,
            location="Harbour Food Bank",
        ),
        rule="FREQ=WEEKLY;COUNT=12",
    )
    first_two = await Shift.filter(opportunity_id=sorting.id).order_by("starts_at").limit(2)
    for shift in first_two:
        for key in ("volunteer", "volunteer2", "volunteer6"):
            await sign_up(users[key], shift.id, settings=settings)
    visit = await create_opportunity(
        users["manager"],
        elderly.id,
        OpportunityInput(
            title="Home visit 上门探访",
            description="Visit an older neighbour at home for a chat and a check that all is well.",
            required_skills=("first aid",),
            is_public=False,
        ),
    )
    wednesday = _next(2, time(14), SH)
    home_visit = await create_shift(
        users["manager"],
        visit,
        ShiftInput(
            day=wednesday.date(),
            start=time(14),
            end=time(16),
            timezone=SH,
            capacity=2,
        ),
    )
    await sign_up(users["volunteer"], home_visit.id, settings=settings)
    return 3


async def _meetings(users: dict[str, User], settings: Settings) -> int:
    """A weekly online check-in for the Remote Outreach team across three time zones."""
    if await Meeting.filter(title="Remote Outreach weekly check-in").exists():
        return 0
    team = await Team.get(name="Remote Outreach")
    start = _next(1, time(14), LDN)
    await create_meeting(
        users["manager2"],
        MeetingInput(
            title="Remote Outreach weekly check-in",
            timezone=LDN,
            starts_at=start,
            ends_at=start + timedelta(minutes=45),
            mode="online",
            video_url="https://meet.example.org/remote-outreach",
            rrule="FREQ=WEEKLY;COUNT=20",
            agenda="1. Calls this week\n2. Tutoring rota\n3. Anything else",
            team_id=team.id,
            attendees=tuple(AttendeeInput(users[k].id) for k in ("staff4", "staff5", "staff6")),
        ),
        settings=settings,
    )
    return 1


async def _tasks(users: dict[str, User], settings: Settings) -> int:
    """The Office team's winter appeal board, with tasks for two staff members."""
    if await Board.filter(name="Winter appeal 冬季募捐").exists():
        return 0
    office = await Team.get(name="Office")
    board = await create_board(
        users["manager"],
        name="Winter appeal 冬季募捐",
        team_id=office.id,
        description="Everything for the December fundraising appeal.",
    )
    today = clock.now().date()
    for title, who, due_in in (
        ("Print the appeal flyers 印刷募捐传单", "staff", 5),
        ("Book the community hall", "staff2", 10),
        ("Thank-you letters to last year's donors", "staff", 3),
        ("Update the donations page", "staff2", 14),
    ):
        await create_task(
            users["manager"],
            board,
            TaskInput(title=title, due_date=today + timedelta(days=due_in)),
            assignee_ids=(users[who].id,),
            settings=settings,
        )
    return 1


async def load_demo(settings: Settings) -> DemoResult:
    """Create whatever part of the demo organisation is missing, in one transaction."""
    password_hash = hash_password(DEMO_PASSWORD)
    async with in_transaction():
        users: dict[str, User] = {}
        created = 0
        for person in PEOPLE:
            users[person.key], new = await _person(person, password_hash)
            created += new
        created += await _teams(users)
        created += await _programs(users)
        created += await _schedules(users, settings)
        created += await _shifts(users, settings)
        created += await _meetings(users, settings)
        created += await _tasks(users, settings)
        if created:
            await record(users["admin"], "demo.loaded", None, organisation=ORGANISATION)
    return DemoResult(created)
