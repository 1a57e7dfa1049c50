"""Demo data: the organisation "Harbour Community Aid / 港湾社区援助", loaded by `opsuite demo`.

Loading is idempotent: people are matched by email, teams and programs by name, memberships and
program roles by their pair, so a second run finds everything in place and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.transactions import in_transaction

from opsuite import clock
from opsuite.audit.service import record
from opsuite.auth.models import Role, User
from opsuite.auth.passwords import hash_password
from opsuite.auth.service import create_user
from opsuite.people.models import Program, ProgramAccess, ProgramRole, Team, TeamMember

ORGANISATION = "Harbour Community Aid / 港湾社区援助"
DEMO_PASSWORD = "opsuite-demo"  # noqa: S105 - documented in the README; demo refuses production
DEMO_DOMAIN = "demo.opsuite.org"


@dataclass(frozen=True)
class DemoPerson:
    key: str  # the part of the email before @demo.opsuite.org
    name: str
    role: Role
    timezone: str
    locale: str
    skills: tuple[str, ...] = ()
    # TODO: turn these into work arrangements once opsuite.schedules exists.
    arrangement: str = ""

    @property
    def email(self) -> str:
        return f"{self.key}@{DEMO_DOMAIN}"


SH, LDN, NYC = "Asia/Shanghai", "Europe/London", "America/New_York"

PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson("admin", "陈静 Chen Jing", Role.ADMIN, SH, "zh_Hans"),
    DemoPerson("manager", "李伟 Li Wei", Role.MANAGER, SH, "zh_Hans"),
    DemoPerson("manager2", "Sarah Thompson", Role.MANAGER, LDN, "en"),
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


async def load_demo() -> DemoResult:
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
        if created:
            await record(users["admin"], "demo.loaded", None, organisation=ORGANISATION)
    return DemoResult(created)
