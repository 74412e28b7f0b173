"""Complaints through their services (R-CMP-1 … R-CMP-7): registration, the encrypted identity and who reads
it, the deadline, the answer, the delay explanation, the graded transfer, the closing and its consequences."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from common import crypto
from common.errors import PermissionDenied, RuleViolation
from common.history import history_of
from common.models import PersonalDataAccess
from notify.models import OutboxMessage
from org.models import Role
from org.tests import factories as f
from supervision.models import (
    AnswerVia,
    Complaint,
    ComplaintChannel,
    ComplaintConsequence,
    ComplaintGround,
    ComplaintState,
    ConsequenceKind,
    DisposalGrade,
    ReceivingSection,
)
from supervision.selectors.complaints import complaint_track, complaints_substantiated, inbox
from supervision.services.complaints import (
    complaint_answer,
    complaint_close,
    complaint_explain_delay,
    complaint_identity_read,
    complaint_transfer,
)
from workdays.models import TimerState

from .complaint_helpers import COMPLAINANT, MONDAY, THURSDAY, TUESDAY, WEDNESDAY, at, register

pytestmark = pytest.mark.usefixtures("national_calendar")

SMS = {"sms": "notify.channels.ConsoleChannel", "console": "notify.channels.ConsoleChannel"}


def _logs(complaint: Complaint) -> list[tuple[Any, str]]:
    rows = PersonalDataAccess.objects.filter(
        subject_type="supervision.complaint", subject_id=str(complaint.pk)
    )
    return [(row.user_id, row.purpose) for row in rows.order_by("pk")]


# --- registration ------------------------------------------------------------------------------------------


def test_r_cmp_2_r_cmp_3_a_complaint_is_registered_with_its_target_matter_time_place_and_receiver(
    hall: Any,
) -> None:
    complaint = register(hall).complaint
    assert complaint.number == "TS2026-00001"
    assert (complaint.window, complaint.person) == (hall.window, hall.clerk)
    assert complaint.place and complaint.happened_at is not None
    assert complaint.receiving_section == ReceivingSection.SUPERVISION
    assert complaint.state == ComplaintState.REGISTERED
    assert complaint.complainant_label == "实名（身份保密）"
    assert register(hall, identity=None).complaint.complainant_label == "匿名"
    entry = history_of(complaint).get()
    assert entry.changes["named"] is True and "陈投诉" not in str(entry.changes)


def test_r_cmp_3_a_web_complaint_about_an_approval_matter_goes_to_the_coordination_section(hall: Any) -> None:
    web = register(hall, actor=None, channel=ComplaintChannel.WEB, about_approval=True)
    assert web.complaint.receiving_section == ReceivingSection.COORDINATION
    assert len(web.tracking_code) == 14 and web.complaint.tracking_digest  # only its digest is stored
    assert web.tracking_code.replace("-", "") not in web.complaint.tracking_digest
    on_site = register(hall, about_approval=True)
    assert on_site.complaint.receiving_section == ReceivingSection.SUPERVISION
    assert on_site.tracking_code == ""


def test_r_cmp_3_a_referred_complaint_names_where_it_came_from(hall: Any) -> None:
    with pytest.raises(RuleViolation) as refused:
        register(hall, channel=ComplaintChannel.REFERRED)
    assert refused.value.rule == "R-CMP-3" and refused.value.field == "referred_from"
    complaint = register(hall, channel=ComplaintChannel.REFERRED, referred_from="price_bureau").complaint
    assert complaint.get_referred_from_display() == "物价局"


def test_r_cmp_1_r_cmp_2_a_window_ground_needs_the_window_and_every_complaint_a_target(hall: Any) -> None:
    with pytest.raises(RuleViolation) as refused:
        register(hall, ground=ComplaintGround.W_NO_AB, window=None)
    assert refused.value.rule == "R-CMP-1"
    with pytest.raises(RuleViolation) as refused:
        register(hall, window=None, person=None)
    assert refused.value.field == "window"
    with pytest.raises(RuleViolation):
        register(hall, ground="nonsense")
    with pytest.raises(RuleViolation) as refused:
        register(hall, identity={"name": "", "phone": "1"})
    assert refused.value.field == "name"
    assert Complaint.objects.count() == 0


def test_r_cmp_2_only_the_complaint_handlers_register_and_the_public_only_on_the_web(hall: Any) -> None:
    with pytest.raises(PermissionDenied):
        register(hall, actor="clerk")
    with pytest.raises(RuleViolation) as refused:
        register(hall, actor="outsider")
    assert refused.value.rule == "R-ORG-1"
    with pytest.raises(RuleViolation) as refused:
        register(hall, actor=None, channel=ComplaintChannel.PHONE)
    assert refused.value.rule == "R-PUB-3"
    assert register(hall, actor="coordination").complaint.pk


# --- the identity (R-CMP-4) --------------------------------------------------------------------------------


def test_r_cmp_4_the_raw_column_holds_no_plain_identity(hall: Any) -> None:
    complaint = register(hall).complaint
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT * FROM {Complaint._meta.db_table} WHERE id = %s",  # noqa: S608 - the model's own table
            [complaint.pk],
        )
        row = " ".join(str(value) for value in cursor.fetchone())
    for value in COMPLAINANT.values():
        assert value not in row
    assert complaint.identity_sealed.startswith("pd1.1.")
    # Bound to its complaint: the token copied into another complaint's row does not open there.
    other = register(hall).complaint
    with pytest.raises(crypto.UnreadableToken):
        crypto.decrypt(
            complaint.identity_sealed, context=f"supervision.complaint:{other.center_id}:{other.number}"
        )


def test_r_cmp_4_only_the_supervision_section_and_the_director_read_the_identity_and_each_read_is_logged(
    hall: Any,
) -> None:
    complaint = register(hall).complaint
    for reader in (hall.supervision, hall.director):
        assert (
            complaint_identity_read(actor=reader.user, complaint=complaint, purpose="电话回访") == COMPLAINANT
        )
    for refused in (hall.clerk, hall.chief, hall.coordination, hall.office, hall.sysadmin, hall.outsider):
        with pytest.raises(PermissionDenied):
            complaint_identity_read(actor=refused.user, complaint=complaint, purpose="想看看")
    logs = _logs(complaint)
    assert logs[:2] == [
        (hall.supervision.user.pk, "查看投诉人身份：电话回访"),
        (hall.director.user.pk, "查看投诉人身份：电话回访"),
    ]
    assert [purpose for _user, purpose in logs[2:]] == ["【已拒绝】查看投诉人身份：想看看"] * 6
    assert [user for user, _purpose in logs[2:]][0] == hall.clerk.user.pk


def test_r_cmp_4_a_parent_centres_grant_does_not_reach_the_identity(hall: Any) -> None:
    province = f.make_center(code="province", name="省政务服务中心")
    hall.center.parent = province
    hall.center.save()
    overseer = f.make_staff(province, name="省稽查")
    f.grant(overseer.user, province, Role.SUPERVISION)
    f.grant(overseer.user, province, Role.DIRECTOR)
    complaint = register(hall).complaint
    with pytest.raises(PermissionDenied):
        complaint_identity_read(actor=overseer.user, complaint=complaint, purpose="抽查")
    assert _logs(complaint)[-1][1].startswith("【已拒绝】")


def test_r_cmp_4_the_supervision_member_complained_about_neither_reads_nor_handles_it(hall: Any) -> None:
    complaint = register(hall, person="supervision", window=None).complaint
    with pytest.raises(PermissionDenied):
        complaint_identity_read(actor=hall.supervision.user, complaint=complaint, purpose="x")
    with pytest.raises(RuleViolation) as refused:
        complaint_answer(actor=hall.supervision.user, complaint=complaint, answer="已处理", via="phone")
    assert refused.value.rule == "R-CMP-4"
    assert [row.complaint.pk for row in inbox(hall.supervision.user, hall.center, MONDAY.date())] == []


def test_r_cmp_4_an_anonymous_complaint_has_no_identity_to_read(hall: Any) -> None:
    complaint = register(hall, identity=None).complaint
    assert complaint.identity_sealed == ""
    with pytest.raises(RuleViolation) as refused:
        complaint_identity_read(actor=hall.supervision.user, complaint=complaint, purpose="x")
    assert refused.value.code == "anonymous"


def test_r_cmp_4_a_key_rotation_keeps_old_identities_readable_and_rekeys_them(
    hall: Any, settings: Any
) -> None:
    complaint = register(hall).complaint
    old_key = settings.PERSONAL_DATA_KEY
    settings.PERSONAL_DATA_KEY, settings.PERSONAL_DATA_KEY_ID = "n" * 40, "2"
    settings.PERSONAL_DATA_RETIRED_KEYS = {"1": old_key}
    from django.core.management import call_command

    call_command("personal_data_rekey", verbosity=0)
    complaint.refresh_from_db()
    assert crypto.key_id_of(complaint.identity_sealed) == "2"
    settings.PERSONAL_DATA_RETIRED_KEYS = {}
    assert complaint_identity_read(actor=hall.director.user, complaint=complaint, purpose="x") == COMPLAINANT


# --- the deadline and the answer (R-CMP-5) -------------------------------------------------------------------


def test_r_cmp_5_two_departments_run_two_working_days_others_the_prompt_limit(hall: Any) -> None:
    prompt = register(hall).complaint  # Monday 11-02
    assert prompt.limit_days == 1 and prompt.timer is not None
    assert prompt.timer.deadline == date(2026, 11, 3)
    joint = register(hall, involves_departments=True, when=at(2026, 11, 6)).complaint  # a Friday
    assert joint.limit_days == 2
    assert joint.timer is not None and joint.timer.deadline == date(2026, 11, 10)  # over the weekend
    rows = {row.complaint.pk: row for row in inbox(hall.supervision.user, hall.center, date(2026, 11, 9))}
    assert (rows[prompt.pk].colour, rows[prompt.pk].days_overdue) == ("red", 4)
    assert (rows[joint.pk].colour, rows[joint.pk].days_left) == ("yellow", 1)


def test_r_cmp_5_the_answer_goes_to_a_named_complainant_through_the_outbox_and_stops_the_timer(
    hall: Any, settings: Any
) -> None:
    settings.NOTIFY_CHANNELS = SMS
    complaint = register(hall).complaint
    with time_machine.travel(TUESDAY, tick=False):
        complaint = complaint_answer(
            actor=hall.supervision.user, complaint=complaint, answer="已批评教育当事人。"
        )
    assert complaint.state == ComplaintState.ANSWERED and complaint.answered_via == AnswerVia.SMS
    assert complaint.timer is not None and complaint.timer.state == TimerState.FINISHED
    message = OutboxMessage.objects.get(key=f"complaint:{complaint.pk}:answer")
    assert message.recipient == COMPLAINANT["phone"] and "陈投诉" not in message.body
    assert "已批评教育当事人" in message.body
    with pytest.raises(RuleViolation):
        complaint_answer(actor=hall.supervision.user, complaint=complaint, answer="again", via="phone")


def test_r_cmp_5_without_a_mobile_number_the_handler_says_how_the_answer_was_given(hall: Any) -> None:
    complaint = register(hall, identity={"name": "张三", "address": "人民路1号"}).complaint
    with pytest.raises(RuleViolation) as refused:
        complaint_answer(actor=hall.supervision.user, complaint=complaint, answer="已处理")
    assert refused.value.field == "via"
    complaint = complaint_answer(
        actor=hall.supervision.user, complaint=complaint, answer="已处理", via="letter"
    )
    assert complaint.answered_via == AnswerVia.LETTER
    assert not OutboxMessage.objects.exists()


def test_r_cmp_5_r_pub_3_an_anonymous_web_complaint_is_answered_on_its_tracking_page(hall: Any) -> None:
    web = register(hall, actor=None, channel=ComplaintChannel.WEB, identity=None)
    complaint_answer(actor=hall.supervision.user, complaint=web.complaint, answer="已整改。")
    found = complaint_track(center=hall.center, code=web.tracking_code.lower().replace("-", " "))
    assert found is not None and found.answer == "已整改。" and found.state_label == "已答复"
    assert complaint_track(center=hall.center, code="AAAA-BBBB-CCCC") is None


def test_r_cmp_5_a_late_complaint_is_explained_and_stays_tracked_until_answered(
    hall: Any, settings: Any
) -> None:
    settings.NOTIFY_CHANNELS = SMS
    complaint = register(hall).complaint
    with time_machine.travel(TUESDAY, tick=False):
        complaint = complaint_explain_delay(
            actor=hall.supervision.user, complaint=complaint, explanation="需向主管部门核实，预计周四答复。"
        )
    assert complaint.state == ComplaintState.IN_HAND
    assert complaint.timer is not None and complaint.timer.state == TimerState.RUNNING
    assert OutboxMessage.objects.filter(key__startswith=f"complaint:{complaint.pk}:delay:").count() == 1
    assert history_of(complaint).filter(action="complaint_explain_delay").get().changes["in_time"] is True
    red = inbox(hall.supervision.user, hall.center, WEDNESDAY.date(), colour="red")
    assert [row.complaint.pk for row in red] == [complaint.pk]  # still tracked, and red
    with time_machine.travel(THURSDAY, tick=False):
        complaint = complaint_answer(actor=hall.supervision.user, complaint=complaint, answer="已处理。")
    assert complaint.timer is not None and complaint.timer.red_since == date(2026, 11, 4)
    assert history_of(complaint).filter(action="complaint_answer").get().changes["late"] is True


def test_r_cmp_3_the_coordination_section_handles_only_what_it_receives(hall: Any) -> None:
    theirs = register(hall, actor=None, channel=ComplaintChannel.WEB, about_approval=True).complaint
    ours = register(hall).complaint
    seen = [row.complaint.pk for row in inbox(hall.coordination.user, hall.center, MONDAY.date())]
    assert seen == [theirs.pk]
    with pytest.raises(PermissionDenied):
        complaint_answer(actor=hall.coordination.user, complaint=ours, answer="x", via="phone")
    complaint_answer(actor=hall.coordination.user, complaint=theirs, answer="已答复", via="phone")
    assert inbox(hall.clerk.user, hall.center, MONDAY.date()) == []


# --- graded disposal (R-CMP-6) and the closing (R-CMP-7) --------------------------------------------------


def test_r_cmp_6_a_discipline_complaint_is_transferred_and_the_transfer_recorded(hall: Any) -> None:
    complaint = register(hall, ground=ComplaintGround.P_CORRUPTION).complaint
    with pytest.raises(PermissionDenied):
        complaint_transfer(actor=hall.coordination.user, complaint=complaint, grade="discipline")
    with pytest.raises(RuleViolation):
        complaint_transfer(actor=hall.supervision.user, complaint=complaint, grade="simple")
    complaint = complaint_transfer(actor=hall.supervision.user, complaint=complaint, grade="discipline")
    assert complaint.state == ComplaintState.TRANSFERRED
    assert (complaint.transferred_to, complaint.transferred_by) == ("县纪委监察机关", hall.supervision.user)
    assert complaint.transferred_at is not None
    # Still answered (有诉必复) before it is closed.
    with pytest.raises(RuleViolation) as refused:
        complaint_close(actor=hall.supervision.user, complaint=complaint, substantiated=True, finding="属实")
    assert refused.value.code == "not_answered"
    complaint_answer(actor=hall.supervision.user, complaint=complaint, answer="已移交县纪委。", via="phone")
    complaint = complaint_close(
        actor=hall.supervision.user, complaint=complaint, substantiated=True, finding="属实"
    )
    assert complaint.disposal_grade == DisposalGrade.DISCIPLINE and complaint.state == ComplaintState.CLOSED


def test_r_cmp_6_a_simple_complaint_is_closed_on_site(hall: Any) -> None:
    complaint = register(hall).complaint
    complaint_answer(actor=hall.supervision.user, complaint=complaint, answer="当场道歉。", via="in_person")
    complaint = complaint_close(
        actor=hall.supervision.user, complaint=complaint, substantiated=False, finding="误会，已解释。"
    )
    assert complaint.disposal_grade == DisposalGrade.SIMPLE and complaint.substantiated is False


def _close(
    hall: Any, ground: str, *, substantiated: bool = True, person: Any = "clerk", **kw: Any
) -> Complaint:
    complaint = register(hall, ground=ground, person=person, **kw).complaint
    complaint_answer(actor=hall.supervision.user, complaint=complaint, answer="已处理。", via="phone")
    return complaint_close(
        actor=hall.supervision.user, complaint=complaint, substantiated=substantiated, finding="经查属实。"
    )


def test_r_cmp_7_a_substantiated_complaint_counts_against_the_window_and_the_person(hall: Any) -> None:
    _close(hall, ComplaintGround.P_RUDE)
    _close(hall, ComplaintGround.W_NO_AB, person=None)
    _close(hall, ComplaintGround.P_RUDE, substantiated=False)
    today = timezone.localdate()
    found = complaints_substantiated(hall.center, today.replace(day=1), today)
    assert found.by_window == {hall.window.pk: 2}
    assert found.by_person == {hall.clerk.pk: 1}
    assert complaints_substantiated(hall.center, date(2020, 1, 1), date(2020, 1, 31)).numbers == ()


def test_r_cmp_7_a_substantiated_person_complaint_must_name_the_person(hall: Any) -> None:
    complaint = register(hall, person=None).complaint
    complaint_answer(actor=hall.supervision.user, complaint=complaint, answer="已处理。", via="phone")
    with pytest.raises(RuleViolation) as refused:
        complaint_close(actor=hall.supervision.user, complaint=complaint, substantiated=True, finding="属实")
    assert refused.value.field == "person"
    complaint = complaint_close(
        actor=hall.supervision.user,
        complaint=complaint,
        substantiated=True,
        finding="属实",
        person=hall.backup,
    )
    assert complaint.person == hall.backup


def test_r_cmp_7_first_inquiry_criticism_then_return_to_the_home_unit(hall: Any) -> None:
    _close(hall, ComplaintGround.P_RUDE)  # not a first-inquiry complaint: no consequence
    assert not ComplaintConsequence.objects.exists()
    first = _close(hall, ComplaintGround.P_FIRST_INQUIRY)
    second = _close(hall, ComplaintGround.P_FIRST_INQUIRY)
    kinds = list(ComplaintConsequence.objects.filter(person=hall.clerk).values_list("complaint", "kind"))
    assert kinds == [(first.pk, ConsequenceKind.CRITICISM), (second.pk, ConsequenceKind.RETURN_HOME)]
    assert all(ComplaintConsequence.objects.values_list("loses_award_eligibility", flat=True))
    assert history_of(hall.clerk).filter(action="complaint_consequence").count() == 2
