"""The day's attendance, stored (R-ATT-2, R-CLK-7): closing a day, and correcting one with its reason.

**Closing.** When a day has ended and the terminals have had time to upload (the command `close_attendance`
waits the centre's `attendance_close_after_days`), `attendance_close_day` computes the day of everyone expected
to clock that day (a PIN mapped to them during the day, active staff) with `staffing.attendance`, from the
centre's hours of that day (summer hours included, R-CLK-7), the calendar (a rest day has no sittings, except
for those on the weekend and holiday duty roster, R-ATT-1: their duty is a day of the centre's hours), the
clock events stored by then and the absences of `org` (leave, outing, absence without leave), and stores one
row per person. A person away on leave or an outing while a post they hold as A has no B on duty is off post
for those minutes (R-ATT-5, `attendance.uncovered_minutes`). Closing a day twice changes nothing.

**Correcting.** From then on a day changes only by a correction: the supervision section or the office
(`org.access.CAN_CORRECT_ATTENDANCE`) recomputes a person's day with a reason (a terminal outage, a wrong PIN
mapping, a batch that arrived after the close), optionally adding the clocks it attests; the row's revision
goes up and the history keeps the reason and what changed. Nothing rewrites a stored day silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from common import sql
from common.errors import RuleViolation
from common.history import record
from org.access import CAN_CORRECT_ATTENDANCE
from org.models import Absence, Center, PostHolding, PostRole, StaffProfile, active_at
from workdays.selectors import calendar_for, working_hours_for

from .. import attendance as rules
from ..models import AttendanceClose, AttendanceDay, ClockEvent, DutyEntry, DutyKind, EventSource, PinMapping
from ._common import RULE, may_act, text, user_of

MAX_ADDED_CLOCKS = 8
SUMMARY_FIELDS = [
    "status",
    "late",
    "early",
    "late_minutes",
    "early_minutes",
    "absent_minutes",
    "uncovered_minutes",
    "clocks",
]


def local_bounds(day: date) -> tuple[datetime, datetime]:
    """The aware start of `day` and of the next day, in the centre's time zone."""
    start, end = rules.day_bounds(day)
    zone = timezone.get_default_timezone()
    return timezone.make_aware(start, zone), timezone.make_aware(end, zone)


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment).replace(tzinfo=None)


def expected_staff_ids(center: Center, day: date) -> list[int]:
    """Who is expected to clock on `day`: the active staff with a PIN mapped to them during the day."""
    start, end = local_bounds(day)
    return sorted(
        set(
            PinMapping.objects.filter(center=center, valid_from__lt=end)
            .filter(Q(valid_until=None) | Q(valid_until__gt=start))
            .filter(active_at(start, "staff__"))
            .values_list("staff_id", flat=True)
        )
    )


def _sitting_json(sitting: rules.Sitting) -> dict[str, Any]:
    def checkpoint(point: rules.Checkpoint | None) -> dict[str, Any] | None:
        if point is None:
            return None
        return {
            "expected": rules.hhmm(point.expected),
            "clocked": rules.hhmm(point.clocked),
            "mark": point.mark,
            "minutes": point.minutes,
        }

    return {
        "start": rules.hhmm(sitting.start),
        "end": rules.hhmm(sitting.end),
        "state": sitting.state,
        "in": checkpoint(sitting.clock_in),
        "out": checkpoint(sitting.clock_out),
    }


def _values(result: rules.DayAttendance, clocks: Sequence[datetime], uncovered: int = 0) -> dict[str, Any]:
    # Absence without cover counts as leaving the post (R-ATT-5): after absent without leave, before the rest.
    status = rules.OFF_POST if uncovered and result.status != rules.ABSENT else result.status
    return {
        "kind": result.kind,
        "status": status,
        "late": result.late,
        "early": result.early,
        "no_clock_in": result.no_clock_in,
        "no_clock_out": result.no_clock_out,
        "late_minutes": result.late_minutes,
        "early_minutes": result.early_minutes,
        "expected_minutes": result.expected_minutes,
        "leave_minutes": result.leave_minutes,
        "outing_minutes": result.outing_minutes,
        "absent_minutes": result.absent_minutes,
        "uncovered_minutes": uncovered,
        "first_clock": min(clocks) if clocks else None,
        "last_clock": max(clocks) if clocks else None,
        "clocks": len(clocks),
        "sittings": [_sitting_json(s) for s in result.sittings],
    }


def duty_periods(
    center: Center, day: date, staff_ids: list[int]
) -> dict[int, list[tuple[datetime, datetime]]]:
    """On a rest day, the duty periods of those of `staff_ids` on the weekend and holiday roster (R-ATT-1): the
    centre's hours of that date (summer hours included), as local wall-clock times. One query."""
    on_roster = set(
        DutyEntry.objects.filter(
            center=center, day=day, kind=DutyKind.REST_DAY, superseded_at=None, staff_id__in=staff_ids
        ).values_list("staff_id", flat=True)
    )
    if not on_roster:
        return {}
    hours = working_hours_for(center, day)
    periods = [
        (datetime.combine(day, hours.morning_start), datetime.combine(day, hours.morning_end)),
        (datetime.combine(day, hours.afternoon_start), datetime.combine(day, hours.afternoon_end)),
    ]
    return dict.fromkeys(on_roster, periods)


