"""Leave balances over the database: each kind's rule (policy), a person's own allowance,
and the balance of a person (or many, for the report) in a year, worked out by
``opsuite.schedules.balances`` from their arrangements, holidays and requests.

Carry-over is applied at the year change as the balance is asked for: the balance of a year
starts with what the rule carries over of the year before (back to the year balances start
from, the policy's first year or the year the person's account was made, whichever is later),
unless the person's own figures for the year say how much was carried in."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import Decimal

from opsuite.auth.models import User
from opsuite.schedules.balances import (
    ZERO,
    Balance,
    Rule,
    WeeklyHours,
    block_hours,
    carried,
    leave_days,
    month_shares,
    months_begun,
    rounded,
    with_default,
)
from opsuite.schedules.expansion import DayException, Leave, Pattern, PersonInputs
from opsuite.schedules.models import (
    Accrual,
    Arrangement,
    ArrangementKind,
    ArrangementStatus,
    Holiday,
    LeaveAllowance,
    LeavePolicy,
    ScheduleException,
    TimeOff,
    TimeOffKind,
    TimeOffStatus,
)
from opsuite.schedules.service.arrangements import to_pattern

# How far back a balance looks for carry-over at most.
MAX_YEARS_BACK = 20
BOOKED = (TimeOffStatus.APPROVED, TimeOffStatus.PENDING)


def rule_of(policy: LeavePolicy) -> Rule:
    return Rule(
        kind=str(policy.kind),
        limited=policy.limited,
        monthly=policy.accrual == Accrual.MONTHLY,
        days_per_year=Decimal(policy.days_per_year),
        days_per_month=Decimal(policy.days_per_month),
        carry_over=str(policy.carry_over),
        carry_over_max=Decimal(policy.carry_over_max),
        full_time_hours=Decimal(policy.full_time_hours),
        first_year=policy.first_year,
    )


async def leave_rules() -> dict[str, Rule]:
    return {str(p.kind): rule_of(p) for p in await LeavePolicy.all()}


def weekly_hours(arrangement: Arrangement) -> Decimal:
    """The hours a week an arrangement asks for: a flexible one's target (or its window on
    each working day), else its blocks."""
    if arrangement.kind == ArrangementKind.FLEXIBLE:
        if arrangement.weekly_hours_target is not None:
            return Decimal(arrangement.weekly_hours_target)
        window = arrangement.window_start, arrangement.window_end
        if window[0] is not None and window[1] is not None:
            days = len({b.weekday for b in arrangement.blocks})
            return block_hours([(window[0], window[1])]) * days
    return block_hours([(b.start, b.end) for b in arrangement.blocks])


def to_leave(t: TimeOff) -> Leave:
    return Leave(t.start_date, t.end_date, t.start_time, t.end_time, str(t.kind))


@dataclass
class PersonLeave:
    """Everything a person's balances are worked out from."""

    user: User
    inputs: PersonInputs  # arrangements (with the default), exceptions, holidays; no leave
    weeks: list[WeeklyHours]
    requests: list[TimeOff]  # approved and pending
    own: dict[tuple[str, int], LeaveAllowance] = field(default_factory=dict)
    _days: dict[tuple[int, int], Decimal] = field(default_factory=dict)

    @property
    def first_year(self) -> int:
        return self.user.created_at.year

    def days_in_year(self, leave: Leave, year: int) -> Decimal:
        days = leave_days(self.inputs, leave, date(year, 1, 1), date(year, 12, 31))
        return sum(days.values(), ZERO)

    def request_days(self, request: TimeOff, year: int) -> Decimal:
        key = (request.id, year)
        if key not in self._days:
            self._days[key] = self.days_in_year(to_leave(request), year)
        return self._days[key]

    def booked(self, kind: str, year: int, *, without: int | None) -> tuple[Decimal, Decimal]:
        """(approved, pending) days of ``kind`` in ``year``."""
        approved = pending = ZERO
        first, last = date(year, 1, 1), date(year, 12, 31)
        for r in self.requests:
            if r.kind != kind or r.id == without or r.end_date < first or r.start_date > last:
                continue
            if r.status == TimeOffStatus.APPROVED:
                approved += self.request_days(r, year)
            else:
                pending += self.request_days(r, year)
        return approved, pending

    def booked_between(self, kind: str, first: date, last: date) -> tuple[Decimal, Decimal]:
        """(approved, pending) days of ``kind`` from ``first`` to ``last`` (inclusive)."""
        approved = pending = ZERO
        for r in self.requests:
            if r.kind != kind or r.end_date < first or r.start_date > last:
                continue
            days = sum(leave_days(self.inputs, to_leave(r), first, last).values(), ZERO)
            if r.status == TimeOffStatus.APPROVED:
                approved += days
            else:
                pending += days
        return approved, pending

    def balance(
        self, rule: Rule | None, kind: str, year: int, on: date, *, without: int | None = None
    ) -> Balance:
        """The balance of ``kind`` in ``year`` as of ``on``, leaving out request ``without``."""
        start = year
        if rule is not None:
            start = min(year, max(rule.first_year, self.first_year, year - MAX_YEARS_BACK))
        carry = ZERO
        for y in range(start, year + 1):
            own = self.own.get((kind, y))
            own_days = Decimal(own.days) if own and own.days is not None else None
            shares = (
                month_shares(rule, y, self.weeks, own_days) if rule is not None else [ZERO] * 12
            )
            if own is not None and own.carried_over is not None:
                carry = Decimal(own.carried_over)
            elif y == start:
                carry = ZERO
            taken, pending = self.booked(kind, y, without=without)
            if y == year:
                has = own_days is not None or (
                    rule is not None and (rule.days_per_year > 0 or rule.days_per_month > 0)
                )
                return Balance(
                    kind=kind,
                    year=year,
                    limited=rule is not None and rule.limited,
                    has_allowance=has,
                    entitlement=rounded(sum(shares, ZERO)),
                    accrued=rounded(sum(shares[: months_begun(year, on)], ZERO)),
                    carried=rounded(carry),
                    taken=taken,
                    pending=pending,
                )
            if rule is not None:
                carry = carried(rule, rounded(sum(shares, ZERO)) + carry - taken - pending)
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns


