"""Case records in the national standard's layout, for the provincial platform (R-DATA-2).

GB/T 39046-2020 (政务服务平台基础数据规范) keeps a case (办件) as an application, its acceptance, each processing
step, the special procedures and the completion. `case_record` builds one case in that layout from the rows
the case services write (Case, CaseStep, Suspension, Extension, Notice, CaseEvent); `export_cases` streams
the records of a centre for a period; `case_records_export` writes them as JSON Lines and logs the export.

Keys are English; their Chinese field names:

    standard                        数据规范（GB/T 39046-2020）
    case_number                     办件编号
    query_code                      查询码
    center_code / center_name       政务服务中心代码 / 名称
    item.code                       事项编号
    item.name                       事项名称
    item.basic_code                 基本编码
    item.implementation_code        实施编码
    item.item_type                  事项类型（代码）
    item.version                    事项版本号
    item.department                 实施部门
    case_type / case_type_label     办件类型
    state / state_label             办件状态
    priority                        绿色通道

    application                     申请
      applicant_name                申请人名称
      applicant_id_number           申请人证件号码
      applicant_phone               申请人联系电话
      applicant_email               申请人电子邮箱
      organisation_name             申请单位名称
      credit_code                   统一社会信用代码
      in_development_zone           开发区企业
      channel / channel_label       申请方式
      received_at                   申请（收件）时间
      received_by                   收件人
      window                        受理窗口

    acceptance                      受理（未受理时为 null）
      document_number               受理文书编号
      accepted_on                   受理日期
      accepted_by                   受理人
      deemed_accepted               视为受理
      promised_limit_days           承诺时限（工作日）
      extension_days                已批准延期（工作日）
      promised_completion           承诺办结时间（现行办结期限，含特别程序与延期）
      promised_completion_provisional  期限为暂定

    steps                           办理过程（每个环节一条）
      action / action_label         动作：done 办结本环节 / in_progress 在办 / pending 待办
      step                          环节
      order                         环节序号
      handler                       办理人
      handler_badge                 办理人工号
      acting_as                     A角 / B角
      opinion                       意见
      started_at                    开始时间
      finished_at                   结束时间

    special_procedures              特别程序
      kind / kind_label             种类
      started_on                    开始时间
      reason                        原因
      expected_days                 预计所需（工作日）
      ended_on                      结束时间
      result                        结果
      notice_number                 特别程序告知书编号

    extensions                      延期
      days                          延长（工作日）
      reason                        理由
      approved_by                   批准人
      approved_at                   批准时间
      applicant_told_on             告知申请人日期
      notice_number                 延期告知书编号

    completion                      办结（未办结时为 null）
      result / result_label         办结结果：approved 准予许可 / denied 不予许可 / not_accepted 不予受理 /
                                    withdrawn 已撤回
      decided_at                    办结（决定）时间
      decided_by                    决定人
      decision_document_number      决定文书编号
      reasons                       决定理由
      certificate_name              结果证照名称
      certificate_number            结果证照编号
      valid_until                   证照有效期
      issuer                        发证机关
      delivery_method               送达方式
      delivery_due                  送达期限
      delivered_at                  送达时间
      closed_at                     归档（办结）时间

Moments are ISO 8601 in the centre's time (`2026-10-08T10:00:00+08:00`), dates `YYYY-MM-DD`, absent
values null.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from catalog.models import CaseType, SpecialProcedureKind
from common.history import record
from common.i18n import stored
from common.models import PersonalDataAccess
from org.models import Center, StaffProfile

from ..models import Case, CaseEvent, CaseState, CaseStep, Channel, Extension, NoticeKind, Suspension

STANDARD = "GB/T 39046-2020"

STEP_ACTIONS = {"done": "办结本环节", "in_progress": "在办", "pending": "待办"}
OUTCOMES = (CaseState.APPROVED, CaseState.DENIED, CaseState.NOT_ACCEPTED, CaseState.WITHDRAWN)
# States after a decision or another end of the case.
CLOSED_STATES = frozenset({*OUTCOMES, CaseState.DELIVERED, CaseState.ARCHIVED})


class Writer(Protocol):
    def write(self, text: str, /) -> Any: ...


def _moment(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value is not None else None


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _name(staff: StaffProfile | None) -> str | None:
    return staff.name if staff is not None else None


def _latest_notice(case: Case, *kinds: str) -> str | None:
    numbers = [n.number for n in case.notices.all() if n.kind in kinds]
    return numbers[-1] if numbers else None


def _step_action(step: CaseStep) -> str:
    if step.finished_at is not None:
        return "done"
    return "in_progress" if step.started_at is not None else "pending"


def _outcome(case: Case) -> str | None:
    """How the case ended: its state if it is an outcome, else the last outcome its history records."""
    if case.state in OUTCOMES:
        return case.state
    ended = [e.to_state for e in getattr(case, "outcome_events", case.events.all()) if e.to_state in OUTCOMES]
    if ended:
        return ended[-1]
    kinds = {n.kind for n in case.notices.all()}
    if NoticeKind.APPROVAL in kinds:
        return CaseState.APPROVED
    if NoticeKind.DENIAL in kinds:
        return CaseState.DENIED
    return None


def _completion(case: Case) -> dict[str, Any] | None:
    if case.state not in CLOSED_STATES:
        return None
    outcome = _outcome(case)
    approved = outcome == CaseState.APPROVED
    return {
        "result": outcome,
        "result_label": stored(CaseState(outcome).label) if outcome else None,
        "decided_at": _moment(case.decided_at),
        "decided_by": _name(case.decided_by),
        "decision_document_number": _latest_notice(case, NoticeKind.APPROVAL, NoticeKind.DENIAL),
        "reasons": case.decision_reasons or None,
        "certificate_name": (case.version.result_name or None) if approved else None,
        "certificate_number": case.result_number or None,
        "valid_until": _day(case.result_valid_until),
        "issuer": case.result_issuer or None,
        "delivery_method": case.delivery_method or None,
        "delivery_due": _day(case.delivery_due),
        "delivered_at": _moment(case.delivered_at),
        "closed_at": _moment(case.closed_at),
    }


def case_record(case: Case) -> dict[str, Any]:
    """One case in the standard's layout (keys and their Chinese names: see the module docstring).

    For many cases, fetch them through `records_queryset` so that the related rows come in a fixed number
    of queries.
    """
    version = case.version
    accepted = case.accepted_on is not None
    procedures = {k.value: stored(k.label) for k in SpecialProcedureKind}
    return {
        "standard": STANDARD,
        "case_number": case.number or None,
        "query_code": case.query_code or None,
        "center_code": case.center.code,
        "center_name": case.center.name,
        "item": {
            "code": case.item.code,
            "name": version.name,
            "basic_code": version.basic_code or None,
            "implementation_code": version.implementation_code or None,
            "item_type": version.item_type,
            "version": version.number,
            "department": case.item.department.name,
        },
        "case_type": case.case_type,
        "case_type_label": stored(CaseType(case.case_type).label),
        "state": case.state,
        "state_label": stored(CaseState(case.state).label),
        "priority": case.is_priority,
        "application": {
            "applicant_name": case.applicant_name,
            "applicant_id_number": case.applicant_id_number or None,
            "applicant_phone": case.applicant_phone or None,
            "applicant_email": case.applicant_email or None,
            "organisation_name": case.organisation_name or None,
            "credit_code": case.credit_code or None,
            "in_development_zone": case.in_development_zone,
            "channel": case.channel,
            "channel_label": stored(Channel(case.channel).label),
            "received_at": _moment(case.received_at),
            "received_by": _name(case.received_by),
            "window": f"{case.window.number} {case.window.name}".strip(),
        },
        "acceptance": (
            {
                "document_number": _latest_notice(case, NoticeKind.ACCEPTANCE),
                "accepted_on": _day(case.accepted_on),
                "accepted_by": _name(case.accepted_by),
                "deemed_accepted": case.deemed_accepted,
                "promised_limit_days": case.limit_days,
                "extension_days": case.extension_days,
                "promised_completion": _day(case.deadline),
                "promised_completion_provisional": case.deadline_provisional,
            }
            if accepted
            else None
        ),
        "steps": [
            {
                "action": _step_action(step),
                "action_label": STEP_ACTIONS[_step_action(step)],
                "step": step.name,
                "order": step.order,
                "handler": _name(step.handler),
                "handler_badge": step.handler.badge_number if step.handler is not None else None,
                "acting_as": step.acting_as or None,
                "opinion": step.opinion or None,
                "started_at": _moment(step.started_at),
                "finished_at": _moment(step.finished_at),
            }
            for step in case.steps.all()
        ],
        "special_procedures": [
            {
                "kind": s.kind,
                "kind_label": procedures.get(s.kind, s.kind),
                "started_on": _day(s.started_on),
                "reason": s.reason,
                "expected_days": s.expected_days,
                "ended_on": _day(s.ended_on),
                "result": s.result or None,
                "notice_number": s.notice.number if s.notice is not None else None,
            }
            for s in case.suspensions.all()
        ],
        "extensions": [
            {
                "days": e.days,
                "reason": e.reason,
                "approved_by": _name(e.approved_by),
                "approved_at": _moment(e.approved_at),
                "applicant_told_on": _day(e.applicant_told_on),
                "notice_number": e.notice.number if e.notice is not None else None,
            }
            for e in case.extensions.all()
        ],
        "completion": _completion(case),
    }


def records_queryset() -> QuerySet[Case]:
    """Cases with everything `case_record` reads, in a fixed number of queries."""
    return Case.objects.select_related(
        "center",
        "item__department",
        "version",
        "window",
        "received_by",
        "accepted_by",
        "decided_by",
    ).prefetch_related(
        Prefetch("steps", queryset=CaseStep.objects.select_related("handler").order_by("order")),
        Prefetch(
            "suspensions", queryset=Suspension.objects.select_related("notice").order_by("started_on", "id")
        ),
        Prefetch(
            "extensions",
            queryset=Extension.objects.select_related("notice", "approved_by").order_by("approved_at", "id"),
        ),
        "notices",
        Prefetch(
            "events",
            queryset=CaseEvent.objects.filter(to_state__in=OUTCOMES).order_by("seq"),
            to_attr="outcome_events",
        ),
    )


def _period(since: date, until: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.combine(since, time.min, tzinfo=tz)
    end = datetime.combine(until + timedelta(days=1), time.min, tzinfo=tz)
    return start, end


def export_cases(center: Center, since: date, until: date) -> Iterator[dict[str, Any]]:
    """The records of `center`'s cases received, or with any event, from `since` to `until` (local days,
    both included), in the order they were received."""
    start, end = _period(since, until)
    changed = CaseEvent.objects.filter(case=OuterRef("pk"), at__gte=start, at__lt=end)
    cases = (
        records_queryset()
        .filter(center=center)
        .filter(Q(received_at__gte=start, received_at__lt=end) | Exists(changed))
        .order_by("received_at", "id")
    )
    for case in cases.iterator(chunk_size=200):
        yield case_record(case)


def case_records_export(*, center: Center, since: date, until: date, out: Writer, actor: Any = None) -> int:
    """Write the records of `export_cases` to `out` as JSON Lines; log the export and the access to the
    applicants' personal data it contains. Returns the number of records written."""
    count = 0
    for row in export_cases(center, since, until):
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    with transaction.atomic():
        period = f"{since.isoformat()}..{until.isoformat()}"
        record(
            subject=center,
            center=center,
            action="case_records_export",
            actor=actor,
            changes={"period": period, "records": count},
            rule="R-DATA-2",
        )
        PersonalDataAccess.objects.create(
            center=center,
            user=actor if getattr(actor, "is_authenticated", False) else None,
            subject_type="cases.export",
            subject_id=period,
            purpose="R-DATA-2 办件信息导出（含申请人个人信息）",
        )
    return count
