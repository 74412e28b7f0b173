"""Reads for intake: the inquiries on a staff member's workbench (R-CASE-1), the checklist of a case
(R-CASE-2) and the cases given more than one correction notice, for the supervision section (R-CASE-2).
Callers scope the centre, window or staff through `org.access` first."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.models import Count, F, Q, QuerySet

from catalog.models import Material
from catalog.selectors import published_version
from common.sql import Layout, joined_columns, joined_instances
from org.models import Center, Post, PostBackup, StaffProfile, Window

from ..models import Case, CaseMaterial, Inquiry, InquiryStatus, NoticeKind
from .page import Shape, rows_of_case


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


@lru_cache(maxsize=8)
def _lists_sql(vendor: str) -> tuple[str, Layout]:
    """The statement of `workbench_inquiry_lists`: `_boxes` written out once per process (the ORM built its
    joins through the referred window's posts and their Bs anew on every workbench)."""
    del vendor  # part of the key: quoting and converters differ per database
    q = connection.ops.quote_name
    columns, layout = joined_columns([("i", Inquiry), ("w", Window), ("r", Window)])
    inquiry, window = q(Inquiry._meta.db_table), q(Window._meta.db_table)
    post, backup = q(Post._meta.db_table), q(PostBackup._meta.db_table)
    served = (  # `_served_windows`: the window the inquiry was referred to is one the staff member serves at
        f"(r.{q('id')} = %(w)s OR r.{q('head_id')} = %(s)s OR r.{q('chief_representative_id')} = %(s)s "  # noqa: S608 - names from the models
        f"OR r.{q('id')} IN (SELECT p.{q('window_id')} FROM {post} p WHERE p.{q('is_active')} "
        f"AND (p.{q('holder_a_id')} = %(s)s OR p.{q('id')} IN "
        f"(SELECT b.{q('post_id')} FROM {backup} b WHERE b.{q('staff_id')} = %(s)s))))"
    )
    sql = (
        f"SELECT {', '.join(columns)} FROM {inquiry} i "  # noqa: S608 - names from the models
        f"JOIN {window} w ON w.{q('id')} = i.{q('window_id')} "
        f"LEFT OUTER JOIN {window} r ON r.{q('id')} = i.{q('referred_to_id')} "
        f"WHERE i.{q('center_id')} = %(c)s AND ("
        f"(i.{q('first_receiver_id')} = %(s)s AND i.{q('status')} = %(open)s) "
        f"OR (i.{q('status')} = %(referred)s AND i.{q('referral_acknowledged_at')} IS NULL "
        f"AND (i.{q('first_receiver_id')} = %(s)s OR {served}))) "
        f"ORDER BY i.{q('asked_at')}, i.{q('id')}"
    )
    return sql, layout


def workbench_inquiry_lists(staff: StaffProfile) -> InquiryLists:
    """The three boxes of `workbench_inquiries` (`_boxes`) in one query, split here: the boxes do not overlap
    (an inquiry of the staff member's is open or sent by its status; any other is incoming). Each inquiry
    comes with its window and the window it was referred to."""
    sql, layout = _lists_sql(connection.vendor)
    params: dict[str, Any] = {
        "c": staff.center_id,
        "s": staff.pk,
        "w": staff.window_id or 0,  # no window: no referral is to "their window"
        "open": InquiryStatus.OPEN.value,
        "referred": InquiryStatus.REFERRED.value,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    rows = []
    for row in fetched:
        inquiry, window, referred_to = joined_instances(layout, row)
        inquiry._state.fields_cache["window"] = window
        inquiry._state.fields_cache["referred_to"] = referred_to if referred_to.pk is not None else None
        rows.append(inquiry)
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
        .prefetch_related("window", "item", "version", "received_by")  # by key: joins are costly to plan
        .order_by("-correction_notices", "-received_at", "id")
    )


@dataclass(frozen=True)
class ChecklistRow:
    material: Material
    check: CaseMaterial | None  # None: not checked yet


# The checks of a case's materials as `case_checklist` reads them (`cases.selectors.page` shape): with who checked.
CHECKS: Shape = (CaseMaterial, ("checked_by",), ("id",))


def case_checklist(case: Case, checks: Iterable[CaseMaterial] | None = None) -> list[ChecklistRow]:
    """Every material of the case's item version with its check (one per material), in checklist order. One
    query, written once per process (the case page reads the checklist on every request, with its other rows:
    `checks`, read as `CHECKS`); the materials are the published version's (`catalog.selectors.
    published_version`, immutable, R-CAT-3)."""
    if checks is None:
        checks = rows_of_case(CaseMaterial, case, related=CHECKS[1], order_by=CHECKS[2])
    by_material = {row.material_id: row for row in checks}
    materials = published_version(case.version_id).materials.all()  # in checklist order (`Material.Meta`)
    return [ChecklistRow(m, by_material.get(m.pk)) for m in materials]
