"""Complaints (R-CMP-1 … R-CMP-7, R-PUB-3): registration, the complainant's identity, the answer, the delay
explanation, the graded transfer and the closing with its finding.

Registration (R-CMP-2, R-CMP-3) records what the complaint is against (a window and/or a person), the ground of
R-CMP-1, the matter, when and where, the channel and whether the complainant is named; a named complainant's
identity is encrypted at once (`common.crypto`) and never stored in clear. The supervision section receives
every complaint; a web complaint about an approval matter goes to the coordination section. Every complaint
runs a working-day timer (`workdays.timers`, kind `complaint`): 2 working days when it involves two or more
departments (R-CMP-5), else the centre's "handled promptly" limit (policy `complaint_prompt_limit_days`). The
answer finishes the timer (有诉必复); one that cannot be answered in time is explained to the complainant and stays
tracked, its timer running (and turning red) until the answer.

Who may act: the supervision section and the director on every complaint of their centre, the coordination
section on the complaints it receives; the transfer to the discipline commission or the judiciary (R-CMP-6) is
the supervision section's and the director's. Nobody handles a complaint against themselves. The identity
(R-CMP-4) is read only by the supervision section and the director through a grant at that very centre (not a
parent centre's), never by the window or the person complained about; each read and each refused attempt is
written to the personal-data access log.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.milestones import mobile_number
from cases.models import NumberSequence
from common import crypto
from common.errors import NotFound, PermissionDenied, RuleViolation
from common.history import record
from common.i18n import stored, stored_text
from common.identifiers import looks_like_resident_id, resident_id_problem
from common.models import PersonalDataAccess
from common.net import address_in
from common.throttle import count_attempt, give_back, log_refusal, throttle_key
from notify.channels import configured_channels
from notify.services import enqueue
from org.access import CAN_HANDLE_COMPLAINTS, CAN_READ_COMPLAINANT, grants_of, may_act, roles_at
from org.models import Center, Role, StaffProfile, Window
from policy.selectors import policy_values
from workdays.hooks import Responsible
from workdays.models import Timer, TimerKind
from workdays.timer import yellow_threshold
from workdays.timers import timer_finish, timer_start

from ..models import (
    PERSON_GROUNDS,
    WEB_CHANNELS,
    WINDOW_GROUNDS,
    AnswerVia,
    Complaint,
    ComplaintChannel,
    ComplaintConsequence,
    ComplaintGround,
    ComplaintState,
    ConsequenceKind,
    DisposalGrade,
    ReceivingSection,
    ReferredFrom,
)

IDENTITY_FIELDS = ("name", "phone", "address", "id_number")
MATTER_MAX = 2000
TEXT_MAX = 2000
# The tracking code of a web complaint: 12 characters of an alphabet without look-alikes (about 59 bits), shown
# in groups of four. Only its SHA-256 is stored.
TRACKING_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
TRACKING_LENGTH = 12
_PHONE = re.compile(r"^[0-9+\-() ]{5,20}$")

ANSWERING_STATES = frozenset({ComplaintState.REGISTERED, ComplaintState.IN_HAND, ComplaintState.TRANSFERRED})
TRANSFER_TO = {
    DisposalGrade.DISCIPLINE: gettext_lazy("县纪委监察机关"),
    DisposalGrade.CRIME: gettext_lazy("司法机关"),
}


# --- the tracking code and the identity token ---------------------------------------------------------------


def new_tracking_code() -> str:
    raw = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, TRACKING_LENGTH, 4))


def normalise_tracking_code(code: str) -> str:
    """The code as typed, without spaces and dashes, upper case (O and 0, I and 1 are not in the alphabet)."""
    return re.sub(r"[\s\-]", "", code or "").upper()


def tracking_digest(code: str) -> str:
    return hashlib.sha256(f"govhall.complaint:{normalise_tracking_code(code)}".encode()).hexdigest()


def identity_context(complaint: Complaint) -> str:
    """What an identity token is bound to (associated data): the complaint's centre and number, so that a token
    copied into another complaint's row does not open there."""
    return f"supervision.complaint:{complaint.center_id}:{complaint.number}"


