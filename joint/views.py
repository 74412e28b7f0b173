"""The joint-approval pages (R-PAR-1 … R-PAR-11): the joint cases a person works on (a co-department's inbox, the
cases the person's department leads, every open one for the centre's roles), a joint case with a lane per
department and the steps the person may take, the provincial platform's data, the joint review meetings with
their countersigning, and the supervision section's view of lateness by department with its Excel export.

Thin: reads through `joint.selectors`, each write one call of `joint.services`, which checks who may act; a
refusal is shown on the page with its rule id (422). What a page offers is worked out with the same predicates
the services use (`acts_for`), so it offers what is allowed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases.models import CaseMaterial, MaterialStatus
from common.errors import NotFound, RuleViolation
from common.pdf import pdf_serif_family, render_pdf
from common.periods import period_of
from common.xlsx import table_workbook, xlsx_response
from org.access import CAN_SUPERVISE, CENTER_WIDE_ROLES, center_for, has_role, home_center, require_role
from org.models import Center, StaffProfile

from . import selectors, services
from .models import (
    CoordinationMatter,
    JointCase,
    JointLane,
    JointState,
    Opinion,
    ReviewItem,
    ReviewMeeting,
    SiteSurvey,
)

LIST_LIMIT = 200


def _center(request: HttpRequest) -> Center:
    return home_center(request.user)


def _profile(request: HttpRequest) -> StaffProfile | None:
    return getattr(request.user, "staff_profile", None)


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return None


# --- the list ------------------------------------------------------------------------------------------------


@login_required
@require_GET
def joint_list(request: HttpRequest) -> HttpResponse:
    """The joint cases the signed-in person works on."""
    center = _center(request)
    profile = _profile(request)
    open_cases = JointCase.objects.filter(center=center).exclude(state=JointState.INSPECTED)
    led = open_cases.none()
    inbox: list[JointLane] = []
    if profile is not None and profile.department_id is not None:
        led = open_cases.filter(lead_department_id=profile.department_id)
        inbox = list(selectors.department_inbox(profile.department))  # type: ignore[arg-type]
    everything = open_cases if has_role(request.user, center, CENTER_WIDE_ROLES) else open_cases.none()
    to_open: list[dict[str, Any]] = []
    department_id = profile.department_id if profile is not None else None
    if department_id is not None and services.acts_for(request.user, center, department_id):
        awaiting = selectors.awaiting_opening(center, department_id)
        flows = selectors.flows_in_force(awaiting)
        to_open = [_opening_row(case, flows[case.pk]) for case in awaiting if case.pk in flows]
    related = ("case", "lead_department")
    context = {
        "center": center,
        "inbox": inbox,
        "led": list(led.select_related(*related).order_by("opened_at")[:LIST_LIMIT]),
        "to_open": to_open,
        "everything": list(everything.select_related(*related).order_by("opened_at")[:LIST_LIMIT]),
        "may_supervise": has_role(request.user, center, CAN_SUPERVISE),
        "today": timezone.localdate(),
    }
    return render(request, "joint/joint_list.html", context)


def _opening(case: Any) -> dict[str, Any] | None:
    """The opening form's row of an accepted case of a joint item: the case and the lanes of the flow-and-limits
    table in force on its acceptance day (None without one)."""
    flow = selectors.flows_in_force([case]).get(case.pk)
    return None if flow is None else _opening_row(case, flow)


def _opening_row(case: Any, flow: Any) -> dict[str, Any]:
    return {"case": case, "lanes": list(flow.lanes.all())}


@login_required
def joint_open(request: HttpRequest, case_id: int) -> HttpResponse:
    """The lead opens the joint case of a case accepted at its window (R-PAR-3), from the case page or its list:
    the involved departments and the chief representatives present at the acceptance, as ticked. GET shows the
    form; a refusal is shown on it with its rule id (422)."""
    from cases.access import case_for_user
    from org.models import Department, Window

    center = _center(request)
    case = case_for_user(request.user, case_id)
    if case.center_id != center.pk:
        raise NotFound()
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    refusal: RuleViolation | None = None
    if request.method == "POST":
        post = request.POST

        def ids(name: str) -> list[int]:
            return [int(v) for v in post.getlist(name) if v.isdigit() and len(v) < 10]

        departments = list(Department.objects.filter(center=center, pk__in=ids("departments")))
        present = [
            w.chief_representative
            for w in Window.objects.filter(center=center, department_id__in=ids("present"), is_active=True)
            .exclude(chief_representative=None)
            .select_related("chief_representative")
        ]
        try:
            joint_case = services.joint_case_open(
                actor=request.user,
                case=case,
                departments=departments,
                present=[p for p in present if p is not None],
                project_code=post.get("project_code", ""),
            )
        except RuleViolation as exc:
            refusal = exc
        else:
            return _done(request, joint_case, _("已启动并联审批，请向相关部门抄告。"))
    opened = JointCase.objects.filter(case=case).first()
    if opened is not None and refusal is None:
        return redirect(reverse("joint:detail", args=[opened.pk]))
    context = {
        "case": case,
        "row": _opening(case) if opened is None else None,
        "may_open": services.acts_for(request.user, center, case.window.department_id),
        "refusal": refusal,
    }
    return render(request, "joint/open.html", context, status=422 if refusal else 200)


# --- a joint case --------------------------------------------------------------------------------------------


def _joint_case(request: HttpRequest, joint_case_id: int) -> JointCase:
    return selectors.joint_case_for_user(request.user, _center(request), joint_case_id)


def _detail(
    request: HttpRequest, joint_case: JointCase, *, refusal: RuleViolation | None = None, status: int = 200
) -> HttpResponse:
    joint_case = selectors.joint_case_of(joint_case.center, joint_case.pk) or joint_case
    user = request.user
    center = joint_case.center
    speaks = services.departments_of(user, center)  # once for every lane (the same rule the services ask)
    leads = joint_case.lead_department_id in speaks.leads
    lead_staff = joint_case.lead_department_id in speaks.works
    open_ = joint_case.state != JointState.INSPECTED
    lanes: list[dict[str, Any]] = []
    departments = [joint_case.lead_department_id]
    for lane in joint_case.lanes.all():
        departments.append(lane.department_id)
        represents = lane.department_id in speaks.leads
        works = lane.department_id in speaks.works
        reviewing = lane.received_at is not None and not lane.opinion
        lanes.append(
            {
                "lane": lane,
                "may_notify": leads and open_ and lane.notified_at is None,
                "may_receive": works and lane.notified_at is not None and lane.received_at is None,
                "may_give": represents and reviewing and (lane.missing_at is None or joint_case.corrected_at),
                "may_report": represents and reviewing and not lane.reported_to,
                "may_missing": represents
                and reviewing
                and lane.missing_at is None
                and joint_case.corrected_at is None,
            }
        )
    surveys = list(
        SiteSurvey.objects.filter(joint_case=joint_case)
        .prefetch_related("signatures__staff")
        .order_by("surveyed_on")
    )
    profile = _profile(request)
    survey_people = (
        StaffProfile.objects.filter(center=center, is_active=True, department_id__in=departments)
        .select_related("department")
        .order_by("department_id", "badge_number")[:100]
        if leads and open_
        else []
    )
    context = {
        "joint_case": joint_case,
        "survey_people": survey_people,
        "case": joint_case.case,
        "lanes": lanes,
        "refusal": refusal,
        "opinions": Opinion.choices,
        "may_correct": lead_staff and joint_case.state == JointState.SECOND_PROCEDURE,
        "may_inspect": leads and joint_case.state == JointState.OPINIONS_IN,
        "may_survey": leads and open_,
        "surveys": surveys,
        "to_sign": {
            s.pk
            for survey in surveys
            for s in survey.signatures.all()
            if profile is not None and s.staff_id == profile.pk and s.signed_at is None
        },
        "today": timezone.localdate(),
    }
    return render(request, "joint/joint_detail.html", context, status=status)


@login_required
@require_GET
def joint_detail(request: HttpRequest, joint_case_id: int) -> HttpResponse:
    return _detail(request, _joint_case(request, joint_case_id))


@login_required
@require_GET
def joint_provincial(request: HttpRequest, joint_case_id: int) -> HttpResponse:
    """The provincial joint-approval platform's data of the case, as JSON to upload (R-PAR-9)."""
    joint_case = _joint_case(request, joint_case_id)
    response = JsonResponse(
        selectors.provincial_export(joint_case), json_dumps_params={"ensure_ascii": False}
    )
    response["Content-Disposition"] = f'attachment; filename="joint-{joint_case.case.number}.json"'
    return response


