"""Who may see a case and its applicant's personal data (cases/access.py; R-ORG-1, security by default)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from cases.access import can_see_applicant, case_for_user, cases_for_user, log_applicant_access, window_ids_of
from cases.models import Case, CaseState
from common.errors import NotFound
from common.models import PersonalDataAccess
from org.models import Role
from org.tests import factories as f

from .factories import make_case, make_item_for


def _case(hall: Any, window: Any = None, **fields: Any) -> Case:
    window = window or hall.window
    post = (
        hall.post if window == hall.window else f.make_post(window, a=hall.other_clerk, backups=[hall.backup])
    )
    return make_case(
        window=window,
        item=make_item_for(window, post),
        received_by=hall.clerk if window == hall.window else hall.other_clerk,
        state=CaseState.RECEIVED,
        received_on=date(2026, 9, 28),
        **fields,
    )


def test_window_staff_see_the_cases_of_their_window_only(hall: Any) -> None:
    mine = _case(hall)
    theirs = _case(hall, hall.other_window)
    assert list(cases_for_user(hall.clerk.user)) == [mine]
    assert list(cases_for_user(hall.other_clerk.user)) == [theirs]
    assert case_for_user(hall.clerk.user, mine.pk) == mine
    with pytest.raises(NotFound):
        case_for_user(hall.clerk.user, theirs.pk)


def test_a_b_of_a_post_sees_the_cases_of_the_posts_window(hall: Any) -> None:
    theirs = _case(hall, hall.other_window)  # hall.backup is a B of the other window's post too
    assert hall.other_window.pk in window_ids_of(hall.backup.user)
    assert case_for_user(hall.backup.user, theirs.pk) == theirs


def test_centre_wide_roles_see_every_case_of_the_centre(hall: Any) -> None:
    cases = {_case(hall), _case(hall, hall.other_window)}
    for staff in (hall.supervision, hall.coordination, hall.office, hall.director, hall.sysadmin):
        assert set(cases_for_user(staff.user)) == cases


def test_r_org_1_another_centres_user_sees_nothing(hall: Any) -> None:
    case = _case(hall)
    assert not cases_for_user(hall.outsider.user).exists()
    with pytest.raises(NotFound):
        case_for_user(hall.outsider.user, case.pk)
    with pytest.raises(NotFound):
        case_for_user(hall.clerk.user, 999999)


def test_a_parent_centres_supervision_sees_the_child_centres_cases(hall: Any) -> None:
    parent = f.make_center(code="city", name="市政务服务中心")
    hall.center.parent = parent
    hall.center.save()
    city = f.make_staff(parent, name="市稽查")
    f.grant(city.user, parent, Role.SUPERVISION)
    case = _case(hall)
    assert case_for_user(city.user, case.pk) == case


def test_applicant_data_only_for_the_windows_staff_and_the_director(hall: Any) -> None:
    case = _case(hall)
    assert can_see_applicant(hall.clerk.user, case)
    assert can_see_applicant(hall.backup.user, case)
    assert can_see_applicant(hall.chief.user, case)
    assert can_see_applicant(hall.director.user, case)
    assert not can_see_applicant(hall.supervision.user, case)
    assert not can_see_applicant(hall.coordination.user, case)
    assert not can_see_applicant(hall.other_clerk.user, case)
    assert not can_see_applicant(hall.outsider.user, case)


def test_every_display_of_applicant_data_is_logged(hall: Any) -> None:
    case = _case(hall)
    log_applicant_access(user=hall.clerk.user, case=case, purpose="查看办件")
    log_applicant_access(user=hall.clerk.user, case=case, purpose="查看办件")
    rows = list(
        PersonalDataAccess.objects.order_by("id").values_list(
            "center", "user", "subject_type", "subject_id", "purpose"
        )
    )
    assert rows == [(hall.center.pk, hall.clerk.user.pk, "cases.case", str(case.pk), "查看办件")] * 2
