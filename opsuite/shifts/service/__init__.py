"""Sign-ups, the waitlist, offers, hand-overs and swaps: every rule about who holds a place on
a shift.

One module per topic: ``places`` (locking, counting and the checks everything stands on),
``signups``, ``waitlist``, ``holds`` (newcomers'), ``coordinators``, ``handovers``, ``swaps``
and ``busy`` (for other areas). The public names are re-exported here, so ``from
opsuite.shifts.service import sign_up`` and ``service.sign_up`` keep working.
"""

from __future__ import annotations

from opsuite.shifts.models import ACTIVE_STATUSES, QUEUED_STATUSES
from opsuite.shifts.service.attendance import AttendanceRecord, attendance_records
from opsuite.shifts.service.availability import (
    WeeklyBlock,
    add_blackout,
    blackouts_of,
    fitting_shifts,
    remove_blackout,
    set_weekly_availability,
    weekly_blocks,
)
from opsuite.shifts.service.busy import BusyShift, confirmed_shifts_between
from opsuite.shifts.service.coordinators import add_to_shift, program_managers, remove_from_shift
from opsuite.shifts.service.handovers import (
    Candidate,
    accept_handover,
    approve_handover,
    awaiting_approval,
    decline_handover,
    expire_handovers,
    handover_candidates,
    offer_handover,
    offers_to,
    open_handover_for,
    open_handover_of,
    reject_handover,
    withdraw_handover,
)
from opsuite.shifts.service.holds import confirm_holds, release_expired_holds
from opsuite.shifts.service.invitations import (
    Invited,
    invite_available,
    invite_open,
    invited_count,
)
from opsuite.shifts.service.places import (
    AlreadySignedUpError,
    Counts,
    MissingSkillsError,
    OverlapError,
    ShiftFullError,
    check_open,
    counts_for,
    find_overlap,
    is_coordinator,
    lock_shift,
    missing_skills,
    refuse,
    unexpired_hold,
    waitlist_position,
)
from opsuite.shifts.service.signups import CANCEL_CUTOFF, cancel_signup, hold_place, sign_up
from opsuite.shifts.service.swaps import (
    SWAP_ACTIONS,
    can_take_swap,
    offer_swap,
    swap_action,
    take_swap,
    withdraw_swap,
)
from opsuite.shifts.service.waitlist import (
    DEFAULT_OFFER_HOURS,
    MIN_OFFER,
    accept_offer,
    expire_offers,
    offer_window,
    policy_for,
    set_policy,
)

__all__ = [
    "ACTIVE_STATUSES",
    "CANCEL_CUTOFF",
    "DEFAULT_OFFER_HOURS",
    "MIN_OFFER",
    "QUEUED_STATUSES",
    "SWAP_ACTIONS",
    "AlreadySignedUpError",
    "AttendanceRecord",
    "BusyShift",
    "Candidate",
    "Counts",
    "Invited",
    "MissingSkillsError",
    "OverlapError",
    "ShiftFullError",
    "WeeklyBlock",
    "accept_handover",
    "accept_offer",
    "add_blackout",
    "add_to_shift",
    "approve_handover",
    "attendance_records",
    "awaiting_approval",
    "blackouts_of",
    "can_take_swap",
    "cancel_signup",
    "check_open",
    "confirm_holds",
    "confirmed_shifts_between",
    "counts_for",
    "decline_handover",
    "expire_handovers",
    "expire_offers",
    "find_overlap",
    "fitting_shifts",
    "handover_candidates",
    "hold_place",
    "invite_available",
    "invite_open",
    "invited_count",
    "is_coordinator",
    "lock_shift",
    "missing_skills",
    "offer_handover",
    "offer_swap",
    "offer_window",
    "offers_to",
    "open_handover_for",
    "open_handover_of",
    "policy_for",
    "program_managers",
    "refuse",
    "reject_handover",
    "release_expired_holds",
    "remove_blackout",
    "remove_from_shift",
    "set_policy",
    "set_weekly_availability",
    "sign_up",
    "swap_action",
    "take_swap",
    "unexpired_hold",
    "waitlist_position",
    "weekly_blocks",
    "withdraw_handover",
    "withdraw_swap",
]
