"""Inquiries and intake: first-inquiry responsibility, receipt, material checks, the one-time correction
notice, refusal, acceptance and deemed acceptance (R-CASE-1, R-CASE-2, R-CASE-3, R-CASE-4, R-CASE-6).

Inquiries are not cases: their history is written with `common.history.record`. Every change to a case goes
through `events.case_change` under the case lock, so it is in the hash-chained case history (R-CASE-10).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.models import CaseType, Item, ItemVersion, Material
from catalog.services import item_accepts_applications
from common import files, identifiers, sql
from common.errors import PermissionDenied, RuleViolation
from common.history import record
from common.i18n import stored
from org.access import roles_at
from org.models import Role, StaffProfile, Window, WindowKind
from org.services import on_duty
from policy.selectors import policy_value
from workdays.selectors import calendar_for

from .. import milestones as notify
from ..acting import WINDOW, window_permit
from ..models import (
    ActingAs,
    Case,
    CaseEvent,
    CaseMaterial,
    CaseState,
    Channel,
    Inquiry,
    InquiryOutcome,
    InquiryStatus,
    MaterialStatus,
    Notice,
    NoticeKind,
    ReferralMode,
)
from . import clock, handling
from .events import case_change, case_created, case_moment, lock_case, lock_case_as, lock_case_with
from .numbering import next_number, next_numbers

# Online submissions (R-CASE-2): what a file may be, decided by its bytes, never its name (common.files).
MAX_UPLOAD_BYTES = files.MAX_UPLOAD_BYTES
UPLOAD_KINDS = files.DOCUMENTS

# How an uploaded file came in, as its checklist row says until the check: only a web application is online.
UPLOAD_NOTE_AT_WINDOW = gettext_lazy("窗口收件时上传，待审查")
UPLOAD_NOTES: dict[str, Any] = {Channel.WEB: gettext_lazy("网上提交，待审查")}

# Actions written to the case history by this module.
ACTION_RECEIVED = "received"
ACTION_CHECKED = "materials_checked"
ACTION_CORRECTION = "correction_issued"
ACTION_RESUBMITTED = "resubmitted"
ACTION_REFUSED = "refused"
ACTION_ACCEPTED = "accepted"
ACTION_DEEMED = "deemed_accepted"

DEEMED_ACCEPTANCE_BASIS = "《中华人民共和国行政许可法》第三十二条"

# R-CASE-1: answers that, on their own, are the excuses the rule forbids (不得以不熟悉和不清楚为借口).
EVASIVE_PHRASES = (
    "不归我们管",
    "不是我们管的",
    "不是我管的",
    "不关我们的事",
    "不关我的事",
    "不是我们的事",
    "不是我的事",
    "不归这里管",
    "不归我管",
    "不关我事",
    "不清楚",
    "不知道",
    "不了解",
    "不熟悉",
    "不晓得",
    "不确定",
    "没法答复",
    "无法答复",
    "不负责",
    "不懂",
    "不详",
    "未知",
    "unknown",
    "n/a",
)
_FILLER = set("我们这个啊呢吧的了也您你就都还暂时具体对此情况事项问题哦嗯")
_PUNCTUATION = re.compile(r"[\s，。！？、；：,.!?;:…~·\"'“”‘’（）()\-—]+")

INQUIRY_FIELDS = [
    "status",
    "outcome",
    "answer",
    "referred_to",
    "referral_mode",
    "referral_acknowledged_at",
    "referral_acknowledged_by",
    "escalated_to",
    "case",
    "closed_at",
]

APPLICANT_FIELDS = {
    "name": "applicant_name",
    "id_number": "applicant_id_number",
    "phone": "applicant_phone",
    "email": "applicant_email",
    "organisation_name": "organisation_name",
    "credit_code": "credit_code",
    "in_development_zone": "in_development_zone",
}
ID_NUMBER_PROBLEMS = {
    "shape": gettext_lazy("公民身份号码应为18位：前17位为数字，最后一位为数字或X。"),
    "birth_date": gettext_lazy("公民身份号码中的出生日期不存在，请核对。"),
    "check_char": gettext_lazy("公民身份号码的校验码不符，请核对是否输错。"),
}
CREDIT_CODE_PROBLEMS = {
    "shape": gettext_lazy("统一社会信用代码应为18位数字或大写字母（不含I、O、Z、S、V）。"),
    "check_char": gettext_lazy("统一社会信用代码的校验码不符，请核对是否输错。"),
}
APPLICANT_MAX = {"name": 100, "id_number": 40, "phone": 40, "organisation_name": 200, "credit_code": 18}


# --- small helpers ---------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    return str(value or "").strip()


def is_evasive(text: str) -> bool:
    """True when `text` says nothing but "unknown" or "not my business" (R-CASE-1)."""
    rest = _PUNCTUATION.sub("", text).lower()
    if not rest:
        return False
    for phrase in EVASIVE_PHRASES:
        rest = rest.replace(phrase, "")
    return all(ch in _FILLER for ch in rest)


def _refuse_evasive(text: str, *, field: str) -> None:
    if is_evasive(text):
        raise RuleViolation(
            "R-CASE-1",
            _("首问负责：不得以“不清楚”“不知道”“不归我管”等作为答复，请写明办理结果或理由。"),
            field=field,
        )


def _same_center(actor: StaffProfile, center_id: int) -> None:
    if actor.center_id != center_id or not actor.is_active:
        raise PermissionDenied()


def _works_at(staff: StaffProfile, window: Window) -> bool:
    """Whether `staff` serves at `window`: its staff, its head, chief representative or deputy in charge,
    or a holder (A or B) of one of its posts."""
    if staff.center_id != window.center_id or not staff.is_active:
        return False
    if staff.pk in {window.head_id, window.chief_representative_id, window.deputy_in_charge_id}:
        return True
    if staff.window_id == window.pk:
        return True
    return window.posts.filter(is_active=True).filter(holder_a=staff).exists() or (
        window.posts.filter(is_active=True, backup_links__staff=staff).exists()
    )


def _serves(window: Window, item: Item) -> bool:
    if window.department_id == item.department_id:
        return True
    return (
        window.kind == WindowKind.COMPREHENSIVE
        and window.served_departments.filter(pk=item.department_id).exists()
    )


def _windows_serving(item: Item) -> list[Window]:
    standing = Window.objects.filter(
        center_id=item.center_id, is_active=True, department_id=item.department_id
    )
    comprehensive = Window.objects.filter(
        center_id=item.center_id,
        is_active=True,
        kind=WindowKind.COMPREHENSIVE,
        served_departments=item.department_id,
    )
    return list((standing | comprehensive).distinct().order_by("number"))


def _user(actor: StaffProfile | None) -> Any:
    return actor.user if actor is not None else None


# --- inquiries (R-CASE-1) ------------------------------------------------------------------------------------


def _lock_inquiry(inquiry: Inquiry) -> Inquiry:
    return Inquiry.objects.select_for_update(of=("self",)).select_related("window").get(pk=inquiry.pk)


def _may_close(actor: StaffProfile, inquiry: Inquiry, at: datetime) -> bool:
    """The first receiver owns the inquiry; the window's head or chief representative may close it for them,
    and so may a B of the first receiver's post while the first receiver is not on duty (R-ORG-7)."""
    if actor.pk == inquiry.first_receiver_id:
        return True
    window = inquiry.window
    if actor.pk in {window.head_id, window.chief_representative_id}:
        return True
    first = inquiry.first_receiver
    covers = first.posts_as_a.filter(is_active=True, backup_links__staff=actor).exists()
    return covers and not on_duty(first, at)


