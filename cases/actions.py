"""Every action on a case, declared once.

For each action: its name, the service it calls, who may perform it (a rule of `cases.acting`; the service asks
the same rule itself, after locking the case), when it applies (the states in which the case page offers it),
the form of the case page, its label, confirm label and success message, the rule it enforces, its URL segment
and what the API's documentation says of it. The case page (`cases.views.case`), the API (`api.views.cases`)
and the actions offered to a user (`cases.selectors.actions.available_actions`) all read this declaration;
nothing about an action is listed anywhere else.

Most actions are taken on the case (`/staff/cases/case/<pk>/<segment>/`, `/api/v1/cases/<id>/<segment>`); a few
on one of its rows (an extension to file, a notice whose delivery is recorded, an extension request to approve
or refuse), at that row's own address, and the page shows them beside the row.

Who may act is not decided here but named: each service asks its rule of `cases.acting` itself (so that the
admin and the management commands refuse alike), and `cases/tests/test_who_may_act.py` walks every action
with every role to prove that what is offered is exactly what the service allows.

The API's serializers are not declared here: `cases` may not import `api` (the layering contract), and what
the API accepts is the API's business. `api.views.cases` maps each declared name to its serializer and checks,
when it is imported, that the map covers exactly the declared actions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.models import CaseType
from common.errors import PermissionDenied, RuleViolation

from . import forms_case as f
from . import hooks
from .acting import (
    COORDINATION,
    DECIDER,
    EXTENSION_APPROVER,
    GREEN_CHANNEL,
    STEP_HOLDER,
    WINDOW,
    Acting,
    Who,
)
from .models import (
    OPEN_STATES,
    Case,
    CaseMaterial,
    CaseState,
    Extension,
    ExtensionRequest,
    ExtensionRequestStatus,
    MaterialStatus,
    Notice,
    Suspension,
)
from .services import clock, handling, intake, notice_delivery

PROBLEMS = frozenset({MaterialStatus.MISSING, MaterialStatus.DEFECTIVE})


@dataclass(frozen=True)
class Target:
    """What an action is taken on: the case, or one of its rows. `keyword` is the service's argument for it."""

    keyword: str
    model: type[Model]
    page_prefix: str  # the page's address: <page_prefix>/<pk>/<segment>/
    api_prefix: str  # the API's address: <api_prefix>/<id>/<segment>
    api_param: str
    api_param_label: str

    def case_id(self, pk: int) -> int | None:
        """The id of the case the row `pk` belongs to (None: no such row)."""
        if self.model is Case:
            return pk  # fetched (or not found) through the access helper next
        found: int | None = (
            self.model._default_manager.filter(pk=pk).values_list("case_id", flat=True).first()
        )
        return found

    def get(self, pk: int) -> Any:
        return self.model._default_manager.get(pk=pk)


CASE = Target("case", Case, "case", "cases", "case_id", "办件编号（id）")
EXTENSION = Target("extension", Extension, "extension", "extensions", "extension_id", "延期编号")
NOTICE = Target("notice", Notice, "notice", "notices", "notice_id", "文书编号")
EXTENSION_REQUEST = Target(
    "extension_request",
    ExtensionRequest,
    "extension-request",
    "extension-requests",
    "extension_request_id",
    "延期申请编号",
)


