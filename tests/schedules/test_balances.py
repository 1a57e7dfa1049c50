"""Leave balances on hand-computed examples: working days only (holidays and days off left
out), part of a day, part time pro-rated, monthly accrual, carry-over at the year change,
a person's own figures, and requests past a limited balance refused with nothing saved.

2026 starts on a Thursday and has 365 days; 8 December 2026 is a Tuesday."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest

from opsuite.errors import Conflict, FieldErrors
from opsuite.schedules.models import Holiday, LeaveAllowance, TimeOff
from opsuite.schedules.service import (
    AllowanceInput,
    LeaveInput,
    balances_for,
    decide_leave,
    leave_cost,
    request_leave,
    set_allowance,
)
from tests.factories.auth import make_user
from tests.factories.people import make_team
from tests.factories.schedules import (
    make_arrangement,
    make_leave,
    make_office,
    make_policy,
    weekday_blocks,
)

ON = date(2026, 3, 2)  # the frozen clock's day


async def vacation(person, year=2026, on=ON):
    [balance] = [b for b in await balances_for(person, year, on=on) if b.kind == "vacation"]
    return balance


async def staff(**arrangement):
    manager = await make_user("manager")
    person = await make_user("staff")
    await make_team(manager=manager, members=[person])
    await make_arrangement(person, actor=manager, **arrangement)
    return manager, person


async def test_a_request_counts_working_days_not_weekends_or_office_holidays(
    settings, frozen_clock
):
    office = await make_office()
    await Holiday.create(office=office, date=date(2026, 12, 10), name="Founders' Day")
    await make_policy()
    _manager, person = await staff(office=office)

    # Tue 8 to Mon 14 December: Tue, Wed, (Thu is the holiday), Fri, (weekend), Mon = 4 days.
    [cost] = await leave_cost(person, LeaveInput("vacation", date(2026, 12, 8), date(2026, 12, 14)))
    assert cost.days == 4
    assert (cost.before.available, cost.before.left, cost.left_after) == (20, 20, 16)

    await make_leave(person, date(2026, 12, 8), date(2026, 12, 14), settings=settings)
    balance = await vacation(person)
    assert (balance.taken, balance.pending, balance.left) == (0, 4, 16)


async def test_part_of_a_day_counts_its_share_of_the_days_hours(settings, frozen_clock):
    await make_policy()
    _manager, person = await staff()  # 09:00-17:00, eight hours
    data = LeaveInput("vacation", date(2026, 3, 10), date(2026, 3, 10), time(9), time(13))
    [cost] = await leave_cost(person, data)
    assert cost.days == Decimal("0.5")
    # Two hours of it before work starts count for nothing: 07:00-11:00 is a quarter day.
    data = LeaveInput("vacation", date(2026, 3, 10), date(2026, 3, 10), time(7), time(11))
    assert (await leave_cost(person, data))[0].days == Decimal("0.25")


async def test_part_time_is_pro_rated_and_only_its_own_days_count(settings, frozen_clock):
    await make_policy()
    # Monday to Wednesday, eight hours: 24 of 40 hours, 20 days x 0.6 = 12 days.
    _manager, person = await staff(blocks=weekday_blocks(days=(0, 1, 2)))
    assert (await vacation(person)).available == 12
    # Mon 7 to Fri 11 December: Thursday and Friday are not her working days.
    [cost] = await leave_cost(person, LeaveInput("vacation", date(2026, 12, 7), date(2026, 12, 11)))
    assert cost.days == 3


async def test_an_arrangement_changing_mid_year_pro_rates_by_the_days_of_each(
    settings, frozen_clock
):
    await make_policy()
    manager, person = await staff()  # full time from 1 January
    # From 1 July: mornings only, 20 of 40 hours. 181 days at 1 and 184 at 0.5:
    # 20 x (181 + 92) / 365 = 14.958... = 14.96 days.
    await make_arrangement(
        person,
        actor=manager,
        valid_from=date(2026, 7, 1),
        blocks=weekday_blocks(time(9), time(13)),
    )
    assert (await vacation(person)).available == Decimal("14.96")


async def test_monthly_accrual_counts_the_months_begun_by_the_leave(settings, frozen_clock):
    await make_policy(accrual="monthly", days_per_month="1.67", days_per_year="0")
    _manager, person = await staff()
    balance = await vacation(person)  # on 2 March: January, February and March
    assert (balance.entitlement, balance.accrued) == (Decimal("20.04"), Decimal("5.01"))

    # Six days in March (Mon 9 to Mon 16) are more than 5.01 ...
    with pytest.raises(FieldErrors) as refused:
        await request_leave(
            person, LeaveInput("vacation", date(2026, 3, 9), date(2026, 3, 16)), settings=settings
        )
    assert refused.value.errors["end_date"] == (
        "This request takes 6 days of vacation in 2026, but only 5.01 of 5.01 days are left."
    )
    assert await TimeOff.filter(user_id=person.id).count() == 0
    # ... the same six days in June are not: 6 x 1.67 = 10.02 will have accrued by then.
    await request_leave(
        person, LeaveInput("vacation", date(2026, 6, 1), date(2026, 6, 8)), settings=settings
    )
    june = await vacation(person, on=date(2026, 6, 30))
    assert (june.accrued, june.pending, june.left) == (Decimal("10.02"), 6, Decimal("4.02"))


async def carried_into_2026(settings, rule: str, most: str = "0") -> Decimal:
    await make_policy(carry_over=rule, carry_over_max=most, first_year=2025)
    manager, person = await staff(valid_from=date(2025, 1, 1))
    person.created_at = datetime(2024, 6, 1, tzinfo=UTC)
    await person.save(update_fields=["created_at"])
    # 12 days taken in 2025: Mon 3 to Fri 14 March 2025 (10 days), Mon 7 and Tue 8 July.
    await make_leave(
        person, date(2025, 3, 3), date(2025, 3, 14), settings=settings, approved_by=manager
    )
    await make_leave(
        person, date(2025, 7, 7), date(2025, 7, 8), settings=settings, approved_by=manager
    )
    last_year = await vacation(person, 2025)
    assert (last_year.available, last_year.taken, last_year.left) == (20, 12, 8)
    balance = await vacation(person)
    assert balance.available == 20 + balance.carried
    return balance.carried


async def test_carry_over_up_to_five_days(settings, frozen_clock):
    assert await carried_into_2026(settings, "up_to", "5") == 5


async def test_carry_over_everything_left(settings, frozen_clock):
    assert await carried_into_2026(settings, "all") == 8


async def test_no_carry_over(settings, frozen_clock):
    assert await carried_into_2026(settings, "none") == 0


async def test_carry_over_starts_with_the_year_the_person_joined(settings, frozen_clock):
    # Balances count from 2025, but she joined in 2026: nothing of 2025 is hers to carry.
    await make_policy(carry_over="all", first_year=2025)
    _manager, person = await staff()
    assert (await vacation(person)).carried == 0


async def test_a_persons_own_figures_replace_the_rule(settings, frozen_clock):
    await make_policy(carry_over="all", first_year=2025)
    manager, person = await staff(blocks=weekday_blocks(days=(0, 1, 2)))  # part time
    await set_allowance(
        manager, person, AllowanceInput("vacation", 2026, Decimal(25), Decimal("3.5"))
    )
    balance = await vacation(person)  # used as set: not pro-rated
    assert (balance.entitlement, balance.carried, balance.available) == (25, Decimal("3.5"), 28.5)
    # Clearing both figures goes back to the rule.
    await set_allowance(manager, person, AllowanceInput("vacation", 2026, None, None))
    assert await LeaveAllowance.filter(user_id=person.id).count() == 0
    assert (await vacation(person)).available == 12


async def test_a_request_past_a_limited_balance_is_refused_and_nothing_saved(
    settings, frozen_clock
):
    await make_policy(days_per_year="3")
    _manager, person = await staff()
    await make_leave(person, date(2026, 4, 6), date(2026, 4, 7), settings=settings)  # 2 days
    with pytest.raises(FieldErrors) as refused:
        await request_leave(
            person, LeaveInput("vacation", date(2026, 5, 4), date(2026, 5, 5)), settings=settings
        )
    assert refused.value.errors == {
        "end_date": "This request takes 2 days of vacation in 2026, but only 1 of 3 days are left."
    }
    assert await TimeOff.filter(user_id=person.id).count() == 1


async def test_unlimited_leave_is_counted_but_never_refused(settings, frozen_clock):
    await make_policy("sick", limited=False, days_per_year="0")
    _manager, person = await staff()
    await make_leave(person, date(2026, 4, 1), date(2026, 4, 30), settings=settings, kind="sick")
    [sick] = [b for b in await balances_for(person, 2026, on=ON) if b.kind == "sick"]
    assert (sick.limited, sick.has_allowance, sick.pending) == (False, False, 22)


async def test_approving_rechecks_the_balance(settings, frozen_clock):
    await make_policy(days_per_year="5")
    manager, person = await staff()
    leave = await make_leave(person, date(2026, 4, 6), date(2026, 4, 10), settings=settings)
    await set_allowance(manager, person, AllowanceInput("vacation", 2026, Decimal(4), None))
    with pytest.raises(Conflict, match="takes 5 days of vacation in 2026, but only 4 of 4"):
        await decide_leave(manager, leave, approve=True, settings=settings)
    assert (await TimeOff.get(id=leave.id)).status == "pending"


async def test_a_request_across_new_year_takes_from_each_years_balance(settings, frozen_clock):
    await make_policy()
    _manager, person = await staff()
    data = LeaveInput("vacation", date(2026, 12, 28), date(2027, 1, 5))
    first, second = await leave_cost(person, data)
    # Mon 28 to Thu 31 December; Fri 1, Mon 4 and Tue 5 January 2027.
    assert (first.year, first.days, second.year, second.days) == (2026, 4, 2027, 3)


async def test_without_an_arrangement_monday_to_friday_counts(settings, frozen_clock):
    await make_policy()
    person = await make_user("staff")
    [cost] = await leave_cost(person, LeaveInput("vacation", date(2026, 3, 6), date(2026, 3, 9)))
    assert cost.days == 2  # Friday and Monday
    assert (await vacation(person)).available == 20
