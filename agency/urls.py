"""Full agency's pages (R-AGT-1 … R-AGT-6), mounted at /staff/agency/."""

from django.urls import path

from . import views

app_name = "agency"

urlpatterns = [
    path("", views.board, name="board"),
    path("export/", views.board_xlsx, name="board_xlsx"),
    path("new/", views.project_propose, name="project_propose"),
    path("<int:project_id>/", views.project_detail, name="project_detail"),
    path("<int:project_id>/confirm/", views.project_confirm, name="project_confirm"),
    path("<int:project_id>/members/", views.member_add, name="member_add"),
    path("<int:project_id>/meetings/", views.meeting_record, name="meeting_record"),
    path("<int:project_id>/tasks/", views.task_assign, name="task_assign"),
    path("<int:project_id>/tasks/take/", views.task_take, name="task_take"),
    path("<int:project_id>/tasks/finish/", views.task_finish, name="task_finish"),
    path("<int:project_id>/licences/", views.licence_add, name="licence_add"),
    path("<int:project_id>/licences/stage/", views.licence_move, name="licence_move"),
    path("<int:project_id>/hand-over/", views.hand_over_sign, name="hand_over_sign"),
    path("<int:project_id>/hand-over.pdf", views.hand_over_pdf, name="hand_over_pdf"),
    path("<int:project_id>/delays/", views.delay_record, name="delay_record"),
    path("<int:project_id>/delays/report/", views.delay_report, name="delay_report"),
    path("<int:project_id>/close/", views.project_close, name="project_close"),
]
