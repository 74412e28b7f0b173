"""Leave (R-ATT-3 … R-ATT-6, R-ATT-8, R-ATT-9; R-ORG-7): request, approval by tier, B cover as ranges,
hand-over of the open cases, return."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.acting import window_permit
from cases.tests.factories import make_case, make_item_for
from common.errors import RuleViolation
from org.models import AbsenceKind, Role
from org.selectors import post_board
from org.services import absence_record, holder_at, post_holder_at
from org.tests import factories as f
from staffing.models import LeaveHandOver, LeaveRequest, LeaveState
from staffing.selectors_leave import handovers_to, leaves_unreturned, leaves_waiting_for
from staffing.services.leave import leave_decide, leave_request, leave_return, leave_withdraw

from .helpers import at

THURSDAY = at(2026, 12, 3, 10)  # the request is made before leaving
MONDAY, TUESDAY, WEDNESDAY = date(2026, 12, 7), date(2026, 12, 8), date(2026, 12, 9)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def ask(
    hall: Any,
    *,
    start: tuple[date, str] = (MONDAY, "am"),
    end: tuple[date, str] = (WEDNESDAY, "am"),
    kind: str = "personal",
    backup: Any = None,
    staff: Any = None,
    when: Any = THURSDAY,
    **kw: Any,
) -> LeaveRequest:
    staff = staff or hall.clerk
    covers = kw.pop("covers", {hall.post.pk: (backup or hall.backup).pk} if staff == hall.clerk else {})
    with time_machine.travel(when, tick=False):
        return leave_request(
            actor=staff.user,
            kind=kind,
            start_date=start[0],
            start_half=start[1],
            end_date=end[0],
            end_half=end[1],
            reason=kw.pop("reason", "家中有事"),
            covers=covers,
            **kw,
        )


def decide(
    leave: LeaveRequest, who: Any, *, approve: bool = True, note: str = "", when: Any = THURSDAY
) -> LeaveRequest:
    with time_machine.travel(when, tick=False):
        return leave_decide(actor=who.user, leave=leave, approve=approve, note=note)


def give_back(leave: LeaveRequest, who: Any, when: Any, how: str = "in_person") -> LeaveRequest:
    with time_machine.travel(when, tick=False):
        return leave_return(actor=who.user, leave=leave, how=how, note="当面销假")


@pytest.fixture(name="leave_hall")
def leave_hall_fixture(hall: Any, national_calendar: Any) -> Any:
    """The hall with a deputy in charge of the clerk's window and a second B for the clerk's post."""
    hall.deputy = f.make_staff(hall.center, name="陈分管")
    f.grant(hall.deputy.user, hall.center, Role.DEPUTY)
    hall.window.deputy_in_charge = hall.deputy
    hall.window.save()
    hall.backup2 = f.make_staff(hall.center, window=hall.window, name="刘二备")
    f.grant(hall.backup2.user, hall.center, Role.WINDOW_STAFF, hall.window)
    f.add_backup(hall.post, hall.backup2, order=2)
    return hall


# --- R-ATT-3: types, half days in working days, the certificate and the outing entry ---------------------


def test_r_att_3_half_days_are_counted_in_working_days_over_a_weekend(leave_hall: Any) -> None:
    leave = ask(leave_hall, start=(date(2026, 12, 4), "pm"), end=(MONDAY, "am"))
    assert leave.half_days == 2 and leave.days == 1
    assert leave.starts_at == at(2026, 12, 4, 14) and leave.ends_at == at(2026, 12, 7, 11, 30)
    assert leave.state == LeaveState.PENDING


def test_r_att_3_a_period_of_no_working_day_is_refused(leave_hall: Any) -> None:
    with pytest.raises(RuleViolation) as refusal:
        ask(leave_hall, start=(date(2026, 12, 5), "am"), end=(date(2026, 12, 6), "pm"))
    assert refusal.value.rule == "R-ATT-3"
    assert not LeaveRequest.objects.exists()


def test_r_att_3_sick_leave_needs_the_hospital_certificate(leave_hall: Any) -> None:
    with pytest.raises(RuleViolation) as refusal:
        ask(leave_hall, kind="sick")
    assert refusal.value.rule == "R-ATT-3" and "医院证明" in str(refusal.value)
    with pytest.raises(RuleViolation):
        ask(leave_hall, kind="sick", attachment=SimpleUploadedFile("x.pdf", b"not a pdf at all"))
    assert not LeaveRequest.objects.exists()
    leave = ask(leave_hall, kind="sick", attachment=SimpleUploadedFile("证明.pdf", PDF))
    assert leave.attachment and leave.attachment_name == "证明.pdf"


def test_r_att_3_an_official_outing_needs_its_register_entry(leave_hall: Any) -> None:
    with pytest.raises(RuleViolation) as refusal:
        ask(leave_hall, kind="outing", start=(MONDAY, "am"), end=(MONDAY, "am"))
    assert refusal.value.rule == "R-ATT-3"
    leave = ask(
        leave_hall, kind="outing", start=(MONDAY, "am"), end=(MONDAY, "am"), outing_entry="县财政局 送审材料"
    )
    assert leave.outing_entry == "县财政局 送审材料"


# --- R-ATT-8: official or private by type ------------------------------------------------------------------


def test_r_att_8_each_type_is_official_or_private_by_the_policy_table(leave_hall: Any) -> None:
    outing = ask(leave_hall, kind="outing", start=(MONDAY, "am"), end=(MONDAY, "am"), outing_entry="县档案馆")
    personal = ask(leave_hall, kind="personal", start=(TUESDAY, "am"), end=(TUESDAY, "pm"))
    assert outing.official is True and personal.official is False


# --- R-ATT-4: the tier from the length, each approver in order ----------------------------------------


def test_r_att_4_half_a_day_is_approved_by_the_supervision_section(leave_hall: Any) -> None:
    leave = ask(leave_hall, start=(MONDAY, "pm"), end=(MONDAY, "pm"))
    assert [a.approver_kind for a in leave.approvals.all()] == ["supervision"]
    with pytest.raises(RuleViolation) as refusal:
        decide(leave, leave_hall.deputy)
    assert refusal.value.rule == "R-ATT-4"
    decide(leave, leave_hall.supervision)
    leave.refresh_from_db()
    assert leave.state == LeaveState.APPROVED and leave.absence is not None


def test_r_att_4_one_day_is_approved_by_the_deputy_in_charge_of_the_window(leave_hall: Any) -> None:
    leave = ask(leave_hall, start=(MONDAY, "am"), end=(MONDAY, "pm"))
    assert [a.approver_kind for a in leave.approvals.all()] == ["deputy"]
    other_deputy = f.make_staff(leave_hall.center, name="别的分管")
    f.grant(other_deputy.user, leave_hall.center, Role.DEPUTY)
    for wrong in (leave_hall.supervision, other_deputy, leave_hall.director):
        with pytest.raises(RuleViolation) as refusal:
            decide(leave, wrong)
        assert refusal.value.rule == "R-ATT-4"
    decide(leave, leave_hall.deputy)
    leave.refresh_from_db()
    assert leave.state == LeaveState.APPROVED


def test_r_att_4_two_days_or_more_need_the_window_head_then_the_director(leave_hall: Any) -> None:
    leave = ask(leave_hall)  # Monday morning to Wednesday morning: 2.5 days
    assert leave.half_days == 5
    assert [a.approver_kind for a in leave.approvals.all()] == ["window_head", "director"]
    assert leaves_waiting_for(leave_hall.director.user, leave_hall.center) == []
    with pytest.raises(RuleViolation) as refusal:
        decide(leave, leave_hall.director)  # the window head signs first
    assert refusal.value.rule == "R-ATT-4"
    assert [x.pk for x in leaves_waiting_for(leave_hall.chief.user, leave_hall.center)] == [leave.pk]
    decide(leave, leave_hall.chief)
    leave.refresh_from_db()
    assert leave.state == LeaveState.PENDING and leave.absence is None
    assert [x.pk for x in leaves_waiting_for(leave_hall.director.user, leave_hall.center)] == [leave.pk]
    decide(leave, leave_hall.director)
    leave.refresh_from_db()
    assert leave.state == LeaveState.APPROVED
    assert [(a.approver, a.decision) for a in leave.approvals.all()] == [
        (leave_hall.chief, "approved"),
        (leave_hall.director, "approved"),
    ]


def test_r_att_4_nobody_approves_their_own_leave_and_a_refusal_needs_its_reason(leave_hall: Any) -> None:
    leave = ask(leave_hall, staff=leave_hall.supervision, start=(MONDAY, "pm"), end=(MONDAY, "pm"))
    with pytest.raises(RuleViolation) as refusal:
        decide(leave, leave_hall.supervision)
    assert refusal.value.rule == "R-ATT-4"
    other = ask(leave_hall, start=(MONDAY, "pm"), end=(MONDAY, "pm"))
    with pytest.raises(RuleViolation):
        decide(other, leave_hall.supervision, approve=False)
    decide(other, leave_hall.supervision, approve=False, note="当日窗口人手不足")
    other.refresh_from_db()
    assert other.state == LeaveState.REFUSED and other.absence is None


# --- R-ATT-5: B on duty for the whole period, as ranges ---------------------------------------------------


def test_r_att_5_a_b_away_for_part_of_the_period_is_refused(leave_hall: Any) -> None:
    with time_machine.travel(THURSDAY, tick=False):
        absence_record(
            actor=leave_hall.supervision.user,
            staff=leave_hall.backup,
            kind=AbsenceKind.OUTING,
            starts_at=at(2026, 12, 8, 15),
            ends_at=at(2026, 12, 8, 16),
        )
    with pytest.raises(RuleViolation) as refusal:
        ask(leave_hall)
    assert refusal.value.rule == "R-ATT-5" and leave_hall.backup.name in str(refusal.value)
    assert not LeaveRequest.objects.exists()
    leave = ask(leave_hall, backup=leave_hall.backup2)  # another B, free the whole period
    assert leave.covers.get().backup == leave_hall.backup2


def test_r_att_5_a_b_with_a_pending_leave_overlapping_is_refused(leave_hall: Any) -> None:
    ask(leave_hall, staff=leave_hall.backup, start=(WEDNESDAY, "am"), end=(WEDNESDAY, "am"))
    with pytest.raises(RuleViolation) as refusal:
        ask(leave_hall)
    assert refusal.value.rule == "R-ATT-5"
    ask(leave_hall, end=(TUESDAY, "pm"))  # ends before the B's leave begins


def test_r_att_5_the_cover_is_checked_again_at_the_last_approval(leave_hall: Any) -> None:
    leave = ask(leave_hall, start=(MONDAY, "pm"), end=(MONDAY, "pm"))
    with time_machine.travel(THURSDAY, tick=False):
        absence_record(
            actor=leave_hall.supervision.user,
            staff=leave_hall.backup,
            kind=AbsenceKind.LEAVE,
            starts_at=at(2026, 12, 7, 16),
            ends_at=at(2026, 12, 7, 18),
        )
    with pytest.raises(RuleViolation) as refusal:
        decide(leave, leave_hall.supervision)
    assert refusal.value.rule == "R-ATT-5"
    leave.refresh_from_db()
    assert leave.state == LeaveState.PENDING and leave.absence is None


def test_r_att_5_an_overlapping_own_leave_is_refused(leave_hall: Any) -> None:
    ask(leave_hall, start=(TUESDAY, "am"), end=(TUESDAY, "am"))
    with pytest.raises(RuleViolation) as refusal:
        ask(leave_hall)
    assert refusal.value.rule == "R-ATT-5"
    assert LeaveRequest.objects.count() == 1


def test_r_att_5_a_b_must_be_named_for_each_post_and_be_its_b(leave_hall: Any) -> None:
    with pytest.raises(RuleViolation) as refusal:
        ask(leave_hall, covers={})
    assert refusal.value.rule == "R-ATT-5"
    with pytest.raises(RuleViolation):
        ask(leave_hall, covers={leave_hall.post.pk: leave_hall.other_clerk.pk})


# --- R-ATT-9 / R-ORG-7: hand-over, B acts as B, A back after the return ---------------------------------


def test_r_att_9_r_org_7_approved_leave_hands_over_taken_and_returned(leave_hall: Any) -> None:
    item = make_item_for(leave_hall.window, leave_hall.post)
    case = make_case(
        window=leave_hall.window, item=item, received_by=leave_hall.clerk, current_post=leave_hall.post
    )
    leave = ask(leave_hall)
    decide(leave, leave_hall.chief)
    decide(leave, leave_hall.director)
    handover = LeaveHandOver.objects.get(leave=leave)
    assert (handover.post, handover.from_staff, handover.to_staff) == (
        leave_hall.post,
        leave_hall.clerk,
        leave_hall.backup,
    )
    assert handover.case_ids == [case.pk] and handover.case_count == 1
    during = at(2026, 12, 7, 10)
    assert [h.pk for h in handovers_to(leave_hall.backup, during)] == [handover.pk]
    # During the leave the post's work is the B's, as B; A may not act.
    assert holder_at(leave_hall.post, during) == (leave_hall.backup.pk, "B")
    assert window_permit(actor=leave_hall.backup, window=leave_hall.window, at=during).acting_as == "B"
    with pytest.raises(RuleViolation) as refusal:
        window_permit(actor=leave_hall.clerk, window=leave_hall.window, at=during)
    assert refusal.value.rule == "R-ORG-7"
    # The return on Tuesday at 10:00 ends the leave at that moment; the past stays.
    back = at(2026, 12, 8, 10)
    give_back(leave, leave_hall.supervision, back)
    leave.refresh_from_db()
    absence = leave.absence
    assert absence is not None
    assert (leave.state, leave.returned_at, leave.return_how) == (LeaveState.RETURNED, back, "in_person")
    assert (absence.starts_at, absence.ends_at, absence.planned_ends_at) == (
        at(2026, 12, 7, 8),
        back,
        at(2026, 12, 9, 11, 30),
    )
    after = at(2026, 12, 8, 10, 1)
    assert holder_at(leave_hall.post, after) == (leave_hall.clerk.pk, "A")
    assert window_permit(actor=leave_hall.clerk, window=leave_hall.window, at=after).acting_as == "A"
    assert holder_at(leave_hall.post, during) == (leave_hall.backup.pk, "B")
    assert list(handovers_to(leave_hall.backup, after)) == []


def test_r_att_9_r_att_5_r_org_7_the_work_goes_to_the_b_the_leave_names_not_the_first_b(
    leave_hall: Any,
) -> None:
    """The leave names the second B (刘二备): while it is in force the post is his, as B, although the first B
    (李备岗) is on duty too; the first B acts then only by role. Should the named B be away, the post falls back
    to the first B on duty (R-ORG-7), and after the return it is A's again."""
    leave = ask(leave_hall, backup=leave_hall.backup2)
    decide(leave, leave_hall.chief)
    decide(leave, leave_hall.director)
    during = at(2026, 12, 7, 10)
    assert holder_at(leave_hall.post, during) == (leave_hall.backup2.pk, "B")
    assert post_holder_at(leave_hall.post, during).staff == leave_hall.backup2  # type: ignore[union-attr]
    assert window_permit(actor=leave_hall.backup2, window=leave_hall.window, at=during).acting_as == "B"
    assert window_permit(actor=leave_hall.backup, window=leave_hall.window, at=during).acting_as == ""
    board = {row.post.pk: row for row in post_board(leave_hall.center, during)}
    assert board[leave_hall.post.pk].holder == leave_hall.backup2
    handover = LeaveHandOver.objects.get(leave=leave)
    assert handover.to_staff == leave_hall.backup2
    # The named B is called away on Tuesday afternoon: the post falls back to the first B on duty.
    with time_machine.travel(at(2026, 12, 7, 18), tick=False):
        absence_record(
            actor=None,
            staff=leave_hall.backup2,
            kind=AbsenceKind.OUTING,
            starts_at=at(2026, 12, 8, 14),
            ends_at=at(2026, 12, 8, 17),
        )
    assert holder_at(leave_hall.post, at(2026, 12, 8, 15)) == (leave_hall.backup.pk, "B")
    assert holder_at(leave_hall.post, at(2026, 12, 8, 10)) == (leave_hall.backup2.pk, "B")
    assert holder_at(leave_hall.post, at(2026, 12, 9, 14)) == (leave_hall.clerk.pk, "A")


