"""Reading full agency (R-AGT-1 … R-AGT-6): the project board (each project with its licences counted by stage,
its open tasks and how many of them are yellow or red) and one project's page (each task with its colour). Each
read is a fixed number of queries, bounded.

A task's colour is its working-day timer's (R-AGT-3, R-CLK-6): yellow from the timer's first yellow day, red after
its deadline, none once done. A task assigned before the timers came has only its `due_on`: red after it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from org.models import Center
from workdays.models import TimerState
from workdays.timers import GREEN, RED, YELLOW, colour_filter

from .models import (
    STAGE_ORDER,
    AgencyDelay,
    AgencyLicence,
    AgencyMeeting,
    AgencyProject,
    AgencyTask,
    AgencyTeamMember,
    HandOver,
    HandOverRow,
    LicenceStage,
    LicenceStageChange,
    ProjectState,
    TaskState,
    TeamRole,
)

BOARD_LIMIT = 300
PAGE_LIMIT = 500


@dataclass
class BoardRow:
    project: AgencyProject
    leader: str = ""
    by_stage: dict[str, int] = field(default_factory=dict)
    open_tasks: int = 0
    yellow_tasks: int = 0
    overdue_tasks: int = 0
    delays: int = 0

    @property
    def licences(self) -> int:
        return sum(self.by_stage.values())

    @property
    def stage_counts(self) -> list[int]:
        """The counts in stage order, for the board's columns."""
        return [self.by_stage.get(stage, 0) for stage in STAGE_ORDER]


def task_colour(task: AgencyTask, today: date) -> str:
    """The colour of `task` on `today` (R-AGT-3): "red", "yellow", "green", or "" when done (or its timer
    finished). From the timer's stored deadline and first yellow day, read with the task."""
    if task.state == TaskState.DONE:
        return ""
    timer = task.timer
    if timer is None:
        return RED if today > task.due_on else ""
    if timer.state != TimerState.RUNNING or timer.deadline is None:
        return ""
    if today > timer.deadline:
        return RED
    if timer.warn_from is not None and today >= timer.warn_from:
        return YELLOW
    return GREEN


def _colour_of_tasks(colour: str, today: date) -> Q:
    """Open tasks whose colour on `today` is `colour`, in SQL (the same as `task_colour`)."""
    found = colour_filter(colour, today, prefix="timer__")
    if colour == RED:
        found |= Q(timer__isnull=True, due_on__lt=today)
    return found


def project_board(center: Center, *, state: str = "", today: date) -> list[BoardRow]:
    """The centre's projects (the latest first, at most `BOARD_LIMIT`), each with its leader, its licences
    counted by stage, its open tasks (how many yellow, how many red) and its delays. Four queries."""
    projects = AgencyProject.objects.filter(center=center)
    if state in ProjectState.values:
        projects = projects.filter(state=state)
    rows = {
        p.pk: BoardRow(project=p)
        for p in projects.annotate(delay_count=Count("delays")).order_by("-proposed_at", "-id")[:BOARD_LIMIT]
    }
    ids = list(rows)
    for row in rows.values():
        row.delays = getattr(row.project, "delay_count", 0)
    for project_id, stage, count in (
        AgencyLicence.objects.filter(project_id__in=ids)
        .values_list("project_id", "stage")
        .annotate(n=Count("id"))
        .order_by()
    ):
        rows[project_id].by_stage[stage] = count
    for project_id, open_count, yellow, overdue in (
        AgencyTask.objects.filter(project_id__in=ids)
        .exclude(state=TaskState.DONE)
        .values_list("project_id")
        .annotate(
            n=Count("id"),
            yellow=Count("id", filter=_colour_of_tasks(YELLOW, today)),
            late=Count("id", filter=_colour_of_tasks(RED, today)),
        )
        .order_by()
    ):
        rows[project_id].open_tasks = open_count
        rows[project_id].yellow_tasks = yellow
        rows[project_id].overdue_tasks = overdue
    for project_id, name in AgencyTeamMember.objects.filter(
        project_id__in=ids, role=TeamRole.LEADER
    ).values_list("project_id", "staff__name"):
        rows[project_id].leader = name
    return list(rows.values())