@dataclass(frozen=True)
class CaseAction:
    """One action on a case, as every face sees it."""

    name: str
    title: str | Promise  # how the page names it
    rule: str  # the rule it enforces
    who: Who  # who may perform it; its service asks the same rule
    service: Callable[..., Any]  # called with actor, the target, expected_revision and the form's values
    form: type[f.ActionForm]
    applies: Callable[[Acting], bool]  # the case is in a state where it can be taken
    success: Callable[[Any], str]  # the page's message, from what the service returned
    summary: str  # the API's summary of the operation
    description: str = ""  # and its description
    confirm: str | Promise = ""  # the button's label ("提交" when empty)
    target: Target = CASE
    row_open: Callable[[Any], bool] | None = None  # for a row target: the rows it can be taken on
    segment: str = ""  # the last part of its address (the name, with hyphens, by default)
    page_url_name: str = ""  # the page's URL name ("case_<name>" by default)
    api_url_name: str = ""  # the API's URL name ("case_<name>" by default)
    operation_id: str = ""  # the API's operation id ("case_<name>" by default)
    id_prefix: str = ""  # a row form's element ids: id_<id_prefix><row pk>_<field> (the name by default)

    def __post_init__(self) -> None:
        defaults = {
            "segment": self.name.replace("_", "-"),
            "page_url_name": f"case_{self.name}",
            "api_url_name": f"case_{self.name}",
            "operation_id": f"case_{self.name}",
            "id_prefix": self.name,
        }
        for key, value in defaults.items():
            if not getattr(self, key):
                object.__setattr__(self, key, value)

    @property
    def on_case(self) -> bool:
        return self.target is CASE

    def auto_id(self, pk: int | None = None) -> str:
        """The element ids of its form's fields: the page holds every action's form at once, and several share
        field names (`reason`, `method`…), so each form's ids carry its action (and row)."""
        if self.on_case:
            return f"id_{self.name}_%s"
        return f"id_{self.id_prefix}{pk}_%s"

    def form_for(
        self, case: Case, data: Any = None, *, pk: int | None = None, facts: dict[str, Any] | None = None
    ) -> f.ActionForm:
        return self.form(data, case=case, facts=facts, auto_id=self.auto_id(pk))

    def perform(self, *, actor: Any, target: Any, values: dict[str, Any], revision: int) -> Any:
        """Call the service: the one write of the action."""
        return self.service(
            actor=actor, **{self.target.keyword: target}, expected_revision=revision, **values
        )


# --- when each action applies -------------------------------------------------------------------------------


def _state(*states: str) -> Callable[[Acting], bool]:
    def applies(acting: Acting) -> bool:
        assert acting.case is not None
        return acting.case.state in states

    return applies


def _may_decide(acting: Acting) -> bool:
    """Accepted, and nothing built on the case stands in the way (`cases.hooks`: a joint case waits for the
    lead's final inspection, R-PAR-11)."""
    assert acting.case is not None
    return acting.case.state == CaseState.ACCEPTED and hooks.decision_refused(acting.case) is None


def _statuses(acting: Acting) -> set[str]:
    return acting.once(
        "material_statuses",
        lambda: set(CaseMaterial.objects.filter(case=acting.case).values_list("status", flat=True)),
    )


def _case(acting: Acting) -> Case:
    assert acting.case is not None
    return acting.case


def _deemed(acting: Acting) -> bool:
    """The submission is accepted in law already: its window for a correction notice has passed (R-CASE-3)."""
    return acting.once(
        "deemed", lambda: intake.deemed_accepted_by(_case(acting), timezone.localdate(acting.moment))
    )


def _may_correct(acting: Acting) -> bool:
    if _case(acting).state != CaseState.RECEIVED or _deemed(acting):
        return False
    return bool(_statuses(acting) & PROBLEMS)


def _may_refuse(acting: Acting) -> bool:
    state = _case(acting).state
    return state == CaseState.AWAITING_CORRECTION or (state == CaseState.RECEIVED and not _deemed(acting))


def _may_accept(acting: Acting) -> bool:
    if _case(acting).state != CaseState.RECEIVED:
        return False
    if _deemed(acting):
        return True  # the acceptance records it, as of the day the materials came in
    statuses = _statuses(acting)
    return bool(statuses) and not statuses & PROBLEMS


def _has_procedures(acting: Acting) -> bool:
    case = _case(acting)
    return case.state == CaseState.ACCEPTED and bool(case.version.clock_stopping_procedures)


def _open_suspension(acting: Acting) -> bool:
    return acting.once(
        "open_suspension", lambda: Suspension.objects.filter(case=acting.case, ended_on=None).exists()
    )


def _may_resume(acting: Acting) -> bool:
    return _case(acting).state == CaseState.SUSPENDED and _open_suspension(acting)


def _reported(acting: Acting) -> bool:
    case = _case(acting)
    return case.state == CaseState.ACCEPTED and case.case_type == CaseType.REPORTED


