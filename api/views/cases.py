"""Cases over HTTP (issue 3): receive, list, read, and every action of the case page, each calling the same
`cases.services` function as the page does, with the same checks.

- Every fetch goes through `cases.access` (`cases_for_user` / `case_for_user`): a case outside the user's
  scope answers 404, as if it did not exist.
- The applicant's ID number, phone and e-mail are returned only by the detail, only to those who may see them
  (`can_see_applicant`), and every such answer is logged (`log_applicant_access`).
- Every write carries `revision`, the revision the client last read: a stale one answers 409 and changes
  nothing; a refused rule answers 422 with its id; malformed input answers 400 naming the field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.http import FileResponse
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from cases.access import (
    applicant_file,
    can_see_applicant,
    case_for_user,
    log_applicant_access,
    work_window_ids,
)
from cases.actions import BY_NAME as DECLARED
from cases.actions import CaseAction
from cases.models import Case, CaseEvent, Extension, ExtensionRequest, Payment, Visit
from cases.selectors import chains, search
from cases.selectors.actions import acting_of, available_actions, query_code_for, staff_of
from cases.selectors.clock import annotate_warning, clock_view, stored_warning
from cases.selectors.intake import case_checklist
from cases.services import intake
from cases.services.events import chain_verify
from catalog.models import Fee, Item
from common import files
from common.errors import NotFound, PermissionDenied, RuleViolation
from org.access import CAN_VERIFY_CHAINS
from org.models import StaffProfile, Window
from workdays.models import TimerState
from workdays.selectors import calendar_for
from workdays.timer import remaining_working_days

from ..pagination import BoundedCountPagination
from ..permissions import require_role, staff_center
from ..serializers import ID_MAX, ErrorSerializer
from ..serializers_cases import (
    CaseDetailSerializer,
    CaseEventSerializer,
    CaseListSerializer,
    CaseQuery,
    CaseReceiveFormSerializer,
    CaseReceiveSerializer,
    ChainRunSerializer,
    ChainSerializer,
    CheckSerializer,
    DecideSerializer,
    DeliverSerializer,
    ExtendSerializer,
    ExtensionRefuseSerializer,
    NoticeDeliveredSerializer,
    PaymentInSerializer,
    PrioritySerializer,
    RefuseSerializer,
    ReportReturnedSerializer,
    ReportUpSerializer,
    ResultSerializer,
    RevisionSerializer,
    StepSerializer,
    SuspendSerializer,
    VisitInSerializer,
    WithdrawSerializer,
)
from .base import CENTER, ApiListView, ApiView, errors, id_param, parse

TAGS = ["cases"]
CASE_ID = id_param("case_id", "办件编号（id）")
UPLOAD_KEY = re.compile(r"^upload_(\d{1,18})$")
ACCESS_PURPOSE = "API 查看办件"
# How the receipt's refusals name the applicant's fields.
APPLICANT_FIELDS = {
    key: f"applicant.{key}"
    for key in ("name", "id_number", "phone", "email", "organisation_name", "credit_code")
}


# --- who, which, where ---------------------------------------------------------------------------------


STALE = OpenApiResponse(ErrorSerializer, description="办件已被他人更新（revision 已过期），未作任何修改")


def write_errors(*codes: int) -> dict[int, OpenApiResponse]:
    """The error answers of a write on a case: 409 is a stale `revision`."""
    return {**errors(*codes), 409: STALE}


def actor_of(user: Any) -> StaffProfile:
    """The active staff profile acting; 403 for a user without one."""
    staff = staff_of(user)
    if staff is None:
        raise PermissionDenied("只有工作人员可以办理此操作。")
    return staff


def row_id(value: int) -> int:
    """A row id from the URL; beyond any id the database can hold it names nothing (404, not an overflow)."""
    if not 0 < value <= ID_MAX:
        raise NotFound()
    return value


def visible_case(user: Any, case_id: int) -> Case:
    return case_for_user(user, row_id(case_id))


def staff_in(case: Case, staff_id: int | None, field: str) -> StaffProfile | None:
    """A staff member of the case's centre named in the body; a 400 naming `field` otherwise."""
    if staff_id is None:
        return None
    staff = StaffProfile.objects.filter(pk=staff_id, center_id=case.center_id).first()
    if staff is None:
        raise ValidationError({field: ["不存在，或不是本中心工作人员。"]})
    return staff


