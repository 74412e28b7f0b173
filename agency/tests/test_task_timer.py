"""An agency task runs on a working-day timer (R-AGT-3): its deadline counted in working days on the centre's
calendar (over the national holidays), its colour turning yellow then red on the project's page, the board and
the API, and an overdue task recorded as its window's delay for the discipline authority (R-AGT-6), once, naming
who answers for it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine

from agency import services
from agency.models import AgencyDelay, AgencyProject, AgencyTask, DelayKind, TaskState
from agency.selectors import project_board, project_page
from api.tests.helpers import token_client
from common.models import HistoryEntry
from workdays.models import Timer, TimerKind, TimerState, TimerWarning
from workdays.services import calendar_day_set
from workdays.timers import timers_sweep

from .helpers import at, confirmed, handed_over

pytestmark = pytest.mark.usefixtures("national_calendar")


def _assign(hall: Any, project: AgencyProject, *, due_days: int = 3) -> AgencyTask:
    """A task assigned on Wednesday 29 April 2026, the last days before the Labour Day holiday (1–5 May)."""
    return services.agency_task_assign(
        actor=hall.coordination.user,
        project=project,
        window=hall.window,
        title="出具规划设计条件",
        due_days=due_days,
        at=at(4, 29, 10),
    )


def _colours(project: AgencyProject, on: date) -> list[str]:
    return [colour for _task, colour in project_page(project, today=on).task_rows]


def test_r_agt_3_a_task_s_deadline_counts_working_days_over_the_national_holiday(
    hall: Any, deputy: Any
) -> None:
    project = confirmed(hall, deputy)
    task = _assign(hall, project)
    # 30 April, then the holiday (1–5 May) is skipped: 6 and 7 May.
    assert task.due_on == date(2026, 5, 7)
    timer = Timer.objects.get(kind=TimerKind.AGENCY_TASK, subject_id=task.pk)
    assert task.timer_id == timer.pk and timer.center_id == hall.center.pk
    assert (timer.started_on, timer.budget_days, timer.deadline) == (date(2026, 4, 29), 3, date(2026, 5, 7))
    assert timer.warn_from == date(2026, 5, 6)  # one working day before the deadline (R-CLK-6)


def test_r_agt_3_a_task_s_due_date_follows_the_calendar(hall: Any, deputy: Any) -> None:
    project = confirmed(hall, deputy)
    task = _assign(hall, project)
    calendar_day_set(actor=None, center=hall.center, day=date(2026, 5, 6), kind="holiday", name="县庆")
    task.refresh_from_db()
    assert task.due_on == date(2026, 5, 8) == Timer.objects.get(pk=task.timer_id).deadline
    assert HistoryEntry.objects.filter(action="agency_task_deadline_moved", rule="R-AGT-3").exists()


def test_r_agt_3_a_task_turns_yellow_then_red_on_the_page_the_board_and_the_api(
    hall: Any, deputy: Any, login: Any
) -> None:
    project = confirmed(hall, deputy)
    _assign(hall, project)
    assert _colours(project, date(2026, 4, 30)) == ["green"]
    assert _colours(project, date(2026, 5, 6)) == ["yellow"]
    assert _colours(project, date(2026, 5, 7)) == ["yellow"]
    assert _colours(project, date(2026, 5, 8)) == ["red"]

    (row,) = project_board(hall.center, today=date(2026, 4, 30))
    assert (row.open_tasks, row.yellow_tasks, row.overdue_tasks) == (1, 0, 0)
    (row,) = project_board(hall.center, today=date(2026, 5, 6))
    assert (row.open_tasks, row.yellow_tasks, row.overdue_tasks) == (1, 1, 0)
    (row,) = project_board(hall.center, today=date(2026, 5, 8))
    assert (row.open_tasks, row.yellow_tasks, row.overdue_tasks) == (1, 0, 1)

    client = login(hall.clerk)
    with time_machine.travel(at(5, 6, 10), tick=False):
        page = client.get(f"/staff/agency/{project.pk}/").content.decode()
        assert 'data-colour="yellow"' in page
        api = token_client(hall.clerk).get(f"/api/v1/centers/{hall.center.code}/agency-projects")
        assert api.json()[0]["yellow_tasks"] == 1
    with time_machine.travel(at(5, 8, 10), tick=False):
        page = client.get(f"/staff/agency/{project.pk}/").content.decode()
        assert 'data-colour="red"' in page
        board = client.get("/staff/agency/").content.decode()
        assert '<span class="badge bad">1</span>' in board
        detail = token_client(hall.clerk).get(
            f"/api/v1/centers/{hall.center.code}/agency-projects/{project.pk}"
        )
        assert detail.json()["tasks"][0]["colour"] == "red"


def test_r_agt_3_a_task_done_in_time_finishes_its_timer_and_records_no_delay(hall: Any, deputy: Any) -> None:
    project = confirmed(hall, deputy)
    task = _assign(hall, project)
    services.agency_task_take(actor=hall.chief.user, task=task, at=at(4, 30))
    services.agency_task_finish(actor=hall.chief.user, task=task, result="已出具", at=at(5, 7, 16))
    timer = Timer.objects.get(pk=task.timer_id)
    assert (
        timer.state == TimerState.FINISHED
        and timer.finished_on == date(2026, 5, 7)
        and timer.red_since is None
    )
    assert _colours(project, date(2026, 5, 20)) == [""]
    assert timers_sweep(today=date(2026, 5, 20)) == 0
    assert not AgencyDelay.objects.exists()


def test_r_agt_3_an_overdue_task_is_recorded_as_its_window_s_delay_once(hall: Any, deputy: Any) -> None:
    project = confirmed(hall, deputy)
    task = _assign(hall, project)
    services.agency_task_take(actor=hall.chief.user, task=task, at=at(4, 30))
    assert timers_sweep(today=date(2026, 5, 7)) == 0
    assert not AgencyDelay.objects.exists()
    # Yellow on its first yellow day, with the chief representative who took it answering for it (R-DATA-3).
    yellow = TimerWarning.objects.get(subject_id=task.pk, kind=TimerKind.AGENCY_TASK, colour="yellow")
    assert yellow.turned_on == date(2026, 5, 6) and yellow.responsible_id == hall.chief.pk
    assert yellow.department_id == hall.department.pk and "出具规划设计条件" in yellow.subject_label

    assert timers_sweep(today=date(2026, 5, 8)) == 1
    delay = AgencyDelay.objects.get()
    assert (delay.project, delay.kind, delay.window, delay.task) == (
        project,
        DelayKind.OVERDUE,
        hall.window,
        task,
    )
    assert delay.member == hall.chief and delay.recorded_by is None and delay.reported_on is None
    assert "2026-05-07" in delay.description
    entry = HistoryEntry.objects.get(action="agency_task_overdue")
    assert entry.rule == "R-AGT-6" and entry.subject_id == str(project.pk)
    assert TimerWarning.objects.get(subject_id=task.pk, colour="red").turned_on == date(2026, 5, 8)

    # Swept again, then finished late: still the one delay; the timer finishes.
    assert timers_sweep(today=date(2026, 5, 11)) == 0
    services.agency_task_finish(actor=hall.chief.user, task=task, result="已出具", at=at(5, 11))
    assert AgencyDelay.objects.count() == 1
    assert Timer.objects.get(pk=task.timer_id).state == TimerState.FINISHED


def test_r_agt_3_a_task_finished_late_before_the_sweep_is_recorded_against_the_window_s_head(
    hall: Any, deputy: Any
) -> None:
    hall.window.head = hall.backup  # the head is not the chief representative (not on the team)
    hall.window.save()
    project = confirmed(hall, deputy)
    task = _assign(hall, project)
    services.agency_task_take(actor=hall.backup.user, task=task, at=at(5, 6))
    services.agency_task_finish(actor=hall.backup.user, task=task, result="已出具", at=at(5, 8, 10))
    delay = AgencyDelay.objects.get()
    assert delay.kind == DelayKind.OVERDUE and delay.window == hall.window and delay.task == task
    assert delay.member is None  # who took it is not a member of the team: the window answers
    assert Timer.objects.get(pk=task.timer_id).red_since == date(2026, 5, 8)


def test_r_agt_3_the_hand_over_finishes_the_timers_of_the_tasks_still_open(hall: Any, deputy: Any) -> None:
    project = confirmed(hall, deputy)
    task = _assign(hall, project, due_days=20)
    handed_over(hall, deputy, project, when=at(4, 30))
    task.refresh_from_db()
    assert task.state == TaskState.ASSIGNED
    assert Timer.objects.get(pk=task.timer_id).state == TimerState.FINISHED
    assert timers_sweep(today=date(2026, 8, 3)) == 0
    assert not AgencyDelay.objects.exists()
    (row,) = project_board(hall.center, today=date(2026, 8, 3))
    assert row.overdue_tasks == 0