def _patterns(arrangements: Iterable[Arrangement]) -> dict[int, list[Pattern]]:
    out: dict[int, list[Pattern]] = defaultdict(list)
    for a in arrangements:
        out[a.user_id].append(to_pattern(a))
    return out


async def load_people(users: list[User], first: date, last: date) -> dict[int, PersonLeave]:
    """What the balances of ``users`` between ``first`` and ``last`` need, in six queries."""
    ids = [u.id for u in users]
    arrangements = (
        await Arrangement.filter(
            user_id__in=ids, status=ArrangementStatus.ACTIVE, valid_from__lte=last
        )
        .order_by("valid_from", "id")
        .prefetch_related("blocks")
    )
    requests = await TimeOff.filter(
        user_id__in=ids, status__in=BOOKED, start_date__lte=last, end_date__gte=first
    ).order_by("start_date", "id")
    exceptions = await ScheduleException.filter(
        user_id__in=ids, date__gte=first - timedelta(days=1), date__lte=last
    )
    holidays = await Holiday.filter(date__gte=first - timedelta(days=1), date__lte=last)
    own = await LeaveAllowance.filter(user_id__in=ids, year__gte=first.year, year__lte=last.year)
    holiday_map = {(h.office_id, h.date): h.name for h in holidays}
    patterns = _patterns(arrangements)
    weeks: dict[int, list[WeeklyHours]] = defaultdict(list)
    for a in arrangements:
        weeks[a.user_id].append(WeeklyHours(a.valid_from, weekly_hours(a)))
    day_exceptions: dict[int, list[DayException]] = defaultdict(list)
    for e in exceptions:
        location = str(e.location) if e.location else None
        day_exceptions[e.user_id].append(
            DayException(e.date, str(e.kind), e.start, e.end, location, e.office_id)
        )
    by_user: dict[int, list[TimeOff]] = defaultdict(list)
    for r in requests:
        by_user[r.user_id].append(r)
    people = {}
    for user in users:
        inputs = PersonInputs(
            with_default(tuple(patterns[user.id]), user.timezone),
            (),
            tuple(day_exceptions[user.id]),
            holiday_map,
        )
        people[user.id] = PersonLeave(user, inputs, weeks[user.id], by_user[user.id])
    for row in own:
        people[row.user_id].own[(str(row.kind), row.year)] = row
    return people