@contextmanager
def refused_fields(
    names: dict[str, str], pattern: tuple[re.Pattern[str], str] | None = None
) -> Iterator[None]:
    """Name a refused field as the API calls it (`names`, or every field matching `pattern`)."""
    try:
        yield
    except RuleViolation as violation:
        field = violation.field or ""
        if field in names:
            violation.field = names[field]
        elif pattern is not None and pattern[0].match(field):
            violation.field = pattern[1]
        raise


# --- what a case looks like ----------------------------------------------------------------------------


def _cases() -> QuerySet[Case]:
    return Case.objects.select_related("center", "item", "version", "window", "responsible", "timer")


def item_ref(case: Case) -> dict[str, Any]:
    return {"code": case.item.code, "name": case.version.name, "version": case.version.number}


def _clock(case: Case) -> dict[str, Any]:
    today = timezone.localdate()
    remaining = None
    if case.timer is not None and case.timer.state != TimerState.FINISHED:
        remaining = remaining_working_days(calendar_for(case.center), clock_view(case), today)
    return {
        "limit_days": case.limit_days,
        "extension_days": case.extension_days,
        "accepted_on": case.accepted_on,
        "deadline": case.deadline,
        "deadline_provisional": case.deadline_provisional,
        "warn_from": case.warn_from,
        "warning": stored_warning(case, today),
        "remaining_working_days": remaining,
        "suspended": case.timer is not None and case.timer.state == TimerState.STOPPED,
    }


def case_body(user: Any, case: Case, *, personal: bool) -> dict[str, Any]:
    """The case as the detail shows it. With `personal`, the applicant's ID number, phone and e-mail are
    included for those who may see them, and the display is logged."""
    shown = personal and can_see_applicant(user, case)
    if shown:
        log_applicant_access(user=user, case=case, purpose=ACCESS_PURPOSE)
    case = _cases().select_related("received_by", "accepted_by", "decided_by").get(pk=case.pk)
    acting = acting_of(user, case)  # one read of the user's facts for the actions and the query code
    return {
        **{
            name: getattr(case, name)
            for name in (
                "id",
                "number",
                "center",
                "window",
                "state",
                "case_type",
                "channel",
                "received_at",
                "received_by",
                "accepted_by",
                "deemed_accepted",
                "is_priority",
                "priority_reason",
                "priority_target_days",
                "responsible",
                "responsible_acting_as",
                "decided_at",
                "decided_by",
                "decision_reasons",
                "result_number",
                "result_valid_until",
                "result_issuer",
                "delivery_due",
                "delivery_method",
                "delivered_at",
                "closed_at",
                "revision",
            )
        },
        "item": item_ref(case),
        "state_label": case.get_state_display(),
        "applicant": {
            "name": case.applicant_name,
            "organisation_name": case.organisation_name,
            "credit_code": case.credit_code,
            "in_development_zone": case.in_development_zone,
            "id_number": case.applicant_id_number if shown else None,
            "phone": case.applicant_phone if shown else None,
            "email": case.applicant_email if shown else None,
        },
        "applicant_shown": shown,
        "clock": _clock(case),
        "checklist": [
            {
                "material": row.material.pk,
                "name": row.material.name,
                "is_required": row.material.is_required,
                "result": row.check.status if row.check else None,
                "note": row.check.note if row.check else "",
                "checked_at": row.check.checked_at if row.check else None,
                "file": (
                    reverse("api:case_material_file", args=[case.pk, row.material.pk])
                    if shown and row.check is not None and row.check.upload
                    else None
                ),
            }
            for row in case_checklist(case)
        ],
        "notices": list(case.notices.order_by("issued_at", "id")),
        "steps": list(case.steps.select_related("post", "handler").order_by("order")),
        "payments": list(Payment.objects.filter(case=case).select_related("fee")),
        "visits": list(Visit.objects.filter(case=case).select_related("responsible")),
        "extensions": list(Extension.objects.filter(case=case).select_related("approved_by", "notice")),
        "extension_requests": list(
            ExtensionRequest.objects.filter(case=case).select_related("requested_by", "decided_by")
        ),
        "suspensions": list(case.suspensions.order_by("started_on", "id")),
        "actions": sorted(available_actions(user, case, acting=acting)),
        "query_code": query_code_for(user, case, acting=acting),
    }


