"""The REST API, mounted at /api/v1/. The schema is at /api/v1/openapi.json and described at /api/v1/docs/."""

from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView

from .views import (
    agency,
    assessment,
    auth,
    calendar,
    cases,
    cases_desk,
    catalog,
    complaints,
    docs,
    joint,
    org,
    staffing,
    staffing_duty,
    staffing_facts,
    staffing_leave,
    staffing_spot_checks,
)

app_name = "api"

urlpatterns = [
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="schema"),
    path("docs/", docs.api_docs, name="docs"),
    path("auth/token", auth.TokenView.as_view(), name="token"),
    # Calendar (R-CLK-1, R-CLK-2, R-CLK-3)
    path(
        "calendar/add-working-days", calendar.AddWorkingDaysView.as_view(), name="calendar_add_working_days"
    ),
    path(
        "calendar/count-working-days",
        calendar.CountWorkingDaysView.as_view(),
        name="calendar_count_working_days",
    ),
    path("calendar/days", calendar.CalendarDaysView.as_view(), name="calendar_days"),
    # Organisation (R-ORG-*)
    path("centers", org.CenterListView.as_view(), name="center_list"),
    path("centers/<slug:center>", org.CenterDetailView.as_view(), name="center_detail"),
    path("centers/<slug:center>/departments", org.DepartmentListView.as_view(), name="department_list"),
    path(
        "centers/<slug:center>/departments/<str:code>",
        org.DepartmentDetailView.as_view(),
        name="department_detail",
    ),
    path("centers/<slug:center>/windows", org.WindowListView.as_view(), name="window_list"),
    path("centers/<slug:center>/posts", org.PostListView.as_view(), name="post_list"),
    path("centers/<slug:center>/staff", org.StaffProfileListView.as_view(), name="staff_list"),
    path(
        "centers/<slug:center>/staff/<int:staff_id>/absences",
        org.AbsenceCreateView.as_view(),
        name="absence_create",
    ),
    path(
        "centers/<slug:center>/absences/<int:absence_id>/end",
        org.AbsenceEndView.as_view(),
        name="absence_end",
    ),
    path(
        "centers/<slug:center>/absences/<int:absence_id>/cancel",
        org.AbsenceCancelView.as_view(),
        name="absence_cancel",
    ),
    path(
        "centers/<slug:center>/authorizations", org.AuthorizationListView.as_view(), name="authorization_list"
    ),
    path(
        "centers/<slug:center>/authorizations/<int:authorization_id>/revoke",
        org.AuthorizationRevokeView.as_view(),
        name="authorization_revoke",
    ),
    # Catalogue (R-CAT-*)
    path("centers/<slug:center>/items", catalog.ItemListView.as_view(), name="item_list"),
    path("centers/<slug:center>/items/<str:code>", catalog.ItemDetailView.as_view(), name="item_detail"),
    path("centers/<slug:center>/items/<str:code>/draft", catalog.ItemDraftView.as_view(), name="item_draft"),
    path(
        "centers/<slug:center>/items/<str:code>/draft/materials",
        catalog.DraftMaterialsView.as_view(),
        name="draft_materials",
    ),
    path(
        "centers/<slug:center>/items/<str:code>/draft/materials/<int:material_id>",
        catalog.DraftMaterialView.as_view(),
        name="draft_material",
    ),
    path(
        "centers/<slug:center>/items/<str:code>/draft/fees",
        catalog.DraftFeesView.as_view(),
        name="draft_fees",
    ),
    path(
        "centers/<slug:center>/items/<str:code>/draft/fees/<int:fee_id>",
        catalog.DraftFeeView.as_view(),
        name="draft_fee",
    ),
    path(
        "centers/<slug:center>/items/<str:code>/draft/steps",
        catalog.DraftStepsView.as_view(),
        name="draft_steps",
    ),
    path(
        "centers/<slug:center>/items/<str:code>/draft/steps/<int:step_id>",
        catalog.DraftStepView.as_view(),
        name="draft_step",
    ),
    path(
        "centers/<slug:center>/items/<str:code>/publish",
        catalog.ItemPublishView.as_view(),
        name="item_publish",
    ),
    path(
        "centers/<slug:center>/items/<str:code>/withdraw",
        catalog.ItemWithdrawView.as_view(),
        name="item_withdraw",
    ),
    # Inquiries (R-CASE-1)
    path("centers/<slug:center>/inquiries", cases_desk.InquiryListView.as_view(), name="inquiry_list"),
    path("inquiries/<int:inquiry_id>", cases_desk.InquiryDetailView.as_view(), name="inquiry_detail"),
    path("inquiries/<int:inquiry_id>/handle", cases_desk.InquiryHandleView.as_view(), name="inquiry_handle"),
    path("inquiries/<int:inquiry_id>/refer", cases_desk.InquiryReferView.as_view(), name="inquiry_refer"),
    path(
        "inquiries/<int:inquiry_id>/acknowledge",
        cases_desk.InquiryAcknowledgeView.as_view(),
        name="inquiry_acknowledge",
    ),
    path(
        "inquiries/<int:inquiry_id>/escalate",
        cases_desk.InquiryEscalateView.as_view(),
        name="inquiry_escalate",
    ),
    # Cases (R-CASE-*, R-CLK-4..9)
    path("centers/<slug:center>/cases", cases.CaseListView.as_view(), name="case_list"),
    path("centers/<slug:center>/case-chains", cases.CenterChainsView.as_view(), name="case_chains"),
    path("cases/<int:case_id>", cases.CaseDetailView.as_view(), name="case_detail"),
    path("cases/<int:case_id>/events", cases.CaseEventListView.as_view(), name="case_events"),
    path(
        "cases/<int:case_id>/materials/<int:material_id>/file",
        cases.CaseMaterialFileView.as_view(),
        name="case_material_file",
    ),
    path("cases/<int:case_id>/chain", cases.CaseChainView.as_view(), name="case_chain"),
    # Every declared case action (`cases.actions`), on the case or on one of its rows.
    *(path(route, view.as_view(), name=name) for route, view, name in cases.ACTION_URLS),
    # Appointments (R-CASE-13)
    path(
        "centers/<slug:center>/appointments",
        cases_desk.AppointmentListView.as_view(),
        name="appointment_list",
    ),
    path(
        "appointments/<int:appointment_id>/serve",
        cases_desk.AppointmentServeView.as_view(),
        name="appointment_serve",
    ),
    path(
        "appointments/<int:appointment_id>/no-show",
        cases_desk.AppointmentNoShowView.as_view(),
        name="appointment_no_show",
    ),
    # Complaints (R-CMP-2 … R-CMP-7)
    path("centers/<slug:center>/complaints", complaints.ComplaintListView.as_view(), name="complaint_list"),
    path(
        "centers/<slug:center>/complaints/<int:complaint_id>",
        complaints.ComplaintDetailView.as_view(),
        name="complaint_detail",
    ),
    path(
        "centers/<slug:center>/complaints/<int:complaint_id>/identity",
        complaints.ComplaintIdentityView.as_view(),
        name="complaint_identity",
    ),
    path(
        "centers/<slug:center>/complaints/<int:complaint_id>/answer",
        complaints.ComplaintAnswerView.as_view(),
        name="complaint_answer",
    ),
    path(
        "centers/<slug:center>/complaints/<int:complaint_id>/explain",
        complaints.ComplaintExplainView.as_view(),
        name="complaint_explain",
    ),
    path(
        "centers/<slug:center>/complaints/<int:complaint_id>/transfer",
        complaints.ComplaintTransferView.as_view(),
        name="complaint_transfer",
    ),
    path(
        "centers/<slug:center>/complaints/<int:complaint_id>/close",
        complaints.ComplaintCloseView.as_view(),
        name="complaint_close",
    ),
    # Joint approval (R-PAR-1 … R-PAR-11)
    path(
        "centers/<slug:center>/items/<int:item_id>/joint-flow",
        joint.JointFlowView.as_view(),
        name="joint_flow",
    ),
    path("centers/<slug:center>/cases/<int:case_id>/joint", joint.JointOpenView.as_view(), name="joint_open"),
    path(
        "centers/<slug:center>/joint-cases/<int:joint_case_id>",
        joint.JointCaseView.as_view(),
        name="joint_case",
    ),
    path(
        "centers/<slug:center>/joint-cases/<int:joint_case_id>/provincial",
        joint.JointProvincialView.as_view(),
        name="joint_provincial",
    ),
    path(
        "centers/<slug:center>/joint-cases/<int:joint_case_id>/correction",
        joint.JointCorrectionView.as_view(),
        name="joint_correction",
    ),
    path(
        "centers/<slug:center>/joint-cases/<int:joint_case_id>/inspect",
        joint.JointInspectView.as_view(),
        name="joint_inspect",
    ),
    path(
        "centers/<slug:center>/joint-lanes/<int:lane_id>/notify",
        joint.JointNotifyView.as_view(),
        name="joint_notify",
    ),
    path(
        "centers/<slug:center>/joint-lanes/<int:lane_id>/receive",
        joint.JointReceiveView.as_view(),
        name="joint_receive",
    ),
    path(
        "centers/<slug:center>/joint-lanes/<int:lane_id>/opinion",
        joint.JointOpinionView.as_view(),
        name="joint_opinion",
    ),
    path(
        "centers/<slug:center>/joint-lanes/<int:lane_id>/report-up",
        joint.JointReportUpView.as_view(),
        name="joint_report_up",
    ),
    path(
        "centers/<slug:center>/joint-lanes/<int:lane_id>/second-procedure",
        joint.JointSecondProcedureView.as_view(),
        name="joint_second_procedure",
    ),
    path("centers/<slug:center>/joint-lateness", joint.JointLatenessView.as_view(), name="joint_lateness"),
    # Full agency (R-AGT-1 … R-AGT-6)
    path(
        "centers/<slug:center>/agency-projects", agency.AgencyProjectsView.as_view(), name="agency_projects"
    ),
    path(
        "centers/<slug:center>/agency-projects/<int:project_id>",
        agency.AgencyProjectView.as_view(),
        name="agency_project",
    ),
    path(
        "centers/<slug:center>/agency-projects/<int:project_id>/confirm",
        agency.AgencyConfirmView.as_view(),
        name="agency_confirm",
    ),
    path(
        "centers/<slug:center>/agency-projects/<int:project_id>/members",
        agency.AgencyMembersView.as_view(),
        name="agency_members",
    ),
    path(
        "centers/<slug:center>/agency-projects/<int:project_id>/meetings",
        agency.AgencyMeetingsView.as_view(),
        name="agency_meetings",
    ),
    path(
        "centers/<slug:center>/agency-projects/<int:project_id>/tasks",
        agency.AgencyTasksView.as_view(),
        name="agency_tasks",
    ),
    path(
        "centers/<slug:center>/agency-projects/<int:project_id>/licences",
        agency.AgencyLicencesView.as_view(),
        name="agency_licences",
    ),
    path(
        "centers/<slug:center>/agency-projects/<int:project_id>/delays",
        agency.AgencyDelaysView.as_view(),
        name="agency_delays",
    ),
    path(
        "centers/<slug:center>/agency-projects/<int:project_id>/hand-over",
        agency.AgencyHandOverView.as_view(),
        name="agency_hand_over",
    ),
    path(
        "centers/<slug:center>/agency-projects/<int:project_id>/hand-over.pdf",
        agency.AgencyHandOverPdfView.as_view(),
        name="agency_hand_over_pdf",
    ),
    path(
        "centers/<slug:center>/agency-projects/<int:project_id>/close",
        agency.AgencyCloseView.as_view(),
        name="agency_close",
    ),
    path(
        "centers/<slug:center>/agency-delays/<int:delay_id>/report",
        agency.AgencyDelayReportView.as_view(),
        name="agency_delay_report",
    ),
    path(
        "centers/<slug:center>/agency-licences/<int:licence_id>/move",
        agency.AgencyLicenceMoveView.as_view(),
        name="agency_licence_move",
    ),
    path(
        "centers/<slug:center>/agency-tasks/<int:task_id>/take",
        agency.AgencyTaskTakeView.as_view(),
        name="agency_task_take",
    ),
    path(
        "centers/<slug:center>/agency-tasks/<int:task_id>/finish",
        agency.AgencyTaskFinishView.as_view(),
        name="agency_task_finish",
    ),
    # The public progress lookup (R-PUB-2)
    path("progress", cases_desk.ProgressView.as_view(), name="progress"),
    # Clock events from terminals that speak JSON (R-ATT-2; the iClock protocol is at /iclock/)
    path("terminals/<str:serial>/clock-events", staffing.ClockEventsView.as_view(), name="clock_events"),
    # Leave (R-ATT-3 … R-ATT-6, R-ATT-9)
    path("centers/<slug:center>/leave", staffing_leave.LeaveCreateView.as_view(), name="leave_create"),
    path(
        "centers/<slug:center>/leave/<int:leave_id>",
        staffing_leave.LeaveDetailView.as_view(),
        name="leave_detail",
    ),
    path(
        "centers/<slug:center>/leave/<int:leave_id>/decide",
        staffing_leave.LeaveDecideView.as_view(),
        name="leave_decide",
    ),
    path(
        "centers/<slug:center>/leave/<int:leave_id>/return",
        staffing_leave.LeaveReturnView.as_view(),
        name="leave_return",
    ),
    # Duty rosters and disputes (R-ATT-1, R-PUB-6)
    path("centers/<slug:center>/duty-roster", staffing_duty.RosterView.as_view(), name="duty_roster"),
    path(
        "centers/<slug:center>/duty/<int:entry_id>/swap", staffing_duty.SwapView.as_view(), name="duty_swap"
    ),
    path("centers/<slug:center>/duty-leader", staffing_duty.DutyLeaderView.as_view(), name="duty_leader"),
    path("centers/<slug:center>/disputes", staffing_duty.DisputesView.as_view(), name="disputes"),
    path(
        "centers/<slug:center>/disputes/<int:dispute_id>/close",
        staffing_duty.DisputeCloseView.as_view(),
        name="dispute_close",
    ),
    # Spot checks and explanations (R-ATT-7)
    path(
        "centers/<slug:center>/spot-checks", staffing_spot_checks.SpotChecksView.as_view(), name="spot_checks"
    ),
    path(
        "centers/<slug:center>/explanations/mine",
        staffing_spot_checks.MyExplanationsView.as_view(),
        name="explanations_mine",
    ),
    path(
        "centers/<slug:center>/explanations/<int:explanation_id>/answer",
        staffing_spot_checks.ExplanationAnswerView.as_view(),
        name="explanation_answer",
    ),
    # The month's attendance facts the assessment reads (R-ASM-5)
    path(
        "centers/<slug:center>/attendance-facts",
        staffing_facts.CenterAttendanceFactsView.as_view(),
        name="attendance_facts",
    ),
    path(
        "centers/<slug:center>/attendance-facts/me",
        staffing_facts.MyAttendanceFactsView.as_view(),
        name="attendance_facts_me",
    ),
    # The monthly assessment (R-ASM-16): the sheet, and one's own month
    path("centers/<slug:center>/assessment", assessment.CenterAssessmentView.as_view(), name="assessment"),
    path("centers/<slug:center>/assessment/me", assessment.MyAssessmentView.as_view(), name="assessment_me"),
]
