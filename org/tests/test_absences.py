"""Absences (R-ORG-7): a return ends a running absence at that moment and keeps the past; only an absence that
has not started can be cancelled."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from common.errors import PermissionDenied, RuleViolation
from common.history import history_of
from common.models import HistoryEntry
from org import services
from org.models import Absence
from org.services import Holder

from .helpers import absent, at

STARTS, ENDS = at(2026, 3, 2, 8), at(2026, 3, 6, 17)  # a week's leave of the post's A
RETURN = at(2026, 3, 3, 14, 30)


def _return(hall, absence, reason="提前销假", when=RETURN):
    with time_machine.travel(when, tick=False):
        return services.absence_end(actor=hall.supervision.user, absence=absence, reason=reason)


def _unchanged(absence: Absence, before: Absence) -> None:
    absence.refresh_from_db()
    assert (absence.starts_at, absence.ends_at, absence.planned_ends_at, absence.cancelled_at) == (
        before.starts_at,
        before.ends_at,
        before.planned_ends_at,
        before.cancelled_at,
    )


def test_r_org_7_a_return_ends_the_absence_at_that_moment_and_keeps_the_past(hall):
    leave = absent(hall.clerk, STARTS, ENDS)
    _return(hall, leave)

    leave.refresh_from_db()
    assert (leave.starts_at, leave.ends_at, leave.planned_ends_at, leave.cancelled_at) == (
        STARTS,
        RETURN,
        ENDS,
        None,
    )
    entry = history_of(hall.clerk).get(action="absence_end")
    assert (entry.actor, entry.rule, entry.reason) == (hall.supervision.user, "R-ORG-7", "提前销假")
    assert entry.changes == {
        "absence": leave.pk,
        "ends_at": ["2026-03-06T09:00:00+00:00", "2026-03-03T06:30:00+00:00"],  # stored in UTC
    }
    # The past stays as it was: A was away and B covered until the return; A holds the post from then on.
    assert services.is_on_duty(hall.clerk, at(2026, 3, 3, 14, 29)) is False
    assert services.post_holder_at(hall.post, at(2026, 3, 2, 10)) == Holder(staff=hall.backup, acting_as="B")
    assert services.post_holder_at(hall.post, at(2026, 3, 3, 14, 29)) == Holder(
        staff=hall.backup, acting_as="B"
    )
    assert services.is_on_duty(hall.clerk, RETURN) is True
    assert services.post_holder_at(hall.post, RETURN) == Holder(staff=hall.clerk, acting_as="A")
    assert services.post_holder_at(hall.post, at(2026, 3, 5, 10)) == Holder(staff=hall.clerk, acting_as="A")


def test_r_org_7_a_return_is_refused_before_the_start_after_the_end_and_when_cancelled(hall):
    leave = absent(hall.clerk, STARTS, ENDS)
    history = HistoryEntry.objects.count()
    for when, message in [
        (at(2026, 3, 1, 9), "该离岗尚未开始，不能登记返岗；如不再离岗，请撤销该记录。"),
        (STARTS, "该离岗尚未开始，不能登记返岗；如不再离岗，请撤销该记录。"),
        (ENDS, "该离岗已于2026-03-06 17:00结束，无需登记返岗。"),
    ]:
        with pytest.raises(RuleViolation) as refused:
            _return(hall, leave, when=when)
        assert (refused.value.rule, refused.value.message) == ("R-ORG-7", message)
        _unchanged(leave, leave)

    with pytest.raises(RuleViolation) as refused:
        _return(hall, leave, reason="  ")
    assert (refused.value.rule, refused.value.field, refused.value.message) == (
        "R-ORG-7",
        "reason",
        "请填写返岗说明。",
    )
    _unchanged(leave, leave)

    future = absent(hall.clerk, at(2026, 4, 1, 8), at(2026, 4, 1, 17))
    with time_machine.travel(at(2026, 3, 20, 9), tick=False):
        services.absence_cancel(actor=hall.supervision.user, absence=future, reason="不再外出")
    future.refresh_from_db()
    with pytest.raises(RuleViolation) as refused:
        _return(hall, future, when=at(2026, 4, 1, 10))
    assert refused.value.message == "该离岗记录已撤销。"
    _unchanged(future, future)
    assert HistoryEntry.objects.count() == history + 1  # only the cancellation


def test_r_org_7_ending_an_absence_that_has_already_ended_is_refused(hall):
    leave = absent(hall.clerk, STARTS, ENDS)
    _return(hall, leave)
    leave.refresh_from_db()
    with pytest.raises(RuleViolation) as refused:
        _return(hall, leave, when=at(2026, 3, 3, 15))
    assert (refused.value.rule, refused.value.message) == (
        "R-ORG-7",
        "该离岗已于2026-03-03 14:30结束，无需登记返岗。",
    )
    _unchanged(leave, leave)
    assert history_of(hall.clerk).filter(action="absence_end").count() == 1


def test_r_org_7_an_absence_that_has_started_cannot_be_cancelled(hall):
    leave = absent(hall.clerk, STARTS, ENDS)
    with time_machine.travel(at(2026, 3, 3, 9), tick=False), pytest.raises(RuleViolation) as refused:
        services.absence_cancel(actor=hall.supervision.user, absence=leave, reason="销假")
    assert (refused.value.rule, refused.value.message) == (
        "R-ORG-7",
        "该离岗已经开始，不能撤销（撤销会抹去其离岗期间的记录）；请登记返岗（销假）。",
    )
    _unchanged(leave, leave)
    assert not history_of(hall.clerk).filter(action="absence_cancel").exists()
    # The week after, the leave still says who was away and who covered.
    assert services.post_holder_at(hall.post, at(2026, 3, 4, 10)) == Holder(staff=hall.backup, acting_as="B")


def test_r_org_7_a_cancelled_future_absence_never_happened(hall):
    leave = absent(hall.clerk, STARTS, ENDS)
    with time_machine.travel(at(2026, 3, 1, 18), tick=False):
        services.absence_cancel(actor=hall.supervision.user, absence=leave, reason="不再请假")
    leave.refresh_from_db()
    assert leave.cancelled_at == at(2026, 3, 1, 18)
    assert leave.ends_at == ENDS and leave.planned_ends_at is None
    assert services.post_holder_at(hall.post, at(2026, 3, 4, 10)) == Holder(staff=hall.clerk, acting_as="A")
    entry = history_of(hall.clerk).get(action="absence_cancel")
    assert (entry.reason, entry.rule) == ("不再请假", "R-ORG-7")


# --- through the pages ---------------------------------------------------------------------------------------


def test_r_org_7_staff_page_offers_return_for_a_running_absence_and_cancel_for_a_future_one(hall, login):
    running = absent(hall.clerk, STARTS, ENDS)
    future = absent(hall.clerk, at(2026, 4, 1, 8), at(2026, 4, 1, 17))
    client = login(hall.supervision)
    with time_machine.travel(at(2026, 3, 3, 9), tick=False):
        html = client.get(reverse("org:staff_detail", args=[hall.clerk.pk])).content.decode()
    end_running = reverse("org:absence_end", args=[running.pk])
    cancel_running = reverse("org:absence_cancel", args=[running.pk])
    end_future = reverse("org:absence_end", args=[future.pk])
    cancel_future = reverse("org:absence_cancel", args=[future.pk])
    assert end_running in html and cancel_running not in html
    assert cancel_future in html and end_future not in html
    assert "进行中" in html and "未开始" in html

    # A clerk sees the absences but no action.
    with time_machine.travel(at(2026, 3, 3, 9), tick=False):
        html = login(hall.other_clerk).get(reverse("org:staff_detail", args=[hall.clerk.pk])).content.decode()
    assert end_running not in html and cancel_future not in html


def test_r_org_7_return_recorded_through_the_page_and_shown(hall, login):
    running = absent(hall.clerk, STARTS, ENDS)
    client = login(hall.supervision)
    with time_machine.travel(RETURN, tick=False):
        response = client.post(reverse("org:absence_end", args=[running.pk]), {"reason": "提前销假"})
    assert response.status_code == 302
    assert response["Location"] == reverse("org:staff_detail", args=[hall.clerk.pk])
    running.refresh_from_db()
    assert (running.ends_at, running.planned_ends_at) == (RETURN, ENDS)
    with time_machine.travel(at(2026, 3, 9, 9), tick=False):
        html = client.get(reverse("org:staff_detail", args=[hall.clerk.pk])).content.decode()
    assert "已提前返岗（原定至 2026-03-06 17:00）" in html
    assert reverse("org:absence_end", args=[running.pk]) not in html


def test_r_org_7_cancelling_a_started_absence_through_the_page_is_refused(hall, login):
    running = absent(hall.clerk, STARTS, ENDS)
    with time_machine.travel(at(2026, 3, 3, 9), tick=False):
        response = login(hall.supervision).post(
            reverse("org:absence_cancel", args=[running.pk]), {"reason": "销假"}
        )
    assert response.status_code == 200
    assert (
        "该离岗已经开始，不能撤销（撤销会抹去其离岗期间的记录）；请登记返岗（销假）。（R-ORG-7）"
        in response.content.decode()
    )
    _unchanged(running, running)


def test_r_org_7_window_clerk_may_not_record_a_return(hall, login):
    running = absent(hall.clerk, STARTS, ENDS)
    with time_machine.travel(RETURN, tick=False):
        response = login(hall.other_clerk).post(
            reverse("org:absence_end", args=[running.pk]), {"reason": "提前销假"}
        )
    assert response.status_code == 403
    _unchanged(running, running)


def test_r_org_7_the_absence_services_refuse_a_role_that_does_not_record_absences(hall):
    """The check is the services' own, so a command or the admin refuses as the page and the API do."""
    leave = absent(hall.clerk, STARTS, ENDS)
    future = absent(hall.clerk, at(2026, 4, 1, 8), at(2026, 4, 1, 17))
    clerk = hall.other_clerk.user

    with time_machine.travel(RETURN, tick=False):
        with pytest.raises(PermissionDenied):
            services.absence_record(
                actor=clerk,
                staff=hall.clerk,
                kind="leave",
                starts_at=at(2026, 5, 4, 8),
                ends_at=at(2026, 5, 4, 17),
            )
        with pytest.raises(PermissionDenied):
            services.absence_end(actor=clerk, absence=leave, reason="提前销假")
        with pytest.raises(PermissionDenied):
            services.absence_cancel(actor=clerk, absence=future, reason="不再外出")

    assert Absence.objects.filter(staff=hall.clerk).count() == 2
    leave.refresh_from_db()
    future.refresh_from_db()
    assert (leave.ends_at, leave.planned_ends_at, future.cancelled_at) == (ENDS, None, None)