def _report_back(acting: Acting) -> bool:
    case = _case(acting)
    return (
        case.state == CaseState.SUSPENDED
        and case.case_type == CaseType.REPORTED
        and not _open_suspension(acting)
    )


def _extendable(acting: Acting) -> bool:
    case = _case(acting)
    if case.state != CaseState.ACCEPTED or not case.version.extension_allowed or case.deadline is None:
        return False
    return clock.extension_room(case) > 0


def _waiting(acting: Acting) -> bool:
    return acting.once(
        "waiting_request",
        lambda: ExtensionRequest.objects.filter(
            case=acting.case, status=ExtensionRequestStatus.PENDING
        ).exists(),
    )


def _may_extend(acting: Acting) -> bool:
    return _extendable(acting) and not _waiting(acting)


def _may_approve(acting: Acting) -> bool:
    return _waiting(acting) and _extendable(acting)


def _pending_request(request: ExtensionRequest) -> bool:
    return request.is_pending


def _extended(request: ExtensionRequest) -> str:
    if request.is_pending:
        return _("已提交延期%(days)s个工作日的申请，待窗口机关负责人批准。") % {"days": request.days}
    return _("已延期%(days)s个工作日。") % {"days": request.days}


def _payable(acting: Acting) -> bool:
    case = _case(acting)
    return case.state in handling.PAYABLE_STATES and case.version.fees.exists()


def _not_priority(acting: Acting) -> bool:
    case = _case(acting)
    return case.state in OPEN_STATES and not case.is_priority


def _always(acting: Acting) -> bool:
    return True


def _unfiled(extension: Extension) -> bool:
    return extension.filed_at is None


def _undelivered_notice(notice: Notice) -> bool:
    return notice_delivery.delivery_recordable(notice)


def _any_unfiled(acting: Acting) -> bool:
    return acting.once(
        "unfiled_extension", lambda: Extension.objects.filter(case=acting.case, filed_at=None).exists()
    )


def _awaits_delivery(notice: Notice) -> bool:
    return notice.kind in notice_delivery.DELIVERY_RULES and notice.delivered_at is None


def _any_undelivered(acting: Acting) -> bool:
    return acting.once(
        "undelivered_notice",
        lambda: Notice.objects.filter(
            case=acting.case, kind__in=list(notice_delivery.DELIVERY_RULES), delivered_at=None
        ).exists(),
    )


def know_rows(
    acting: Acting,
    *,
    extensions: list[Extension],
    notices: list[Notice],
    requests: list[ExtensionRequest],
) -> None:
    """Tell `acting` the facts the rules above would read of the case's rows, from all of its rows a page has
    read already (the case page lists every extension, notice and extension request), so that asking which
    actions apply reads them no more. The same conditions as the queries of `_waiting`, `_any_unfiled` and
    `_any_undelivered`."""
    acting.know("waiting_request", any(r.status == ExtensionRequestStatus.PENDING for r in requests))
    acting.know("unfiled_extension", any(e.filed_at is None for e in extensions))
    acting.know("undelivered_notice", any(_awaits_delivery(n) for n in notices))


# --- the actions, in the order the case page's panel shows them ---------------------------------------------