def test_r_att_5_an_absence_may_name_only_a_b_of_the_post(leave_hall: Any) -> None:
    with time_machine.travel(THURSDAY, tick=False), pytest.raises(RuleViolation) as refusal:
        absence_record(
            actor=None,
            staff=leave_hall.clerk,
            kind=AbsenceKind.LEAVE,
            starts_at=at(2026, 12, 7, 8),
            ends_at=at(2026, 12, 7, 12),
            covers={leave_hall.post: leave_hall.deputy},
        )
    assert refusal.value.rule == "R-ATT-5"
    assert not leave_hall.clerk.absences.exists()


# --- R-ATT-6: the return and the leaves not closed --------------------------------------------------------


def test_r_att_6_the_return_is_recorded_by_supervision_or_an_approving_leader(leave_hall: Any) -> None:
    leave = ask(leave_hall, start=(MONDAY, "am"), end=(MONDAY, "pm"))
    decide(leave, leave_hall.deputy)
    with pytest.raises(RuleViolation) as refusal:
        give_back(leave, leave_hall.other_clerk, at(2026, 12, 7, 10))
    assert refusal.value.rule == "R-ATT-6"
    with pytest.raises(RuleViolation):  # not begun yet: withdraw instead
        give_back(leave, leave_hall.deputy, THURSDAY)
    give_back(leave, leave_hall.deputy, at(2026, 12, 7, 15), how="phone")
    leave.refresh_from_db()
    assert (leave.return_how, leave.return_recorded_by) == ("phone", leave_hall.deputy)


