"""Writes for the hall: booking, serving and cancelling appointments (R-CASE-13).

Staff book and serve at their windows; the public books through `appointment_book_public`, throttled per client
address (`common.net.client_address`): one address may make at most the centre's
`public_bookings_per_address_hour` booking attempts within an hour (counted from its first attempt in the cache
every process shares, `common.throttle`); further attempts are refused with R-CASE-13 until the hour ends, and a
refused attempt does not count. Every function owns its transaction, refuses with `RuleViolation` (nothing
changed) and records history.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case
from cases.services.events import case_moment
from catalog.models import Item
from catalog.services import item_accepts_applications
from common.errors import PermissionDenied, RuleViolation
from common.history import record
from common.throttle import count_attempt, give_back, log_refusal, throttle_key
from org.access import roles_at
from org.models import StaffProfile, Window
from policy.selectors import policy_value
from workdays.selectors import calendar_for, working_hours_for
from workdays.services import is_within_working_hours

from .models import Appointment, AppointmentStatus


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


# --- appointments and late service (R-CASE-13) ---------------------------------------------------------


def late_minutes(*, served_from: datetime, served_until: datetime, closing: datetime | None) -> int:
    """Minutes served after `closing` (all of them on a day with no closing time: not a working day)."""
    start = served_from if closing is None else max(served_from, closing)
    seconds = (served_until - start).total_seconds()
    return max(0, int(seconds // 60))


def closing_time(*, window: Window, day: date) -> datetime | None:
    """When `window`'s centre closes on `day`; None on a day that is not a working day."""
    if not calendar_for(window.center).is_working_day(day):
        return None
    hours = working_hours_for(window.center, day)
    return timezone.make_aware(datetime.combine(day, hours.afternoon_end))


def _serves_item(window: Window, item: Item) -> bool:
    if item.department_id == window.department_id:
        return True
    return window.served_departments.filter(pk=item.department_id).exists()


@transaction.atomic
def appointment_book(
    *,
    window: Window,
    item: Item | None,
    applicant_name: str,
    applicant_phone: str,
    starts_at: datetime,
) -> Appointment:
    """A member of the public books a time at `window`, outside working hours included (flagged)."""
    applicant_name, applicant_phone = _text(applicant_name), _text(applicant_phone)
    if not window.is_active:
        raise RuleViolation("R-CASE-13", _("该窗口已停用，不能预约。"), field="window")
    if not applicant_name or len(applicant_name) > 100:
        raise RuleViolation("R-CASE-13", _("请填写预约人姓名（不超过100个字符）。"), field="applicant_name")
    if not applicant_phone or len(applicant_phone) > 40:
        raise RuleViolation("R-CASE-13", _("请填写联系电话（不超过40个字符）。"), field="applicant_phone")
    if not isinstance(starts_at, datetime) or timezone.is_naive(starts_at):
        raise RuleViolation("R-CASE-13", _("预约时间须包含时区。"), field="starts_at")
    if starts_at < timezone.now():
        raise RuleViolation("R-CASE-13", _("预约时间不能早于当前时间。"), field="starts_at")
    if item is not None:
        if item.center_id != window.center_id or not _serves_item(window, item):
            raise RuleViolation("R-CASE-13", _("该窗口不办理此事项。"), field="item")
        if not item_accepts_applications(item):
            raise RuleViolation("R-CASE-13", _("该事项目前不受理申请。"), field="item")
    outside = not is_within_working_hours(center=window.center, moment=starts_at)
    appointment = Appointment.objects.create(
        center=window.center,
        window=window,
        item=item,
        applicant_name=applicant_name,
        applicant_phone=applicant_phone,
        starts_at=starts_at,
        outside_hours=outside,
    )
    record(
        subject=appointment,
        action="book",
        changes={"window": window, "item": item, "starts_at": starts_at, "outside_hours": outside},
        rule="R-CASE-13",
    )
    return appointment


def _lock_booked(appointment: Appointment, *, doing: str) -> Appointment:
    locked = Appointment.objects.select_for_update().select_related("window", "center").get(pk=appointment.pk)
    if locked.status != AppointmentStatus.BOOKED:
        raise RuleViolation(
            "R-CASE-13",
            _("预约当前状态为“%(status)s”，不能%(doing)s。")
            % {"status": AppointmentStatus(locked.status).label, "doing": doing},
        )
    return locked