def backups_away(
    day: date, staff_ids: list[int], start: datetime, end: datetime
) -> dict[int, list[list[list[rules.Away]]]]:
    """For each of `staff_ids`, one entry per post they hold as A during the day: for each B of that post, the
    periods the B is away that day (a B not active at the day's start is away all day). Feeds
    `attendance.uncovered_minutes` (R-ATT-5). Three queries."""
    held = PostHolding.objects.filter(valid_from__lt=end).filter(
        Q(valid_until=None) | Q(valid_until__gt=start)
    )
    posts: dict[int, list[int]] = {}
    for staff_id, post_id in held.filter(staff_id__in=staff_ids, role=PostRole.A).values_list(
        "staff_id", "post_id"
    ):
        posts.setdefault(staff_id, []).append(post_id)
    if not posts:
        return {}
    backups: dict[int, list[StaffProfile]] = {}
    for holding in held.filter(
        post_id__in={p for ps in posts.values() for p in ps}, role=PostRole.B
    ).select_related("staff"):
        backups.setdefault(holding.post_id, []).append(holding.staff)
    backup_ids = {b.pk for bs in backups.values() for b in bs}
    periods: dict[int, list[rules.Away]] = {}
    for staff_id, kind, starts_at, ends_at in Absence.objects.filter(
        staff_id__in=backup_ids, cancelled_at=None, starts_at__lt=end, ends_at__gt=start
    ).values_list("staff_id", "kind", "starts_at", "ends_at"):
        periods.setdefault(staff_id, []).append(rules.Away(_local(starts_at), _local(ends_at), kind))
    whole_day = [rules.Away(_local(start), _local(end), rules.ABSENT)]
    return {
        staff_id: [
            [periods.get(b.pk, []) if b.was_active_at(start) else whole_day for b in backups.get(post_id, [])]
            for post_id in post_ids
        ]
        for staff_id, post_ids in posts.items()
    }


