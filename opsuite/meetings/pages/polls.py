"""Find a time and polls: the best times for a group, sending them as a poll, voting, and
booking the winner."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from opsuite import clock
from opsuite.errors import FieldErrors, InvalidInput
from opsuite.meetings import forms, polls, recurrence, service, views
from opsuite.meetings.pages.meetings import _form_value, _zone, labels
from opsuite.web.context import flash
from opsuite.web.forms import Form
from opsuite.web.http import path_id, see_other, settings_of, viewer
from opsuite.web.i18n import gettext as _
from opsuite.web.templating import render


async def find(request: Request) -> Response:
    user = viewer(request)
    people, _teams, _programs = await views.form_choices()
    fields = forms.find_fields(forms.person_choices(people))
    params = request.query_params
    if "duration" not in params:
        today = clock.now().astimezone(_zone(request)).date()
        initial = {
            "required": [str(user.id)],
            "duration": "60",
            "from_date": today.isoformat(),
            "to_date": (today + timedelta(days=13)).isoformat(),
        }
        blank = Form.blank(fields, initial)
        return await _find_page(request, blank, search=False)
    return await _find_page(request, Form.bind(fields, params))


async def _find_page(
    request: Request,
    form: Form,
    *,
    search: bool = True,
    poll_form: Form | None = None,
    chosen: list[str] | None = None,
) -> Response:
    """Find-a-time with its best times and the poll form under them (``poll_form`` as it was
    sent back with its errors, and the times ``chosen`` then, after a refused poll)."""
    slots = None
    more_url = ""
    # "More times": the next page of the same search (a nonsense page number is the first).
    raw_page = request.query_params.get("page", "0")
    page_no = int(raw_page) if raw_page.isdigit() and len(raw_page) < 4 else 0
    if search and form.is_valid:
        try:
            slots, more = await views.find_slots(form.cleaned, _zone(request), page=page_no)
            if more and request.method == "GET":  # (not on a refused poll: a POST)
                query = [(k, v) for k, v in request.query_params.multi_items() if k != "page"]
                more_url = f"{request.url.path}?{urlencode([*query, ('page', page_no + 1)])}"
        except InvalidInput as exc:
            form.add_error(exc.field or "duration", exc.message)
    status = 200 if not search or (form.is_valid and slots is not None) else 400
    context: dict[str, Any] = {
        "form": form,
        "slots": slots,
        "page": page_no,
        "more_url": more_url,
        "zone": _zone(request),
        "poll_form": poll_form or Form.blank(forms.poll_fields(), forms.POLL_INITIAL),
        "chosen": chosen,
    }
    refused = poll_form is not None
    return render(request, "meetings/find.html", context, status=400 if refused else status)


async def poll_new(request: Request) -> Response:
    user = viewer(request)
    submitted = await request.form()
    poll_form = Form.bind(forms.poll_fields(), submitted)
    chosen = [str(raw) for raw in submitted.getlist("slot")]
    slots = []
    for raw in chosen:
        start_text, _sep, end_text = raw.partition("/")
        start, end = recurrence.parse_stamp(start_text), recurrence.parse_stamp(end_text)
        if start is None or end is None:
            poll_form.add_error("slots", _("Choose times from the list."))
            break
        slots.append((start, end))
    invitees = [
        service.AttendeeInput(int(str(v)), True)
        for v in submitted.getlist("required")
        if str(v).isdigit()
    ] + [
        service.AttendeeInput(int(str(v)), False)
        for v in submitted.getlist("optional")
        if str(v).isdigit()
    ]
    if poll_form.is_valid:
        data = polls.PollInput(
            title=poll_form.cleaned["title"],
            timezone=user.timezone,
            slots=tuple(slots),
            invitees=tuple(invitees),
            mode=poll_form.cleaned["mode"],
            location=poll_form.cleaned["location"],
            video_url=poll_form.cleaned["video_url"],
        )
        try:
            poll = await polls.create_poll(user, data, settings=settings_of(request))
        except FieldErrors as exc:
            poll_form.absorb(exc)
        else:
            return flash(request, see_other(f"/meetings/polls/{poll.id}"), _("Poll sent."))
    # Back to the same page, the times recomputed from the search the poll form carries.
    people, _teams, _programs = await views.form_choices()
    search = Form.bind(forms.find_fields(forms.person_choices(people)), submitted)
    return await _find_page(request, search, poll_form=poll_form, chosen=chosen)


async def poll_page(request: Request) -> Response:
    user = viewer(request)
    poll = await polls.poll_for(user, path_id(request))
    if request.method == "POST":
        submitted = await request.form()
        answers = {}
        for key, value in submitted.items():
            if key.startswith("slot_") and key[5:].isdigit():
                answers[int(key[5:])] = str(value)
        await polls.vote(poll, user, answers)
        return flash(request, see_other(f"/meetings/polls/{poll.id}"), _("Your answers are saved."))
    slot_views = await polls.slots_for(poll, user)
    return render(
        request,
        "meetings/poll.html",
        {
            "poll": poll,
            "slots": slot_views,
            "invitees": await polls.invitees_of(poll),
            "is_organizer": user.id == poll.organizer_id,
            **labels(),
        },
    )


async def poll_decide(request: Request) -> Response:
    user = viewer(request)
    poll = await polls.poll_for(user, path_id(request))
    raw = await _form_value(request, "slot")
    if not raw.isdigit():
        raise InvalidInput(_("Choose one of the times."), field="slot")
    meeting = await polls.decide(user, poll, int(raw), settings=settings_of(request))
    return flash(
        request,
        see_other(f"/meetings/{meeting.id}"),
        _("Meeting booked; invitations are on their way."),
    )