def case_answer(user: Any, case_id: int, *, code: int = status.HTTP_200_OK) -> Response:
    """The case as it stands after a write (without the applicant's personal data)."""
    case = case_for_user(user, case_id)
    return Response(CaseDetailSerializer(case_body(user, case, personal=False)).data, status=code)


# --- list and receive ----------------------------------------------------------------------------------

# What a row of the case list reads: the columns `CaseListSerializer` shows, with `warning` annotated.
LIST_COLUMNS = (
    "id",
    "number",
    "center__code",
    "item__code",
    "version__name",
    "version__number",
    "window__number",
    "window__name",
    "state",
    "case_type",
    "received_at",
    "accepted_on",
    "timer__deadline",
    "timer__provisional",
    "warning",
    "is_priority",
    "responsible_id",
    "responsible__name",
    "responsible__title",
    "revision",
)
_RECEIVED_AT = serializers.DateTimeField()
_DAY = serializers.DateField()


def list_row(row: dict[str, Any]) -> dict[str, Any]:
    """A case as the list shows it (`CaseListSerializer`'s fields and formats), from its LIST_COLUMNS: 40 rows
    built as model instances (seven a row) and put through the serializer took more than half of the list's
    time (docs/decisions.md, issue 8). `api/tests/test_cases_api.py` holds it to the serializer."""
    accepted_on, deadline = row["accepted_on"], row["timer__deadline"]
    return {
        "id": row["id"],
        "number": row["number"],
        "center": row["center__code"],
        "item": {"code": row["item__code"], "name": row["version__name"], "version": row["version__number"]},
        "window": {"number": row["window__number"], "name": row["window__name"]},
        "state": row["state"],
        "case_type": row["case_type"],
        "received_at": _RECEIVED_AT.to_representation(row["received_at"]),
        "accepted_on": None if accepted_on is None else _DAY.to_representation(accepted_on),
        "deadline": None if deadline is None else _DAY.to_representation(deadline),
        "deadline_provisional": bool(row["timer__provisional"]),
        "warning": row["warning"],
        "is_priority": row["is_priority"],
        "responsible": (
            None
            if row["responsible_id"] is None
            else {
                "id": row["responsible_id"],
                "name": row["responsible__name"],
                "title": row["responsible__title"],
            }
        ),
        "revision": row["revision"],
    }