ACTIONS: tuple[CaseAction, ...] = (
    CaseAction(
        name="check",
        title=gettext_lazy("材料审查"),
        rule="R-CASE-2",
        who=WINDOW,
        service=intake.case_check_materials,
        form=f.CheckForm,
        applies=_state(CaseState.RECEIVED),
        success=lambda case: _("材料审查结果已保存。"),
        confirm=gettext_lazy("保存审查结果"),
        summary="材料审查（R-CASE-2）",
        description="逐份记录审查结果；必要材料须有结果且不能为不适用，不符合要求的须写明问题。",
    ),
    CaseAction(
        name="correction",
        title=gettext_lazy("出具补正告知书"),
        rule="R-CASE-2",
        who=WINDOW,
        service=intake.case_issue_correction,
        form=f.EmptyForm,
        applies=_may_correct,
        success=lambda notice: _("已出具补正告知书 %(number)s。") % {"number": notice.number},
        confirm=gettext_lazy("出具补正告知书"),
        summary="出具补正告知书（R-CASE-2：一次性告知全部缺少或不符合要求的材料）",
        description="此前审查时已提交的材料不得在以后的补正告知书中再次要求补正。",
    ),
    CaseAction(
        name="resubmit",
        title=gettext_lazy("登记补正材料"),
        rule="R-CASE-2",
        who=WINDOW,
        service=intake.case_resubmit,
        form=f.EmptyForm,
        applies=_state(CaseState.AWAITING_CORRECTION),
        success=lambda case: _("已登记补正材料，请重新审查。"),
        confirm=gettext_lazy("申请人已提交补正材料"),
        summary="登记申请人提交的补正材料（回到待审查）",
    ),
    CaseAction(
        name="accept",
        title=gettext_lazy("受理"),
        rule="R-CASE-6",
        who=WINDOW,
        service=intake.case_accept,
        form=f.EmptyForm,
        applies=_may_accept,
        success=lambda notice: _("已受理，受理通知书 %(number)s。") % {"number": notice.number},
        confirm=gettext_lazy("予以受理"),
        summary="受理（R-CASE-6）：办件编号、受理通知书、承诺办结日期和查询码",
        description="期限自受理日次日起按工作日计算（R-CLK-2）；即办件当日办结（R-CLK-8）。",
    ),
    CaseAction(
        name="refuse",
        title=gettext_lazy("不予受理"),
        rule="R-CASE-4",
        who=WINDOW,
        service=intake.case_refuse,
        form=f.RefuseForm,
        applies=_may_refuse,
        success=lambda notice: _("已出具不予受理告知书 %(number)s。") % {"number": notice.number},
        summary="不予受理（R-CASE-4：写明理由和有权受理的窗口或机关）",
    ),
    CaseAction(
        name="step",
        title=gettext_lazy("完成当前办理环节"),
        rule="R-ORG-7",
        who=STEP_HOLDER,
        service=handling.step_complete,
        form=f.StepForm,
        applies=_state(CaseState.ACCEPTED),
        success=lambda step: _("“%(name)s”环节已完成。") % {"name": step.name},
        summary="完成当前办理环节（R-ORG-5、R-ORG-7：由该岗位此刻在岗的A角，或顶岗的B角办理）",
    ),
    CaseAction(
        name="decide",
        title=gettext_lazy("作出决定"),
        rule="R-CASE-7",
        who=DECIDER,
        service=handling.case_decide,
        form=f.DecideForm,
        applies=_may_decide,
        success=lambda notice: (
            _("已作出决定，%(kind)s %(number)s。")
            % {"kind": notice.get_kind_display(), "number": notice.number}
        ),
        summary="作出决定（R-CASE-7）：准予许可并发证，或不予许可并说明理由和救济途径",
        description="由首席代表当场决定（R-ORG-5），或在全部环节完成后由持有效授权的人员决定（R-ORG-4）。",
    ),
    CaseAction(
        name="suspend",
        title=gettext_lazy("启动特别程序（暂停计时）"),
        rule="R-CLK-4",
        who=WINDOW,
        service=clock.special_procedure_start,
        form=f.SuspendForm,
        applies=_has_procedures,
        success=lambda suspension: (
            _("已启动特别程序（%(kind)s），暂停计时。") % {"kind": suspension.get_kind_display()}
        ),
        summary="启动特别程序，暂停计时（R-CLK-4）",
        description="特别程序须为服务指南列明的；出具特别程序告知书。",
    ),
    CaseAction(
        name="resume",
        title=gettext_lazy("结束特别程序（恢复计时）"),
        rule="R-CLK-4",
        who=WINDOW,
        service=clock.special_procedure_end,
        form=f.ResumeForm,
        applies=_may_resume,
        success=lambda suspension: _("特别程序已结束，恢复计时。"),
        summary="结束特别程序，恢复计时（R-CLK-4）",
        description="期限顺延暂停的工作日数。",
    ),
    CaseAction(
        name="report_up",
        title=gettext_lazy("上报上级机关"),
        rule="R-CASE-5",
        who=WINDOW,
        service=clock.case_report_up,
        form=f.ReportUpForm,
        applies=_reported,
        success=lambda case: _("已上报上级机关，窗口暂停计时。"),
        summary="报批件上报上级机关（R-CASE-5，窗口暂停计时）",
    ),
    CaseAction(
        name="report_returned",
        title=gettext_lazy("上级机关审批返回"),
        rule="R-CASE-5",
        who=WINDOW,
        service=clock.case_report_returned,
        form=f.ReportReturnedForm,
        applies=_report_back,
        success=lambda case: _("上级机关审批已返回，恢复计时。"),
        summary="上级机关审批返回（R-CASE-5，恢复计时）",
    ),
    CaseAction(
        name="extend",
        title=gettext_lazy("申请延期"),
        rule="R-CLK-5",
        who=WINDOW,
        service=clock.extension_request,
        form=f.ExtendForm,
        applies=_may_extend,
        success=_extended,
        summary="申请延期（R-CLK-5：须经窗口机关负责人批准）",
        description=(
            "窗口工作人员提出延期申请（天数和理由），由窗口负责人或首席代表在本人账号中批准或不予批准；"
            "窗口负责人、首席代表提出的即为批准。批准后才延长期限、出具延期告知书。延期不超过事项最长延期，"
            "且须在期限届满1个工作日前告知申请人（申请和批准时各检查一次）。"
        ),
    ),
    CaseAction(
        name="payment",
        title=gettext_lazy("登记收费"),
        rule="R-CAT-7",
        who=WINDOW,
        service=handling.payment_record,
        form=f.PaymentForm,
        applies=_payable,
        success=lambda payment: _("已登记收费 %(amount)s 元。") % {"amount": payment.amount},
        summary="登记收费（R-CAT-7：只按本事项版本公布的项目和标准，金额由系统计算）",
    ),
    CaseAction(
        name="deliver",
        title=gettext_lazy("送达"),
        rule="R-CASE-8",
        who=WINDOW,
        service=handling.case_deliver,
        form=f.DeliverForm,
        applies=_state(CaseState.APPROVED, CaseState.DENIED),
        success=lambda case: _("已登记送达。"),
        summary="送达决定（R-CASE-8）",
        description="逾期送达照样登记，并在历史中标明。",
    ),
    CaseAction(
        name="archive",
        title=gettext_lazy("归档"),
        rule="R-CASE-8",
        who=WINDOW,
        service=handling.case_archive,
        form=f.EmptyForm,
        applies=_state(CaseState.DELIVERED),
        success=lambda case: _("已归档。"),
        confirm=gettext_lazy("归档"),
        summary="归档（R-CASE-8）",
    ),
    CaseAction(
        name="priority",
        title=gettext_lazy("开通绿色通道"),
        rule="R-CASE-11",
        who=GREEN_CHANNEL,
        service=handling.case_set_priority,
        form=f.PriorityForm,
        applies=_not_priority,
        success=lambda case: _("已开通绿色通道。"),
        summary="开通绿色通道（R-CASE-11）",
        description="窗口负责人、首席代表、分管副主任或主任开通；目标时限须短于承诺时限。",
    ),
    CaseAction(
        name="visit",
        title=gettext_lazy("登记来访"),
        rule="R-CASE-12",
        who=WINDOW,
        service=handling.visit_record,
        form=f.VisitForm,
        applies=_always,
        success=lambda visit: _("已登记来访（两头跑）。") if visit.is_shuttle else _("已登记来访。"),
        summary="登记来访（R-CASE-12：开发区企业因行政机关原因再次来访为两头跑）",
    ),
    CaseAction(
        name="withdraw",
        title=gettext_lazy("申请人撤回"),
        rule="R-CASE-9",
        who=WINDOW,
        service=handling.case_withdraw,
        form=f.WithdrawForm,
        applies=_state(*OPEN_STATES),
        success=lambda case: _("申请已撤回。"),
        summary="申请人撤回申请（R-CASE-9）",
    ),
    # --- on one of the case's rows ---
    CaseAction(
        name="extension_file",
        title=gettext_lazy("延期备案"),
        rule="R-CLK-5",
        who=COORDINATION,
        service=clock.extension_file,
        form=f.EmptyForm,
        applies=_any_unfiled,
        success=lambda extension: _("延期已备案。"),
        confirm=gettext_lazy("备案"),
        summary="延期备案（R-CLK-5，中心行政审批协调科）",
        target=EXTENSION,
        row_open=_unfiled,
        segment="file",
        page_url_name="extension_file",
        api_url_name="extension_file",
        operation_id="extensions_file_create",
    ),
    CaseAction(
        name="notice_delivered",
        title=gettext_lazy("告知书送达"),
        rule="R-CLK-4",
        who=WINDOW,
        service=notice_delivery.notice_delivery_record,
        form=f.NoticeDeliveryForm,
        applies=_any_undelivered,
        success=lambda notice: _("已记录%(notice)s的送达。") % {"notice": notice},
        confirm=gettext_lazy("记录送达"),
        summary="登记告知书已送达申请人（补正 R-CASE-2、不予受理 R-CASE-4、受理 R-CASE-6、特别程序 R-CLK-4、延期 R-CLK-5）",
        description="决定书随办件送达（R-CASE-8），用办件的“送达”登记，不在此登记。",
        target=NOTICE,
        row_open=_undelivered_notice,
        segment="delivered",
        page_url_name="case_notice_delivered",
        api_url_name="notice_delivered",
        operation_id="notices_delivered_create",
        id_prefix="notice",
    ),
    CaseAction(
        name="extension_approve",
        title=gettext_lazy("批准延期"),
        rule="R-CLK-5",
        who=EXTENSION_APPROVER,
        service=clock.extension_approve,
        form=f.EmptyForm,
        applies=_may_approve,
        success=lambda extension: (
            _("已批准延期%(days)s个工作日，并出具延期告知书。") % {"days": extension.days}
        ),
        confirm=gettext_lazy("批准"),
        summary="批准延期申请（R-CLK-5，窗口负责人或首席代表）",
        description="批准时再次检查延期天数和告知期限；批准后延长期限并出具延期告知书。",
        target=EXTENSION_REQUEST,
        row_open=_pending_request,
        segment="approve",
        page_url_name="extension_approve",
        api_url_name="extension_approve",
        operation_id="extension_requests_approve_create",
    ),
    CaseAction(
        name="extension_refuse",
        title=gettext_lazy("不予批准延期"),
        rule="R-CLK-5",
        who=EXTENSION_APPROVER,
        service=clock.extension_refuse,
        form=f.ExtensionRefuseForm,
        applies=_waiting,
        success=lambda request: _("已不予批准该延期申请。"),
        confirm=gettext_lazy("不予批准"),
        summary="不予批准延期申请（R-CLK-5，窗口负责人或首席代表，须写明理由）",
        target=EXTENSION_REQUEST,
        row_open=_pending_request,
        segment="refuse",
        page_url_name="extension_refuse",
        api_url_name="extension_refuse",
        operation_id="extension_requests_refuse_create",
    ),
)

