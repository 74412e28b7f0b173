"""The joint site survey (R-PAR-6) and the monthly joint review meeting (R-PAR-7): organised by the lead and the
centre, signed and countersigned by each participant in their own login, and the matters put to the county
coordination leading group with their recorded decision."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from common.errors import PermissionDenied, RuleViolation

from ..models import ReviewItem
from ..services import (
    joint_countersign,
    joint_matter_decide,
    joint_matter_refer,
    joint_meeting_convene,
    joint_meeting_opinion,
    joint_survey_record,
    joint_survey_sign,
    review_day,
)
from .helpers import at, make_project, opened

pytestmark = pytest.mark.usefixtures("national_calendar")


def test_r_par_6_the_lead_records_a_joint_site_survey_each_participant_signs_it(hall: Any) -> None:
    project = make_project(hall)
    joint_case = opened(hall, project)
    participants = [project.planning.chief, project.housing.clerk]
    with pytest.raises(PermissionDenied):  # the survey is the lead's to organise
        joint_survey_record(
            actor=project.planning.chief.user,
            joint_case=joint_case,
            surveyed_on=date(2026, 11, 5),
            place="项目用地现场",
            participants=participants,
            findings="现场与规划一致。",
            at=at(11, 5, 16),
        )
    with pytest.raises(RuleViolation) as stranger:
        joint_survey_record(
            actor=hall.chief.user,
            joint_case=joint_case,
            surveyed_on=date(2026, 11, 5),
            place="项目用地现场",
            participants=[hall.other_clerk],
            findings="现场与规划一致。",
            at=at(11, 5, 16),
        )
    assert stranger.value.field == "participants"
    survey = joint_survey_record(
        actor=hall.chief.user,
        joint_case=joint_case,
        surveyed_on=date(2026, 11, 5),
        place="项目用地现场",
        participants=participants,
        findings="用地红线与规划条件一致；进场道路需拓宽。",
        at=at(11, 5, 16),
    )
    signed = {s.staff_id: s.signed_at is not None for s in survey.signatures.all()}
    assert signed == {hall.chief.pk: True, project.planning.chief.pk: False, project.housing.clerk.pk: False}
    with pytest.raises(PermissionDenied):  # nobody signs for another
        joint_survey_sign(actor=project.environment.chief.user, survey=survey)
    joint_survey_sign(actor=project.planning.chief.user, survey=survey, at=at(11, 5, 17))
    with pytest.raises(RuleViolation):
        joint_survey_sign(actor=project.planning.chief.user, survey=survey)


def test_r_par_7_the_meeting_on_the_centre_s_day_countersigned_by_each_chief_representative(
    hall: Any,
) -> None:
    project = make_project(hall)
    joint_case = opened(hall, project)
    # The 10th by default; 10 January 2027 is a Sunday: the next working day.
    assert review_day(hall.center, 2026, 12) == date(2026, 12, 10)
    assert review_day(hall.center, 2027, 1) == date(2027, 1, 11)
    with pytest.raises(PermissionDenied):
        joint_meeting_convene(
            actor=hall.chief.user, center=hall.center, year=2026, month=11, place="三楼会议室"
        )
    meeting = joint_meeting_convene(
        actor=hall.coordination.user,
        center=hall.center,
        year=2026,
        month=11,
        place="三楼会议室",
        at=at(11, 2, 16),
    )
    assert meeting.held_on == date(2026, 11, 10)
    with pytest.raises(RuleViolation) as twice:
        joint_meeting_convene(actor=hall.director.user, center=hall.center, year=2026, month=11, place="x")
    assert twice.value.code == "convened"
    item = ReviewItem.objects.get(meeting=meeting)
    assert item.joint_case_id == joint_case.pk  # the pending joint case is on the agenda
    with pytest.raises(RuleViolation) as early:
        joint_meeting_opinion(actor=hall.chief.user, item=item, opinion="原则同意", at=at(11, 9))
    assert early.value.code == "not_held"
    with pytest.raises(RuleViolation) as nothing:
        joint_countersign(actor=project.planning.chief.user, item=item, at=at(11, 10, 10))
    assert nothing.value.code == "no_opinion"
    joint_meeting_opinion(
        actor=hall.chief.user, item=item, opinion="原则同意，住建局按审查意见办理。", at=at(11, 10, 9)
    )
    for chief in (hall.chief, project.planning.chief, project.housing.chief):
        joint_countersign(actor=chief.user, item=item, at=at(11, 10, 10))
    with pytest.raises(RuleViolation):  # once per department
        joint_countersign(actor=project.planning.chief.user, item=item, at=at(11, 10, 11))
    with pytest.raises(PermissionDenied):  # a clerk does not countersign for the department
        joint_countersign(actor=project.environment.clerk.user, item=item, at=at(11, 10, 11))
    with pytest.raises(RuleViolation) as frozen:  # the opinion is fixed once countersigned
        joint_meeting_opinion(actor=hall.chief.user, item=item, opinion="改", at=at(11, 10, 12))
    assert frozen.value.code == "countersigned"
    assert sorted(c.staff.name for c in item.countersignatures.all()) == sorted(
        [hall.chief.name, project.planning.chief.name, project.housing.chief.name]
    )
    # A major matter goes to the county coordination leading group; its decision is recorded once.
    matter = joint_matter_refer(
        actor=hall.coordination.user,
        meeting=meeting,
        joint_case=joint_case,
        matter="项目进场道路拓宽涉及跨部门资金，提请县行政审批协调领导小组决定。",
        at=at(11, 10, 15),
    )
    with pytest.raises(RuleViolation) as too_early:
        joint_matter_decide(
            actor=hall.director.user,
            matter=matter,
            decision="同意",
            decided_on=date(2026, 11, 9),
            at=at(11, 13),
        )
    assert too_early.value.field == "decided_on"
    decided = joint_matter_decide(
        actor=hall.director.user,
        matter=matter,
        decision="由交通运输局牵头拓宽，县财政安排资金。",
        decided_on=date(2026, 11, 12),
        at=at(11, 13),
    )
    assert decided.decided_on == date(2026, 11, 12)
    with pytest.raises(RuleViolation):
        joint_matter_decide(
            actor=hall.director.user,
            matter=matter,
            decision="再议",
            decided_on=date(2026, 11, 13),
            at=at(11, 13),
        )