@extend_schema(tags=TAGS, parameters=[CENTER])
class CaseListView(ApiListView):
    serializer_class = CaseListSerializer
    queryset = Case.objects.none()
    permission_classes = [IsAuthenticated]
    pagination_class = BoundedCountPagination

    def get_queryset(self) -> QuerySet[Case]:
        if self.schema_only():
            return self.queryset
        query = parse(CaseQuery, self.request.query_params)
        center = staff_center(self.request.user, self.kwargs["center"])
        today = timezone.localdate()
        criteria = search.CaseFilter(**query)
        if criteria.id_number.strip():
            if not search.may_search_id_number(self.request.user, center):
                raise PermissionDenied("申请人的证件信息只有办件所在窗口的工作人员和中心主任可以查看。")
            self.id_search_center = center
        cases = search.cases_matching(self.request.user, center, criteria, today)
        return search.ordered(annotate_warning(cases, today), criteria.sort).values(*LIST_COLUMNS)

    def paginate_queryset(self, queryset: Any) -> Any:
        page = super().paginate_queryset(queryset)
        center = getattr(self, "id_search_center", None)
        if center is not None and page is not None:  # an ID number search shows personal data: log each case
            search.log_id_number_search(
                user=self.request.user, center=center, case_ids=[c["id"] for c in page]
            )
        return page

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([list_row(row) for row in page])

    @extend_schema(
        summary="办件列表（本人可见范围；按编号、申请人、证件号码、信用代码、事项、状态、窗口、日期、预警筛选）",
        description=(
            "中心层面的角色看到全中心的办件，窗口人员看到本人窗口（含顶岗岗位）的办件。列表不含申请人信息。"
            "按证件号码查找只找本人可查看申请人信息的办件（所在窗口的办件；中心主任为全中心），找到的每件记入"
            "个人信息查看记录。编号和名称按开头部分匹配。"
        ),
        parameters=[CaseQuery],
        responses={200: CaseListSerializer(many=True), **errors(400, 401, 404)},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="收件（R-CASE-2）：按事项现行版本登记申请，可附上传材料",
        description=(
            "JSON：窗口号、事项编号、申请方式和申请人信息。也可用 multipart/form-data 提交同样的字段"
            "（applicant 为 JSON 文本），并为每份材料附一个名为 upload_<材料编号> 的文件（PDF、JPG 或 PNG，"
            "每份不超过10MB）；文件有误则不收件（R-CASE-2）。已取消或未发布的事项不能收件（R-CAT-6）；"
            "本窗口不办理的事项须转办（R-CASE-1）。"
        ),
        request={
            "application/json": CaseReceiveSerializer,
            "multipart/form-data": CaseReceiveFormSerializer,
        },
        responses={201: CaseDetailSerializer, **errors(400, 401, 403, 404, 422)},
    )
    def post(self, request: Request, center: str) -> Response:
        where = staff_center(request.user, center)
        actor = actor_of(request.user)
        multipart = (request.content_type or "").startswith("multipart/")
        data = parse(CaseReceiveFormSerializer if multipart else CaseReceiveSerializer, request.data)
        window = Window.objects.filter(center=where, number=data["window"]).first()
        if window is None or window.pk not in work_window_ids(request.user, actor):
            raise ValidationError({"window": ["不是您工作的窗口。"]})
        item = Item.objects.filter(center=where, code=data["item"]).select_related("current_version").first()
        if item is None:
            raise ValidationError({"item": ["本中心没有该事项。"]})
        uploads = _uploads(request) if multipart else {}
        with refused_fields(APPLICANT_FIELDS):
            case = intake.case_receive(
                actor=actor,
                window=window,
                item=item,
                applicant=data["applicant"],
                channel=data["channel"],
                uploads=uploads,
            )
        return case_answer(request.user, case.pk, code=status.HTTP_201_CREATED)


def _uploads(request: Request) -> dict[int, Any]:
    """The files of a multipart receipt, by material id (`upload_<id>`, one file each)."""
    uploads: dict[int, Any] = {}
    for key in request.FILES:
        match = UPLOAD_KEY.match(key)
        if match is None:
            raise ValidationError({key: ["上传文件的字段名须为 upload_<材料编号>。"]})
        files = request.FILES.getlist(key)
        if len(files) != 1:
            raise ValidationError({key: ["每份材料只能上传一个文件。"]})
        uploads[int(match.group(1))] = files[0]
    return uploads


class CaseDetailView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="办件详情：期限与预警、材料清单、文书、环节、收费、来访、延期、特别程序、可进行的操作",
        description=(
            "申请人的证件号码、电话和电子邮箱只返回给本窗口工作人员（及中心主任），每次返回均记录在个人信息"
            "查看记录中；其他人看到的这些字段为空。"
        ),
        parameters=[CASE_ID],
        responses={200: CaseDetailSerializer, **errors(401, 404)},
    )
    def get(self, request: Request, case_id: int) -> Response:
        case = visible_case(request.user, case_id)
        return Response(CaseDetailSerializer(case_body(request.user, case, personal=True)).data)