BY_NAME: dict[str, CaseAction] = {action.name: action for action in ACTIONS}
# The panel of the case page: the actions on the case itself, in order.
PANEL: tuple[CaseAction, ...] = tuple(action for action in ACTIONS if action.on_case)
# The actions taken on one of the case's rows, shown beside the row.
ROW_ACTIONS: tuple[CaseAction, ...] = tuple(action for action in ACTIONS if not action.on_case)


def offered(acting: Acting, action: CaseAction) -> bool:
    """Whether `action` applies to the case now and the rule of who may take it allows `acting.actor`."""
    return action.applies(acting) and action.who.allows(acting)


def not_offered_because(acting: Acting | None, action: CaseAction) -> str:
    """Why `action` is not offered now ("" when it is): what `offered` asks, said as the service would say it —
    the case's state, or the refusal of the rule of who may act with its rule id. For a form asked for from a
    page that has become stale; `offered` stays the quick yes or no for the lists."""
    if acting is None:
        return str(PermissionDenied().message)
    if not action.applies(acting):
        return _("办件当前的状态下不能办理“%(action)s”，请刷新办件页面。") % {"action": action.title}
    try:
        action.who.check(acting)
    except RuleViolation as exc:
        return f"{exc.message}（{exc.rule}）"
    except PermissionDenied as exc:
        return str(exc.message)
    return ""
