"""Every page after every edit: the demo organisation, edited through the services in every way
the forms allow, then every GET route of the app (from its route table, so a new route is walked
without touching this file) as every demo role. No page may answer 5xx.

The organisation is built once for this module (the walk only reads), so each role's walk is one
test and the whole module runs once per database engine.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from itertools import product
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from starlette.routing import Mount, Route

from opsuite import clock
from opsuite.app import create_app
from opsuite.applications.models import Application, RequiredCheck
from opsuite.applications.service import Minor, add_check, apply, decide, record_check
from opsuite.auth.models import User
from opsuite.demo import DEMO_DOMAIN, DEMO_PASSWORD, load_demo
from opsuite.help.pages import TOPICS
from opsuite.hooks import service as hooks
from opsuite.hooks.models import WebhookEndpoint
from opsuite.meetings.models import Attendee, Meeting, Poll
from opsuite.meetings.service import rsvp_signature
from opsuite.notify.models import Notification
from opsuite.notify.preferences import KIND_CODES
from opsuite.notify.unsubscribe import signature as unsubscribe_signature
from opsuite.people.models import Program, Team
from opsuite.reports.service.catalog import KINDS as REPORT_KINDS
from opsuite.reports.service.exports import DATASETS
from opsuite.schedules.models import Office, TimeOff
from opsuite.settings import Settings
from opsuite.shifts.certificates import issue_certificate
from opsuite.shifts.door import door_token
from opsuite.shifts.models import Certificate, HoursRecord, HoursStatus, Opportunity, Shift
from opsuite.tasks.models import Board, Task
from tests.conftest import empty_tables, post_form
from tests.factories.applications import ANSWERS, make_application, require_applications
from tests.factories.demo_edits import Edited, attend_first_shift, edit_demo

ROLES = ("admin", "manager", "manager2", "staff", "volunteer", "funder", "anonymous")

# A path parameter is filled from the word before it: ".../people/{id}" takes user ids.
KIND_BEFORE_PARAMETER = {
    ("people", "id"): "users",
    ("teams", "id"): "teams",
    ("programs", "id"): "programs",
    ("offices", "id"): "offices",
    ("shifts", "id"): "shifts",
    ("opportunities", "id"): "opportunities",
    ("polls", "id"): "polls",
    ("meeting-polls", "id"): "polls",
    ("meetings", "id"): "meetings",
    ("boards", "id"): "boards",
    ("tasks", "id"): "tasks",
    ("help", "topic"): "topics",
    ("exports", "dataset"): "datasets",
    ("reports", "report"): "reports",
    ("reset", "token"): "reset_tokens",
    ("invite", "token"): "invite_tokens",
    ("certificates", "id"): "certificates",
    ("verify", "code"): "certificate_codes",
    ("webhooks", "id"): "webhooks",
    ("applications", "id"): "applications",
    ("people", "user_id"): "applicants",
    ("checks", "check_id"): "checks",
    ("guardian-consent", "token"): "guardian_tokens",
    ("leave", "id"): "time_off",
    ("reports", "token"): "report_tokens",
}
# Routes whose parameters belong together (a signature over the others) are filled whole.
WHOLE_ROUTES = ("feeds:feed", "notify:unsubscribe", "meetings:rsvp_link", "shifts:door")
# Routes not walked, each with the reason. Everything else is.
NOT_WALKED: dict[str, str] = {}
# Links found on pages with a query string (view tabs, report groups, pages of a list): one
# per route and set of query keys is walked too; so is each filter form (method="get") as it
# stands and with each other option of its choices.
LINK = re.compile(r'href="(/[^"#]*\?[^"#]*)"')
QUERY_VARIANTS_PER_ROUTE = 6


@dataclass
class World:
    ids: dict[str, list[Any]]
    whole: dict[str, list[dict[str, Any]]]
    edited: Edited


async def _add_webhook(settings: Settings) -> None:
    """An endpoint with a delivery and its (failed: nobody listens there) attempt."""
    admin = await User.filter(role="admin").order_by("id").first()
    assert admin is not None
    endpoint, _secret = await hooks.create_endpoint(
        admin,
        url="http://127.0.0.1:9/hook",
        description="A receiver that is down",
        events=["shift.cancelled", "meeting.changed"],
        settings=settings,
    )
    await hooks.send_test(admin, endpoint, settings)


async def _ids(edited: Edited) -> dict[str, list[Any]]:
    async def of(model: Any) -> list[Any]:
        return list(await model.all().order_by("id").values_list("id", flat=True))

    return {
        "users": await of(User),
        "teams": await of(Team),
        "programs": await of(Program),
        "offices": await of(Office),
        "shifts": await of(Shift),
        "opportunities": await of(Opportunity),
        "polls": await of(Poll),
        "meetings": await of(Meeting),
        "boards": await of(Board),
        "tasks": await of(Task),
        "topics": sorted(TOPICS),
        "datasets": sorted(DATASETS),
        "reports": sorted(REPORT_KINDS),
        "reset_tokens": edited.reset_tokens,
        "invite_tokens": edited.invite_tokens,
        "report_tokens": edited.report_tokens,
        "certificates": await of(Certificate),
        "webhooks": await of(WebhookEndpoint),
        "applications": await of(Application),
        "applicants": sorted(set(await Application.all().values_list("volunteer_id", flat=True))),
        "checks": await of(RequiredCheck),
        "guardian_tokens": [
            match
            for body in await Notification.filter(kind="guardian_consent").values_list(
                "body_text", flat=True
            )
            for match in re.findall(r"/guardian-consent/(\S+)", str(body))
        ],
        "time_off": await of(TimeOff),
        "certificate_codes": list(
            await Certificate.all().order_by("id").values_list("code", flat=True)
        ),
    }


async def _whole(settings: Settings, edited: Edited) -> dict[str, list[dict[str, Any]]]:
    demo_users = await User.filter(email__endswith=f"@{DEMO_DOMAIN}").order_by("id").limit(4)
    attendees = await Attendee.all().order_by("id")
    return {
        "feeds:feed": [{"token": t} for t in edited.feed_tokens],
        "notify:unsubscribe": [
            {"user_id": u.id, "kind": k, "sig": unsubscribe_signature(settings, u.id, k)}
            for u, k in product(demo_users, sorted(KIND_CODES))
        ],
        "meetings:rsvp_link": [
            {
                "meeting_id": a.meeting_id,
                "user_id": a.user_id,
                "signature": rsvp_signature(settings, a.meeting_id, a.user_id),
            }
            for a in attendees
        ],
        "shifts:door": [
            {"id": s.id, "token": door_token(settings, s)}
            for s in await Shift.all().order_by("id").limit(6)
        ],
    }


async def _issue_certificates(settings: Settings) -> None:
    """A certificate of service of the first approved hours, in each language, issued by its
    volunteer (so the certificate and verification pages have something to show)."""
    approved = await HoursRecord.filter(status=HoursStatus.APPROVED).order_by("id").first()
    if approved is None:
        return
    volunteer = await User.get(id=approved.volunteer_id)
    for locale in ("en", "zh_Hans"):
        await issue_certificate(
            volunteer,
            volunteer,
            period_start=approved.work_date,
            period_end=approved.work_date,
            program_id=None,
            locale=locale,
            settings=settings,
        )


async def _add_applications(settings: Settings) -> None:
    """The first program asks for applications: one approved, one waiting, one declined."""
    program = await Program.all().order_by("id").first()
    assert program is not None
    await require_applications(program)
    manager = await User.filter(role="admin").order_by("id").first()
    assert manager is not None
    volunteers = await User.filter(role="volunteer").order_by("id").limit(3)
    for volunteer, decision in zip(volunteers, ("approve", "", "decline"), strict=False):
        application = await make_application(volunteer, program)
        if decision:
            await decide(manager, application, decision=decision, note="", settings=settings)
    # Required checks: one recorded with an expiry, one missing.
    check = await add_check(manager, program, name="Training done", expires=True)
    await add_check(manager, program, name="Background check on file", expires=False)
    await record_check(
        manager, program, check_id=check.id, volunteer_id=volunteers[0].id,
        done_on=clock.now().date() - timedelta(days=300),
        expires_on=clock.now().date() + timedelta(days=20), note="Spring course",
    )  # fmt: skip
    # A minor's application to the second program, waiting for the guardian's consent.
    second = await Program.all().order_by("id").offset(1).first()
    if second is not None and len(volunteers) > 1:
        await require_applications(second, guardian_age=18)
        await apply(
            volunteers[1], second, version=1, answers=ANSWERS, consents=["c1"],
            minor=Minor(clock.now().date() - timedelta(days=15 * 365), "Mei Parent",
                        "mei.parent@example.org"),
            settings=settings,
        )  # fmt: skip


@pytest.fixture(scope="module")
async def world(database: list[str], settings: Settings) -> AsyncIterator[World]:
    """The demo organisation, loaded a week ago and edited since, and its first food sorting
    attended; the clock then runs again."""
    await empty_tables(database)
    clock.set_now(clock.now() - timedelta(days=8))
    await load_demo(settings)
    edited = await edit_demo(settings)
    attended = await attend_first_shift(settings)
    await _issue_certificates(settings)
    await _add_webhook(settings)
    await _add_applications(settings)
    clock.set_now(None)
    for name in ("applied", "refused", "crashed"):
        getattr(edited, name).extend(getattr(attended, name))
    yield World(await _ids(edited), await _whole(settings, edited), edited)
    await empty_tables(database)


@pytest.fixture(autouse=True)
async def clean(world: World) -> None:
    """Replaces the suite's emptying of every table: the walk reads one shared organisation."""
    clock.set_now(None)