def test_r_att_6_leaves_not_closed_after_their_end_are_flagged(leave_hall: Any) -> None:
    leave = ask(leave_hall, start=(MONDAY, "am"), end=(MONDAY, "pm"))
    decide(leave, leave_hall.deputy)
    assert list(leaves_unreturned(leave_hall.center, at(2026, 12, 7, 16))) == []
    assert [x.pk for x in leaves_unreturned(leave_hall.center, at(2026, 12, 7, 17))] == [leave.pk]
    give_back(leave, leave_hall.supervision, at(2026, 12, 8, 9))  # returned late: the leave ended as planned
    leave.refresh_from_db()
    assert leave.absence is not None and leave.absence.ends_at == at(2026, 12, 7, 17)
    assert list(leaves_unreturned(leave_hall.center, at(2026, 12, 8, 10))) == []


def test_r_att_3_a_request_may_be_withdrawn_before_it_begins(leave_hall: Any) -> None:
    leave = ask(leave_hall, start=(MONDAY, "am"), end=(MONDAY, "pm"))
    decide(leave, leave_hall.deputy)
    with time_machine.travel(THURSDAY, tick=False):
        leave_withdraw(actor=leave_hall.clerk.user, leave=leave, reason="事情已办妥")
    leave.refresh_from_db()
    assert leave.state == LeaveState.WITHDRAWN
    assert leave.absence is not None and leave.absence.cancelled_at is not None
    ask(leave_hall, start=(MONDAY, "am"), end=(MONDAY, "pm"))  # the period is free again


def test_r_att_5_a_b_named_to_cover_may_not_leave_in_that_period(leave_hall: Any) -> None:
    ask(leave_hall)  # the clerk's leave names 李备岗 as B, Monday to Wednesday
    with pytest.raises(RuleViolation) as refusal:
        ask(leave_hall, staff=leave_hall.backup, start=(TUESDAY, "am"), end=(TUESDAY, "am"))
    assert refusal.value.rule == "R-ATT-5" and leave_hall.clerk.name in str(refusal.value)
    ask(leave_hall, staff=leave_hall.backup, start=(date(2026, 12, 10), "am"), end=(date(2026, 12, 10), "am"))
