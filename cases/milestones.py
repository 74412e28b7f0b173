"""What applicants and staff are told, and when (issue 3, item 8).

The case services call one function here per milestone, inside their own transaction and after the case event
is written: accepted (R-CASE-6), correction needed (R-CASE-2), suspended for a special procedure (R-CLK-4),
extended (R-CLK-5) and decided (R-CASE-7). The applicant is told by SMS when the case has a mobile number and
by email when it has an address (each only when that channel is configured); the key of each message is
`case:<pk>:<milestone>:<event seq>`, so a milestone is told once per channel.

Staff are told when a case they are responsible for turns yellow (R-CLK-6): `due_soon_enqueue`, run daily by
`manage.py notify_due_soon`, with the key `case:<pk>:due_soon:<warn_from>`, so once per case and warning date.

Messages carry what the applicant needs to follow the case (number, dates, query code) and never the
applicant's name or ID number; staff messages name no applicant at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from notify.channels import configured_channels
from notify.models import OutboxMessage
from notify.services import enqueue

if TYPE_CHECKING:
    from org.models import StaffProfile

    from .models import Case, CaseEvent

MOBILE = re.compile(r"^1[3-9]\d{9}$")
KEYS_PER_QUERY = 500


def day_text(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def mobile_number(phone: str) -> str:
    """The 11-digit mainland mobile number in `phone` ("+86 138-0000-0001" included), or "" for anything
    else (a landline cannot take an SMS)."""
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits if MOBILE.match(digits) else ""


def applicant_targets(case: Case) -> list[tuple[str, str]]:
    """(channel, recipient) pairs for the applicant of `case`: SMS to a mobile number, email to an address."""
    channels = configured_channels()
    targets: list[tuple[str, str]] = []
    phone = mobile_number(case.applicant_phone)
    if phone and "sms" in channels:
        targets.append(("sms", phone))
    if case.applicant_email and "email" in channels:
        targets.append(("email", case.applicant_email.strip()))
    return targets


def staff_target(staff: StaffProfile) -> tuple[str, str] | None:
    """Email to the staff member's login address; the console (by staff id) when there is none."""
    channels = configured_channels()
    email = (staff.user.email if staff.user is not None else "").strip()
    if email and "email" in channels:
        return ("email", email)
    if "console" in channels:
        return ("console", f"staff:{staff.pk}")
    return None


def _tell_applicant(*, case: Case, event: CaseEvent, milestone: str, subject: str, body: str) -> None:
    key = f"case:{case.pk}:{milestone}:{event.seq}"
    for channel, recipient in applicant_targets(case):
        enqueue(
            center=case.center_id, key=key, channel=channel, recipient=recipient, subject=subject, body=body
        )


def _signed(case: Case, text: str) -> str:
    return f"【{case.center.name}】{text}"


def _item_name(case: Case) -> str:
    return case.version.name


# --- applicant milestones ---------------------------------------------------------------------------------


def milestone_accepted(*, case: Case, event: CaseEvent, promised_on: date | None) -> None:
    """The application is accepted (R-CASE-6): case number, promised date and the query code."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("申请已受理：%(number)s") % {"number": case.number}
        body = _signed(
            case,
            _(
                "您申请的“%(item)s”已受理，办件编号%(number)s，承诺办结日期%(promised)s，查询码%(code)s。"
                "可凭办件编号和查询码在政务服务网站或自助终端查询办理进度。"
            )
            % {
                "item": _item_name(case),
                "number": case.number,
                "promised": day_text(promised_on),
                "code": case.query_code,
            },
        )
    _tell_applicant(case=case, event=event, milestone="accepted", subject=subject, body=body)


def milestone_correction_needed(*, case: Case, event: CaseEvent, materials: Iterable[str]) -> None:
    """The correction notice (R-CASE-2): every material to bring, at once."""
    listed = "；".join(materials)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("申请材料需补正：%(item)s") % {"item": _item_name(case)}
        body = _signed(
            case,
            _("您申请的“%(item)s”需补正以下材料：%(materials)s。请一次性补齐后到%(window)s提交。")
            % {"item": _item_name(case), "materials": listed, "window": str(case.window)},
        )
    _tell_applicant(case=case, event=event, milestone="correction_needed", subject=subject, body=body)


def milestone_suspended(*, case: Case, event: CaseEvent, kind_label: str, expected_days: int) -> None:
    """A special procedure stopped the clock (R-CLK-4): which one and how long it is expected to take."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("办件进入特别程序：%(number)s") % {"number": case.number}
        body = _signed(
            case,
            _(
                "您的办件%(number)s（%(item)s）进入%(kind)s程序，预计需要%(days)s个工作日，"
                "期间暂停计时，书面告知书将依法送达。"
            )
            % {"number": case.number, "item": _item_name(case), "kind": kind_label, "days": expected_days},
        )
    _tell_applicant(case=case, event=event, milestone="suspended", subject=subject, body=body)