def _require_staff_at(actor: StaffProfile, appointment: Appointment) -> None:
    if actor.user_id is None or not roles_at(actor.user, appointment.center):
        raise PermissionDenied()


@transaction.atomic
def appointment_serve(
    *,
    actor: StaffProfile,
    appointment: Appointment,
    served_from: datetime,
    served_until: datetime,
    case: Case | None = None,
) -> Appointment:
    """Record the service of a booked appointment; the minutes served after the window's closing time that
    day are recorded as late service (延时服务, R-CASE-13)."""
    _require_staff_at(actor, appointment)
    appointment = _lock_booked(appointment, doing=_("办理"))
    for name, value in (("served_from", served_from), ("served_until", served_until)):
        if not isinstance(value, datetime) or timezone.is_naive(value):
            raise RuleViolation("R-CASE-13", _("办理时间须包含时区。"), field=name)
    if served_until <= served_from:
        raise RuleViolation("R-CASE-13", _("办理结束时间须晚于开始时间。"), field="served_until")
    if case is not None and case.center_id != appointment.center_id:
        raise RuleViolation("R-CASE-13", _("办件须属于本中心。"), field="case")
    day = timezone.localdate(served_from)
    closing = closing_time(window=appointment.window, day=day)
    minutes = late_minutes(served_from=served_from, served_until=served_until, closing=closing)
    appointment.status = AppointmentStatus.SERVED
    appointment.served_from = served_from
    appointment.served_until = served_until
    appointment.late_service_minutes = minutes
    appointment.served_by = actor
    appointment.case = case
    appointment.save(
        update_fields=["status", "served_from", "served_until", "late_service_minutes", "served_by", "case"]
    )
    record(
        subject=appointment,
        action="serve",
        actor=actor.user,
        changes={
            "served_from": served_from,
            "served_until": served_until,
            "late_service_minutes": minutes,
            "case": case.number if case else "",
        },
        rule="R-CASE-13",
    )
    return appointment


@transaction.atomic
def appointment_no_show(
    *, actor: StaffProfile, appointment: Appointment, at: datetime | None = None
) -> Appointment:
    """The applicant did not come; recorded only once the booked time has passed."""
    moment = case_moment(at)
    _require_staff_at(actor, appointment)
    appointment = _lock_booked(appointment, doing=_("登记未到"))
    if moment < appointment.starts_at:
        raise RuleViolation("R-CASE-13", _("预约时间未到，不能登记未到。"))
    appointment.status = AppointmentStatus.NO_SHOW
    appointment.save(update_fields=["status"])
    record(subject=appointment, action="no_show", actor=actor.user, rule="R-CASE-13")
    return appointment


@transaction.atomic
def appointment_cancel(
    *, appointment: Appointment, actor: StaffProfile | None = None, reason: str = ""
) -> Appointment:
    """Cancel a booked appointment (by the applicant, or by staff of the centre)."""
    if actor is not None:
        _require_staff_at(actor, appointment)
    appointment = _lock_booked(appointment, doing=_("取消"))
    appointment.status = AppointmentStatus.CANCELLED
    appointment.save(update_fields=["status"])
    record(
        subject=appointment,
        action="cancel",
        actor=actor.user if actor else None,
        reason=_text(reason),
        rule="R-CASE-13",
    )
    return appointment


# --- the public booking (R-CASE-13), throttled per address ------------------------------------------


WINDOW_SECONDS = 60 * 60


def appointment_book_public(
    *,
    client: str,
    window: Window,
    item: Item | None,
    applicant_name: str,
    applicant_phone: str,
    starts_at: datetime,
) -> Appointment:
    """`appointment_book` for a member of the public at address `client`, refused (code "throttled") once the
    address has used the centre's hourly allowance of booking attempts."""
    allowed = int(policy_value(window.center, "public_bookings_per_address_hour"))
    key = throttle_key("hall:booking", f"{window.center_id}:{client}")
    # Counted before booking, so that bookings sent at once cannot all pass; a refused one is given back.
    if count_attempt(key, WINDOW_SECONDS) > allowed:
        give_back(key)
        log_refusal("public booking", client)
        raise RuleViolation("R-CASE-13", _("预约过于频繁，请1小时后再试。"), code="throttled")
    return appointment_book(
        window=window,
        item=item,
        applicant_name=applicant_name,
        applicant_phone=applicant_phone,
        starts_at=starts_at,
    )