@dataclass
class LicenceRow:
    licence: AgencyLicence
    log: list[LicenceStageChange]

    @property
    def next_stage(self) -> str | None:
        index = self.licence.stage_index
        return STAGE_ORDER[index + 1] if index + 1 < len(STAGE_ORDER) else None

    @property
    def next_label(self) -> str:
        return str(LicenceStage(self.next_stage).label) if self.next_stage else ""

    @property
    def earlier(self) -> list[tuple[str, str]]:
        return [(s, str(LicenceStage(s).label)) for s in STAGE_ORDER[: self.licence.stage_index]]


@dataclass
class ProjectPage:
    project: AgencyProject
    members: list[AgencyTeamMember]
    meetings: list[AgencyMeeting]
    tasks: list[AgencyTask]
    licences: list[LicenceRow]
    delays: list[AgencyDelay]
    hand_over: HandOver | None
    hand_over_rows: list[HandOverRow]
    today: date = field(default_factory=timezone.localdate)

    @property
    def task_rows(self) -> list[tuple[AgencyTask, str]]:
        """Each task with its colour today (`task_colour`)."""
        return [(task, task_colour(task, self.today)) for task in self.tasks]

    @property
    def all_issued(self) -> bool:
        return bool(self.licences) and all(r.licence.stage == LicenceStage.ISSUED for r in self.licences)

    @property
    def windows(self) -> list[int]:
        """The windows the project involves (its chief representatives', tasks' and licences')."""
        found = {m.window_id for m in self.members if m.window_id}
        found |= {t.window_id for t in self.tasks} | {r.licence.window_id for r in self.licences}
        return sorted(w for w in found if w is not None)


def project_page(project: AgencyProject, *, today: date | None = None) -> ProjectPage:
    """Everything one project's page shows, its tasks coloured on `today` (the centre's today by default); a fixed
    number of queries, each bounded."""
    members = list(
        AgencyTeamMember.objects.filter(project=project).select_related("staff", "window").order_by("id")
    )
    meetings = list(
        AgencyMeeting.objects.filter(project=project)
        .prefetch_related("attendees")
        .order_by("-held_at", "-id")[:PAGE_LIMIT]
    )
    tasks = list(
        AgencyTask.objects.filter(project=project)
        .select_related("window", "taken_by", "meeting", "timer")
        .order_by("assigned_at", "id")[:PAGE_LIMIT]
    )
    licences = list(
        AgencyLicence.objects.filter(project=project)
        .select_related("window__department", "item")
        .prefetch_related(
            Prefetch(
                "stage_log",
                queryset=LicenceStageChange.objects.select_related("actor__staff_profile").order_by(
                    "at", "id"
                ),
            )
        )
        .order_by("id")[:PAGE_LIMIT]
    )
    delays = list(
        AgencyDelay.objects.filter(project=project)
        .select_related("member", "window", "task", "recorded_by__staff_profile")
        .order_by("recorded_at", "id")[:PAGE_LIMIT]
    )
    hand_over = HandOver.objects.filter(project=project).select_related("signed_by").first()
    rows: list[HandOverRow] = []
    if hand_over is not None:
        rows = list(hand_over.rows.order_by("id"))
    by_licence: dict[int, list[LicenceStageChange]] = defaultdict(list)
    for licence in licences:
        by_licence[licence.pk] = list(licence.stage_log.all())
    return ProjectPage(
        project=project,
        members=members,
        meetings=meetings,
        tasks=tasks,
        licences=[LicenceRow(licence=lic, log=by_licence[lic.pk]) for lic in licences],
        delays=delays,
        hand_over=hand_over,
        hand_over_rows=rows,
        today=today or timezone.localdate(),
    )
