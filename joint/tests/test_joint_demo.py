"""The demo centre's joint cases (`demo.joint_history.play_joint`, played by `load_demo`): one at every stage,
made through the case and joint services, and not made twice."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from cases.models import CaseState
from demo.joint_history import STAGES, play_joint
from org.models import Center

from ..models import JointCase, JointLane, JointLateness, JointState

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_r_par_3_r_par_8_r_par_10_r_par_11_the_demo_has_a_joint_case_at_every_stage(settings: Any) -> None:
    settings.DEMO_CASES_SCALE = 0.01
    call_command("load_demo", stdout=StringIO())
    county = Center.objects.get(code="demo-county")
    cases = {
        j.case.organisation_name: j for j in JointCase.objects.filter(center=county).select_related("case")
    }
    assert sorted(cases) == sorted(stage.enterprise for stage in STAGES)
    states = [cases[stage.enterprise].state for stage in STAGES]
    assert states == [
        JointState.REVIEWING,
        JointState.SECOND_PROCEDURE,
        JointState.REVIEWING,
        JointState.OPINIONS_IN,
        JointState.INSPECTED,
    ]
    assert all(j.case.state == CaseState.ACCEPTED and j.case.window.number == "F01" for j in cases.values())
    # The first: two departments notified, one received; the others not yet notified.
    first = JointLane.objects.filter(joint_case=cases[STAGES[0].enterprise])
    assert (first.exclude(notified_at=None).count(), first.exclude(received_at=None).count()) == (2, 1)
    # The cold-chain project's transport bureau overran its limit: recorded, with its chief representative.
    late = JointLateness.objects.filter(lane__joint_case=cases[STAGES[2].enterprise])
    assert [(r.department.code, r.responsible is not None) for r in late] == [("tr", True)]
    assert play_joint(county).made == []  # played again: nothing new
