"""The staffing staff pages, mounted at /staff/staffing/."""

from django.urls import path

from .views import duty, leave

app_name = "staffing"

urlpatterns = [
    # --- duty rosters and spot checks (R-ATT-1/7, R-PUB-6) ---
    path("duty/", duty.duty_roster, name="duty_roster"),
    path("duty/assign/", duty.duty_assign, name="duty_assign"),
    path("duty/<int:pk>/swap/", duty.duty_swap, name="duty_swap"),
    path("duty/disputes/", duty.dispute_report, name="dispute_report"),
    path("duty/disputes/<int:pk>/close/", duty.dispute_close, name="dispute_close"),
    path("spot-checks/", duty.spot_checks, name="spot_checks"),
    path("spot-checks/record/", duty.spot_check_record, name="spot_check_record"),
    path("explanations/", duty.explanations, name="explanations"),
    path("explanations/<int:pk>/answer/", duty.explanation_answer, name="explanation_answer"),
    path("board/", duty.board, name="board"),
    path("sheet/", duty.sheet, name="sheet"),
    path("terminals/", duty.terminals, name="terminals"),
    # --- leave (R-ATT-3..9) ---
    path("leave/", leave.leave_mine, name="leave_mine"),
    path("leave/approvals/", leave.leave_approvals, name="leave_approvals"),
    path("leave/<int:pk>/", leave.leave_detail, name="leave_detail"),
    path("leave/<int:pk>/decide/", leave.leave_decide, name="leave_decide"),
    path("leave/<int:pk>/return/", leave.leave_return, name="leave_return"),
    path("leave/<int:pk>/withdraw/", leave.leave_withdraw, name="leave_withdraw"),
    path("leave/<int:pk>/attachment/", leave.leave_attachment, name="leave_attachment"),
]
