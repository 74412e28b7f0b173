"""Reading the monthly meetings (R-MTG-1 … R-MTG-4): the list, one meeting's page (attendees, agenda, action items
and the items carried over from earlier meetings), and the meeting facts the monthly assessment reads (R-ASM-5).

Each read is a fixed number of queries, bounded."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from org.models import Center

from ..models_meetings import (
    ActionItem,
    ActionItemState,
    AgendaItem,
    AttendanceStatus,
    AttendeeCategory,
    Meeting,
    MeetingAttendee,
)

LIST_LIMIT = 36  # three years of monthly meetings
CARRIED_LIMIT = 200
CATEGORY_ORDER = {value: index for index, (value, _label) in enumerate(AttendeeCategory.choices)}


def meetings_of(center: Center) -> QuerySet[Meeting]:
    """The centre's meetings, the latest first, with their attendance counts (one query)."""
    return (
        Meeting.objects.filter(center=center)
        .select_related("chair", "recorder")
        .annotate(
            expected=Count("attendees"),
            late=Count("attendees", filter=Q(attendees__status=AttendanceStatus.LATE)),
            absent=Count("attendees", filter=Q(attendees__status=AttendanceStatus.ABSENT)),
        )
        .order_by("-starts_at")[:LIST_LIMIT]
    )


@dataclass
class MeetingPage:
    meeting: Meeting
    attendees: list[MeetingAttendee]
    agenda: list[AgendaItem]
    actions: list[ActionItem]
    carried_over: list[ActionItem]  # open items of earlier meetings (R-MTG-3)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(AttendanceStatus.values, 0)
        for row in self.attendees:
            counts[row.status] += 1
        return counts


def carried_over(meeting: Meeting) -> list[ActionItem]:
    """The action items of the centre's earlier meetings still open (R-MTG-3), oldest first."""
    return list(
        ActionItem.objects.filter(
            center_id=meeting.center_id,
            state=ActionItemState.OPEN,
            meeting__starts_at__lt=meeting.starts_at,
        )
        .select_related("owner", "timer", "meeting")
        .order_by("created_at", "id")[:CARRIED_LIMIT]
    )


def meeting_page(meeting: Meeting) -> MeetingPage:
    """Everything a meeting's page shows, in four queries."""
    attendees = sorted(
        MeetingAttendee.objects.filter(meeting=meeting).select_related("staff", "window", "absence"),
        key=lambda row: (
            CATEGORY_ORDER.get(row.category, 99),
            row.window.number if row.window is not None else "",
            row.staff.badge_number,
        ),
    )
    agenda = list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("submitted_by", "window")
        .order_by("submitted_at")
    )
    actions = list(
        ActionItem.objects.filter(meeting=meeting)
        .select_related("owner", "timer", "agenda_item", "meeting")
        .order_by("id")
    )
    return MeetingPage(meeting, attendees, agenda, actions, carried_over(meeting))


def _month_range(year: int, month: int) -> tuple[datetime, datetime]:
    first = date(year, month, 1)
    after = (first + timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    return datetime.combine(first, time.min, tzinfo=tz), datetime.combine(after, time.min, tzinfo=tz)


def meeting_facts(center: Center, year: int, month: int) -> dict[int, tuple[list[str], list[str]]]:
    """{staff id: (dates late, dates absent)} at the centre's meetings held in `year`-`month`, without cause
    (R-MTG-4): what R-ASM-5 deducts −2 / −5 for. A late arrival or absence excused by an absence in force at the
    start or a recorded cause is not there. Dates as ISO strings, in order. One query."""
    start, end = _month_range(year, month)
    found: dict[int, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    for staff_id, status, starts_at in (
        MeetingAttendee.objects.filter(
            meeting__center=center,
            meeting__starts_at__gte=start,
            meeting__starts_at__lt=end,
            status__in=[AttendanceStatus.LATE, AttendanceStatus.ABSENT],
            excused=False,
        )
        .values_list("staff_id", "status", "meeting__starts_at")
        .order_by("meeting__starts_at", "staff_id")
    ):
        day = timezone.localdate(starts_at).isoformat()
        late, absent = found[staff_id]
        (late if status == AttendanceStatus.LATE else absent).append(day)
    return dict(found)
