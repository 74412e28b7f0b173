"""Which actions the case page offers a user (issue 3, the case page's action panel).

A read-side convenience, not a rule engine: it hides the buttons that make no sense for this user in this
state, so that the page stays short. Every service still checks everything itself and refuses with the rule's
id; a button shown here may still be refused (a missing material, an expired authorisation, ...).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from catalog.models import CaseType
from org.access import roles_at
from org.models import AuthorizationScope, Role, StaffProfile
from org.services import authorization_in_force, can_decide_on_spot, post_holder_at

from ..access import window_ids_of
from ..models import (
    OPEN_STATES,
    Case,
    CaseMaterial,
    CaseState,
    CaseStep,
    Extension,
    MaterialStatus,
    Notice,
    NoticeKind,
    Suspension,
)
from ..services.clock import extension_room
from ..services.handling import PAYABLE_STATES

# The actions of the case page, in the order the panel shows them; each is the URL name `case_<action>`.
ACTIONS = (
    "check",
    "correction",
    "resubmit",
    "accept",
    "refuse",
    "step",
    "decide",
    "suspend",
    "resume",
    "report_up",
    "report_returned",
    "extend",
    "payment",
    "deliver",
    "archive",
    "priority",
    "visit",
    "withdraw",
)
EXTENSION_FILE = "extension_file"
NOTICE_DELIVERED = "notice_delivered"
PRIORITY_ROLES = frozenset({Role.DEPUTY, Role.DIRECTOR})
PROBLEMS = frozenset({MaterialStatus.MISSING, MaterialStatus.DEFECTIVE})


def staff_of(user: Any) -> StaffProfile | None:
    """The active staff profile of a signed-in user, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    staff: StaffProfile | None = getattr(user, "staff_profile", None)
    return staff if staff is not None and staff.is_active else None


def works_at_case_window(user: Any, staff: StaffProfile, case: Case) -> bool:
    """The user serves at the case's window: its staff, a holder (A or B) of one of its posts, its head, chief
    representative or deputy in charge."""
    window = case.window
    if staff.pk in {window.head_id, window.chief_representative_id, window.deputy_in_charge_id}:
        return True
    return case.window_id in window_ids_of(user)


def _current_step(case: Case) -> CaseStep | None:
    return (
        CaseStep.objects.filter(case=case, finished_at=None).select_related("post").order_by("order").first()
    )


def _may_decide(staff: StaffProfile, case: Case, moment: datetime) -> bool:
    if can_decide_on_spot(staff=staff, version=case.version, moment=moment, department=case.item.department):
        return True
    if CaseStep.objects.filter(case=case, finished_at=None).exists():
        return False
    return (
        authorization_in_force(
            representative=staff,
            scope=AuthorizationScope.DECIDE_GENERAL,
            moment=moment,
            department=case.item.department,
        )
        is not None
    )


def _holds_current_step(staff: StaffProfile, case: Case, moment: datetime) -> bool:
    step = _current_step(case)
    if step is None or step.post is None:
        return False
    holder = post_holder_at(step.post, moment)
    return holder is not None and holder.staff.pk == staff.pk


def available_actions(user: Any, case: Case, *, at: datetime | None = None) -> frozenset[str]:
    """The names of the actions (see `ACTIONS`, plus `extension_file` and `notice_delivered`) the case page offers `user` on `case`
    in its current state at `at` (now by default)."""
    staff = staff_of(user)
    if staff is None:
        return frozenset()
    moment = at or timezone.now()
    state = case.state
    roles = roles_at(user, case.center)
    works = staff.center_id == case.center_id and works_at_case_window(user, staff, case)
    found: set[str] = set()
    if works:
        if state == CaseState.RECEIVED:
            found |= {"check", "refuse"}
            statuses = set(CaseMaterial.objects.filter(case=case).values_list("status", flat=True))
            if statuses & PROBLEMS:
                found.add("correction")
            elif statuses:
                found.add("accept")
        elif state == CaseState.AWAITING_CORRECTION:
            found |= {"resubmit", "refuse"}
        elif state == CaseState.ACCEPTED:
            if case.version.special_procedures:
                found.add("suspend")
            if case.case_type == CaseType.REPORTED:
                found.add("report_up")
            if case.version.extension_allowed and case.deadline is not None and extension_room(case) > 0:
                found.add("extend")
        elif state == CaseState.SUSPENDED:
            if Suspension.objects.filter(case=case, ended_on=None).exists():
                found.add("resume")
            elif case.case_type == CaseType.REPORTED:
                found.add("report_returned")
        elif state in {CaseState.APPROVED, CaseState.DENIED}:
            found.add("deliver")
        elif state == CaseState.DELIVERED:
            found.add("archive")
        if state in PAYABLE_STATES and case.version.fees.exists():
            found.add("payment")
        if state in OPEN_STATES:
            found.add("withdraw")
        found.add("visit")
        if Notice.objects.filter(case=case, kind=NoticeKind.SPECIAL_PROCEDURE, delivered_at=None).exists():
            found.add(NOTICE_DELIVERED)
    if state == CaseState.ACCEPTED:
        if _holds_current_step(staff, case, moment):
            found.add("step")
        if _may_decide(staff, case, moment):
            found.add("decide")
    if state in OPEN_STATES and not case.is_priority:
        window = case.window
        if staff.pk in {window.head_id, window.chief_representative_id} or roles & PRIORITY_ROLES:
            found.add("priority")
    if Role.COORDINATION in roles and Extension.objects.filter(case=case, filed_at=None).exists():
        found.add(EXTENSION_FILE)
    return frozenset(found)


def extension_approvers(case: Case) -> QuerySet[StaffProfile]:
    """Who may approve an extension of `case` (R-CLK-5): the head and the chief representative of its
    window, and the holders of those roles for that window."""
    window = case.window
    return (
        StaffProfile.objects.filter(center_id=case.center_id, is_active=True)
        .filter(
            Q(pk__in=[pk for pk in (window.head_id, window.chief_representative_id) if pk])
            | Q(
                user__role_grants__window=window,
                user__role_grants__revoked_at=None,
                user__role_grants__role__in=[Role.WINDOW_HEAD, Role.CHIEF_REPRESENTATIVE],
            )
        )
        .distinct()
        .order_by("name", "pk")
    )