def clean_identity(identity: dict[str, Any] | None) -> dict[str, str]:
    """The named complainant's identity, checked: a name, and a phone or an address to answer to (an anonymous
    complaint passes None). Refused with R-CMP-2 naming the field."""
    values = {name: str((identity or {}).get(name) or "").strip() for name in IDENTITY_FIELDS}
    if not values["name"]:
        raise RuleViolation("R-CMP-2", _("实名投诉请填写投诉人姓名。"), field="name")
    if len(values["name"]) > 40:
        raise RuleViolation("R-CMP-2", _("姓名过长。"), field="name")
    if values["phone"] and not _PHONE.match(values["phone"]):
        raise RuleViolation("R-CMP-2", _("联系电话格式不正确。"), field="phone")
    if len(values["address"]) > 200:
        raise RuleViolation("R-CMP-2", _("联系地址过长。"), field="address")
    id_number = values["id_number"].upper()
    if id_number and looks_like_resident_id(id_number) and resident_id_problem(id_number):
        raise RuleViolation("R-CMP-2", _("身份证号码不正确。"), field="id_number")
    if len(id_number) > 30:
        raise RuleViolation("R-CMP-2", _("证件号码过长。"), field="id_number")
    values["id_number"] = id_number
    return values


# --- who may act --------------------------------------------------------------------------------------------


def _profile(actor: Any) -> StaffProfile | None:
    if not getattr(actor, "is_authenticated", False):
        return None
    return getattr(actor, "staff_profile", None)


def sees_all_complaints(actor: Any, center: Center) -> bool:
    """The supervision section and the director see every complaint of the centre (and of those below it)."""
    return bool(roles_at(actor, center) & {Role.SUPERVISION, Role.DIRECTOR})


def may_see(actor: Any, complaint: Complaint) -> bool:
    """Whether `actor` may see `complaint` (without its complainant): the supervision section and the director,
    the coordination section for those it receives (R-CMP-3). Never the person complained about."""
    if actor is None:
        return True
    profile = _profile(actor)
    if profile is not None and complaint.person_id == profile.pk:
        return False
    roles = roles_at(actor, complaint.center)
    if roles & {Role.SUPERVISION, Role.DIRECTOR}:
        return True
    return Role.COORDINATION in roles and complaint.receiving_section == ReceivingSection.COORDINATION


def _may_handle(actor: Any, complaint: Complaint, allowed: frozenset[str] = CAN_HANDLE_COMPLAINTS) -> None:
    may_act(actor, complaint.center, allowed)
    if actor is None:
        return
    profile = _profile(actor)
    if profile is not None and complaint.person_id == profile.pk:
        raise RuleViolation("R-CMP-4", _("不能处理针对本人的投诉。"), code="own_complaint")
    if not may_see(actor, complaint):
        raise PermissionDenied(_("该投诉由稽查督办科受理，行政审批协调科不能办理。"))


def may_read_identity(actor: Any, complaint: Complaint) -> bool:
    """R-CMP-4: a grant of the supervision section or the director at the complaint's own centre (a parent
    centre's grant does not reach it), held by someone who is neither the person complained about nor at the
    window complained about."""
    if not getattr(actor, "is_authenticated", False):
        return False
    grants = grants_of(actor)
    if not any(c == complaint.center_id and role in CAN_READ_COMPLAINANT for c, _w, role in grants):
        return False
    profile = _profile(actor)
    if profile is not None and complaint.person_id is not None and profile.pk == complaint.person_id:
        return False
    if complaint.window_id is not None:
        if profile is not None and profile.window_id == complaint.window_id:
            return False
        if any(w == complaint.window_id for _c, w, _role in grants):
            return False
    return True