def _require_owner(actor: StaffProfile, inquiry: Inquiry, at: datetime) -> None:
    _same_center(actor, inquiry.center_id)
    if not _may_close(actor, inquiry, at):
        raise RuleViolation(
            "R-CASE-1",
            _("首问负责：该咨询由首问责任人%(name)s负责办结（或由窗口负责人、首席代表、顶岗的B角办理）。")
            % {"name": inquiry.first_receiver.name},
        )


def _require_open(inquiry: Inquiry) -> None:
    if inquiry.status != InquiryStatus.OPEN:
        raise RuleViolation(
            "R-CASE-1",
            _("该咨询当前状态为“%(status)s”，不能再办结。") % {"status": inquiry.get_status_display()},
        )


def _inquiry_record(
    inquiry: Inquiry, before: dict[str, Any], *, action: str, actor: Any, reason: str
) -> None:
    after = {f: getattr(inquiry, f) for f in INQUIRY_FIELDS}
    changes = {k: [before[k], v] for k, v in after.items() if before[k] != v}
    record(
        subject=inquiry, action=action, actor=_user(actor), changes=changes, reason=reason, rule="R-CASE-1"
    )


def _before(inquiry: Inquiry) -> dict[str, Any]:
    return {f: getattr(inquiry, f) for f in INQUIRY_FIELDS}


def inquiry_log(
    *,
    actor: StaffProfile,
    window: Window,
    channel: str,
    question: str,
    asker_name: str = "",
    asker_phone: str = "",
    item: Item | None = None,
    at: datetime | None = None,
) -> Inquiry:
    """Log an inquiry with `actor` as its first receiver (首问责任人, R-CASE-1)."""
    at = case_moment(at)
    _same_center(actor, window.center_id)
    question = _text(question)
    if channel not in Channel.values:
        raise RuleViolation("R-CASE-1", _("咨询渠道无效。"), field="channel")
    if not question:
        raise RuleViolation("R-CASE-1", _("请填写咨询内容。"), field="question")
    if item is not None and item.center_id != window.center_id:
        raise RuleViolation("R-CASE-1", _("所选事项不属于本中心。"), field="item")
    asker_name, asker_phone = _text(asker_name), _text(asker_phone)
    if len(asker_name) > 60:
        raise RuleViolation("R-CASE-1", _("咨询人姓名过长。"), field="asker_name")
    if len(asker_phone) > 40:
        raise RuleViolation("R-CASE-1", _("联系电话过长。"), field="asker_phone")
    with transaction.atomic():
        inquiry = Inquiry.objects.create(
            center_id=window.center_id,
            channel=channel,
            window=window,
            first_receiver=actor,
            asked_at=at,
            asker_name=asker_name,
            asker_phone=asker_phone,
            question=question,
            item=item,
        )
        record(
            subject=inquiry,
            action="inquiry_logged",
            actor=_user(actor),
            changes={"first_receiver": actor.name, "window": str(window), "channel": channel},
            rule="R-CASE-1",
        )
    return inquiry


def inquiry_handle(
    *,
    actor: StaffProfile,
    inquiry: Inquiry,
    outcome: str,
    answer: str,
    case: Case | None = None,
    at: datetime | None = None,
) -> Inquiry:
    """Close an inquiry as handled: accepted (with its case), one-time notification given, not allowed with
    the reasons explained, or answered. There is no outcome "unknown" (R-CASE-1)."""
    at = case_moment(at)
    answer = _text(answer)
    if outcome not in InquiryOutcome.values:
        raise RuleViolation(
            "R-CASE-1", _("请选择办理结果（不得以不清楚、不归我管结束咨询）。"), field="outcome"
        )
    if outcome == InquiryOutcome.EXPLAINED and not answer:
        raise RuleViolation("R-CASE-1", _("不予办理的，须写明理由。"), field="answer")
    if outcome == InquiryOutcome.ANSWERED and not answer:
        raise RuleViolation("R-CASE-1", _("请填写答复内容。"), field="answer")
    _refuse_evasive(answer, field="answer")
    if outcome == InquiryOutcome.ACCEPTED and case is None:
        raise RuleViolation("R-CASE-1", _("材料齐全已受理的，须关联形成的办件。"), field="case")
    with transaction.atomic():
        inquiry = _lock_inquiry(inquiry)
        _require_owner(actor, inquiry, at)
        _require_open(inquiry)
        if case is not None and case.center_id != inquiry.center_id:
            raise RuleViolation("R-CASE-1", _("关联的办件不属于本中心。"), field="case")
        before = _before(inquiry)
        inquiry.status = InquiryStatus.HANDLED
        inquiry.outcome = outcome
        inquiry.answer = answer
        inquiry.case = case
        inquiry.closed_at = at
        inquiry.save(update_fields=["status", "outcome", "answer", "case", "closed_at"])
        _inquiry_record(inquiry, before, action="inquiry_handled", actor=actor, reason=answer)
    return inquiry