def _first_day(rules: dict[str, Rule], year: int) -> date:
    first = min([r.first_year for r in rules.values()] + [year])
    return date(max(first, year - MAX_YEARS_BACK, 1970), 1, 1)


async def balances_of(
    users: list[User], year: int, *, on: date, rules: dict[str, Rule] | None = None
) -> dict[int, list[Balance]]:
    """Each person's balance of every kind of leave in ``year`` as of ``on``."""
    rules = rules if rules is not None else await leave_rules()
    people = await load_people(users, _first_day(rules, year), date(year, 12, 31))
    return {
        uid: [p.balance(rules.get(k.value), k.value, year, on) for k in TimeOffKind]
        for uid, p in people.items()
    }


async def balances_for(person: User, year: int, *, on: date) -> list[Balance]:
    return (await balances_of([person], year, on=on))[person.id]


@dataclass(frozen=True)
class YearCost:
    """What a request takes of one year's balance, and that balance before it."""

    year: int
    days: Decimal
    before: Balance

    @property
    def left_after(self) -> Decimal:
        return self.before.after(self.days)

    @property
    def exceeds(self) -> bool:
        return self.before.limited and self.days > self.before.left


def _costs(
    mine: PersonLeave, rule: Rule | None, leave: Leave, *, without: int | None
) -> list[YearCost]:
    costs = []
    for year in range(leave.start_date.year, leave.end_date.year + 1):
        on = min(leave.end_date, date(year, 12, 31))
        before = mine.balance(rule, leave.kind, year, on, without=without)
        costs.append(YearCost(year, mine.days_in_year(leave, year), before))
    return costs


async def request_cost(
    person: User,
    kind: str,
    start_date: date,
    end_date: date,
    times: tuple[time, time] | None = None,
    *,
    without: int | None = None,
) -> list[YearCost]:
    """The leave days a request would take in each year it touches, with each year's balance
    without it (``without``: the id of the request itself, when it is already saved). Accrued
    leave counts the months begun by the request's last day in that year."""
    rules = await leave_rules()
    people = await load_people(
        [person], _first_day(rules, start_date.year), date(end_date.year, 12, 31)
    )
    first_time, last_time = times if times is not None else (None, None)
    leave = Leave(start_date, end_date, first_time, last_time, kind)
    return _costs(people[person.id], rules.get(kind), leave, without=without)


async def costs_of_requests(requests: list[TimeOff]) -> dict[int, list[YearCost]]:
    """What each saved request takes of its person's balances (the approvals list), for many
    people in the same six queries."""
    if not requests:
        return {}
    rules = await leave_rules()
    users = list({r.user_id: r.user for r in requests}.values())
    first = _first_day(rules, min(r.start_date.year for r in requests))
    people = await load_people(users, first, date(max(r.end_date.year for r in requests), 12, 31))
    return {
        r.id: _costs(people[r.user_id], rules.get(str(r.kind)), to_leave(r), without=r.id)
        for r in requests
    }


@dataclass(frozen=True)
class LeaveSummary:
    """One person's kind of leave over a range of days (the leave report)."""

    balance: Balance  # in the year of the range's last day, as of that day
    taken: Decimal  # approved days in the range
    pending: Decimal  # days asked for in the range, waiting for a decision


async def leave_summaries(
    users: list[User], first: date, last: date
) -> dict[int, dict[str, LeaveSummary]]:
    """Each person's leave of every kind from ``first`` to ``last``, in six queries."""
    rules = await leave_rules()
    people = await load_people(users, _first_day(rules, first.year), date(last.year, 12, 31))
    out: dict[int, dict[str, LeaveSummary]] = {}
    for uid, mine in people.items():
        out[uid] = {}
        for kind in TimeOffKind:
            balance = mine.balance(rules.get(kind.value), kind.value, last.year, last)
            taken, pending = mine.booked_between(kind.value, first, last)
            out[uid][kind.value] = LeaveSummary(balance, taken, pending)
    return out