def _lock(complaint: Complaint) -> Complaint:
    locked = (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("center", "timer", "window", "person")
        .filter(pk=complaint.pk)
        .first()
    )
    if locked is None:
        raise NotFound()
    return locked


# --- registration (R-CMP-1, R-CMP-2, R-CMP-3, R-CMP-5) --------------------------------------------------------


@dataclass(frozen=True)
class Registered:
    complaint: Complaint
    tracking_code: str  # shown once to a web complainant; "" for the other channels


def receiving_section_for(channel: str, about_approval: bool) -> str:
    """R-CMP-3: a web complaint about an approval matter goes to the coordination section; the supervision
    section receives all the others."""
    if channel in WEB_CHANNELS and about_approval:
        return ReceivingSection.COORDINATION
    return ReceivingSection.SUPERVISION


def limit_days_for(center: Center, involves_departments: bool, on: date) -> tuple[int, int]:
    """(limit, yellow threshold) in working days (R-CMP-5, R-CLK-6)."""
    values = policy_values(
        center,
        [
            "complaint_joint_limit_days",
            "complaint_prompt_limit_days",
            "yellow_min_days",
            "yellow_ratio_percent",
        ],
        on,
    )
    key = "complaint_joint_limit_days" if involves_departments else "complaint_prompt_limit_days"
    limit = max(1, int(values[key]))
    yellow = yellow_threshold(
        limit_days=limit,
        yellow_min_days=int(values["yellow_min_days"]),
        yellow_ratio_percent=int(values["yellow_ratio_percent"]),
    )
    return limit, yellow


def _next_number(center: Center, on: date) -> str:
    sequence, _created = NumberSequence.objects.select_for_update().get_or_create(
        center=center, kind="complaint", year=on.year
    )
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"TS{on.year}-{sequence.last:05d}"


def _check_target(center: Center, ground: str, window: Window | None, person: StaffProfile | None) -> None:
    if ground not in ComplaintGround.values:
        raise RuleViolation("R-CMP-1", _("请选择投诉事由。"), field="ground")
    if window is not None and window.center_id != center.pk:
        raise RuleViolation("R-CMP-2", _("被投诉窗口不属于本中心。"), field="window")
    if person is not None and person.center_id != center.pk:
        raise RuleViolation("R-CMP-2", _("被投诉人不属于本中心。"), field="person")
    if window is None and person is None:
        raise RuleViolation("R-CMP-2", _("请选择被投诉的窗口或工作人员。"), field="window")
    if ground in WINDOW_GROUNDS and window is None:
        raise RuleViolation("R-CMP-1", _("针对窗口单位的投诉事由须选择被投诉窗口。"), field="window")