def inquiry_refer(
    *,
    actor: StaffProfile,
    inquiry: Inquiry,
    to_window: Window,
    mode: str,
    note: str = "",
    at: datetime | None = None,
) -> Inquiry:
    """Refer an inquiry to the competent window, escorting the person there or giving its phone. The inquiry
    stays open until that window acknowledges it (R-CASE-1)."""
    at = case_moment(at)
    note = _text(note)
    if mode not in ReferralMode.values:
        raise RuleViolation("R-CASE-1", _("请选择转办方式（引导前往或告知联系电话）。"), field="mode")
    if note:
        _refuse_evasive(note, field="note")
    with transaction.atomic():
        inquiry = _lock_inquiry(inquiry)
        _require_owner(actor, inquiry, at)
        _require_open(inquiry)
        if to_window.center_id != inquiry.center_id or not to_window.is_active:
            raise RuleViolation("R-CASE-1", _("转至的窗口不属于本中心或已停用。"), field="to_window")
        if to_window.pk == inquiry.window_id:
            raise RuleViolation("R-CASE-1", _("不能转办给本窗口，请直接办理。"), field="to_window")
        before = _before(inquiry)
        inquiry.status = InquiryStatus.REFERRED
        inquiry.referred_to = to_window
        inquiry.referral_mode = mode
        if note:
            inquiry.answer = note
        inquiry.save(update_fields=["status", "referred_to", "referral_mode", "answer"])
        _inquiry_record(inquiry, before, action="inquiry_referred", actor=actor, reason=note)
    return inquiry


def inquiry_acknowledge(*, actor: StaffProfile, inquiry: Inquiry, at: datetime | None = None) -> Inquiry:
    """The window an inquiry was referred to takes it over; the first receiver's responsibility ends."""
    at = case_moment(at)
    with transaction.atomic():
        inquiry = _lock_inquiry(inquiry)
        _same_center(actor, inquiry.center_id)
        if inquiry.status != InquiryStatus.REFERRED or inquiry.referral_acknowledged_at is not None:
            raise RuleViolation("R-CASE-1", _("该咨询没有待接收的转办。"))
        assert inquiry.referred_to is not None
        if not _works_at(actor, inquiry.referred_to):
            raise RuleViolation(
                "R-CASE-1",
                _("只有%(window)s的工作人员可以确认接收该转办。") % {"window": inquiry.referred_to},
            )
        before = _before(inquiry)
        inquiry.referral_acknowledged_at = at
        inquiry.referral_acknowledged_by = actor
        inquiry.closed_at = at
        inquiry.save(update_fields=["referral_acknowledged_at", "referral_acknowledged_by", "closed_at"])
        _inquiry_record(inquiry, before, action="inquiry_referral_acknowledged", actor=actor, reason="")
    return inquiry


def inquiry_escalate(
    *, actor: StaffProfile, inquiry: Inquiry, leader: StaffProfile, reason: str, at: datetime | None = None
) -> Inquiry:
    """Report an inquiry whose responsibility is unclear to a centre leader (director or deputy)."""
    at = case_moment(at)
    reason = _text(reason)
    if not reason:
        raise RuleViolation("R-CASE-1", _("请写明上报领导的原因。"), field="reason")
    _refuse_evasive(reason, field="reason")
    with transaction.atomic():
        inquiry = _lock_inquiry(inquiry)
        _require_owner(actor, inquiry, at)
        _require_open(inquiry)
        leader_roles = (
            roles_at(leader.user, inquiry.center)
            if leader.user_id and leader.center_id == inquiry.center_id and leader.is_active
            else set()
        )
        if not leader_roles & {Role.DIRECTOR, Role.DEPUTY}:
            raise RuleViolation("R-CASE-1", _("只能上报中心主任或分管副主任。"), field="leader")
        before = _before(inquiry)
        inquiry.status = InquiryStatus.ESCALATED
        inquiry.escalated_to = leader
        inquiry.answer = reason
        inquiry.closed_at = at
        inquiry.save(update_fields=["status", "escalated_to", "answer", "closed_at"])
        _inquiry_record(inquiry, before, action="inquiry_escalated", actor=actor, reason=reason)
    return inquiry


# --- receipt (R-CASE-2, R-CAT-6) ----------------------------------------------------------------------------


def _check_upload(upload: Any, material: Material) -> files.FileKind:
    name = _text(getattr(upload, "name", ""))
    label = {"name": material.name, "file": name}
    if not isinstance(upload, UploadedFile) or not name:
        raise RuleViolation("R-CASE-2", _("材料“%(name)s”的上传文件无效。") % label, field="uploads")
    return files.check_upload(
        upload,
        kinds=UPLOAD_KINDS,
        rule="R-CASE-2",
        field="uploads",
        what=_("材料“%(name)s”的文件“%(file)s”") % label,
        max_bytes=MAX_UPLOAD_BYTES,
    )