def compute_days(center: Center, day: date, staff_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The attendance of `staff_ids` on `day` as the values of their rows, from what is stored now: the clocks,
    the absences, on a rest day the roster (R-ATT-1), and for those away on leave or an outing whether a B
    covered each of their posts (R-ATT-5) — at most seven queries whatever the number of people."""
    ids = list(staff_ids)
    if not ids:
        return {}
    start, end = local_bounds(day)
    hours = working_hours_for(center, day) if calendar_for(center).is_working_day(day) else None
    duties = duty_periods(center, day, ids) if hours is None else {}
    clocks: dict[int, list[datetime]] = {staff_id: [] for staff_id in ids}
    for staff_id, moment in ClockEvent.objects.filter(center=center, day=day, staff_id__in=ids).values_list(
        "staff_id", "time"
    ):
        clocks[staff_id].append(moment)
    aways: dict[int, list[rules.Away]] = {staff_id: [] for staff_id in ids}
    for staff_id, kind, starts_at, ends_at in Absence.objects.filter(
        staff_id__in=ids, cancelled_at=None, starts_at__lt=end, ends_at__gt=start
    ).values_list("staff_id", "kind", "starts_at", "ends_at"):
        aways[staff_id].append(rules.Away(_local(starts_at), _local(ends_at), kind))
    leaving = [
        staff_id
        for staff_id, periods in aways.items()
        if any(a.kind in (rules.LEAVE, rules.OUTING) for a in periods)
    ]
    covers = backups_away(day, leaving, start, end) if leaving and (hours or duties) else {}
    values = {}
    for staff_id in ids:
        result = rules.attendance_of_day(
            day,
            hours=hours,
            clocks=[_local(c) for c in clocks[staff_id]],
            aways=aways[staff_id],
            duties=duties.get(staff_id, ()),
        )
        uncovered = rules.uncovered_minutes(day, result.sittings, aways[staff_id], covers.get(staff_id, []))
        values[staff_id] = _values(result, clocks[staff_id], uncovered)
    return values


def _ended(day: date, *, field: str = "day") -> None:
    if not isinstance(day, date) or isinstance(day, datetime):
        raise TypeError("day must be a date")
    if day >= timezone.localdate():
        raise RuleViolation(RULE, _("%(day)s 尚未结束，不能结算或更正其考勤。") % {"day": day}, field=field)


@transaction.atomic
def attendance_close_day(*, actor: Any = None, center: Center, day: date) -> AttendanceClose:
    """Compute and store the attendance of everyone expected to clock on `day` (R-ATT-2). A day already closed
    is left as it is (its rows change only by corrections)."""
    may_act(actor, center, CAN_CORRECT_ATTENDANCE)
    _ended(day)
    close, created = AttendanceClose.objects.get_or_create(
        center=center, day=day, defaults={"closed_at": timezone.now(), "closed_by": user_of(actor)}
    )
    if not created:
        return close
    now = timezone.now()
    staff_ids = expected_staff_ids(center, day)
    stored = set(AttendanceDay.objects.filter(center=center, day=day).values_list("staff_id", flat=True))
    rows = [
        {"center_id": center.pk, "staff_id": staff_id, "day": day, "computed_at": now, **values}
        for staff_id, values in compute_days(center, day, [s for s in staff_ids if s not in stored]).items()
    ]
    sql.insert_values(AttendanceDay, rows, ignore_conflicts=True)  # rows, not instances: a row per person
    close.people = len(rows)
    close.save(update_fields=["people"])
    record(
        subject=close,
        action="close",
        actor=user_of(actor),
        changes={"day": day, "people": len(rows)},
        rule=RULE,
    )
    return close


def _summary(values: dict[str, Any]) -> dict[str, Any]:
    return {name: values[name] for name in SUMMARY_FIELDS}


def recompute(
    *,
    actor: Any,
    center: Center,
    day: date,
    staff_ids: Iterable[int],
    reason: str,
    added: Sequence[datetime] = (),
    action: str = "correct",
) -> list[AttendanceDay]:
    """Recompute and store the days of `staff_ids` on `day` as a correction with `reason`, inside the caller's
    transaction: each row's revision goes up and a history entry records what changed (`added`: the clocks the
    correction added)."""
    ids = list(staff_ids)
    rows = {
        row.staff_id: row
        for row in AttendanceDay.objects.select_for_update().filter(center=center, day=day, staff_id__in=ids)
    }
    now = timezone.now()
    corrected = []
    for staff_id, values in compute_days(center, day, ids).items():
        row = rows.get(staff_id)
        before = None if row is None else _summary(row.__dict__)
        if row is None:
            row = AttendanceDay(
                center=center, staff_id=staff_id, day=day, computed_at=now, revision=1, **values
            )
            row.save()
        else:
            for name, value in values.items():
                setattr(row, name, value)
            row.computed_at = now
            row.revision += 1
            row.save()
        after = _summary(values)
        changes: dict[str, Any] = {"day": day, "revision": row.revision}
        if before is None:
            changes.update({name: [None, after[name]] for name in SUMMARY_FIELDS})
        else:
            changes.update(
                {name: [before[name], after[name]] for name in SUMMARY_FIELDS if before[name] != after[name]}
            )
        if added:
            changes["added_clocks"] = [timezone.localtime(moment).strftime("%H:%M:%S") for moment in added]
        record(subject=row, action=action, actor=user_of(actor), changes=changes, reason=reason, rule=RULE)
        corrected.append(row)
    return corrected


@transaction.atomic
def attendance_correct(
    *, actor: Any, staff: StaffProfile, day: date, reason: str, clocks: Sequence[datetime] = ()
) -> AttendanceDay:
    """Correct a person's day (R-ATT-2): recompute it from what is stored now, with the clocks the supervision
    section attests added (a terminal outage: the times it confirmed), recorded with the reason. The supervision
    section or the office only; a day that has not ended cannot be corrected."""
    center = staff.center
    may_act(actor, center, CAN_CORRECT_ATTENDANCE)
    reason = text(reason)
    if not reason:
        raise RuleViolation(RULE, _("请填写更正原因（如考勤机故障、考勤号对应错误）。"), field="reason")
    _ended(day)
    added = sorted(set(clocks))
    if len(added) > MAX_ADDED_CLOCKS:
        raise RuleViolation(
            RULE, _("一次更正最多补录%(n)s次打卡。") % {"n": MAX_ADDED_CLOCKS}, field="clocks"
        )
    for moment in added:
        if not isinstance(moment, datetime) or timezone.is_naive(moment):
            raise RuleViolation(RULE, _("补录的打卡时间须包含时区。"), field="clocks")
        if timezone.localtime(moment).date() != day:
            raise RuleViolation(
                RULE,
                _("补录的打卡时间 %(moment)s 不在 %(day)s。")
                % {"moment": timezone.localtime(moment).strftime("%Y-%m-%d %H:%M"), "day": day},
                field="clocks",
            )
    now = timezone.now()
    ClockEvent.objects.bulk_create(
        [
            ClockEvent(
                center=center,
                terminal=None,
                pin="",
                time=moment,
                day=day,
                staff=staff,
                source=EventSource.CORRECTION,
                received_at=now,
            )
            for moment in added
        ]
    )
    (row,) = recompute(actor=actor, center=center, day=day, staff_ids=[staff.pk], reason=reason, added=added)
    return row