def milestone_extended(*, case: Case, event: CaseEvent, days: int, new_deadline: date | None) -> None:
    """The limit was extended (R-CLK-5): by how much and the new deadline."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("办件办理期限延长：%(number)s") % {"number": case.number}
        body = _signed(
            case,
            _("您的办件%(number)s（%(item)s）经批准延长%(days)s个工作日，办结期限延至%(deadline)s。")
            % {
                "number": case.number,
                "item": _item_name(case),
                "days": days,
                "deadline": day_text(new_deadline),
            },
        )
    _tell_applicant(case=case, event=event, milestone="extended", subject=subject, body=body)


def milestone_decided(*, case: Case, event: CaseEvent, approved: bool) -> None:
    """The decision (R-CASE-7): approved, or denied with the remedies in the written decision."""
    with translation.override(settings.LANGUAGE_CODE):
        values = {"number": case.number, "item": _item_name(case)}
        if approved:
            subject = _("准予许可：%(number)s") % values
            text = _("您的办件%(number)s（%(item)s）已准予许可，请按约定方式领取办理结果。") % values
        else:
            subject = _("不予许可：%(number)s") % values
            text = (
                _(
                    "您的办件%(number)s（%(item)s）不予许可，理由及救济途径（行政复议、行政诉讼）"
                    "详见不予许可决定书，决定书将依法送达。"
                )
                % values
            )
        body = _signed(case, text)
    _tell_applicant(case=case, event=event, milestone="decided", subject=subject, body=body)


# --- staff: due soon (R-CLK-6) ----------------------------------------------------------------------------


def due_soon_key(case: Case) -> str:
    assert case.warn_from is not None
    return f"case:{case.pk}:due_soon:{case.warn_from.isoformat()}"


def due_soon_enqueue(*, today: date) -> int:
    """Tell the responsible person of every running case in its warning period on `today` (yellow, R-CLK-6)
    that it is due soon, once per case and warning date. A case whose warning began on a day this did not
    run is told on the next run. Returns the number of cases told."""
    from .selectors.clock import yellow_cases

    candidates = [
        case
        for case in yellow_cases(None, today)
        .filter(responsible__isnull=False)
        .select_related("responsible__user")
        if case.warn_from is not None
    ]
    keys = sorted({due_soon_key(case) for case in candidates})
    told: set[str] = set()
    for start in range(0, len(keys), KEYS_PER_QUERY):
        chunk = keys[start : start + KEYS_PER_QUERY]
        told.update(OutboxMessage.objects.filter(key__in=chunk).values_list("key", flat=True))
    count = 0
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        for case in candidates:
            key = due_soon_key(case)
            assert case.responsible is not None
            target = staff_target(case.responsible)
            if key in told or target is None:
                continue
            channel, recipient = target
            values = {
                "number": case.number,
                "item": _item_name(case),
                "window": str(case.window),
                "deadline": day_text(case.deadline),
            }
            enqueue(
                center=case.center_id,
                key=key,
                channel=channel,
                recipient=recipient,
                subject=_("办件即将到期：%(number)s") % values,
                body=_("您负责的办件%(number)s（%(item)s，%(window)s）将于%(deadline)s到期，请抓紧办理。")
                % values,
            )
            count += 1
    return count
