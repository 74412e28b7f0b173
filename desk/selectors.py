"""Reads for the window workbench (issue 3, item 9): my queue, my window's queue, the posts I cover as B
(R-ORG-7), my inquiries (R-CASE-1) and the day's appointments (R-CASE-13).

Every case carries its state, deadline and warning colour, from its timer's stored columns read with the row
(`cases.selectors.rows`); the workbench costs a fixed number of queries however many cases there are. Scoping
is `cases.access`'s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from cases.access import case_scope_sql, cases_for_user, work_windows
from cases.models import OPEN_STATES, Case, CaseState, Inquiry
from cases.selectors.intake import workbench_inquiry_lists
from cases.selectors.rows import CaseRow, RowQuery, count_rows, open_rows
from catalog.models import Item
from catalog.selectors import published_items
from hall.models import Appointment
from hall.selectors import appointments_by_window
from org.models import Post, StaffProfile, Window, WindowKind
from org.selectors import PostBoardRow, posts_held_by

PRE_ACCEPTANCE = (CaseState.RECEIVED, CaseState.AWAITING_CORRECTION)
PANEL_LIMIT = 50  # rows per case panel; the panel says how many there are in all


@dataclass
class Panel:
    cases: list[CaseRow]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.cases)


@dataclass
class CoveredPost:
    """A post whose A is away and that the signed-in B holds now (R-ORG-7), with the post's open cases."""

    post: Post
    holder_a: StaffProfile
    cases: list[CaseRow] = field(default_factory=list)


@dataclass
class Workbench:
    staff: StaffProfile
    today: date
    windows: list[Window]  # where the staff member works as A or by role (their window queue)
    mine: Panel
    window_queue: Panel
    covered: list[CoveredPost]
    inquiries_open: list[Inquiry]
    inquiries_incoming: list[Inquiry]
    inquiries_sent: list[Inquiry]
    appointments: list[tuple[Window, list[Appointment]]]


def open_cases_for(user: Any) -> QuerySet[Case]:
    """The open cases `user` may see, soonest deadline first (each case carries the post of its current step,
    `current_post_id`): the ORM's statement of what the workbench's panels read (`_OpenCases`)."""
    cases = cases_for_user(user).filter(state__in=list(OPEN_STATES))
    return cases.order_by(F("timer__deadline").asc(nulls_last=True), "received_at", "pk")


class _OpenCases:
    """`open_cases_for(user)` written out (`cases.selectors.rows.RowQuery`): the scope of `cases_for_user`
    (`cases.access.case_scope_sql`), the open states, and a panel's condition; its rows in the same order.
    Compiling the queryset of each panel cost more than running it."""

    def __init__(self, user: Any) -> None:
        self.user = user

    def _where(self, panel: Any) -> tuple[str, RowQuery]:
        where = RowQuery()
        scope = case_scope_sql(self.user, where)
        open_states = where.in_fixed("state", [str(state) for state in OPEN_STATES])
        return where.all_(scope, open_states, panel(where)), where

    def rows(self, panel: Any, today: date, *, limit: int) -> list[CaseRow]:
        condition, where = self._where(panel)
        return open_rows(condition, where, today, limit=limit)

    def panel(self, panel: Any, today: date) -> Panel:
        rows = self.rows(panel, today, limit=PANEL_LIMIT)
        if len(rows) < PANEL_LIMIT:
            return Panel(rows, len(rows))
        condition, where = self._where(panel)
        return Panel(rows, count_rows(condition, where))


def _holds(row: PostBoardRow, staff: StaffProfile, acting_as: str) -> bool:
    return row.holder is not None and row.holder.pk == staff.pk and row.acting_as == acting_as


def _mine(staff: StaffProfile, held_as_a: list[int]) -> Any:
    """My queue: the cases I am responsible for, those whose current step is at a post I hold as A, and
    those I received that nobody is responsible for yet."""

    def condition(w: RowQuery) -> str:
        received = w.all_(
            w.in_fixed("state", [str(s) for s in PRE_ACCEPTANCE]),
            w.eq("received_by_id", staff.pk),
            w.is_null("responsible_id"),
        )
        return w.any_(w.eq("responsible_id", staff.pk), w.in_("current_post_id", held_as_a), received)

    return condition


def _covered_condition(posts: list[Post]) -> Any:
    """The open cases of posts whose A is away: the current step is at the post, or its A answers for them
    at the post's window (responsible, or received and not yet accepted)."""

    def condition(w: RowQuery) -> str:
        parts = []
        for post in posts:
            a_answers = w.any_(
                w.eq("responsible_id", post.holder_a_id),
                w.all_(
                    w.in_fixed("state", [str(s) for s in PRE_ACCEPTANCE]),
                    w.eq("received_by_id", post.holder_a_id),
                ),
            )
            parts += [w.eq("current_post_id", post.pk), w.all_(w.eq("window_id", post.window_id), a_answers)]
        return w.any_(*parts)

    return condition


def _belongs_to(case: CaseRow, post: Post) -> bool:
    if case.current_post_id == post.pk:
        return True
    if case.window_id != post.window_id:
        return False
    return case.responsible_id == post.holder_a_id or (
        case.state in PRE_ACCEPTANCE and case.received_by_id == post.holder_a_id
    )


def _covered(open_cases: _OpenCases, rows: list[PostBoardRow], today: date) -> list[CoveredPost]:
    covered = [CoveredPost(post=row.post, holder_a=row.holder_a) for row in rows]
    if not covered:
        return []
    condition = _covered_condition([c.post for c in covered])
    for case in open_cases.rows(condition, today, limit=PANEL_LIMIT * len(covered)):
        for entry in covered:
            if _belongs_to(case, entry.post):
                entry.cases.append(case)
                break
    return covered


def workbench(user: Any, staff: StaffProfile, now: datetime) -> Workbench:
    """The signed-in staff member's workbench at `now`."""
    today = timezone.localdate(now)
    home = work_windows(user, staff, as_backup=False)
    serving = work_windows(user, staff, as_backup=True)
    board = posts_held_by(staff, now)  # only the posts this staff member holds as A or B
    held_as_a = [row.post.pk for row in board if _holds(row, staff, "A")]
    open_cases = _OpenCases(user)
    home_ids = [w.pk for w in home]
    inquiries = workbench_inquiry_lists(staff)
    return Workbench(
        staff=staff,
        today=today,
        windows=home,
        mine=open_cases.panel(_mine(staff, held_as_a), today),
        window_queue=open_cases.panel(lambda w: w.in_("window_id", home_ids), today),
        covered=_covered(open_cases, [row for row in board if _holds(row, staff, "B")], today),
        inquiries_open=inquiries.open,
        inquiries_incoming=inquiries.incoming,
        inquiries_sent=inquiries.sent,
        appointments=appointments_by_window(serving, today),
    )


def items_served(staff: StaffProfile, windows: list[Window]) -> QuerySet[Item]:
    """Published items of the staff's centre that one of `windows` serves (its department's, or a department
    a comprehensive window serves). The service checks the chosen window again."""
    departments = {w.department_id for w in windows}
    comprehensive = [w.pk for w in windows if w.kind == WindowKind.COMPREHENSIVE]
    served = Window.served_departments.through.objects.filter(window_id__in=comprehensive).values(
        "department_id"
    )
    return published_items(staff.center).filter(
        Q(department_id__in=departments) | Q(department_id__in=served)
    )
