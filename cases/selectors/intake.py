"""Reads for intake: the inquiries on a staff member's workbench (R-CASE-1), the checklist of a case
(R-CASE-2) and the cases given more than one correction notice, for the supervision section (R-CASE-2).
Callers scope the centre, window or staff through `org.access` first."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet

from catalog.models import Material
from org.models import Center, StaffProfile

from ..models import Case, CaseMaterial, Inquiry, InquiryStatus, NoticeKind


@dataclass(frozen=True)
class InquiryWorkbench:
    """`open`: the staff member's own open inquiries (as first receiver); `incoming`: referrals to a window
    they serve, awaiting acknowledgement; `sent`: their referrals not yet acknowledged by the other window
    (still theirs until then)."""

    open: QuerySet[Inquiry]
    incoming: QuerySet[Inquiry]
    sent: QuerySet[Inquiry]


def _served_windows(staff: StaffProfile) -> Q:
    """The windows `staff` serves at: their own, those they head or represent, and those of their posts."""
    return (
        Q(referred_to_id=staff.window_id)
        | Q(referred_to__head=staff)
        | Q(referred_to__chief_representative=staff)
        | Q(referred_to__posts__holder_a=staff, referred_to__posts__is_active=True)
        | Q(referred_to__posts__backup_links__staff=staff, referred_to__posts__is_active=True)
    )


def _boxes(staff: StaffProfile) -> dict[str, Q]:
    """The three boxes of `InquiryWorkbench`, as filters on the inquiries of the staff member's centre."""
    awaiting = Q(status=InquiryStatus.REFERRED, referral_acknowledged_at=None)
    incoming_ids = (
        Inquiry.objects.filter(center_id=staff.center_id).filter(awaiting).filter(_served_windows(staff))
    ).values("id")
    return {
        "open": Q(first_receiver=staff, status=InquiryStatus.OPEN),
        "incoming": Q(id__in=incoming_ids) & ~Q(first_receiver=staff),
        "sent": awaiting & Q(first_receiver=staff),
    }


def workbench_inquiries(staff: StaffProfile) -> InquiryWorkbench:
    base = Inquiry.objects.filter(center_id=staff.center_id).select_related(
        "window", "referred_to", "item", "first_receiver"
    )
    boxes = _boxes(staff)
    return InquiryWorkbench(
        open=base.filter(boxes["open"]).order_by("asked_at", "id"),
        incoming=base.filter(boxes["incoming"]).order_by("asked_at", "id"),
        sent=base.filter(boxes["sent"]).order_by("asked_at", "id"),
    )


@dataclass(frozen=True)
class InquiryLists:
    """The boxes of `InquiryWorkbench` read, for a page: each inquiry with its window and the window it was
    referred to."""

    open: list[Inquiry]
    incoming: list[Inquiry]
    sent: list[Inquiry]


def workbench_inquiry_lists(staff: StaffProfile) -> InquiryLists:
    """The three boxes of `workbench_inquiries` in one query, split here: the boxes do not overlap (an inquiry
    of the staff member's is open or sent by its status; any other is incoming)."""
    boxes = _boxes(staff)
    rows = (
        Inquiry.objects.filter(center_id=staff.center_id)
        .filter(boxes["open"] | boxes["incoming"] | boxes["sent"])
        .select_related("window", "referred_to")
        .order_by("asked_at", "id")
    )
    lists = InquiryLists([], [], [])
    for inquiry in rows:
        if inquiry.first_receiver_id != staff.pk:
            lists.incoming.append(inquiry)
        elif inquiry.status == InquiryStatus.OPEN:
            lists.open.append(inquiry)
        else:
            lists.sent.append(inquiry)
    return lists


def extra_correction_notices(center: Center) -> QuerySet[Case]:
    """Cases of `center` given more than one correction notice (未能一次性告知), with `correction_notices`
    (how many) and `extra_notices` (how many beyond the first), most first."""
    return (
        Case.objects.filter(center=center)
        .annotate(correction_notices=Count("notices", filter=Q(notices__kind=NoticeKind.CORRECTION)))
        .filter(correction_notices__gt=1)
        .annotate(extra_notices=F("correction_notices") - 1)
        .select_related("window", "item", "version", "received_by")
        .order_by("-correction_notices", "-received_at", "id")
    )


@dataclass(frozen=True)
class ChecklistRow:
    material: Material
    check: CaseMaterial | None  # None: not checked yet


def case_checklist(case: Case) -> list[ChecklistRow]:
    """Every material of the case's item version with its latest check, in checklist order. Two queries."""
    checks = {
        row.material_id: row for row in CaseMaterial.objects.filter(case=case).select_related("checked_by")
    }
    return [ChecklistRow(m, checks.get(m.pk)) for m in case.version.materials.all().order_by("order", "id")]