def get_routes(app: Any) -> list[Route]:
    routes = []
    for route in app.routes:
        if isinstance(route, Mount):
            continue  # /static: files, no templates
        if isinstance(route, Route) and "GET" in (route.methods or ()):
            routes.append(route)
    return routes


def expand(route: Route, world: World) -> list[str] | None:
    """Every address of this route for the objects in the database, or None when a parameter
    is of a kind this test does not know (add it to KIND_BEFORE_PARAMETER or NOT_WALKED)."""
    names = list(route.param_convertors)
    if not names:
        return [route.path]
    if route.name in WHOLE_ROUTES:
        choices = world.whole[route.name]
    else:
        parts = route.path.strip("/").split("/")
        values = []
        for name in names:
            before = next(
                (parts[i - 1] for i, p in enumerate(parts) if p.startswith("{" + name)), ""
            )
            kind = KIND_BEFORE_PARAMETER.get((before, name))
            if kind is None:
                return None
            values.append(world.ids[kind])
        choices = [dict(zip(names, combo, strict=True)) for combo in product(*values)]
    return [route.url_path_for(route.name, **params) for params in choices]


def test_every_get_route_can_be_walked(app: Any, world: World) -> None:
    unknown = [
        r.path for r in get_routes(app) if r.name not in NOT_WALKED and expand(r, world) is None
    ]
    assert not unknown, "teach KIND_BEFORE_PARAMETER these routes' parameters: " + str(unknown)
    empty = [
        r.path
        for r in get_routes(app)
        if r.name not in NOT_WALKED and r.param_convertors and not expand(r, world)
    ]
    assert not empty, "the edited demo has no objects for these routes: " + str(empty)


