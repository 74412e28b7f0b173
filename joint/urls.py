from django.urls import path

from . import views

app_name = "joint"

LANE_STEPS = ("notify", "receive", "opinion", "report-up", "second-procedure")
CASE_STEPS = ("correction", "inspect", "survey")
MEETING_STEPS = ("opinion", "countersign", "refer", "decide")

urlpatterns = [
    path("", views.joint_list, name="list"),
    path("open/<int:case_id>/", views.joint_open, name="open"),
    path("<int:joint_case_id>/", views.joint_detail, name="detail"),
    path("<int:joint_case_id>/provincial.json", views.joint_provincial, name="provincial"),
    *[
        path(f"<int:joint_case_id>/{step}/", views.case_action, {"action": step}, name=f"case_{step}")
        for step in CASE_STEPS
    ],
    *[
        path(f"lanes/<int:lane_id>/{step}/", views.lane_action, {"action": step}, name=f"lane_{step}")
        for step in LANE_STEPS
    ],
    path("lanes/<int:lane_id>/notice.pdf", views.lane_notice_pdf, name="lane_notice_pdf"),
    path("surveys/<int:survey_id>/sign/", views.survey_sign, name="survey_sign"),
    path("lateness/", views.lateness, name="lateness"),
    path("review-meetings/", views.meetings, name="meetings"),
    path("review-meetings/<int:review_meeting_id>/", views.meeting, name="meeting"),
    *[
        path(
            f"review-meetings/<int:review_meeting_id>/{step}/",
            views.meeting_action,
            {"action": step},
            name=f"meeting_{step}",
        )
        for step in MEETING_STEPS
    ],
]