@transaction.atomic
def complaint_register(
    *,
    actor: Any,
    center: Center,
    channel: str,
    ground: str,
    matter: str,
    window: Window | None = None,
    person: StaffProfile | None = None,
    happened_at: datetime | None = None,
    place: str = "",
    about_approval: bool = False,
    involves_departments: bool = False,
    referred_from: str = "",
    identity: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> Registered:
    """Register a complaint (R-CMP-2): `identity` None for an anonymous complainant, else their name, phone,
    address and ID number (encrypted at once, R-CMP-4). `actor` None is the public website (R-PUB-3), which may
    only use the web channels; staff of the supervision section, the coordination section or the director
    register the others. Starts the complaint's working-day timer (R-CMP-5)."""
    if actor is None:
        if channel not in WEB_CHANNELS:
            raise RuleViolation("R-PUB-3", _("网上投诉只能通过网上信箱或主任信箱提交。"), field="channel")
    else:
        may_act(actor, center, CAN_HANDLE_COMPLAINTS)
    if channel not in ComplaintChannel.values:
        raise RuleViolation("R-CMP-2", _("请选择投诉渠道。"), field="channel")
    if channel == ComplaintChannel.REFERRED:
        if referred_from not in ReferredFrom.values:
            raise RuleViolation("R-CMP-3", _("转办的投诉须注明转办来源。"), field="referred_from")
    else:
        referred_from = ""
    _check_target(center, ground, window, person)
    matter = (matter or "").strip()
    if not matter:
        raise RuleViolation("R-CMP-2", _("请填写投诉事项。"), field="matter")
    if len(matter) > MATTER_MAX:
        raise RuleViolation("R-CMP-2", _("投诉事项不超过2000字。"), field="matter")
    at = at or timezone.now()
    if happened_at is not None and happened_at > at:
        raise RuleViolation("R-CMP-2", _("发生时间不能晚于投诉时间。"), field="happened_at")
    place = (place or "").strip()[:200]
    cleaned = clean_identity(identity) if identity is not None else None

    received_on = timezone.localdate(at)
    limit, yellow = limit_days_for(center, involves_departments, received_on)
    code = new_tracking_code() if channel in WEB_CHANNELS else ""
    complaint = Complaint(
        center=center,
        number=_next_number(center, received_on),
        tracking_digest=tracking_digest(code) if code else "",
        channel=channel,
        referred_from=referred_from,
        window=window,
        person=person,
        ground=ground,
        matter=matter,
        happened_at=happened_at,
        place=place,
        about_approval=about_approval,
        involves_departments=involves_departments,
        named=cleaned is not None,
        receiving_section=receiving_section_for(channel, about_approval),
        received_at=at,
        received_on=received_on,
        registered_by=actor if getattr(actor, "is_authenticated", False) else None,
        limit_days=limit,
    )
    if cleaned is not None:
        complaint.identity_sealed = crypto.encrypt(cleaned, context=identity_context(complaint))
    complaint.save()
    complaint.timer = timer_start(
        center=center,
        kind=TimerKind.COMPLAINT,
        subject_id=complaint.pk,
        started_on=received_on,
        budget_days=limit,
        yellow_days=yellow,
    )
    complaint.save(update_fields=["timer"])
    record(
        subject=complaint,
        action="complaint_register",
        actor=actor,
        changes={
            "channel": channel,
            "referred_from": referred_from,
            "window": window,
            "person": person,
            "ground": ground,
            "named": complaint.named,  # never the identity itself
            "receiving_section": complaint.receiving_section,
            "limit_days": limit,
            "deadline": complaint.timer.deadline,
        },
        rule="R-CMP-2",
    )
    return Registered(complaint=complaint, tracking_code=code)


# --- the identity (R-CMP-4) ---------------------------------------------------------------------------------


def _log_access(*, actor: Any, complaint: Complaint, purpose: str) -> None:
    PersonalDataAccess.objects.create(
        center=complaint.center,
        user=actor if getattr(actor, "is_authenticated", False) else None,
        subject_type="supervision.complaint",
        subject_id=str(complaint.pk),
        purpose=purpose[:200],
    )


def complaint_identity_read(*, actor: Any, complaint: Complaint, purpose: str) -> dict[str, str]:
    """The named complainant's identity (name, phone, address, ID number), for the supervision section and the
    director of the complaint's own centre only (R-CMP-4). The read is written to the personal-data access log
    with its purpose; a refused attempt is written there too, as refused, and answered PermissionDenied.

    Not one transaction around the whole: the refused attempt's log row must stay when the refusal is raised."""
    purpose = (purpose or "").strip() or stored(gettext_lazy("处理投诉"))
    if not may_read_identity(actor, complaint):
        with transaction.atomic():
            _log_access(
                actor=actor,
                complaint=complaint,
                purpose=stored(gettext_lazy("【已拒绝】查看投诉人身份：%(purpose)s")) % {"purpose": purpose},
            )
        raise PermissionDenied(_("投诉人身份予以保密，只有本中心稽查督办科和主任可以查看。"))
    if not complaint.named:
        raise RuleViolation("R-CMP-4", _("匿名投诉，没有投诉人身份信息。"), code="anonymous")
    with transaction.atomic():
        _log_access(
            actor=actor,
            complaint=complaint,
            purpose=stored(gettext_lazy("查看投诉人身份：%(purpose)s")) % {"purpose": purpose},
        )
        values = crypto.decrypt(complaint.identity_sealed, context=identity_context(complaint))
    return {name: str(values.get(name, "")) for name in IDENTITY_FIELDS}


def _identity_for_delivery(complaint: Complaint) -> dict[str, str]:
    """The identity opened by the system itself to deliver the answer: nobody sees it, and the outbox holds only
    the phone number the message goes to."""
    if not complaint.named:
        return {}
    values = crypto.decrypt(complaint.identity_sealed, context=identity_context(complaint))
    return {name: str(values.get(name, "")) for name in IDENTITY_FIELDS}


# --- telling the complainant ----------------------------------------------------------------------------------


def _tell(complaint: Complaint, *, key: str, subject: str, body: str) -> bool:
    """SMS to a named complainant's mobile number through the outbox; False when there is none to send to."""
    phone = mobile_number(_identity_for_delivery(complaint).get("phone", ""))
    if not phone or "sms" not in configured_channels():
        return False
    enqueue(
        center=complaint.center_id,
        key=key,
        channel="sms",
        recipient=phone,
        subject=subject,
        body=f"【{complaint.center.name}】{body}",
    )
    return True


def _delivered_via(complaint: Complaint, sent: bool, via: str) -> str:
    """How the answer reached the complainant: the SMS sent, the tracking page of an anonymous web complaint,
    else the way the handler says they told them."""
    if sent:
        return AnswerVia.SMS
    if complaint.channel in WEB_CHANNELS and not complaint.named:
        return AnswerVia.TRACKING_PAGE
    if via not in {AnswerVia.PHONE, AnswerVia.LETTER, AnswerVia.IN_PERSON, AnswerVia.TRACKING_PAGE}:
        raise RuleViolation(
            "R-CMP-5", _("无法通过短信答复，请选择答复方式（电话、书面或当面）。"), field="via", code="via"
        )
    if via == AnswerVia.TRACKING_PAGE and complaint.channel not in WEB_CHANNELS:
        raise RuleViolation("R-CMP-5", _("只有网上投诉可以通过查询页面答复。"), field="via", code="via")
    return via


# --- the answer, the delay explanation (R-CMP-5) ------------------------------------------------------------------


def awaits_answer(complaint: Complaint) -> bool:
    """Not answered yet (R-CMP-5): registered, in hand, or transferred (a transferred complaint is still answered
    once)."""
    return complaint.state in ANSWERING_STATES and complaint.answered_at is None


@transaction.atomic
def complaint_answer(
    *, actor: Any, complaint: Complaint, answer: str, via: str = "", at: datetime | None = None
) -> Complaint:
    """Answer the complaint (有诉必复): a named complainant with a mobile number is sent it by SMS through the
    outbox, an anonymous web complainant reads it on the tracking page, any other is told as `via` says. The
    answer finishes the complaint's timer (R-CMP-5); a late answer records the timer's overdue day."""
    complaint = _lock(complaint)
    _may_handle(actor, complaint)
    if not awaits_answer(complaint):
        raise RuleViolation("R-CMP-5", _("该投诉已答复。"), code="state")
    answer = (answer or "").strip()
    if not answer:
        raise RuleViolation("R-CMP-5", _("请填写答复意见。"), field="answer")
    if len(answer) > TEXT_MAX:
        raise RuleViolation("R-CMP-5", _("答复意见不超过2000字。"), field="answer")
    now = at or timezone.now()  # `at`: a history played through the services (the demo's year)
    today = timezone.localdate(now)
    with stored_text():
        sent = _tell(
            complaint,
            key=f"complaint:{complaint.pk}:answer",
            subject=_("投诉答复：%(number)s") % {"number": complaint.number},
            body=_("您反映的投诉（编号%(number)s）已处理，答复如下：%(answer)s")
            % {"number": complaint.number, "answer": answer},
        )
    complaint.answered_via = _delivered_via(complaint, sent, via)
    complaint.answer = answer
    complaint.answered_at = now
    complaint.answered_by = actor if getattr(actor, "is_authenticated", False) else None
    if complaint.state != ComplaintState.TRANSFERRED:
        complaint.state = ComplaintState.ANSWERED
    complaint.save(update_fields=["answer", "answered_at", "answered_by", "answered_via", "state"])
    timer = complaint.timer
    late = False
    if timer is not None:
        late = timer.deadline is not None and today > timer.deadline
        timer_finish(timer=timer, on=today)
    record(
        subject=complaint,
        action="complaint_answer",
        actor=actor,
        changes={"via": complaint.answered_via, "late": late},
        rule="R-CMP-5",
    )
    return complaint


@transaction.atomic
def complaint_explain_delay(*, actor: Any, complaint: Complaint, explanation: str) -> Complaint:
    """R-CMP-5: a complaint that cannot be answered in time is explained to the complainant (by SMS to a named
    one, on the tracking page for a web one) and stays tracked: its timer keeps running until the answer."""
    complaint = _lock(complaint)
    _may_handle(actor, complaint)
    if not awaits_answer(complaint):
        raise RuleViolation("R-CMP-5", _("该投诉已答复，无需延期说明。"), code="state")
    explanation = (explanation or "").strip()
    if not explanation:
        raise RuleViolation("R-CMP-5", _("请填写向投诉人说明的情况。"), field="explanation")
    if len(explanation) > TEXT_MAX:
        raise RuleViolation("R-CMP-5", _("说明不超过2000字。"), field="explanation")
    now = timezone.now()
    timer: Timer | None = complaint.timer
    in_time = timer is None or timer.deadline is None or timezone.localdate(now) <= timer.deadline
    with stored_text():
        told = _tell(
            complaint,
            key=f"complaint:{complaint.pk}:delay:{now:%Y%m%d%H%M%S%f}",
            subject=_("投诉处理情况说明：%(number)s") % {"number": complaint.number},
            body=_("您反映的投诉（编号%(number)s）暂未处理完毕：%(text)s 我们将跟踪处理直至办结。")
            % {"number": complaint.number, "text": explanation},
        )
    complaint.delay_explanation = explanation
    complaint.delay_explained_at = now
    if complaint.state == ComplaintState.REGISTERED:
        complaint.state = ComplaintState.IN_HAND
    complaint.save(update_fields=["delay_explanation", "delay_explained_at", "state"])
    record(
        subject=complaint,
        action="complaint_explain_delay",
        actor=actor,
        changes={"in_time": in_time, "sms": told},
        reason=explanation,
        rule="R-CMP-5",
    )
    return complaint


# --- graded disposal (R-CMP-6) ------------------------------------------------------------------------------


@transaction.atomic
def complaint_transfer(
    *, actor: Any, complaint: Complaint, grade: str, to: str = "", at: datetime | None = None
) -> Complaint:
    """R-CMP-6: a complaint of discipline goes to the discipline commission, one of crime to the judiciary; the
    transfer is recorded (to whom, when, by whom). The supervision section or the director transfers. The
    complainant is still answered (有诉必复): the timer runs until the answer."""
    complaint = _lock(complaint)
    _may_handle(actor, complaint, frozenset({Role.SUPERVISION, Role.DIRECTOR}))
    if grade not in TRANSFER_TO:
        raise RuleViolation("R-CMP-6", _("请选择移送级别（违纪违规或触犯法律）。"), field="grade")
    if complaint.state == ComplaintState.CLOSED or complaint.transferred_at is not None:
        raise RuleViolation("R-CMP-6", _("该投诉已办结或已移送。"), code="state")
    to = (to or "").strip()[:100] or stored(TRANSFER_TO[DisposalGrade(grade)])
    at = at or timezone.now()
    complaint.disposal_grade = grade
    complaint.transferred_to = to
    complaint.transferred_at = at
    complaint.transferred_by = actor if getattr(actor, "is_authenticated", False) else None
    complaint.state = ComplaintState.TRANSFERRED
    complaint.save(
        update_fields=["disposal_grade", "transferred_to", "transferred_at", "transferred_by", "state"]
    )
    record(
        subject=complaint,
        action="complaint_transfer",
        actor=actor,
        changes={"grade": grade, "to": to, "at": at},
        rule="R-CMP-6",
    )
    return complaint


# --- closing and its consequences (R-CMP-7) ---------------------------------------------------------------------


@transaction.atomic
def complaint_close(
    *,
    actor: Any,
    complaint: Complaint,
    substantiated: bool,
    finding: str,
    person: StaffProfile | None = None,
    at: datetime | None = None,
) -> Complaint:
    """Close an answered complaint with its finding: substantiated or not (R-CMP-7). A complaint not transferred
    is a simple one, closed on site (R-CMP-6). `person` names the staff member found responsible when the
    registration did not. A substantiated complaint counts against the window's and the person's zero-complaint
    record (`complaints_substantiated`); one for not taking first-inquiry responsibility records a criticism on
    the person (award eligibility lost), and a second one after a criticism the return to the home unit."""
    complaint = _lock(complaint)
    _may_handle(actor, complaint)
    if complaint.state == ComplaintState.CLOSED:
        raise RuleViolation("R-CMP-7", _("该投诉已办结。"), code="state")
    if complaint.answered_at is None:
        raise RuleViolation("R-CMP-5", _("有诉必复：请先答复投诉人，再办结。"), code="not_answered")
    finding = (finding or "").strip()
    if not finding:
        raise RuleViolation("R-CMP-7", _("请填写调查结论。"), field="finding")
    if len(finding) > TEXT_MAX:
        raise RuleViolation("R-CMP-7", _("调查结论不超过2000字。"), field="finding")
    if person is not None and complaint.person_id is None:
        if person.center_id != complaint.center_id:
            raise RuleViolation("R-CMP-2", _("被投诉人不属于本中心。"), field="person")
        complaint.person = person
    if substantiated and complaint.ground in PERSON_GROUNDS and complaint.person_id is None:
        raise RuleViolation(
            "R-CMP-7", _("投诉属实且针对个人的，须指明被投诉的工作人员。"), field="person", code="no_person"
        )
    now = at or timezone.now()
    if not complaint.disposal_grade:
        complaint.disposal_grade = DisposalGrade.SIMPLE
    complaint.substantiated = substantiated
    complaint.finding = finding
    complaint.closed_at = now
    complaint.closed_on = timezone.localdate(now)
    complaint.closed_by = actor if getattr(actor, "is_authenticated", False) else None
    complaint.state = ComplaintState.CLOSED
    complaint.save(
        update_fields=[
            "person",
            "disposal_grade",
            "substantiated",
            "finding",
            "closed_at",
            "closed_on",
            "closed_by",
            "state",
        ]
    )
    consequence = None
    if substantiated and complaint.ground == ComplaintGround.P_FIRST_INQUIRY and complaint.person is not None:
        consequence = _consequence_record(actor=actor, complaint=complaint, on=complaint.closed_on)
    record(
        subject=complaint,
        action="complaint_close",
        actor=actor,
        changes={
            "substantiated": substantiated,
            "grade": complaint.disposal_grade,
            "person": complaint.person,
            "consequence": consequence.kind if consequence is not None else "",
        },
        reason=finding,
        rule="R-CMP-7",
    )
    return complaint


def _consequence_record(*, actor: Any, complaint: Complaint, on: date) -> ComplaintConsequence:
    """R-CMP-7 (seed 首问负责制 §4): criticised, award eligibility lost; after a criticism, returned to the
    home unit. Stored on the person, with a history entry about the person."""
    person = complaint.person
    assert person is not None
    criticised = ComplaintConsequence.objects.filter(person=person, kind=ConsequenceKind.CRITICISM).exists()
    kind = ConsequenceKind.RETURN_HOME if criticised else ConsequenceKind.CRITICISM
    consequence = ComplaintConsequence.objects.create(
        center=complaint.center,
        complaint=complaint,
        person=person,
        kind=kind,
        loses_award_eligibility=True,
        decided_on=on,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record(
        subject=person,
        action="complaint_consequence",
        actor=actor,
        changes={"kind": kind, "complaint": complaint.number, "loses_award_eligibility": True},
        rule="R-CMP-7",
        center=complaint.center,
    )
    return consequence


# --- the timer's owner (workdays.hooks) ----------------------------------------------------------------------


def complaint_overdue_record(timer: Timer) -> None:
    """The owner hook of complaint timers (registered in `SupervisionConfig.ready`): the day the complaint fell
    overdue is written into its history (R-CMP-5: it stays tracked until answered)."""
    complaint = Complaint.objects.filter(pk=timer.subject_id).select_related("center").first()
    if complaint is None:
        return
    record(
        subject=complaint,
        action="complaint_overdue",
        changes={"deadline": timer.deadline, "overdue_on": timer.red_since},
        rule="R-CMP-5",
    )


def complaint_warning_responsible(timer: Timer, *, on: date) -> Responsible:
    """The owner hook of complaint timers for the warning records (R-DATA-3): the complaint's number and the
    department of the window complained about. No person is named: the answer is owed by the receiving section,
    and naming the person complained about would put the complaint on their record before any finding."""
    complaint = Complaint.objects.filter(pk=timer.subject_id).select_related("window").first()
    if complaint is None:
        return Responsible()
    department = complaint.window.department_id if complaint.window is not None else None
    return Responsible(label=complaint.number, department_id=department)


def complaint_timer_recomputed(timer: Timer, *, old: dict[str, Any], reason: str) -> None:
    """A calendar change moved a complaint's deadline (R-CLK-3): its history says so."""
    complaint = Complaint.objects.filter(pk=timer.subject_id).select_related("center").first()
    if complaint is None:
        return
    record(
        subject=complaint,
        action="complaint_deadline_recomputed",
        changes={"deadline": [old.get("deadline"), timer.deadline]},
        reason=reason,
        rule="R-CLK-3",
    )


# --- the public website (R-PUB-3) ------------------------------------------------------------------------------

PUBLIC_PER_ADDRESS_HOUR = 5
PUBLIC_PER_SHARED_ADDRESS_HOUR = 30  # the hall's touch screens and guest network (settings.KIOSK_ADDRESSES)
PUBLIC_WINDOW_SECONDS = 60 * 60


def complaint_register_public(*, client: str, center: Center, **values: Any) -> Registered:
    """`complaint_register` for the public website (R-PUB-3), throttled per client address: past the hourly
    allowance, refused (code "throttled") until the hour ends; a refused registration gives its count back."""
    shared = address_in(client, settings.KIOSK_ADDRESSES)
    allowed = PUBLIC_PER_SHARED_ADDRESS_HOUR if shared else PUBLIC_PER_ADDRESS_HOUR
    key = throttle_key("supervision:complaint", f"{center.pk}:{client}")
    if count_attempt(key, PUBLIC_WINDOW_SECONDS) > allowed:
        give_back(key)
        log_refusal("public complaint", client)
        raise RuleViolation("R-PUB-3", _("提交过于频繁，请1小时后再试，或拨打投诉电话。"), code="throttled")
    try:
        return complaint_register(actor=None, center=center, **values)
    except RuleViolation:
        give_back(key)
        raise
