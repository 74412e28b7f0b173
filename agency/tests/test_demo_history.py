"""The demo's full-agency history (`demo.agency_history.play_agency`): one project at every stage, made through
the services, and played twice without a second copy."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine

from agency.models import (
    AgencyDelay,
    AgencyLicence,
    AgencyProject,
    AgencyTask,
    HandOver,
    ProjectState,
    TaskState,
)
from demo.agency_history import CLOSED, CONFIRMED, HANDED_OVER, PROPOSED, play_agency

from .helpers import at

pytestmark = pytest.mark.usefixtures("national_calendar")


def test_play_agency_makes_one_project_at_every_stage_once(hall: Any, deputy: Any) -> None:
    with time_machine.travel(at(6, 15), tick=False):
        summary = play_agency(hall.center, today=date(2026, 6, 15))
        again = play_agency(hall.center, today=date(2026, 6, 15))
    assert summary.made == [PROPOSED, CONFIRMED, HANDED_OVER, CLOSED] and again.made == []
    states = dict(AgencyProject.objects.values_list("name", "state"))
    assert states == {
        PROPOSED: ProjectState.PROPOSED,
        CONFIRMED: ProjectState.CONFIRMED,
        HANDED_OVER: ProjectState.HANDED_OVER,
        CLOSED: ProjectState.CLOSED,
    }
    in_progress = AgencyProject.objects.get(name=CONFIRMED)
    assert sorted(AgencyLicence.objects.filter(project=in_progress).values_list("stage", flat=True)) == [
        "complete",
        "gathering",
        "joint_review",
    ]
    assert sorted(AgencyTask.objects.filter(project=in_progress).values_list("state", flat=True)) == [
        TaskState.ASSIGNED,
        TaskState.TAKEN,
    ]
    assert AgencyDelay.objects.get(project=in_progress).reported_on == date(2026, 5, 29)
    assert HandOver.objects.count() == 2