def _validated_uploads(
    uploads: Mapping[int, Any] | None, version: ItemVersion
) -> list[tuple[Material, UploadedFile, str]]:
    """The uploads with their materials and the names the uploader gave them, in checklist order; the files
    renamed for storage (common.files)."""
    if not uploads:
        return []
    materials = {m.pk: m for m in version.materials.all()}
    if len(uploads) > len(materials):
        raise RuleViolation(
            "R-CASE-2",
            _("上传文件数（%(n)s）超过材料清单的份数（%(max)s）。")
            % {"n": len(uploads), "max": len(materials)},
            field="uploads",
        )
    checked: list[tuple[Material, UploadedFile, files.FileKind]] = []
    for material_id, upload in uploads.items():
        material = materials.get(_material_id(material_id) or 0)
        if material is None:
            raise RuleViolation("R-CASE-2", _("上传的文件不对应本事项的申请材料。"), field="uploads")
        if any(seen.pk == material.pk for seen, _f, _k in checked):
            raise RuleViolation(
                "R-CASE-2", _("材料“%(name)s”上传了多个文件。") % {"name": material.name}, field="uploads"
            )
        checked.append((material, upload, _check_upload(upload, material)))
    checked.sort(key=lambda row: (row[0].order, row[0].pk))
    named: list[tuple[Material, UploadedFile, str]] = []
    for material, upload, kind in checked:
        upload_name = files.original_name(upload, kind)
        named.append((material, files.prepare(upload, kind), upload_name))
    return named


