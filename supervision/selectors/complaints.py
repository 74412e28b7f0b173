"""Reads of complaints for the desk, the API, the public tracking page and the assessment (R-CMP-*, R-PUB-3).

Nothing here ever reads the complainant's identity: lists and pages show `Complaint.complainant_label`
("实名（身份保密）" or "匿名") only; the identity is read through `complaint_identity_read`, which logs it.
"""

from __future__ import annotations

import hmac
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.errors import NotFound, RuleViolation
from common.net import address_in
from common.throttle import count_attempt, give_back, log_refusal, throttle_key
from org.access import roles_at, visible_center_ids
from org.models import Center, Role
from workdays.models import Timer, TimerState
from workdays.selectors import calendar_for
from workdays.timers import colour_expression, colour_filter

from ..models import (
    OPEN_COMPLAINT_STATES,
    Complaint,
    ComplaintState,
    ReceivingSection,
)
from ..services.complaints import normalise_tracking_code, tracking_digest

INBOX_LIMIT = 200
EXPORT_LIMIT = 5000
COLOUR_LABELS = {
    "red": gettext_lazy("红牌"),
    "yellow": gettext_lazy("黄牌"),
    "green": gettext_lazy("正常"),
    "suspended": gettext_lazy("暂停"),
}


def complaints_for_user(user: Any, center: Center) -> QuerySet[Complaint]:
    """The complaints of `center` that `user` may see (R-CMP-3): all of them for the supervision section and the
    director, the ones it receives for the coordination section, none for anyone else; never one against the
    user themselves. Outside the user's centres: none."""
    if center.pk not in visible_center_ids(user):
        return Complaint.objects.none()
    roles = roles_at(user, center)
    complaints = Complaint.objects.filter(center=center)
    if not roles & {Role.SUPERVISION, Role.DIRECTOR}:
        if Role.COORDINATION not in roles:
            return Complaint.objects.none()
        complaints = complaints.filter(receiving_section=ReceivingSection.COORDINATION)
    profile = getattr(user, "staff_profile", None)
    if profile is not None:
        complaints = complaints.exclude(person=profile)
    return complaints


def complaint_for_user(user: Any, center: Center, pk: int) -> Complaint:
    """One complaint `user` may see, else NotFound (not told apart from a missing one)."""
    complaint = (
        complaints_for_user(user, center)
        .select_related("center", "window", "person", "timer", "registered_by", "answered_by")
        .filter(pk=pk)
        .first()
    )
    if complaint is None:
        raise NotFound()
    return complaint


@dataclass
class InboxRow:
    complaint: Complaint
    colour: str
    colour_label: str
    deadline: date | None
    days_left: int | None  # working days left (0: due today); None when answered or overdue
    days_overdue: int | None


def inbox(
    user: Any,
    center: Center,
    today: date,
    *,
    state: str = "",
    colour: str = "",
    open_only: bool = False,
    limit: int = INBOX_LIMIT,
) -> list[InboxRow]:
    """The complaints `user` may see, newest first, each with its timer's colour and working days left
    (R-CMP-5, R-CLK-6): one query, at most `limit` rows."""
    rows = (
        complaints_for_user(user, center)
        .select_related("window", "person", "timer")
        .annotate(colour=colour_expression(today, prefix="timer__"))
        .order_by("-received_at", "-pk")
    )
    if state in ComplaintState.values:
        rows = rows.filter(state=state)
    if open_only:
        rows = rows.filter(state__in=OPEN_COMPLAINT_STATES, answered_at=None)
    if colour in COLOUR_LABELS:
        rows = rows.filter(colour_filter(colour, today, prefix="timer__"))
    calendar = calendar_for(center)
    return [_row(complaint, complaint.colour, calendar, today) for complaint in rows[:limit]]


def _row(complaint: Complaint, colour: str, calendar: Any, today: date) -> InboxRow:
    timer = complaint.timer
    deadline = timer.deadline if timer is not None else None
    days_left = days_overdue = None
    if colour in {"red", "yellow", "green"} and deadline is not None:
        if today <= deadline:
            days_left = calendar.count_working_days(today, deadline)
        else:
            days_overdue = calendar.count_working_days(deadline, today)
    return InboxRow(
        complaint=complaint,
        colour=colour,
        colour_label=str(COLOUR_LABELS.get(colour, "")),
        deadline=deadline,
        days_left=days_left,
        days_overdue=days_overdue,
    )


def timer_colour(timer: Timer | None, today: date) -> str:
    """The colour of one timer on `today`, as `colour_expression` gives it in SQL."""
    if timer is None or timer.state == TimerState.FINISHED:
        return ""
    if timer.state == TimerState.STOPPED:
        return "suspended"
    if timer.deadline is not None and timer.deadline < today:
        return "red"
    if timer.warn_from is not None and timer.warn_from <= today:
        return "yellow"
    return "green"