class CaseMaterialFileView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="申请人上传的材料文件（R-CASE-2）",
        description=(
            "仅本窗口工作人员（及中心主任）可取得，每次取得均记录在个人信息查看记录中；PDF 和图片可直接打开，"
            "其他文件作为附件下载。"
        ),
        parameters=[CASE_ID, id_param("material_id", "材料编号")],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **errors(401, 403, 404)},
    )
    def get(self, request: Request, case_id: int, material_id: int) -> FileResponse:
        stored, name = applicant_file(request.user, visible_case(request.user, case_id), row_id(material_id))
        return files.serve(stored, download_name=name)


@extend_schema(tags=TAGS, parameters=[CASE_ID])
class CaseEventListView(ApiListView):
    serializer_class = CaseEventSerializer
    queryset = CaseEvent.objects.none()
    permission_classes = [IsAuthenticated]

    def get_queryset(self) -> QuerySet[CaseEvent]:
        if self.schema_only():
            return self.queryset
        case = visible_case(self.request.user, self.kwargs["case_id"])
        return CaseEvent.objects.filter(case=case).select_related("actor").order_by("seq")

    @extend_schema(
        summary="办件历史（R-CASE-10）：谁、何时、A角或B角、从何状态到何状态、理由；每条与上一条以哈希相链",
        responses={200: CaseEventSerializer(many=True), **errors(401, 404)},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class CaseChainView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="校验一个办件的历史哈希链（R-CASE-10，稽查科）",
        parameters=[CASE_ID],
        responses={200: ChainSerializer, **errors(401, 403, 404)},
    )
    def get(self, request: Request, case_id: int) -> Response:
        case = visible_case(request.user, case_id)
        require_role(request.user, case.center, CAN_VERIFY_CHAINS)
        report = chain_verify(case)
        body = {
            "case": case.pk,
            "events": report.events,
            "ok": report.ok,
            "broken_at": report.broken_at,
            "tampered_at": report.tampered_at,
        }
        return Response(ChainSerializer(body).data)


class CenterChainsView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="校验本中心办件的历史哈希链（R-CASE-10，稽查科；最近的办件优先，有上限）",
        parameters=[CENTER],
        responses={200: ChainRunSerializer, **errors(401, 403, 404)},
    )
    def get(self, request: Request, center: str) -> Response:
        where = staff_center(request.user, center)
        require_role(request.user, where, CAN_VERIFY_CHAINS)
        run = chains.chains_verify(center=where, limit=chains.CHAIN_VERIFY_LIMIT)
        body = {
            "total": run.total,
            "checked": run.checked,
            "events": run.events,
            "ok": run.ok,
            "capped": run.capped,
            "broken": run.broken,
        }
        return Response(ChainRunSerializer(body).data)


# --- the actions ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiInput:
    """How the API reads the input of one declared action (`cases.actions`): its serializer; how the parsed
    body becomes the service's arguments (the body's fields as they are, by default); and how a refused field
    of the service is named in the API (`fields`, or every field matching `pattern`)."""

    serializer: type[serializers.Serializer]
    values: Callable[[Case, dict[str, Any]], dict[str, Any]] | None = None
    fields: dict[str, str] = field(default_factory=dict)
    pattern: tuple[re.Pattern[str], str] | None = None


def _check(case: Case, data: dict[str, Any]) -> dict[str, Any]:
    return {"results": {row["material"]: (row["result"], row["note"]) for row in data["results"]}}


def _suspend(case: Case, data: dict[str, Any]) -> dict[str, Any]:
    return {"kind": data["procedure"], "reason": data["reason"], "expected_days": data["expected_days"]}


def _decide(case: Case, data: dict[str, Any]) -> dict[str, Any]:
    values = dict(data)
    values["approve"] = values.pop("decision") == "approve"
    return values


