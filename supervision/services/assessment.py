"""The monthly 100-point assessment, written (R-ASM-1 … R-ASM-17): deductions entered with evidence, the close
of a month, and corrections of a closed month.

- **Entering a deduction** (`assessment_deduct`): the supervision section enters what the system cannot know —
  conduct (R-ASM-1), a meeting missed before meetings are recorded (R-ASM-5), a case not entered (R-ASM-9), a
  major breach (R-ASM-12) — for a month not closed yet, with a note and its evidence (a file, or the
  substantiated complaint it comes from, R-CMP-7): refused without. The facts the system knows (attendance,
  leave, duty, overdue cases, shuttles) are never entered by hand: they are read at the close.
  `assessment_entry_withdraw` takes back an entry of an open month; the entry stays, replaced by one of quantity 0.
- **Closing a month** (`assessment_close`, R-ASM-16): once the month has ended and each of its days' attendance
  is closed, the deductions the stored facts imply are stored as entries (with the facts behind them), and each
  assessed person's score, categories and fund are computed (`supervision.scoring`) under the policy in force for
  the month (R-ASM-17, kept on the month) and stored. A quarter's fund stopped (R-ASM-12) stops it for every
  month of the quarter: a later month closes with its fund at 0, an earlier closed month is corrected, with the
  rule as its reason.
- **Correcting a closed month** (`assessment_correct`): only with a reason; an entry is added or an entry is
  replaced by one with another quantity (never edited), the person's score is recomputed and stored, and the
  correction keeps the score before and after.

Only the supervision section of the centre writes (`org.access.CAN_ASSESS`); each service checks it itself.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common import sql
from common.errors import PermissionDenied, RuleViolation
from common.files import DOCUMENTS, check_upload, original_name, prepare
from common.history import record
from org.access import CAN_ASSESS, may_act
from org.models import Center, StaffProfile
from staffing.models import AttendanceClose
from staffing.selectors import month_bounds

from .. import scoring
from ..models import (
    AssessmentCorrection,
    AssessmentEntry,
    AssessmentMonth,
    AssessmentScore,
    Complaint,
    EntrySource,
)
from ..selectors.assessment_month import (
    assessed_staff,
    entered_entries,
    facts_entries,
    policy_as_json,
    policy_from_json,
    policy_of,
)

RULE_CLOSE = "R-ASM-16"
MAX_QUANTITY = Decimal(31)


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _text(value: Any) -> str:
    return str(value or "").replace("\x00", "").strip()


def _not_own(actor: Any, staff: StaffProfile) -> None:
    """Nobody enters or corrects a deduction of their own month."""
    profile = getattr(actor, "staff_profile", None) if getattr(actor, "is_authenticated", False) else None
    if profile is not None and profile.pk == staff.pk:
        raise PermissionDenied(_("不能录入或更正本人的考核。"))


def _kind(code: str) -> scoring.Deduction:
    kind = scoring.BY_CODE.get(code)
    if kind is None:
        raise RuleViolation(RULE_CLOSE, _("扣分项无效。"), field="code")
    return kind


def _quantity(value: Any, kind: scoring.Deduction, *, allow_zero: bool = False) -> Decimal:
    try:
        quantity = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise RuleViolation(kind.rule, _("数量无效。"), field="quantity") from None
    step = Decimal("0.5") if kind.unit == scoring.DAY else Decimal(1)
    if (
        not quantity.is_finite()
        or quantity < 0
        or (quantity == 0 and not allow_zero)
        or quantity > MAX_QUANTITY
        or quantity % step
    ):
        message = (
            _("天数须为0.5的倍数，且不超过31。") if kind.unit == scoring.DAY else _("次数须为1至31的整数。")
        )
        raise RuleViolation(kind.rule, message, field="quantity")
    return quantity


def _month(year: Any, month: Any) -> tuple[int, int]:
    try:
        year, month = int(year), int(month)
        date(year, month, 1)
    except (TypeError, ValueError):
        raise RuleViolation(RULE_CLOSE, _("月份无效。"), field="month") from None
    return year, month


def _evidence(kind: scoring.Deduction, evidence: Any, complaint: Complaint | None) -> tuple[Any, str]:
    """The evidence file prepared for storing and its original name; refused without evidence (R-ASM-*: "with
    evidence") unless a substantiated complaint is the evidence (R-CMP-7)."""
    if evidence:
        file_kind = check_upload(
            evidence, kinds=DOCUMENTS, rule=kind.rule, field="evidence", what=_("扣分证据")
        )
        name = original_name(evidence, file_kind)
        return prepare(evidence, file_kind), name
    if complaint is None:
        raise RuleViolation(
            kind.rule, _("该扣分项须附证据（照片、记录或文件）。"), field="evidence", code="no_evidence"
        )
    return None, ""


def _entry(
    *,
    actor: Any,
    staff: StaffProfile,
    year: int,
    month: int,
    code: str,
    quantity: Decimal,
    points: Decimal,
    source: str,
    at: datetime,
    facts: list[str] | None = None,
    note: str = "",
    evidence: tuple[Any, str] = (None, ""),
    complaint: Complaint | None = None,
    replaces: AssessmentEntry | None = None,
) -> AssessmentEntry:
    entry = AssessmentEntry(
        center_id=staff.center_id,
        staff=staff,
        year=year,
        month=month,
        code=code,
        quantity=quantity,
        points=points,
        source=source,
        facts=facts or [],
        note=note,
        evidence_name=evidence[1],
        complaint=complaint,
        entered_at=at,
        entered_by=_user(actor),
        replaces=replaces,
    )
    if evidence[0] is not None:
        entry.evidence = evidence[0]
    entry.save()
    return entry


# --- entering a deduction (R-ASM-1, R-ASM-5, R-ASM-9, R-ASM-12) -------------------------------------------------


@transaction.atomic
def assessment_deduct(
    *,
    actor: Any,
    staff: StaffProfile,
    year: int,
    month: int,
    code: str,
    quantity: Any = 1,
    note: str,
    evidence: Any = None,
    complaint: Complaint | None = None,
) -> AssessmentEntry:
    """The supervision section enters a deduction the system cannot know, with its evidence, for a month not
    closed yet (see the module's docstring)."""
    may_act(actor, staff.center, CAN_ASSESS)
    _not_own(actor, staff)
    year, month = _month(year, month)
    kind = _kind(code)
    if kind.automatic:
        raise RuleViolation(
            kind.rule,
            _("“%(kind)s”由系统依据记录自动扣分，不能手工录入。") % {"kind": kind.label},
            field="code",
        )
    if date(year, month, 1) > timezone.localdate():
        raise RuleViolation(RULE_CLOSE, _("不能为尚未开始的月份录入扣分。"), field="month")
    if AssessmentMonth.objects.filter(center_id=staff.center_id, year=year, month=month).exists():
        raise RuleViolation(RULE_CLOSE, _("该月已结账，只能更正（须说明理由）。"), code="closed")
    note = _text(note)
    if not note:
        raise RuleViolation(kind.rule, _("请写明扣分事实。"), field="note")
    if complaint is not None and (complaint.center_id != staff.center_id or not complaint.substantiated):
        raise RuleViolation("R-CMP-7", _("只有查实的投诉可以作为扣分依据。"), field="complaint")
    quantity = _quantity(quantity, kind)
    policy = policy_of(staff.center, year, month)
    entry = _entry(
        actor=actor,
        staff=staff,
        year=year,
        month=month,
        code=kind.code,
        quantity=quantity,
        points=quantity * policy.points[kind.code],
        source=EntrySource.ENTERED,
        at=timezone.now(),
        note=note,
        evidence=_evidence(kind, evidence, complaint),
        complaint=complaint,
    )
    record(
        subject=staff,
        action="assessment_deduct",
        actor=_user(actor),
        changes={
            "month": f"{year}-{month:02d}",
            "code": kind.code,
            "quantity": str(quantity),
            "entry": entry.pk,
        },
        reason=note,
        rule=kind.rule,
    )
    return entry


@transaction.atomic
def assessment_entry_withdraw(*, actor: Any, entry: AssessmentEntry, reason: str) -> AssessmentEntry:
    """Take back an entered deduction of a month not closed yet: it is replaced by one of quantity 0."""
    entry = AssessmentEntry.objects.select_for_update().select_related("staff__center").get(pk=entry.pk)
    may_act(actor, entry.staff.center, CAN_ASSESS)
    if AssessmentMonth.objects.filter(center_id=entry.center_id, year=entry.year, month=entry.month).exists():
        raise RuleViolation(RULE_CLOSE, _("该月已结账，只能更正（须说明理由）。"), code="closed")
    if entry.source != EntrySource.ENTERED or AssessmentEntry.objects.filter(replaces=entry).exists():
        raise RuleViolation(RULE_CLOSE, _("该扣分不能撤回。"), code="not_withdrawable")
    reason = _text(reason)
    if not reason:
        raise RuleViolation(RULE_CLOSE, _("请说明撤回理由。"), field="reason")
    replacement = _entry(
        actor=actor,
        staff=entry.staff,
        year=entry.year,
        month=entry.month,
        code=entry.code,
        quantity=Decimal(0),
        points=Decimal(0),
        source=EntrySource.ENTERED,
        at=timezone.now(),
        note=reason,
        replaces=entry,
    )
    record(
        subject=entry.staff,
        action="assessment_withdraw",
        actor=_user(actor),
        changes={"entry": entry.pk, "replaced_by": replacement.pk},
        reason=reason,
        rule=RULE_CLOSE,
    )
    return replacement


# --- closing a month (R-ASM-16) ------------------------------------------------------------------------------


def number(value: Decimal) -> str:
    """A score or points as plain text: 85, 12.5 (never 85.0 or 1E+2)."""
    return format(Decimal(value).normalize(), "f")


def _score_json(score: scoring.Score) -> dict[str, Any]:
    return {
        "categories": {
            c.category: {"points": number(c.points), "raw": number(c.raw), "taken": number(c.taken)}
            for c in score.categories
        },
        "score": number(score.score),
        "deducted": number(score.deducted),
        "fund": str(score.fund),
        "stops": score.stops,
        "loses_award": score.loses_award,
    }


def _score_columns(score: scoring.Score) -> dict[str, Any]:
    """A score as the columns of its stored row."""
    return {
        "categories": _score_json(score)["categories"],
        **{category.category: category.score for category in score.categories},
        "score": score.score,
        "deducted": score.deducted,
        "fund": score.fund,
        "stops": score.stops,
        "loses_award": score.loses_award,
    }


def _apply(stored: AssessmentScore, score: scoring.Score) -> None:
    for name, value in _score_columns(score).items():
        setattr(stored, name, value)


def _quarter_stopped(center: Center, staff_ids: list[int], year: int, month: int) -> set[int]:
    """Who had the fund of `month`'s quarter stopped by a month of it already closed (R-ASM-12)."""
    months = [m for m in scoring.quarter_months(month) if m != month]
    return set(
        AssessmentScore.objects.filter(
            assessment__center=center,
            assessment__year=year,
            assessment__month__in=months,
            stops=scoring.STOPS_QUARTER,
            staff_id__in=staff_ids,
        ).values_list("staff_id", flat=True)
    )


def _score_of(policy: scoring.Policy, entries: list[Any], quarter_stopped: bool) -> scoring.Score:
    score = scoring.score_month(policy, [scoring.Entry(e.code, e.quantity) for e in entries])
    if quarter_stopped and score.stops != scoring.STOPS_QUARTER:
        score = scoring.Score(
            score.categories,
            score.score,
            score.deducted,
            scoring.STOPS_QUARTER,
            Decimal("0.00"),
            score.loses_award,
        )
    return score


def _days_not_closed(center: Center, first: date, last: date) -> list[date]:
    closed = set(
        AttendanceClose.objects.filter(center=center, day__gte=first, day__lte=last).values_list(
            "day", flat=True
        )
    )
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return [day for day in days if day not in closed]


@transaction.atomic
def assessment_close(
    *, actor: Any, center: Center, year: int, month: int, at: datetime | None = None
) -> AssessmentMonth:
    """Close the month: store the facts' deductions and every assessed person's score (see the module's
    docstring). Refused for a month not over, one whose attendance is not closed for every day, or one closed
    already."""
    may_act(actor, center, CAN_ASSESS)
    year, month = _month(year, month)
    now = at or timezone.now()
    first, last = month_bounds(year, month)
    if last >= timezone.localdate(now):
        raise RuleViolation(
            RULE_CLOSE, _("%(y)s年%(m)s月尚未结束，不能结账。") % {"y": year, "m": month}, field="month"
        )
    if AssessmentMonth.objects.select_for_update().filter(center=center, year=year, month=month).exists():
        raise RuleViolation(RULE_CLOSE, _("%(y)s年%(m)s月已结账。") % {"y": year, "m": month}, code="closed")
    missing = _days_not_closed(center, first, last)
    if missing:
        raise RuleViolation(
            RULE_CLOSE,
            _("考勤尚未全部日结（%(days)s等%(n)s天），请先结算考勤。")
            % {"days": "、".join(d.strftime("%m-%d") for d in missing[:3]), "n": len(missing)},
            code="attendance_open",
        )
    policy = policy_of(center, year, month)
    closed = AssessmentMonth.objects.create(
        center=center,
        year=year,
        month=month,
        closed_at=now,
        closed_by=_user(actor),
        policy=policy_as_json(policy),
    )
    people = list(assessed_staff(center, year, month).values_list("pk", "window_id"))
    ids = {pk for pk, _window in people}
    facts = facts_entries(center, year, month, today=timezone.localdate(now), staff_ids=ids)
    user = _user(actor)
    rows: list[dict[str, Any]] = [
        {
            "center_id": center.pk,
            "staff_id": staff_id,
            "year": year,
            "month": month,
            "code": fact.code,
            "quantity": fact.quantity,
            "points": fact.quantity * policy.points[fact.code],
            "source": EntrySource.FACTS,
            "facts": fact.facts,
            "entered_at": now,
            "entered_by_id": user.pk if user is not None else None,
        }
        for staff_id, found in facts.items()
        for fact in found
    ]
    sql.insert_values(AssessmentEntry, rows)  # a row per fact and person: no instances, no keys read back
    # The month's entries in force: those just stored from the facts, and those entered while it was open.
    entries: dict[int, list[scoring.Entry]] = {}
    for row in rows:
        entries.setdefault(row["staff_id"], []).append(scoring.Entry(row["code"], row["quantity"]))
    for entry in entered_entries(center, year, month).exclude(source=EntrySource.FACTS):
        entries.setdefault(entry.staff_id, []).append(scoring.Entry(entry.code, entry.quantity))
    stopped = _quarter_stopped(center, list(ids), year, month)
    scores = []
    stopping: list[int] = []  # who stopped the quarter's fund this month
    for staff_id, window_id in people:
        score = _score_of(policy, entries.get(staff_id, []), staff_id in stopped)
        scores.append(
            {
                "center_id": center.pk,
                "assessment_id": closed.pk,
                "staff_id": staff_id,
                "window_id": window_id,
                **_score_columns(score),
            }
        )
        if score.stops == scoring.STOPS_QUARTER and staff_id not in stopped:
            stopping.append(staff_id)
    sql.insert_values(AssessmentScore, scores)
    closed.people = len(scores)
    closed.save(update_fields=["people"])
    # A quarter's fund stopped this month stops the quarter's months closed before (R-ASM-12).
    for staff_id in stopping:
        _stop_earlier_months(actor, AssessmentScore.objects.get(assessment=closed, staff_id=staff_id), now)
    record(
        subject=closed,
        action="assessment_close",
        actor=_user(actor),
        changes={"month": f"{year}-{month:02d}", "people": len(scores), "entries": len(rows)},
        rule=RULE_CLOSE,
    )
    return closed


def _stop_earlier_months(actor: Any, stopping: AssessmentScore, now: datetime) -> None:
    assessment = stopping.assessment
    earlier = AssessmentScore.objects.select_for_update().filter(
        staff_id=stopping.staff_id,
        assessment__center_id=assessment.center_id,
        assessment__year=assessment.year,
        assessment__month__in=[m for m in scoring.quarter_months(assessment.month) if m < assessment.month],
    )
    for stored in earlier.select_related("assessment"):
        if stored.stops == scoring.STOPS_QUARTER:
            continue
        before = _stored_json(stored)
        stored.stops, stored.fund = scoring.STOPS_QUARTER, Decimal("0.00")
        stored.revision += 1
        stored.save(update_fields=["stops", "fund", "revision"])
        AssessmentCorrection.objects.create(
            center_id=stored.center_id,
            score=stored,
            reason=_("R-ASM-12：%(y)s年%(m)s月损害集体形象，停发当季考核资金。")
            % {"y": assessment.year, "m": assessment.month},
            before=before,
            after=_stored_json(stored),
            corrected_at=now,
            corrected_by=_user(actor),
        )


def _stored_json(stored: AssessmentScore) -> dict[str, Any]:
    return {
        "categories": stored.categories,
        "score": number(stored.score),
        "deducted": number(stored.deducted),
        "fund": str(stored.fund),
        "stops": stored.stops,
        "loses_award": stored.loses_award,
    }


# --- correcting a closed month (R-ASM-16) ---------------------------------------------------------------------


@transaction.atomic
def assessment_correct(
    *,
    actor: Any,
    score: AssessmentScore,
    reason: str,
    code: str = "",
    quantity: Any = 1,
    replaces: AssessmentEntry | None = None,
    note: str = "",
    evidence: Any = None,
) -> AssessmentCorrection:
    """Correct a person's closed month, with a reason: add an entry of `code` (and `quantity`), or replace
    `replaces` by one of `quantity` (0 takes it back). The score is recomputed under the month's policy and the
    correction keeps it before and after."""
    score = (
        AssessmentScore.objects.select_for_update()
        .select_related("assessment", "staff__center")
        .get(pk=score.pk)
    )
    assessment = score.assessment
    may_act(actor, score.staff.center, CAN_ASSESS)
    _not_own(actor, score.staff)
    reason = _text(reason)
    if not reason:
        raise RuleViolation(
            RULE_CLOSE, _("更正已结账月份的考核须说明理由。"), field="reason", code="no_reason"
        )
    if replaces is not None:
        replaces = AssessmentEntry.objects.select_for_update().get(pk=replaces.pk)
        if (
            replaces.staff_id != score.staff_id
            or (replaces.year, replaces.month) != (assessment.year, assessment.month)
            or AssessmentEntry.objects.filter(replaces=replaces).exists()
        ):
            raise RuleViolation(RULE_CLOSE, _("所选扣分不属于该人该月，或已被更正。"), field="entry")
        kind = _kind(replaces.code)
        quantity = _quantity(quantity, kind, allow_zero=True)
        proof: tuple[Any, str] = (None, "")
        if evidence:
            proof = _evidence(kind, evidence, None)
    else:
        kind = _kind(code)
        quantity = _quantity(quantity, kind)
        proof = (None, "") if kind.automatic and not evidence else _evidence(kind, evidence, None)
    policy = policy_from_json(assessment.policy)
    now = timezone.now()
    entry = _entry(
        actor=actor,
        staff=score.staff,
        year=assessment.year,
        month=assessment.month,
        code=kind.code,
        quantity=quantity,
        points=quantity * policy.points[kind.code],
        source=EntrySource.CORRECTION,
        at=now,
        facts=list(replaces.facts) if replaces is not None else [],
        note=_text(note) or reason,
        evidence=proof,
        replaces=replaces,
    )
    before = _stored_json(score)
    entries = list(
        AssessmentEntry.objects.filter(
            staff=score.staff, year=assessment.year, month=assessment.month, replaced_by__isnull=True
        )
    )
    # A quarter stopped by another month of the quarter stays stopped (R-ASM-12).
    quarter = bool(_quarter_stopped(score.staff.center, [score.staff_id], assessment.year, assessment.month))
    _apply(score, _score_of(policy, entries, quarter))
    score.revision += 1
    score.save()
    correction = AssessmentCorrection.objects.create(
        center_id=score.center_id,
        score=score,
        entry=entry,
        reason=reason,
        before=before,
        after=_stored_json(score),
        corrected_at=now,
        corrected_by=_user(actor),
    )
    if score.stops == scoring.STOPS_QUARTER and before["stops"] != scoring.STOPS_QUARTER:
        _stop_earlier_months(actor, score, now)
    record(
        subject=score.staff,
        action="assessment_correct",
        actor=_user(actor),
        changes={
            "month": f"{assessment.year}-{assessment.month:02d}",
            "score": [before["score"], number(score.score)],
            "fund": [before["fund"], str(score.fund)],
            "entry": entry.pk,
        },
        reason=reason,
        rule=RULE_CLOSE,
    )
    return correction