def inbox_row(complaint: Complaint, today: date) -> InboxRow:
    """One complaint as an inbox row (its page's heading)."""
    return _row(complaint, timer_colour(complaint.timer, today), calendar_for(complaint.center), today)


# --- the assessment's facts (R-CMP-7) --------------------------------------------------------------------------


@dataclass(frozen=True)
class Substantiated:
    """Substantiated complaints closed in a period: per window and per person (ids), with the complaints."""

    by_window: dict[int, int] = field(default_factory=dict)
    by_person: dict[int, int] = field(default_factory=dict)
    numbers: tuple[str, ...] = ()


def complaints_substantiated(center: Center, first: date, last: date) -> Substantiated:
    """The complaints of `center` closed as substantiated from `first` to `last` (closing dates, inclusive),
    counted per window and per person: what the assessment reads against the zero-complaint goal (R-CMP-7).
    One query on the substantiated-complaints index."""
    rows = list(
        Complaint.objects.filter(center=center, substantiated=True, closed_on__gte=first, closed_on__lte=last)
        .order_by("closed_on", "pk")
        .values_list("number", "window_id", "person_id")
    )
    by_window: Counter[int] = Counter(w for _n, w, _p in rows if w is not None)
    by_person: Counter[int] = Counter(p for _n, _w, p in rows if p is not None)
    return Substantiated(
        by_window=dict(by_window), by_person=dict(by_person), numbers=tuple(n for n, _w, _p in rows)
    )


def complaint_counts(center: Center, today: date) -> dict[str, int]:
    """How many complaints are open, and how many of them are yellow or red, for the dashboard's heading."""
    open_rows = Complaint.objects.filter(center=center, state__in=OPEN_COMPLAINT_STATES, answered_at=None)
    return open_rows.aggregate(
        open=Count("pk"),
        red=Count("pk", filter=colour_filter("red", today, prefix="timer__")),
        yellow=Count("pk", filter=colour_filter("yellow", today, prefix="timer__")),
    )


# --- the public tracking page (R-PUB-3) --------------------------------------------------------------------------

TRACK_MAX_FAILURES = 10
TRACK_KIOSK_MAX_FAILURES = 60
TRACK_WINDOW_SECONDS = 15 * 60


@dataclass(frozen=True)
class PublicComplaintView:
    """What the web complainant sees with the tracking code: the state and the answer, nothing else."""

    number: str
    state_label: str
    received_on: date
    explanation: str
    explained_at: datetime | None
    answer: str
    answered_at: datetime | None
    closed: bool


def complaint_track(*, center: Center, code: str) -> PublicComplaintView | None:
    """The public view of `center`'s web complaint whose tracking code is `code`, else None."""
    code = normalise_tracking_code(code)
    if not code or len(code) > 32:
        return None
    digest = tracking_digest(code)
    complaint = Complaint.objects.filter(center=center, tracking_digest=digest).first()
    if complaint is None or not hmac.compare_digest(complaint.tracking_digest, digest):
        return None
    return PublicComplaintView(
        number=complaint.number,
        state_label=str(ComplaintState(complaint.state).label),
        received_on=complaint.received_on,
        explanation=complaint.delay_explanation,
        explained_at=complaint.delay_explained_at,
        answer=complaint.answer,
        answered_at=complaint.answered_at,
        closed=complaint.state == ComplaintState.CLOSED,
    )


def complaint_track_throttled(*, center: Center, code: str, client: str) -> PublicComplaintView | None:
    """`complaint_track` with failures counted per client address (per shared hall address, a higher ceiling):
    refused with R-PUB-3 once they are used up, for 15 minutes. A success gives its count back."""
    limit = TRACK_KIOSK_MAX_FAILURES if address_in(client, settings.KIOSK_ADDRESSES) else TRACK_MAX_FAILURES
    key = throttle_key("supervision:track", client)
    if count_attempt(key, TRACK_WINDOW_SECONDS) > limit:
        give_back(key)
        log_refusal("complaint tracking", client)
        raise RuleViolation("R-PUB-3", _("查询过于频繁，请15分钟后再试"), code="throttled")
    found = complaint_track(center=center, code=code)
    if found is not None:
        give_back(key)
    return found


def local_day(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment is not None else None


__all__ = [
    "INBOX_LIMIT",
    "InboxRow",
    "PublicComplaintView",
    "Substantiated",
    "complaint_counts",
    "complaint_for_user",
    "complaint_track",
    "complaint_track_throttled",
    "complaints_for_user",
    "complaints_substantiated",
    "inbox",
    "inbox_row",
]