def _payment(case: Case, data: dict[str, Any]) -> dict[str, Any]:
    # Any fee of the centre's catalogue is looked up; one of another version is refused by R-CAT-7.
    fee = Fee.objects.filter(pk=data["fee"], version__item__center_id=case.center_id).first()
    if fee is None:
        raise ValidationError({"fee": ["本中心没有该收费项目。"]})
    return {"fee": fee, "quantity": data["quantity"], "receipt_number": data["receipt_number"]}


def _visit(case: Case, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "purpose": data["purpose"],
        "caused_by_administration": data["caused_by_administration"],
        "responsible": staff_in(case, data["responsible"], "responsible"),
    }


# Every declared action, by name: how the API reads its input.
INPUTS: dict[str, ApiInput] = {
    "check": ApiInput(CheckSerializer, _check, pattern=(re.compile(r"^material_\d+$"), "results")),
    "correction": ApiInput(RevisionSerializer),
    "resubmit": ApiInput(RevisionSerializer),
    "accept": ApiInput(RevisionSerializer),
    "refuse": ApiInput(RefuseSerializer),
    "step": ApiInput(StepSerializer),
    "decide": ApiInput(DecideSerializer, _decide),
    "suspend": ApiInput(SuspendSerializer, _suspend, fields={"kind": "procedure"}),
    "resume": ApiInput(ResultSerializer),
    "report_up": ApiInput(ReportUpSerializer),
    "report_returned": ApiInput(ReportReturnedSerializer),
    "extend": ApiInput(ExtendSerializer),
    "payment": ApiInput(PaymentInSerializer, _payment),
    "deliver": ApiInput(DeliverSerializer),
    "archive": ApiInput(RevisionSerializer),
    "priority": ApiInput(PrioritySerializer),
    "visit": ApiInput(VisitInSerializer, _visit),
    "withdraw": ApiInput(WithdrawSerializer),
    "extension_file": ApiInput(RevisionSerializer),
    "notice_delivered": ApiInput(NoticeDeliveredSerializer),
    "extension_approve": ApiInput(RevisionSerializer),
    "extension_refuse": ApiInput(ExtensionRefuseSerializer),
}
if set(INPUTS) != set(DECLARED):
    raise ImproperlyConfigured(
        f"api.views.cases.INPUTS must cover the declared case actions exactly: {sorted(set(INPUTS) ^ set(DECLARED))}"
    )


def _action_view(action: CaseAction) -> type[ApiView]:
    given = INPUTS[action.name]
    target = action.target

    class ActionView(ApiView):
        permission_classes = [IsAuthenticated]

        @extend_schema(
            tags=TAGS,
            summary=action.summary,
            description=action.description or None,
            parameters=[id_param(target.api_param, target.api_param_label)],
            request=given.serializer,
            responses={200: CaseDetailSerializer, **write_errors(400, 401, 403, 404, 422)},
            operation_id=action.operation_id,
        )
        def post(self, request: Request, **kwargs: Any) -> Response:
            pk = row_id(kwargs[target.api_param])
            case_id = target.case_id(pk)
            if case_id is None:
                raise NotFound()
            case = case_for_user(request.user, case_id)
            actor = actor_of(request.user)
            data = parse(given.serializer, request.data)
            revision = data.pop("revision")
            values = given.values(case, data) if given.values else data
            on = case if action.on_case else target.get(pk)
            with refused_fields(given.fields, given.pattern):
                action.perform(actor=actor, target=on, values=values, revision=revision)
            return case_answer(request.user, case.pk)

    ActionView.__name__ = ActionView.__qualname__ = (
        "".join(part.title() for part in ("case", *action.name.split("_"))) + "View"
    )
    return ActionView


# The address, view and URL name of every declared action.
ACTION_URLS: list[tuple[str, type[ApiView], str]] = [
    (
        f"{action.target.api_prefix}/<int:{action.target.api_param}>/{action.segment}",
        _action_view(action),
        action.api_url_name,
    )
    for action in DECLARED.values()
]


__all__ = [
    "ACTION_URLS",
    "CaseChainView",
    "CaseDetailView",
    "CaseEventListView",
    "CaseListView",
    "CenterChainsView",
]
