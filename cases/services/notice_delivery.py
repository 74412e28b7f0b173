"""Recording that a written notice reached the applicant (送达): the correction (R-CASE-2), refusal (R-CASE-4),
acceptance (R-CASE-6), special-procedure (R-CLK-4) and extension (R-CLK-5) notices, each on its own row. A
decision notice is delivered with the case (R-CASE-8, `handling.case_deliver`), which records it there."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from common.errors import RuleViolation
from org.models import StaffProfile

from ..acting import WINDOW
from ..models import Notice, NoticeKind
from .events import case_change, case_moment, lock_case_as

DELIVERY_METHOD_MAX = 20

# The rule each kind of notice's delivery serves (a refusal names it).
DELIVERY_RULES: dict[str, str] = {
    NoticeKind.CORRECTION: "R-CASE-2",
    NoticeKind.REFUSAL: "R-CASE-4",
    NoticeKind.ACCEPTANCE: "R-CASE-6",
    NoticeKind.SPECIAL_PROCEDURE: "R-CLK-4",
    NoticeKind.EXTENSION: "R-CLK-5",
}
DECISIONS = frozenset({NoticeKind.APPROVAL, NoticeKind.DENIAL})


def delivery_recordable(notice: Notice) -> bool:
    """Whether the delivery of `notice` is recorded on it and has not been yet (what the case page offers)."""
    return notice.kind in DELIVERY_RULES and notice.delivered_at is None


def notice_delivery_record(
    *,
    actor: StaffProfile,
    notice: Notice,
    method: str,
    at: datetime | None = None,
    expected_revision: int | None = None,
    kinds: frozenset[str] | None = None,
) -> Notice:
    """Record that `notice` was delivered to the applicant at `at` (now), and how, in the case's history.

    Refused (nothing changed) for a decision notice (delivered with the case, R-CASE-8), a notice already
    recorded as delivered, a moment before it was issued, or without a method. `kinds` narrows the notices this
    call may record (a caller for one kind). A stale `expected_revision` is a conflict."""
    at = case_moment(at)
    method = (method or "").strip()
    rule = DELIVERY_RULES.get(notice.kind, "R-CASE-8")
    if not method:
        raise RuleViolation(rule, _("请注明送达方式。"), field="method")
    if len(method) > DELIVERY_METHOD_MAX:
        raise RuleViolation(rule, _("送达方式过长（最多20个字）。"), field="method")
    with transaction.atomic():
        case, permit = lock_case_as(
            WINDOW, notice.case, actor=actor, at=at, expected_revision=expected_revision
        )
        acting_as = permit.acting_as
        notice = Notice.objects.select_for_update().get(pk=notice.pk)
        if kinds is not None and notice.kind not in kinds:
            labels = "、".join(str(NoticeKind(kind).label) for kind in sorted(kinds))
            raise RuleViolation(rule, _("该文书不是%(kinds)s。") % {"kinds": labels}, field="notice")
        if notice.kind in DECISIONS:
            raise RuleViolation("R-CASE-8", _("决定书随办件一并送达，请用“送达”登记。"), field="notice")
        if notice.delivered_at is not None:
            raise RuleViolation(rule, _("该告知书已记录送达。"), field="notice")
        if at < notice.issued_at:
            raise RuleViolation(rule, _("送达时间不能早于出具时间。"), field="at")
        notice.delivered_at = at
        notice.delivery_method = method
        notice.save(update_fields=["delivered_at", "delivery_method"])
        case_change(
            case=case,
            acting_as=acting_as,
            action="notice_delivered",
            actor=actor,
            data={"notice": notice.number, "kind": notice.kind, "method": method},
            at=at,
        )
    return notice