def _done(request: HttpRequest, joint_case: JointCase, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(reverse("joint:detail", args=[joint_case.pk]))


def _act(request: HttpRequest, joint_case: JointCase, call: Any, message: str) -> HttpResponse:
    try:
        call()
    except RuleViolation as refusal:
        return _detail(request, joint_case, refusal=refusal, status=422)
    return _done(request, joint_case, message)


def _lane(request: HttpRequest, lane_id: int) -> JointLane:
    return selectors.lane_for_user(request.user, _center(request), lane_id)


@login_required
@require_GET
def lane_notice_pdf(request: HttpRequest, lane_id: int) -> HttpResponse:
    """The notification (抄告单) sent to the department, as a printable PDF (R-PAR-4): once sent."""
    lane = _lane(request, lane_id)
    if lane.notified_at is None:
        raise NotFound()
    lane = JointLane.objects.select_related(
        "department", "notified_by", "received_by", "joint_case__case__version", "joint_case__lead_department"
    ).get(pk=lane.pk)
    case = lane.joint_case.case
    materials = list(
        CaseMaterial.objects.filter(case=case, status=MaterialStatus.PRESENT)
        .order_by("material__order")
        .values_list("material__name", flat=True)
    )
    html = render_to_string(
        "joint/notice_pdf.html",
        {
            "lane": lane,
            "joint_case": lane.joint_case,
            "case": case,
            "materials": materials,
            "font_family": pdf_serif_family(),
        },
    )
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    filename = _("抄告单-%(number)s.pdf") % {"number": lane.notice_number}
    response["Content-Disposition"] = content_disposition_header(False, filename) or "inline"
    return response


@login_required
@require_POST
def lane_action(request: HttpRequest, lane_id: int, action: str) -> HttpResponse:
    """One step of a department's part: notify, receive, opinion, report up, missing materials."""
    lane = _lane(request, lane_id)
    post = request.POST
    user = request.user
    steps: dict[str, tuple[Any, str]] = {
        "notify": (lambda: services.joint_notify(actor=user, lane=lane), _("已发出抄告单。")),
        "receive": (
            lambda: services.joint_lane_receive(actor=user, lane=lane),
            _("已签收，本部门开始计时。"),
        ),
        "opinion": (
            lambda: services.joint_opinion_give(
                actor=user,
                lane=lane,
                opinion=post.get("opinion", ""),
                text=post.get("text", ""),
                signed_by=post.get("signed_by", ""),
            ),
            _("已出具审批意见。"),
        ),
        "report-up": (
            lambda: services.joint_report_up(actor=user, lane=lane, authority=post.get("authority", "")),
            _("已报请上级机关并抄告牵头部门。"),
        ),
        "second-procedure": (
            lambda: services.joint_second_procedure(
                actor=user,
                lane=lane,
                reason=post.get("reason", ""),
                also=[
                    selectors.lane_for_user(user, lane.center, int(pk))
                    for pk in post.getlist("also")
                    if pk.isdigit() and len(pk) < 10
                ],
            ),
            _("已出具缺件书面理由，进入二次程序。"),
        ),
    }
    if action not in steps:
        raise NotFound()
    call, message = steps[action]
    return _act(request, lane.joint_case, call, message)


@login_required
@require_POST
def case_action(request: HttpRequest, joint_case_id: int, action: str) -> HttpResponse:
    """The lead's steps: the one correction, the site survey, the final inspection."""
    joint_case = _joint_case(request, joint_case_id)
    post = request.POST
    user = request.user

    def survey() -> Any:
        people = StaffProfile.objects.filter(
            center=joint_case.center,
            pk__in=[p for p in post.getlist("participants") if p.isdigit() and len(p) < 10],
        )
        surveyed_on = _date(post.get("surveyed_on"))
        if surveyed_on is None:
            raise RuleViolation("R-PAR-6", _("请填写踏勘日期。"), field="surveyed_on")
        return services.joint_survey_record(
            actor=user,
            joint_case=joint_case,
            surveyed_on=surveyed_on,
            place=post.get("place", ""),
            participants=list(people),
            findings=post.get("findings", ""),
        )

    steps: dict[str, tuple[Any, str]] = {
        "correction": (
            lambda: services.joint_correction_receive(actor=user, joint_case=joint_case),
            _("已收到补正，相关部门恢复计时。"),
        ),
        "inspect": (
            lambda: services.joint_case_inspect(
                actor=user, joint_case=joint_case, result=post.get("result", "")
            ),
            _("已完成最终审批验收。"),
        ),
        "survey": (survey, _("已记录联合踏勘，请参加人员签名。")),
    }
    if action not in steps:
        raise NotFound()
    call, message = steps[action]
    return _act(request, joint_case, call, message)


@login_required
@require_POST
def survey_sign(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = (
        SiteSurvey.objects.filter(center=_center(request), pk=survey_id).select_related("joint_case").first()
    )
    if survey is None or not selectors.may_read(request.user, survey.joint_case):
        raise NotFound()
    return _act(
        request,
        survey.joint_case,
        lambda: services.joint_survey_sign(actor=request.user, survey=survey),
        _("已在踏勘记录上签名。"),
    )


# --- lateness for the supervision section (R-PAR-10) -------------------------------------------------------------


@login_required
@require_GET
def lateness(request: HttpRequest) -> HttpResponseBase:
    """Lateness by department over a period (R-PAR-10), with the records; `?format=xlsx` exports them."""
    center = center_for(request.user, request.GET.get("center") or None)
    require_role(request.user, center, CAN_SUPERVISE)
    period_form, start, end = period_of(request, timezone.localdate())
    by_department = selectors.lateness_by_department(center, start, end)
    records = selectors.lateness_records(center, start, end)
    if request.GET.get("format") == "xlsx":
        workbook, _count = table_workbook(
            title=_("并联审批超时"),
            headers=[
                (_("超时日"), 12),
                (_("部门"), 20),
                (_("办件编号"), 24),
                (_("期限"), 12),
                (_("责任人"), 12),
            ],
            rows=(
                [
                    r.overdue_on,
                    r.department.name,
                    r.lane.joint_case.case.number,
                    r.deadline,
                    r.responsible.name if r.responsible else "",
                ]
                for r in records
            ),
            about=[(_("中心"), center.name), (_("统计期间"), f"{start:%Y-%m-%d} — {end:%Y-%m-%d}")],
        )
        return xlsx_response(workbook, _("并联审批超时-%(day)s.xlsx") % {"day": f"{end:%Y%m%d}"})
    context = {
        "center": center,
        "start": start,
        "end": end,
        "period_form": period_form,
        "by_department": by_department,
        "records": records,
        "query": request.GET.urlencode(),
    }
    return render(request, "joint/lateness.html", context)


# --- the joint review meetings (R-PAR-7) ---------------------------------------------------------------------------


@login_required
def meetings(request: HttpRequest) -> HttpResponse:
    """The centre's joint review meetings, and convening this month's (the coordination section, the director)."""
    center = _center(request)
    refusal = None
    status = 200
    if request.method == "POST":
        today = timezone.localdate()
        try:
            meeting = services.joint_meeting_convene(
                actor=request.user,
                center=center,
                year=today.year,
                month=today.month,
                place=request.POST.get("place", ""),
            )
        except RuleViolation as violation:
            refusal, status = violation, 422
        else:
            messages.success(request, _("已安排本月联审会议。"))
            return redirect(reverse("joint:meeting", args=[meeting.pk]))
    context = {
        "center": center,
        "meetings": list(ReviewMeeting.objects.filter(center=center).order_by("-held_on")[:LIST_LIMIT]),
        "may_convene": has_role(request.user, center, services.CAN_CONVENE),
        "refusal": refusal,
    }
    return render(request, "joint/meetings.html", context, status=status)


def _meeting_page(
    request: HttpRequest, meeting: ReviewMeeting, *, refusal: RuleViolation | None = None, status: int = 200
) -> HttpResponse:
    items = list(
        ReviewItem.objects.filter(meeting=meeting)
        .select_related("joint_case__case", "joint_case__lead_department")
        .prefetch_related("countersignatures__staff", "countersignatures__department", "joint_case__lanes")
        .order_by("pk")
    )
    user = request.user
    speaks = services.departments_of(user, meeting.center)  # once for the whole agenda
    rows = []
    for item in items:
        joint_case = item.joint_case
        departments = [
            joint_case.lead_department_id,
            *(lane.department_id for lane in joint_case.lanes.all()),
        ]
        signed = {c.department_id for c in item.countersignatures.all()}
        rows.append(
            {
                "item": item,
                "may_write": joint_case.lead_department_id in speaks.leads and not signed,
                "may_sign": bool(item.opinion)
                and any(pk in speaks.leads and pk not in signed for pk in departments),
            }
        )
    context = {
        "meeting": meeting,
        "rows": rows,
        "matters": list(
            CoordinationMatter.objects.filter(meeting=meeting).select_related("joint_case__case")
        ),
        "may_coordinate": has_role(user, meeting.center, services.CAN_CONVENE),
        "held": timezone.localdate() >= meeting.held_on,
        "refusal": refusal,
        "today": timezone.localdate(),
    }
    return render(request, "joint/meeting.html", context, status=status)


def _meeting(request: HttpRequest, review_meeting_id: int) -> ReviewMeeting:
    meeting = ReviewMeeting.objects.filter(center=_center(request), pk=review_meeting_id).first()
    if meeting is None:
        raise NotFound()
    return meeting


@login_required
@require_GET
def meeting(request: HttpRequest, review_meeting_id: int) -> HttpResponse:
    return _meeting_page(request, _meeting(request, review_meeting_id))


@login_required
@require_POST
def meeting_action(request: HttpRequest, review_meeting_id: int, action: str) -> HttpResponse:
    """At the meeting: a case's joint opinion, a countersignature, a matter referred, its decision recorded."""
    meeting = _meeting(request, review_meeting_id)
    post = request.POST
    user = request.user

    def picked(name: str) -> int:
        value = post.get(name) or ""
        if not value.isdigit() or len(value) > 9:
            raise NotFound()
        return int(value)

    def item() -> ReviewItem:
        found = ReviewItem.objects.filter(meeting=meeting, pk=picked("item")).first()
        if found is None:
            raise NotFound()
        return found

    def matter() -> CoordinationMatter:
        found = CoordinationMatter.objects.filter(meeting=meeting, pk=picked("matter")).first()
        if found is None:
            raise NotFound()
        return found

    def decide() -> Any:
        decided_on = _date(post.get("decided_on"))
        if decided_on is None:
            raise RuleViolation("R-PAR-7", _("请填写决定日期。"), field="decided_on")
        return services.joint_matter_decide(
            actor=user, matter=matter(), decision=post.get("decision", ""), decided_on=decided_on
        )

    steps: dict[str, tuple[Any, str]] = {
        "opinion": (
            lambda: services.joint_meeting_opinion(actor=user, item=item(), opinion=post.get("opinion", "")),
            _("已记录联审意见，请各首席代表会签。"),
        ),
        "countersign": (lambda: services.joint_countersign(actor=user, item=item()), _("已会签。")),
        "refer": (
            lambda: services.joint_matter_refer(actor=user, meeting=meeting, matter=post.get("text", "")),
            _("已提请县行政审批协调领导小组。"),
        ),
        "decide": (decide, _("已记录领导小组的决定。")),
    }
    if action not in steps:
        raise NotFound()
    call, message = steps[action]
    try:
        call()
    except RuleViolation as refusal:
        return _meeting_page(request, meeting, refusal=refusal, status=422)
    messages.success(request, message)
    return redirect(reverse("joint:meeting", args=[meeting.pk]))
