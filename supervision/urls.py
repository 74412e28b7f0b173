"""The supervision section's pages, mounted at /staff/supervision/. Each screen's module declares its own URLs."""

from django.urls import path

from .views import assessment, chains, complaints, dashboard, meetings

app_name = "supervision"

urlpatterns = [
    path("", dashboard.supervision, name="dashboard"),
    path("export/", dashboard.supervision_export, name="dashboard_export"),
    path("chains/", chains.chain_verify, name="chain_verify"),
    # Complaints (R-CMP-1 … R-CMP-7)
    path("complaints/", complaints.complaint_inbox, name="complaint_inbox"),
    path("complaints/export/", complaints.complaint_export, name="complaint_export"),
    path("complaints/new/", complaints.complaint_new, name="complaint_new"),
    path("complaints/<int:complaint_id>/", complaints.complaint_detail, name="complaint_detail"),
    path("complaints/<int:complaint_id>/identity/", complaints.complaint_identity, name="complaint_identity"),
    path("complaints/<int:complaint_id>/answer/", complaints.complaint_answer, name="complaint_answer"),
    path("complaints/<int:complaint_id>/explain/", complaints.complaint_explain, name="complaint_explain"),
    path("complaints/<int:complaint_id>/transfer/", complaints.complaint_transfer, name="complaint_transfer"),
    path("complaints/<int:complaint_id>/close/", complaints.complaint_close, name="complaint_close"),
    # The monthly assessment (R-ASM-1 … R-ASM-17)
    path("assessment/", assessment.assessment_sheet_view, name="assessment_sheet"),
    path("assessment/close/", assessment.assessment_close_view, name="assessment_close"),
    path("assessment/mine/", assessment.assessment_mine, name="assessment_mine"),
    path("assessment/staff/<int:staff_id>/", assessment.assessment_person, name="assessment_person"),
    path(
        "assessment/staff/<int:staff_id>/deduct/", assessment.assessment_deduct_view, name="assessment_deduct"
    ),
    path(
        "assessment/staff/<int:staff_id>/correct/",
        assessment.assessment_correct_view,
        name="assessment_correct",
    ),
    path(
        "assessment/entries/<int:entry_id>/evidence/",
        assessment.assessment_evidence,
        name="assessment_evidence",
    ),
    # The monthly meeting (R-MTG-1 … R-MTG-4)
    path("meetings/", meetings.meeting_list, name="meeting_list"),
    path("meetings/export/", meetings.meeting_list_xlsx, name="meeting_list_xlsx"),
    path("meetings/new/", meetings.meeting_schedule, name="meeting_schedule"),
    path("meetings/<int:meeting_id>/", meetings.meeting_detail, name="meeting_detail"),
    path("meetings/<int:meeting_id>/sign-in/", meetings.meeting_sign_in, name="meeting_sign_in"),
    path("meetings/<int:meeting_id>/excuse/", meetings.meeting_excuse, name="meeting_excuse"),
    path("meetings/<int:meeting_id>/minutes/", meetings.meeting_minutes, name="meeting_minutes"),
    path("meetings/<int:meeting_id>/agenda/", meetings.meeting_agenda, name="meeting_agenda"),
    path("meetings/<int:meeting_id>/actions/", meetings.meeting_action, name="meeting_action"),
    path("meetings/<int:meeting_id>/record.xlsx", meetings.meeting_record_xlsx, name="meeting_record_xlsx"),
    path("meetings/<int:meeting_id>/pack/", meetings.meeting_pack_view, name="meeting_pack"),
    path("meetings/<int:meeting_id>/pack.pdf", meetings.meeting_pack_pdf, name="meeting_pack_pdf"),
    path("meetings/<int:meeting_id>/pack.xlsx", meetings.meeting_pack_xlsx, name="meeting_pack_xlsx"),
    path(
        "meetings/actions/<int:action_item_id>/close/", meetings.action_item_close, name="action_item_close"
    ),
]