# Edits that every round makes whatever hypothesis draws; each must have been saved.
SAVED_EVERY_TIME = (
    "edit task",
    "move task",
    "comment",
    "tick item",
    "delete task",
    "move occurrence",
    "skip occurrence",
    "change following",
    "edit meeting",
    "cancel meeting",
    "vote",
    "decide poll",
    "edit opportunity",
    "edit shift",
    "cancel shift",
    "sign up",
    "check in",
    "check out",
    "approve hours",
    "new arrangement",
    "propose arrangement",
    "edit person",
    "invite",
    "import people",
    "import shifts",
    "contact",
    "handled",
    "team feed",
    "program feed",
    "public feed",
)


def test_every_edit_the_forms_allow_is_saved_or_refused_cleanly(world: World) -> None:
    assert not world.edited.crashed, "\n\n".join(world.edited.crashed)
    applied = world.edited.applied
    missing = [k for k in SAVED_EVERY_TIME if not any(a.startswith(k) for a in applied)]
    assert not missing, f"never saved: {missing}; refused: {world.edited.refused}"


class Errors(logging.Handler):
    """The tracebacks the app logs for its 500 pages."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def take(self) -> str:
        lines = []
        for record in self.records:
            if record.exc_info and record.exc_info[1] is not None:
                exc = record.exc_info[1]
                lines.append(f"{type(exc).__name__}: {exc}")
            else:
                lines.append(record.getMessage())
        self.records.clear()
        return " | ".join(lines)[:500]


@pytest.fixture
def logged_errors() -> Iterator[Errors]:
    handler = Errors()
    logger = logging.getLogger("opsuite")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


class GetForms(HTMLParser):
    """The filter forms of a page (method="get"): each as its action and, besides the query
    it sends as it stands, one query per other option of each of its choices."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.page = page
        self.forms: list[tuple[str, list[list[tuple[str, str]]]]] = []
        self._form: tuple[str, list[tuple[str, str]], list[tuple[str, list[str]]]] | None = None
        self._select: tuple[str, list[str], list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "get":
            self._form = (a.get("action") or self.page, [], [])
        elif self._form is None or (not a.get("name") and tag != "option"):
            return
        elif tag == "input" and a.get("type") not in ("submit", "button"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self._form[1].append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select = (a["name"], [], [])
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select[1].append(value)
            if "selected" in a:
                self._select[2].append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select is not None and self._form is not None:
            name, options, selected = self._select
            chosen = selected or options[:1]
            self._form[1].extend((name, v) for v in chosen)
            self._form[2].append((name, options))
            self._select = None
        elif tag == "form" and self._form is not None:
            action, fields, choices = self._form
            queries = [fields]
            for name, options in choices:
                for option in options[:QUERY_VARIANTS_PER_ROUTE]:
                    queries.append([(k, v) for k, v in fields if k != name] + [(name, option)])
            self.forms.append((action, queries))
            self._form = None


# What a page must never show a person: times with seconds, raw recurrence rules.
NOT_FOR_PEOPLE = (
    (re.compile(r"\b\d{1,2}:\d{2}:\d{2}\b"), "a time with seconds"),
    (re.compile(r"\b(?:RRULE:|FREQ=)[A-Z]"), "a raw recurrence rule"),
)
_HIDDEN = re.compile(
    r'<(script|style|textarea|template)\b.*?</\1>|<p class="help"[^>]*>.*?</p>|<[^>]+>',
    re.S | re.I,
)


def visible_text(page: str) -> str:
    """The words on a page as a person reads them: not form values, scripts or attributes, nor
    a field's help (the custom-rule field shows an RRULE example on purpose)."""
    return html.unescape(_HIDDEN.sub(" ", page))


@dataclass
class Walk:
    client: httpx.AsyncClient
    errors: Errors
    routes: list[Route]
    seen: set[str] = field(default_factory=set)
    failures: list[str] = field(default_factory=list)
    variants: dict[tuple[str, frozenset[str], str], str] = field(default_factory=dict)

    async def visit(self, role: str, url: str) -> None:
        if url in self.seen:
            return
        self.seen.add(url)
        self.errors.records.clear()
        response = await self.client.get(url)
        if response.status_code >= 500:
            self.failures.append(f"{response.status_code} {url} as {role}: {self.errors.take()}")
        elif "text/html" in response.headers.get("content-type", ""):
            self.collect_links(response.text, url)
            shown = visible_text(response.text)
            for pattern, what in NOT_FOR_PEOPLE:
                if found := pattern.search(shown):
                    self.failures.append(f"{url} as {role} shows {what}: {found.group(0)!r}")

    def collect_links(self, text: str, page: str) -> None:
        """Links with a query (one per route and set of keys), and every query of the page's
        filter forms."""
        parser = GetForms(page.partition("?")[0])
        parser.feed(text)
        found = [(html.unescape(raw), False) for raw in LINK.findall(text)]
        for action, queries in parser.forms:
            found.extend((f"{action}?{urlencode(query)}", True) for query in queries)
        for link, whole in found:
            path, _, query = link.partition("?")
            route = next((r for r in self.routes if r.path_regex.match(path)), None)
            if route is None:
                continue
            keys = frozenset(k.split("=")[0] for k in query.split("&") if k)
            key = (route.name, keys, query if whole else "")
            per_route = sum(1 for name, *_rest in self.variants if name == route.name)
            if key not in self.variants and per_route < QUERY_VARIANTS_PER_ROUTE * 2:
                self.variants[key] = link


@pytest.mark.parametrize("role", ROLES)
async def test_no_page_fails_after_every_edit(
    role: str, world: World, settings: Settings, logged_errors: Errors
) -> None:
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        if role != "anonymous":
            response = await post_form(
                client, "/login", {"email": f"{role}@{DEMO_DOMAIN}", "password": DEMO_PASSWORD}
            )
            assert response.status_code == 303, f"{role} cannot log in"
        routes = get_routes(app)
        walk = Walk(client, logged_errors, routes)
        for route in routes:
            if route.name in NOT_WALKED:
                continue
            for url in expand(route, world) or ():
                await walk.visit(role, url)
        for url in list(walk.variants.values()):
            await walk.visit(role, url)
    assert not walk.failures, f"{len(walk.failures)} pages failed:\n" + "\n".join(walk.failures)