def _material_id(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _check_identifiers(values: dict[str, Any]) -> None:
    """A resident identity number (GB 11643) and a credit code (GB 32100) must pass their check characters;
    a document number with letters (a passport, a permit) is another document and is kept as written."""
    id_number = values["applicant_id_number"].upper()
    if id_number and identifiers.looks_like_resident_id(id_number):
        problem = identifiers.resident_id_problem(id_number)
        if problem is not None:
            raise RuleViolation("R-CASE-2", str(ID_NUMBER_PROBLEMS[problem]), field="id_number")
        values["applicant_id_number"] = id_number
    credit_code = values["credit_code"].upper()
    if credit_code:
        problem = identifiers.credit_code_problem(credit_code)
        if problem is not None:
            raise RuleViolation("R-CASE-2", str(CREDIT_CODE_PROBLEMS[problem]), field="credit_code")
        values["credit_code"] = credit_code


def _validated_applicant(applicant: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(applicant) - set(APPLICANT_FIELDS)
    if unknown:
        raise RuleViolation(
            "R-CASE-2",
            _("申请人信息含未知字段：%(f)s") % {"f": "、".join(sorted(unknown))},
            field="applicant",
        )
    values: dict[str, Any] = {}
    for key, field in APPLICANT_FIELDS.items():
        if key == "in_development_zone":
            values[field] = bool(applicant.get(key, False))
            continue
        value = _text(applicant.get(key))
        if key in APPLICANT_MAX and len(value) > APPLICANT_MAX[key]:
            raise RuleViolation("R-CASE-2", _("申请人信息“%(f)s”过长。") % {"f": key}, field=key)
        values[field] = value
    if not values["applicant_name"]:
        raise RuleViolation("R-CASE-2", _("请填写申请人姓名或名称。"), field="name")
    _check_identifiers(values)
    if values["applicant_email"]:
        try:
            validate_email(values["applicant_email"])
        except ValidationError:
            raise RuleViolation("R-CASE-2", _("电子邮箱格式不正确。"), field="email") from None
    return values


def case_receive(
    *,
    actor: StaffProfile,
    window: Window,
    item: Item,
    applicant: Mapping[str, Any],
    channel: str = Channel.WINDOW,
    at: datetime | None = None,
    uploads: Mapping[int, UploadedFile] | None = None,
) -> Case:
    """Receive an application at `window` for the current published version of `item` (R-CASE-2).

    Refused (nothing stored) for a withdrawn or unpublished item (R-CAT-6), an item the window does not serve
    (R-CASE-1: refer the applicant to the competent window) or any bad uploaded file (R-CASE-2)."""
    at = case_moment(at)
    acting_as = window_permit(actor=actor, window=window, at=at).acting_as
    if item.center_id != window.center_id:
        raise RuleViolation("R-CAT-6", _("该事项不属于本中心。"), field="item")
    if not item_accepts_applications(item):
        raise RuleViolation(
            "R-CAT-6", _("事项“%(item)s”已取消或未发布，不再接受申请。") % {"item": item.code}, field="item"
        )
    if not _serves(window, item):
        competent = "、".join(str(w) for w in _windows_serving(item)) or item.department.name
        raise RuleViolation(
            "R-CASE-1",
            _("该事项不由本窗口受理，请按首问负责转办至：%(competent)s。") % {"competent": competent},
            field="item",
        )
    if channel not in Channel.values:
        raise RuleViolation("R-CASE-2", _("申请方式无效。"), field="channel")
    values = _validated_applicant(applicant)
    version = item.current_version
    assert version is not None
    uploaded = _validated_uploads(uploads, version)
    with transaction.atomic():
        case = Case(
            center_id=window.center_id,
            item=item,
            version=version,
            window=window,
            state=CaseState.RECEIVED,
            case_type=version.case_type,
            channel=channel,
            received_at=at,
            received_by=actor,
            submitted_on=timezone.localdate(at),
            limit_days=version.promised_limit_days,
            **values,
        )
        case_created(
            case=case,
            action=ACTION_RECEIVED,
            actor=actor,
            acting_as=acting_as,
            reason=stored(gettext_lazy("收到申请材料")),
            data={
                "item": item.code,
                "version": version.number,
                "channel": channel,
                "uploads": [m.pk for m, _f, _n in uploaded],
            },
            at=at,
        )
        for material, upload, upload_name in uploaded:
            # The file is in; whether it is right is decided by the material check.
            CaseMaterial.objects.create(
                case=case,
                material=material,
                status=MaterialStatus.PRESENT,
                note=stored(UPLOAD_NOTES.get(channel, UPLOAD_NOTE_AT_WINDOW)),
                checked_at=at,
                checked_by=actor,
                upload=upload,
                upload_name=upload_name,
            )
    return case


# --- material check and correction (R-CASE-2) --------------------------------------------------------------


def _require_state(case: Case, allowed: Iterable[str], what: str) -> None:
    if case.state not in set(allowed):
        raise RuleViolation(
            "R-CASE-2",
            _("办件当前状态为“%(state)s”，不能%(what)s。")
            % {"state": case.get_state_display(), "what": what},
        )


def case_check_materials(
    *,
    actor: StaffProfile,
    case: Case,
    results: Mapping[int, tuple[str, str]],
    at: datetime | None = None,
    expected_revision: int | None = None,
) -> Case:
    """Record the check of every checklist material of the case's version (R-CASE-2).

    Every required material needs a result and cannot be "not applicable"; a conditional material left out
    is recorded as not applicable; a defective material needs a note saying what is wrong."""
    at = case_moment(at)
    with transaction.atomic(), sql.deferred():
        locked = lock_case_with(case, expected_revision=expected_revision, actor=actor, at=at, materials=True)
        case = locked.case
        acting_as = WINDOW.permit(actor=actor, case=case, at=at, facts=locked.facts).acting_as
        _require_state(case, [CaseState.RECEIVED], _("审查材料"))
        checklist = list(case.version.materials.all())
        by_id = {m.pk: m for m in checklist}
        given: dict[int, tuple[str, str]] = {}
        for key, value in results.items():
            material_id = _material_id(key)
            if material_id not in by_id:
                raise RuleViolation("R-CASE-2", _("审查结果含有不属于本事项清单的材料。"), field="results")
            assert material_id is not None
            try:
                status, note = value
            except (TypeError, ValueError):
                raise RuleViolation("R-CASE-2", _("审查结果格式无效。"), field="results") from None
            given[material_id] = (str(status), _text(note))
        assert locked.materials is not None
        existing = {row.material_id: row for row in locked.materials}
        rows: dict[int, tuple[str, str]] = {}
        for material in checklist:
            status, note = given.get(material.pk, ("", ""))
            label = {"name": material.name}
            earlier = existing.get(material.pk)
            if earlier is not None and status and status != earlier.status and note == earlier.note:
                # The note said what was wrong with (or how the file came in for) the earlier result: a new
                # result does not inherit it (a defective one needs its own, below).
                note = ""
            if not status:
                if material.is_required:
                    raise RuleViolation(
                        "R-CASE-2", _("必要材料“%(name)s”尚未审查。") % label, field=f"material_{material.pk}"
                    )
                status = MaterialStatus.NOT_APPLICABLE
            if status not in MaterialStatus.values:
                raise RuleViolation(
                    "R-CASE-2", _("材料“%(name)s”的审查结果无效。") % label, field=f"material_{material.pk}"
                )
            if status == MaterialStatus.NOT_APPLICABLE and material.is_required:
                raise RuleViolation(
                    "R-CASE-2",
                    _("必要材料“%(name)s”不能标为不适用。") % label,
                    field=f"material_{material.pk}",
                )
            if status == MaterialStatus.DEFECTIVE and not note:
                raise RuleViolation(
                    "R-CASE-2",
                    _("材料“%(name)s”不符合要求的，须写明问题。") % label,
                    field=f"material_{material.pk}",
                )
            if len(note) > 300:
                raise RuleViolation(
                    "R-CASE-2", _("材料“%(name)s”的说明过长。") % label, field=f"material_{material.pk}"
                )
            rows[material.pk] = (status, note)
        first_check = case.materials_checks == 0
        new_rows: list[CaseMaterial] = []
        changed_rows: list[CaseMaterial] = []
        for material in checklist:
            status, note = rows[material.pk]
            row = existing.get(material.pk)
            if row is None:
                new_rows.append(
                    CaseMaterial(
                        case=case,
                        material=material,
                        status=status,
                        note=note,
                        checked_at=at,
                        checked_by=actor,
                        was_present_at_first_check=first_check and status == MaterialStatus.PRESENT,
                    )
                )
            else:
                row.status, row.note, row.checked_at, row.checked_by = status, note, at, actor
                if first_check:
                    row.was_present_at_first_check = status == MaterialStatus.PRESENT
                changed_rows.append(row)
        if new_rows:
            sql.insert_many(new_rows)  # one INSERT for the materials checked the first time
        if changed_rows:  # and one UPDATE for those checked before (or uploaded)
            update = ["status", "note", "checked_at", "checked_by"]
            if first_check:
                update.append("was_present_at_first_check")
            CaseMaterial.objects.bulk_update(changed_rows, update)
        case_change(
            case=case,
            action=ACTION_CHECKED,
            actor=actor,
            acting_as=acting_as,
            reason=stored(gettext_lazy("材料审查")),
            data={"results": {str(pk): status for pk, (status, _n) in rows.items()}},
            fields={"materials_checks": case.materials_checks + 1, "materials_checked": True},
            at=at,
        )
    return case


def _checked_since_receipt(case: Case) -> bool:
    """Whether the materials were checked after the (re)submission the case is in now."""
    return case.materials_checked


def _present_before_last_correction(case: Case) -> set[int]:
    """The materials found present at any check made before the latest correction notice (R-CASE-2)."""
    last_notice = (
        CaseEvent.objects.filter(case=case, action=ACTION_CORRECTION)
        .order_by("-seq")
        .values_list("seq", flat=True)
        .first()
    )
    if last_notice is None:
        return set()
    present: set[int] = set()
    for data in CaseEvent.objects.filter(case=case, action=ACTION_CHECKED, seq__lt=last_notice).values_list(
        "data", flat=True
    ):
        for key, status in (data or {}).get("results", {}).items():
            if status == MaterialStatus.PRESENT:
                present.add(int(key))
    return present


def _problem_rows(case: Case) -> list[CaseMaterial]:
    return list(
        CaseMaterial.objects.filter(
            case=case, status__in=[MaterialStatus.MISSING, MaterialStatus.DEFECTIVE]
        ).select_related("material")
    )


# What an acceptance notice lists as received (R-CASE-6): checked present, or (a deemed acceptance, R-CASE-3)
# handed in though defective.
RECEIVED_STATUSES = (MaterialStatus.PRESENT, MaterialStatus.DEFECTIVE)


def received_materials(rows: Iterable[CaseMaterial]) -> list[dict[str, Any]]:
    """The materials received, in checklist order, as the acceptance notice's body stores them: name, the
    originals and copies the checklist asks for, and whether a file was uploaded (rows with their material)."""
    return [
        {
            "material_id": row.material_id,
            "name": row.material.name,
            "originals": row.material.original_count,
            "copies": row.material.copy_count,
            "uploaded": bool(row.upload),
        }
        for row in sorted(rows, key=lambda r: (r.material.order, r.material_id))
        if row.status in RECEIVED_STATUSES
    ]


def _received_at_acceptance(case: Case, read: list[CaseMaterial] | None = None) -> list[dict[str, Any]]:
    """The case's materials received, read in one statement unless the caller has `read` them under the lock
    (the version's materials are cached with it)."""
    materials = {m.pk: m for m in case.version.materials.all()}
    if read is None:
        read = sql.select_where(CaseMaterial, case_id=case.pk)
    rows = [row for row in read if row.material_id in materials]
    for row in rows:
        row.material = materials[row.material_id]
    return received_materials(rows)


def _notice_base(case: Case, at: datetime) -> dict[str, Any]:
    return {
        "center": case.center.name,
        "window": str(case.window),
        "item_code": case.item.code,
        "item_name": case.version.name,
        "version": case.version.number,
        "applicant": case.applicant_name,
        "organisation": case.organisation_name,
        "received_on": timezone.localdate(case.received_at).isoformat(),
        "issued_on": timezone.localdate(at).isoformat(),
        "consultation_phone": case.version.consultation_phone or case.window.phone,
        "supervision_phone": case.version.supervision_phone or case.center.complaint_phone,
    }


def _notice(
    *, case: Case, kind: str, actor: StaffProfile, at: datetime, body: dict[str, Any], number: str = ""
) -> Notice:
    number = number or next_number(center=case.center, kind=kind, on=timezone.localdate(at))
    notice = Notice(
        center_id=case.center_id,
        case=case,
        kind=kind,
        number=number,
        issued_at=at,
        issued_by=actor,
        body={"title": stored(NoticeKind(kind).label), **body},
    )
    sql.insert(notice)
    return notice


def case_issue_correction(
    *, actor: StaffProfile, case: Case, at: datetime | None = None, expected_revision: int | None = None
) -> Notice:
    """Issue the correction notice (补正告知书) naming every material now missing or defective, at once.

    A later notice may only name materials that were not present at the checks before the earlier notice;
    naming one that was is the failure to notify at once (未能一次性告知) and is refused (R-CASE-2)."""
    at = case_moment(at)
    with transaction.atomic():
        case, permit = lock_case_as(WINDOW, case, actor=actor, at=at, expected_revision=expected_revision)
        acting_as = permit.acting_as
        _require_state(case, [CaseState.RECEIVED], _("出具补正告知书"))
        _refuse_once_deemed(case, at, doing=_("出具补正告知书，请予受理"))
        if not _checked_since_receipt(case):
            raise RuleViolation("R-CASE-2", _("请先审查本次提交的全部材料，再出具补正告知书。"))
        problems = _problem_rows(case)
        if not problems:
            raise RuleViolation("R-CASE-2", _("材料齐全，无需补正，请予受理。"))
        earlier = _present_before_last_correction(case)
        late = [row for row in problems if row.material_id in earlier]
        if late:
            raise RuleViolation(
                "R-CASE-2",
                _(
                    "未能一次性告知：%(names)s在此前审查时已提交，应在第一次补正告知书中一并告知，不得再次要求补正。"
                )
                % {"names": "、".join(f"“{row.material.name}”" for row in late)},
            )
        sequence = case.notices.filter(kind=NoticeKind.CORRECTION).count() + 1
        labels = dict(MaterialStatus.choices)
        materials = [
            {
                "material_id": row.material_id,
                "name": row.material.name,
                "status": row.status,
                "status_label": stored(labels[row.status]),
                "note": row.note,
            }
            for row in sorted(problems, key=lambda r: (r.material.order, r.material_id))
        ]
        body = {
            **_notice_base(case, at),
            "sequence": sequence,
            "materials": materials,
            "text": stored(
                gettext_lazy(
                    "经审查，您提交的申请材料存在以下问题，请一次性补正全部材料后重新提交。补正材料提交后，"
                    "本窗口将重新审查。"
                )
            ),
        }
        notice = _notice(case=case, kind=NoticeKind.CORRECTION, actor=actor, at=at, body=body)
        event = case_change(
            case=case,
            action=ACTION_CORRECTION,
            actor=actor,
            acting_as=acting_as,
            to_state=CaseState.AWAITING_CORRECTION,
            reason=stored(gettext_lazy("一次性告知需补正的全部材料（R-CASE-2）")),
            data={
                "notice": notice.number,
                "sequence": sequence,
                "materials": [m["material_id"] for m in materials],
            },
            at=at,
        )
        notify.milestone_correction_needed(
            case=case, event=event, materials=[f"{m['name']}（{m['status_label']}）" for m in materials]
        )
    return notice


def case_resubmit(
    *, actor: StaffProfile, case: Case, at: datetime | None = None, expected_revision: int | None = None
) -> Case:
    """The applicant brought the corrected materials: back to received, for a new check."""
    at = case_moment(at)
    with transaction.atomic():
        case, permit = lock_case_as(WINDOW, case, actor=actor, at=at, expected_revision=expected_revision)
        acting_as = permit.acting_as
        _require_state(case, [CaseState.AWAITING_CORRECTION], _("登记补正材料"))
        case_change(
            case=case,
            action=ACTION_RESUBMITTED,
            actor=actor,
            acting_as=acting_as,
            to_state=CaseState.RECEIVED,
            reason=stored(gettext_lazy("申请人提交补正材料")),
            # A new window for a correction (R-CASE-3), and materials to check again.
            fields={"submitted_on": timezone.localdate(at), "materials_checked": False},
            at=at,
        )
    return case


# --- refusal (R-CASE-4) --------------------------------------------------------------------------------------


def case_refuse(
    *,
    actor: StaffProfile,
    case: Case,
    reasons: str,
    competent_authority: str,
    at: datetime | None = None,
    expected_revision: int | None = None,
) -> Notice:
    """Refuse to accept (不予受理) with the reasons and the competent window or authority (R-CASE-4)."""
    at = case_moment(at)
    reasons, competent_authority = _text(reasons), _text(competent_authority)
    if not reasons:
        raise RuleViolation("R-CASE-4", _("不予受理须写明理由。"), field="reasons")
    if is_evasive(reasons):
        raise RuleViolation(
            "R-CASE-4", _("不予受理的理由须具体说明，不得以“不清楚”“不归我管”代替。"), field="reasons"
        )
    if not competent_authority:
        raise RuleViolation("R-CASE-4", _("请写明有权受理的窗口或机关。"), field="competent_authority")
    with transaction.atomic():
        case, permit = lock_case_as(WINDOW, case, actor=actor, at=at, expected_revision=expected_revision)
        acting_as = permit.acting_as
        if case.state not in {CaseState.RECEIVED, CaseState.AWAITING_CORRECTION}:
            raise RuleViolation(
                "R-CASE-4",
                _("办件当前状态为“%(state)s”，不能出具不予受理告知书。")
                % {"state": case.get_state_display()},
            )
        if case.state == CaseState.RECEIVED:
            _refuse_once_deemed(case, at, doing=_("出具不予受理告知书"))
        body = {
            **_notice_base(case, at),
            "reasons": reasons,
            "competent_authority": competent_authority,
            "text": stored(gettext_lazy("经审查，您的申请不予受理，理由如下。请向有权机关或窗口提出申请。")),
        }
        notice = _notice(case=case, kind=NoticeKind.REFUSAL, actor=actor, at=at, body=body)
        case_change(
            case=case,
            action=ACTION_REFUSED,
            actor=actor,
            acting_as=acting_as,
            to_state=CaseState.NOT_ACCEPTED,
            reason=reasons,
            data={"notice": notice.number, "competent_authority": competent_authority},
            fields={"closed_at": at},
            at=at,
        )
    return notice


# --- acceptance (R-CASE-6, R-CASE-3, R-CLK-8) -------------------------------------------------------------


def new_query_code() -> str:
    """Six random digits for the progress lookup (R-PUB-2); not derived from anything guessable."""
    return f"{secrets.randbelow(10**6):06d}"


@dataclass(frozen=True)
class Promised:
    on: date
    provisional: bool


def _accept(
    *,
    case: Case,
    actor: StaffProfile | None,
    accepted_on: date,
    at: datetime,
    deemed: bool,
    acting_as: str,
    materials: list[CaseMaterial] | None = None,
) -> Notice:
    """Accept a locked case: number, query code, clock, acceptance receipt (R-CASE-6). `materials`: the case's
    material rows, when the caller has read them under the lock."""
    responsible = actor or case.received_by
    number, notice_number = next_numbers(
        center=case.center, wanted=[("case", accepted_on), (NoticeKind.ACCEPTANCE, timezone.localdate(at))]
    )
    fields: dict[str, Any] = {
        "number": number,
        "query_code": case.query_code or new_query_code(),
        "accepted_on": accepted_on,
        "accepted_by": responsible,
        "deemed_accepted": deemed,
        "responsible": responsible,
        "responsible_acting_as": acting_as,
        # The first of the item's steps is the current one (the steps are planned below, R-DATA-2).
        "current_post_id": min(case.version.steps.all(), key=lambda s: (s.order, s.pk)).post_id
        if case.version.steps.all()
        else None,
    }
    if deemed:
        reason = stored(
            gettext_lazy(
                "收到申请材料之日起%(days)s个工作日内未告知补正，依照%(basis)s自收到申请材料之日起即为受理。"
            )
        ) % {
            "days": policy_value(case.center, "deemed_acceptance_days", accepted_on),
            "basis": DEEMED_ACCEPTANCE_BASIS,
        }
    else:
        reason = stored(gettext_lazy("申请材料齐全，予以受理（R-CASE-6）"))
    # The clock starts from the acceptance date (R-CLK-2, R-CLK-8); the case links its timer in the same UPDATE
    # as the acceptance below.
    case.accepted_on = accepted_on
    timer = clock.case_timer_new(case)
    case.timer = timer
    fields["timer"] = timer
    assert timer.deadline is not None
    promised = Promised(timer.deadline, timer.provisional)
    event = case_change(
        case=case,
        action=ACTION_DEEMED if deemed else ACTION_ACCEPTED,
        actor=actor,
        acting_as=acting_as,
        to_state=CaseState.ACCEPTED,
        reason=reason,
        data={
            "number": number,
            "accepted_on": accepted_on,
            "limit_days": case.limit_days,
            "deadline": promised.on,
            "deadline_provisional": promised.provisional,
            "notice": notice_number,
        },
        fields=fields,
        at=at,
    )
    body = {
        **_notice_base(case, at),
        "case_number": number,
        "query_code": case.query_code,
        "accepted_on": accepted_on.isoformat(),
        "case_type": case.case_type,
        "case_type_label": stored(CaseType(case.case_type).label),
        "limit_days": case.limit_days,
        "promised_on": promised.on.isoformat(),
        "promised_provisional": promised.provisional,
        "deemed": deemed,
        "text": reason,
        "received_materials": _received_at_acceptance(case, materials),
    }
    notice = _notice(
        case=case, kind=NoticeKind.ACCEPTANCE, actor=responsible, at=at, body=body, number=notice_number
    )
    notify.milestone_accepted(case=case, event=event, promised_on=promised.on)
    # The item's steps become the case's steps at acceptance, each to be done by whoever holds its post.
    handling.case_steps_plan(case=case, at=at, new=True)
    return notice


def case_accept(
    *, actor: StaffProfile, case: Case, at: datetime | None = None, expected_revision: int | None = None
) -> Notice:
    """Accept a received case whose every required material is present; return the acceptance receipt."""
    at = case_moment(at)
    with transaction.atomic(), sql.deferred():
        locked = lock_case_with(case, expected_revision=expected_revision, actor=actor, at=at, materials=True)
        case = locked.case
        acting_as = WINDOW.permit(actor=actor, case=case, at=at, facts=locked.facts).acting_as
        _require_state(case, [CaseState.RECEIVED], _("受理"))
        if deemed_accepted_by(case, timezone.localdate(at)):
            # Accepted in law already, as of the day the materials came in (R-CASE-3): the acceptance records it.
            return _accept(
                case=case,
                actor=actor,
                accepted_on=case.submission_day,
                at=at,
                deemed=True,
                acting_as=acting_as,
            )
        if not item_accepts_applications(case.item):
            raise RuleViolation("R-CAT-6", _("事项已取消或停止受理，不能受理新的申请。"))
        if not _checked_since_receipt(case):
            raise RuleViolation("R-CASE-2", _("请先审查本次提交的全部材料，再予受理。"))
        rows = locked.materials
        assert rows is not None
        statuses = {row.material_id: row.status for row in rows}
        blocking = [
            m.name
            for m in case.version.materials.all()
            if statuses.get(m.pk) in {MaterialStatus.MISSING, MaterialStatus.DEFECTIVE}
            or (m.is_required and statuses.get(m.pk) != MaterialStatus.PRESENT)
        ]
        if blocking:
            raise RuleViolation(
                "R-CASE-2",
                _("材料不齐全，不能受理，请一次性告知补正：%(names)s。")
                % {"names": "、".join(f"“{n}”" for n in blocking)},
            )
        return _accept(
            case=case,
            actor=actor,
            accepted_on=timezone.localdate(at),
            at=at,
            deemed=False,
            acting_as=acting_as,
            materials=rows,
        )


def deemed_acceptance_due(case: Case) -> date:
    """The last day on which a correction notice could still be issued on the current submission (the
    application, or the corrected materials); it is deemed accepted after it (R-CASE-3)."""
    received_on = case.submission_day
    days = int(policy_value(case.center, "deemed_acceptance_days", received_on))
    return calendar_for(case.center).add_working_days(received_on, days).date


def deemed_accepted_by(case: Case, day: date) -> bool:
    """Whether a received case is accepted in law on `day`: its window for a correction notice has passed
    (R-CASE-3, 行政许可法第三十二条), whether or not the daily run has recorded it yet."""
    return case.state == CaseState.RECEIVED and day > deemed_acceptance_due(case)


def _refuse_once_deemed(case: Case, at: datetime, *, doing: str) -> None:
    """Refuse what only a submission not yet accepted allows, once it is deemed accepted (R-CASE-3)."""
    due = deemed_acceptance_due(case)
    if timezone.localdate(at) > due:
        raise RuleViolation(
            "R-CASE-3",
            _(
                "收到申请材料之日（%(on)s）起%(days)s个工作日内（最迟%(due)s）未告知补正，依照行政许可法第三十二条已视为受理，不能再%(doing)s。"
            )
            % {
                "on": case.submission_day.isoformat(),
                "days": policy_value(case.center, "deemed_acceptance_days", case.submission_day),
                "due": due.isoformat(),
                "doing": doing,
            },
        )


def cases_deem_accepted(*, today: date, at: datetime | None = None) -> list[Case]:
    """Accept every received case whose current submission (the application, or the corrected materials after
    a correction notice) was given no correction notice within the policy's working days, as of the day that
    submission came in (R-CASE-3, 行政许可法第三十二条). Returns the cases accepted."""
    at = case_moment(at)
    # A submission received today or later cannot be due yet: its window ends on a later day.
    today_starts = timezone.make_aware(datetime.combine(today, time.min))
    candidates = (
        Case.objects.filter(state=CaseState.RECEIVED)
        .filter(Q(submitted_on__lt=today) | Q(submitted_on=None, received_at__lt=today_starts))
        .select_related("center")
        .order_by("received_at", "id")
    )
    accepted: list[Case] = []
    for candidate in candidates:
        if not deemed_accepted_by(candidate, today):
            continue
        with transaction.atomic():
            case = lock_case(candidate)
            if not deemed_accepted_by(case, today):
                continue
            _accept(
                case=case,
                actor=None,
                accepted_on=case.submission_day,
                at=at,
                deemed=True,
                acting_as=ActingAs.OTHER,
            )
        accepted.append(case)
    return accepted
