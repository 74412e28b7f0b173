"""Reads of joint approval: a joint case with its lanes, a co-department's inbox, the provincial platform's data
(R-PAR-9) and the lateness of departments for the supervision section (R-PAR-10). Bounded, and each in a fixed
number of queries; callers scope the centre through `org.access` first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from org.models import Center, Department

from .models import JointCase, JointFlow, JointFlowLane, JointLane, JointLateness

INBOX_LIMIT = 200


def joint_case_of(center: Center, pk: int) -> JointCase | None:
    """One joint case of `center` with its case, flow and lanes (their departments and timers) read at once."""
    return (
        JointCase.objects.filter(center=center, pk=pk)
        .select_related("case", "case__item", "flow", "lead_department", "opened_by", "inspected_by")
        .prefetch_related("lanes__department", "lanes__timer", "present")
        .first()
    )


def lanes_of(joint_case: JointCase) -> list[JointLane]:
    return list(joint_case.lanes.all())


def department_inbox(department: Department) -> QuerySet[JointLane]:
    """A co-department's joint inbox: its lanes notified and without an opinion yet, the earliest deadline first
    (those not received yet first of all)."""
    return (
        JointLane.objects.filter(department=department, opinion="", notified_at__isnull=False)
        .select_related("joint_case__case", "joint_case__lead_department", "timer")
        .order_by("timer__deadline", "notified_at", "pk")[:INBOX_LIMIT]
    )


def provincial_export(joint_case: JointCase) -> dict[str, Any]:
    """What the provincial joint-approval platform takes of a joint case (R-PAR-9): its project code, the case,
    the enterprise (no natural person's data), the lead, and each department's notification, receipt, deadline
    and opinion. Plain JSON values."""
    case = joint_case.case

    def moment(value: Any) -> str | None:
        return timezone.localtime(value).isoformat() if value is not None else None

    def day(value: date | None) -> str | None:
        return value.isoformat() if value is not None else None

    return {
        "project_code": joint_case.project_code,
        "case_number": case.number,
        "item": {"code": case.item.code, "name": case.version.name},
        "enterprise": {"name": case.organisation_name, "credit_code": case.credit_code},
        "lead_department": joint_case.lead_department.name,
        "accepted_on": day(case.accepted_on),
        "state": joint_case.state,
        "inspected_at": moment(joint_case.inspected_at),
        "departments": [
            {
                "department": lane.department.name,
                "items": lane.items,
                "limit_days": lane.limit_days,
                "notice_number": lane.notice_number,
                "notified_at": moment(lane.notified_at),
                "received_at": moment(lane.received_at),
                "deadline": day(lane.timer.deadline if lane.timer is not None else None),
                "opinion": lane.opinion,
                "opinion_text": lane.opinion_text,
                "opinion_at": moment(lane.opinion_at),
                "late": bool(lane.timer is not None and lane.timer.red_since is not None),
            }
            for lane in joint_case.lanes.all()
        ],
    }


@dataclass(frozen=True)
class DepartmentLateness:
    department_id: int
    name: str
    late: int  # lanes that fell overdue in the period


def lateness_by_department(center: Center, first: date, last: date) -> list[DepartmentLateness]:
    """R-PAR-10: per department, how many of its lanes fell overdue from `first` to `last`, the most first. One
    grouped query over the (centre, day) index of the lateness records."""
    rows = (
        JointLateness.objects.filter(center=center, overdue_on__gte=first, overdue_on__lte=last)
        .values("department_id", "department__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "department__name")
    )
    return [DepartmentLateness(r["department_id"], r["department__name"], r["n"]) for r in rows]


def lateness_records(center: Center, first: date, last: date, *, limit: int = 200) -> list[JointLateness]:
    """The lateness records of the period, the latest first, with the case and who answered."""
    return list(
        JointLateness.objects.filter(center=center, overdue_on__gte=first, overdue_on__lte=last)
        .select_related("department", "responsible", "lane__joint_case__case")
        .order_by("-overdue_on", "-pk")[:limit]
    )


def may_read(user: Any, joint_case: JointCase) -> bool:
    """Who reads a joint case: the centre's leadership and sections (centre-wide roles), and the staff of the lead
    and of each involved department."""
    from org.access import CENTER_WIDE_ROLES, has_role

    if has_role(user, joint_case.center, CENTER_WIDE_ROLES):
        return True
    profile = getattr(user, "staff_profile", None) if getattr(user, "is_authenticated", False) else None
    if profile is None or profile.center_id != joint_case.center_id:
        return False
    departments = {joint_case.lead_department_id, *(lane.department_id for lane in joint_case.lanes.all())}
    return profile.department_id in departments


def joint_case_for_user(user: Any, center: Center, pk: int) -> JointCase:
    """One joint case `user` may read, else NotFound (not told apart from a missing one)."""
    from common.errors import NotFound

    joint_case = joint_case_of(center, pk)
    if joint_case is None or not may_read(user, joint_case):
        raise NotFound()
    return joint_case


def lane_for_user(user: Any, center: Center, pk: int) -> JointLane:
    """One lane of a joint case `user` may read, else NotFound."""
    from common.errors import NotFound

    lane = JointLane.objects.filter(center=center, pk=pk).select_related("joint_case", "department").first()
    if lane is None or not may_read(user, lane.joint_case):
        raise NotFound()
    return lane


def flows_in_force(cases: list[Any]) -> dict[int, JointFlow]:
    """{case pk: the version of its item's flow-and-limits table in force on its acceptance day} for the cases
    that have one (as `services.flow_in_force`), with each version's lanes and their departments: two queries
    whatever the number of cases (every version of the items' tables effective by the latest of those days;
    an item has a handful)."""
    accepted = [case for case in cases if case.accepted_on is not None]
    if not accepted:
        return {}
    flows = list(
        JointFlow.objects.filter(
            item_id__in={case.item_id for case in accepted},
            effective_from__lte=max(case.accepted_on for case in accepted),
        )
        .select_related("lead_department")
        .prefetch_related(Prefetch("lanes", queryset=JointFlowLane.objects.select_related("department")))
        .order_by("-effective_from", "-version")
    )
    found = {}
    for case in accepted:
        flow = next(
            (f for f in flows if f.item_id == case.item_id and f.effective_from <= case.accepted_on), None
        )
        if flow is not None:
            found[case.pk] = flow
    return found


def awaiting_opening(center: Center, department_id: int) -> list[Any]:
    """The cases of joint items accepted at the department's windows whose joint case is not opened yet (the
    lead opens it: R-PAR-3), the earliest first."""
    from cases.models import Case, CaseState
    from catalog.models import CaseType

    return list(
        Case.objects.filter(
            center=center,
            case_type=CaseType.JOINT,
            state=CaseState.ACCEPTED,
            window__department_id=department_id,
            joint__isnull=True,
        )
        .select_related("version", "window", "item")
        .order_by("accepted_on", "pk")[:INBOX_LIMIT]
    )
