"""The window workbench (issue 3, item 9) and the pages it leads to: inquiries (R-CASE-1), receiving an
application with uploads (R-CASE-2), the day's appointments (R-CASE-13), and the posts a B covers (R-ORG-7).

The moment is 2026-09-30 10:00 (a Wednesday, a working day) unless a test says otherwise."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import (
    Case,
    CaseMaterial,
    CaseState,
    Inquiry,
    InquiryStatus,
)
from cases.tests.factories import at, make_case, make_item_for, start_step
from catalog.models import Item
from catalog.tests.factories import make_published_item
from common.models import PersonalDataAccess
from hall.models import Appointment, AppointmentStatus
from org.models import Post, StaffProfile
from org.services import absence_record
from org.tests import factories as f

pytestmark = pytest.mark.usefixtures("national_calendar")

DAY = date(2026, 9, 30)
NOW = at(DAY, 10, 0)
URL = reverse("desk:workbench")
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


# --- helpers ----------------------------------------------------------------------------------------------


def _user(staff: StaffProfile) -> Any:
    assert staff.user is not None
    return staff.user


def _get(client: Client, staff: StaffProfile, url: str = URL, **params: Any) -> Any:
    client.force_login(_user(staff))
    with time_machine.travel(NOW, tick=False):
        return client.get(url, params)


def _post(client: Client, staff: StaffProfile, url: str, data: dict[str, Any], when: Any = NOW) -> Any:
    client.force_login(_user(staff))
    with time_machine.travel(when, tick=False):
        return client.post(url, data)


def _text(response: Any) -> str:
    return str(response.content.decode())


def _panel(response: Any, panel_id: str) -> str:
    """The HTML of one panel of the page (from its id to the end of its section)."""
    html = _text(response)
    start = html.index(f'id="{panel_id}"')
    return html[start : html.index("</section>", start)]


def _row(html: str, case: Case) -> str:
    start = html.index(f'data-case="{case.pk}"')
    return html[start : html.index("</tr>", start)]


def _listed(html: str, case: Case) -> bool:
    return f'data-case="{case.pk}"' in html


def _item(hall: Any) -> Item:
    return make_item_for(hall.window, hall.post, promised_limit_days=5)


def _case(hall: Any, item: Item, window: Any = None, **fields: Any) -> Case:
    fields.setdefault("received_by", hall.clerk)
    return make_case(window=window or hall.window, item=item, accepted_on=date(2026, 9, 28), **fields)


def _leave(staff: StaffProfile, day: date = DAY) -> None:
    """`staff` is on leave for the whole of `day`."""
    absence_record(
        actor=None,
        staff=staff,
        kind="leave",
        starts_at=at(day, 0, 0),
        ends_at=at(day + timedelta(days=1), 0, 0),
    )


def _other_post(hall: Any) -> Post:
    """A post at the other window: A is 孙他窗 (hall.other_clerk), B is 王受理 (hall.clerk)."""
    return f.make_post(hall.other_window, a=hall.other_clerk, backups=[hall.clerk], name="审核岗")


# --- the page and who may see what ------------------------------------------------------------------------


def test_workbench_has_its_chinese_title_and_panels(hall: Any, client: Client) -> None:
    response = _get(client, hall.clerk)

    assert response.status_code == 200
    html = _text(response)
    assert "<title>窗口工作台 · govhall</title>" in html
    assert "<h1>窗口工作台</h1>" in html
    for panel in ("my-queue", "window-queue", "covered", "inquiries", "appointments"):
        assert f'id="{panel}"' in html
    assert reverse("desk:case_receive") in html and reverse("desk:inquiry_new") in html


def test_workbench_needs_a_signed_in_staff_member(hall: Any, client: Client) -> None:
    assert client.get(URL).status_code == 302
    user = f.make_user()
    client.force_login(user)
    assert client.get(URL).status_code == 403


def test_a_clerk_sees_their_windows_cases_and_not_another_windows(hall: Any, client: Client) -> None:
    item = _item(hall)
    other_item = make_published_item(hall.center, hall.other_window.department)
    own = _case(hall, item, responsible=hall.chief)
    other = _case(hall, other_item, window=hall.other_window, received_by=hall.other_clerk)

    clerk_page = _get(client, hall.clerk)
    queue = _panel(clerk_page, "window-queue")
    assert _listed(queue, own) and not _listed(queue, other)
    assert other.number not in _text(clerk_page)
    assert f'href="{reverse("cases:case_detail", args=[own.pk])}"' in queue

    other_page = _get(client, hall.other_clerk)
    queue = _panel(other_page, "window-queue")
    assert _listed(queue, other) and not _listed(queue, own)


def test_another_centres_user_sees_nothing_of_this_centre(hall: Any, client: Client) -> None:
    item = _item(hall)
    case = _case(hall, item, responsible=hall.clerk)
    inquiry = Inquiry.objects.create(
        center=hall.center,
        channel="window",
        window=hall.window,
        first_receiver=hall.clerk,
        asked_at=NOW,
        question="需要什么材料？",
    )
    appointment = Appointment.objects.create(
        center=hall.center,
        window=hall.window,
        applicant_name="预约人",
        applicant_phone="13900001111",
        starts_at=at(DAY, 9, 0),
    )

    page = _get(client, hall.outsider)
    assert page.status_code == 200
    assert case.number not in _text(page)
    assert _get(client, hall.outsider, reverse("desk:inquiry_detail", args=[inquiry.pk])).status_code == 404
    assert _get(client, hall.outsider, reverse("cases:case_detail", args=[case.pk])).status_code == 404
    serve = reverse("hall:appointment_serve", args=[appointment.pk])
    response = _post(client, hall.outsider, serve, {"served_from": "2026-09-30T09:00"})
    assert response.status_code == 404
    no_show = reverse("hall:appointment_no_show", args=[appointment.pk])
    assert _post(client, hall.outsider, no_show, {}).status_code == 404
    # A clerk of another window of the same centre does not see this window's inquiry either.
    assert (
        _get(client, hall.other_clerk, reverse("desk:inquiry_detail", args=[inquiry.pk])).status_code == 404
    )
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


def test_my_queue_holds_my_cases_and_the_steps_of_my_posts(hall: Any, client: Client) -> None:
    item = _item(hall)
    responsible = _case(hall, item, responsible=hall.clerk)
    at_my_post = _case(hall, item, responsible=None)
    start_step(at_my_post, post=hall.post, at=NOW)
    received = make_case(window=hall.window, item=item, received_by=hall.clerk, state=CaseState.RECEIVED)
    chiefs = _case(hall, item, responsible=hall.chief)
    done = _case(hall, item, responsible=hall.clerk, state=CaseState.APPROVED)

    page = _get(client, hall.clerk)
    mine = _panel(page, "my-queue")
    assert [_listed(mine, c) for c in (responsible, at_my_post, received, chiefs, done)] == [
        True,
        True,
        True,
        False,
        False,
    ]
    assert "共 3 件" in mine
    queue = _panel(page, "window-queue")
    assert [_listed(queue, c) for c in (responsible, at_my_post, received, chiefs, done)] == [
        True,
        True,
        True,
        True,
        False,
    ]
    assert "尚未受理（暂无办件编号）" in _row(mine, received) and f"#{received.pk}" not in _row(
        mine, received
    )


def test_warnings_are_coloured_badges_with_the_deadline(hall: Any, client: Client) -> None:
    item = _item(hall)
    red = _case(hall, item, responsible=hall.clerk, deadline=date(2026, 9, 29), warn_from=date(2026, 9, 25))
    yellow = _case(
        hall, item, responsible=hall.clerk, deadline=date(2026, 10, 9), warn_from=date(2026, 9, 29)
    )
    green = _case(
        hall, item, responsible=hall.clerk, deadline=date(2026, 10, 20), warn_from=date(2026, 10, 15)
    )
    suspended = _case(
        hall,
        item,
        responsible=hall.clerk,
        state=CaseState.SUSPENDED,
        deadline=date(2026, 10, 22),
        warn_from=date(2026, 10, 19),
    )

    mine = _panel(_get(client, hall.clerk), "my-queue")

    assert '<span class="badge bad warning-red">超时</span>' in _row(mine, red)
    assert "2026-09-29" in _row(mine, red)
    assert '<span class="badge warn warning-yellow">预警</span>' in _row(mine, yellow)
    assert "2026-10-09" in _row(mine, yellow)
    assert '<span class="badge ok warning-green">正常</span>' in _row(mine, green)
    assert "2026-10-20" in _row(mine, green)
    assert '<span class="badge warning-suspended">暂停计时</span>' in _row(mine, suspended)
    # Soonest deadline first.
    positions = [mine.index(f'data-case="{c.pk}"') for c in (red, yellow, green, suspended)]
    assert positions == sorted(positions)


def test_r_org_7_workbench_shows_b_the_posts_it_covers(hall: Any, client: Client) -> None:
    item = _item(hall)
    other_item = make_published_item(hall.center, hall.other_window.department)
    post = _other_post(hall)
    # 孙他窗's case at the other window, and one whose current step is at the post (nobody responsible yet).
    theirs = _case(hall, other_item, window=hall.other_window, responsible=hall.other_clerk)
    at_post = _case(hall, other_item, window=hall.other_window, responsible=None)
    start_step(at_post, post=post, name="审核", at=NOW)
    unrelated = _case(hall, other_item, window=hall.other_window, responsible=hall.chief)
    # 王受理's own case at his window (李备岗 is its B).
    clerks = _case(hall, item, responsible=hall.clerk)

    # A is on duty: 王受理 covers nothing, and the other window is not his.
    page = _get(client, hall.clerk)
    assert "今天没有需要您顶岗的岗位。" in _panel(page, "covered")
    assert not any(_listed(_text(page), c) for c in (theirs, at_post, unrelated))

    # 孙他窗 is on leave today: 王受理 holds the post as B and sees its cases, and only them.
    _leave(hall.other_clerk)
    covered = _panel(_get(client, hall.clerk), "covered")
    assert "B02" in covered and "审核岗" in covered and "A角 孙他窗 不在岗，由您顶岗" in covered
    assert [_listed(covered, c) for c in (theirs, at_post, unrelated, clerks)] == [True, True, False, False]

    # 王受理 is on leave as well: 李备岗 covers 受理岗 and sees 王受理's case there.
    _leave(hall.clerk)
    covered = _panel(_get(client, hall.backup), "covered")
    assert "受理岗" in covered and "A角 王受理 不在岗，由您顶岗" in covered
    assert _listed(covered, clerks) and not _listed(covered, theirs)


def test_the_workbench_costs_a_fixed_number_of_queries(
    hall: Any, client: Client, django_assert_max_num_queries: Any
) -> None:
    item = _item(hall)
    other_item = make_published_item(hall.center, hall.other_window.department)
    _other_post(hall)
    _leave(hall.other_clerk)

    def add_cases(n: int) -> None:
        for i in range(n):
            state = [CaseState.ACCEPTED, CaseState.SUSPENDED, CaseState.RECEIVED][i % 3]
            case = _case(
                hall,
                item,
                state=state,
                responsible=hall.clerk if i % 2 else hall.chief,
                deadline=date(2026, 10, 1) + timedelta(days=i % 20),
                warn_from=date(2026, 9, 28),
            )
            start_step(case, post=hall.post, at=NOW)
            _case(hall, other_item, window=hall.other_window, responsible=hall.other_clerk)
            Inquiry.objects.create(
                center=hall.center,
                channel="phone",
                window=hall.window,
                first_receiver=hall.clerk,
                asked_at=NOW,
                question=f"问题{i}",
            )
            Appointment.objects.create(
                center=hall.center,
                window=hall.window,
                applicant_name=f"预约人{i}",
                applicant_phone="13900001111",
                starts_at=at(DAY, 14, i % 60),
            )

    add_cases(25)
    client.force_login(_user(hall.clerk))
    with time_machine.travel(NOW, tick=False):
        with django_assert_max_num_queries(30):
            response = client.get(URL)
        assert response.status_code == 200
        assert "共 25 件" in _panel(response, "window-queue")
        assert _panel(response, "covered").count("data-case=") == 25
        # Past the panel's row limit (one count query per full panel), more cases cost no more queries.
        add_cases(35)
        with CaptureQueriesContext(connection) as few:
            response = client.get(URL)
        assert "共 60 件" in _panel(response, "window-queue")
        add_cases(40)
        with CaptureQueriesContext(connection) as many:
            response = client.get(URL)
        assert "共 100 件" in _panel(response, "window-queue")
    assert len(many) == len(few) <= 30
    assert _panel(response, "appointments").count("预约人") == 100


# --- inquiries (R-CASE-1) -------------------------------------------------------------------------------------


def test_r_case_1_inquiry_flow_through_the_pages(hall: Any, client: Client) -> None:
    item = _item(hall)

    # 王受理 logs a phone inquiry: he is its first receiver, and it is on his workbench.
    response = _post(
        client,
        hall.clerk,
        reverse("desk:inquiry_new"),
        {
            "window": hall.window.pk,
            "channel": "phone",
            "question": "开发区企业办理进出口备案需要哪些材料？",
            "asker_name": "张先生",
            "asker_phone": "13900000000",
            "item": item.pk,
        },
    )
    inquiry = Inquiry.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:inquiry_detail", args=[inquiry.pk])
    assert (inquiry.first_receiver, inquiry.channel, inquiry.item, inquiry.asked_at) == (
        hall.clerk,
        "phone",
        item,
        NOW,
    )
    assert "开发区企业办理进出口备案" in _panel(_get(client, hall.clerk), "inquiries")

    # Its page shows the asker's phone, and the display is logged.
    detail = _get(client, hall.clerk, reverse("desk:inquiry_detail", args=[inquiry.pk]))
    assert detail.status_code == 200 and "13900000000" in _text(detail)
    assert (
        PersonalDataAccess.objects.filter(subject_type="cases.inquiry", subject_id=str(inquiry.pk)).count()
        == 1
    )

    # "不清楚" is no answer: refused with the rule, nothing changed.
    handle = reverse("desk:inquiry_handle", args=[inquiry.pk])
    refused = _post(client, hall.clerk, handle, {"outcome": "answered", "answer": "不清楚"})
    assert refused.status_code == 422
    assert '<div class="refusal" role="alert">首问负责：不得以“不清楚”“不知道”“不归我管”等作为答复' in _text(
        refused
    )
    assert "（R-CASE-1）" in _text(refused)
    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.answer, inquiry.closed_at) == (InquiryStatus.OPEN, "", None)

    # Referred to the other window (escorted): it stays his until that window acknowledges it.
    refer = reverse("desk:inquiry_refer", args=[inquiry.pk])
    response = _post(client, hall.clerk, refer, {"to_window": hall.other_window.pk, "mode": "escorted"})
    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.referred_to, inquiry.referral_mode, inquiry.closed_at) == (
        InquiryStatus.REFERRED,
        hall.other_window,
        "escorted",
        None,
    )
    assert str(inquiry.pk) in _panel(_get(client, hall.clerk), "inquiries")
    sent = _text(_get(client, hall.clerk)).split('id="inquiries-sent"')[1].split("</table>")[0]
    assert reverse("desk:inquiry_detail", args=[inquiry.pk]) in sent

    # 王受理 cannot acknowledge for the other window.
    acknowledge = reverse("desk:inquiry_acknowledge", args=[inquiry.pk])
    refused = _post(client, hall.clerk, acknowledge, {})
    assert refused.status_code == 422 and "只有B02" in _text(refused)

    # The other window sees it incoming and acknowledges it from its workbench.
    incoming = _text(_get(client, hall.other_clerk)).split('id="inquiries-incoming"')[1].split("</table>")[0]
    assert acknowledge in incoming
    later = at(DAY, 10, 30)
    response = _post(client, hall.other_clerk, acknowledge, {"next": "workbench"}, when=later)
    assert (response.status_code, response["Location"]) == (302, URL)
    inquiry.refresh_from_db()
    assert (inquiry.referral_acknowledged_by, inquiry.referral_acknowledged_at, inquiry.closed_at) == (
        hall.other_clerk,
        later,
        later,
    )
    page = _text(_get(client, hall.clerk))
    assert reverse("desk:inquiry_detail", args=[inquiry.pk]) not in page


def test_r_case_1_inquiry_handled_with_its_case_and_escalated_through_the_pages(
    hall: Any, client: Client
) -> None:
    item = _item(hall)
    case = _case(hall, item, responsible=hall.clerk)
    new = reverse("desk:inquiry_new")
    for question in ("问题一：办理时限多长？", "问题二：职责不清的事项"):
        _post(client, hall.clerk, new, {"window": hall.window.pk, "channel": "window", "question": question})
    first, second = Inquiry.objects.order_by("pk")

    # Accepted needs the case it became; an unknown number is a form error.
    handle = reverse("desk:inquiry_handle", args=[first.pk])
    response = _post(client, hall.clerk, handle, {"outcome": "accepted", "case_number": "NO-SUCH"})
    assert response.status_code == 400 and "找不到该办件" in _text(response)
    response = _post(client, hall.clerk, handle, {"outcome": "accepted", "case_number": case.number})
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.status, first.outcome, first.case, first.closed_at) == ("handled", "accepted", case, NOW)
    detail = _text(_get(client, hall.clerk, reverse("desk:inquiry_detail", args=[first.pk])))
    assert "材料齐全，已受理" in detail and 'id="inquiry-actions"' not in detail

    # Escalated to the director, who then sees it.
    escalate = reverse("desk:inquiry_escalate", args=[second.pk])
    response = _post(
        client, hall.clerk, escalate, {"leader": hall.director.pk, "reason": "涉及两个部门，职责不清"}
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert (second.status, second.escalated_to, second.answer) == (
        "escalated",
        hall.director,
        "涉及两个部门，职责不清",
    )
    assert _get(client, hall.director, reverse("desk:inquiry_detail", args=[second.pk])).status_code == 200
    # Only leaders are offered; anyone else is a form error.
    response = _post(client, hall.clerk, escalate, {"leader": hall.chief.pk, "reason": "再次上报"})
    assert response.status_code == 400


def test_inquiry_form_errors_and_choices(hall: Any, client: Client) -> None:
    response = _post(
        client, hall.clerk, reverse("desk:inquiry_new"), {"window": hall.window.pk, "channel": "fax"}
    )
    assert response.status_code == 400
    assert Inquiry.objects.count() == 0
    # A window that is not his is not a choice.
    response = _post(
        client,
        hall.clerk,
        reverse("desk:inquiry_new"),
        {"window": hall.other_window.pk, "channel": "window", "question": "问题"},
    )
    assert response.status_code == 400
    assert Inquiry.objects.count() == 0
    # Someone without a window cannot log inquiries.
    assert _get(client, hall.supervision, reverse("desk:inquiry_new")).status_code == 403


# --- receiving an application (R-CASE-2) -------------------------------------------------------------------


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _materials(item: Item) -> list[Any]:
    assert item.current_version is not None
    return list(item.current_version.materials.order_by("order"))


def _stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def _applicant(**overrides: Any) -> dict[str, Any]:
    data = {
        "channel": "window",
        "name": "张三",
        "id_number": "420000199001011238",
        "phone": "13800000000",
        "email": "zhang@example.com",
        "organisation_name": "示范贸易有限公司",
        "credit_code": "91420000MA0000000R",
        "in_development_zone": "on",
    }
    data.update(overrides)
    return data


def test_receiving_an_application_through_the_form(hall: Any, client: Client, media: Path) -> None:
    item = _item(hall)
    not_served = make_published_item(hall.center, hall.other_window.department)
    url = reverse("desk:case_receive")

    pick = _text(_get(client, hall.clerk, url))
    # (the item choices are options; a window's key may equal an item's)
    assert f'<option value="{item.pk}">' in pick and f'<option value="{not_served.pk}"' not in pick

    form = _get(client, hall.clerk, url, window=hall.window.pk, item=item.pk)
    m1, m2 = _materials(item)
    assert form.status_code == 200
    assert f'name="upload_{m1.pk}"' in _text(form) and f'name="upload_{m2.pk}"' in _text(form)

    data = _applicant(
        window=hall.window.pk, item=item.pk, **{f"upload_{m1.pk}": SimpleUploadedFile("申请表.pdf", PDF)}
    )
    response = _post(client, hall.clerk, url, data)

    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:case_detail", args=[case.pk])
    assert (case.state, case.window, case.item, case.received_by, case.received_at) == (
        CaseState.RECEIVED,
        hall.window,
        item,
        hall.clerk,
        NOW,
    )
    assert (
        case.applicant_name,
        case.applicant_id_number,
        case.applicant_phone,
        case.applicant_email,
        case.organisation_name,
        case.credit_code,
        case.in_development_zone,
    ) == (
        "张三",
        "420000199001011238",
        "13800000000",
        "zhang@example.com",
        "示范贸易有限公司",
        "91420000MA0000000R",
        True,
    )
    row = CaseMaterial.objects.get(case=case)
    assert row.material == m1 and row.upload.read() == PDF
    # The new case is on the receiver's queue.
    assert _listed(_panel(_get(client, hall.clerk), "my-queue"), case)


def test_r_case_2_bad_upload_through_the_form_is_refused_and_stores_nothing(
    hall: Any, client: Client, media: Path
) -> None:
    item = _item(hall)
    m1, m2 = _materials(item)
    url = reverse("desk:case_receive")
    data = _applicant(
        window=hall.window.pk,
        item=item.pk,
        **{
            f"upload_{m1.pk}": SimpleUploadedFile("申请表.pdf", PDF),
            f"upload_{m2.pk}": SimpleUploadedFile("执照.pdf", b"MZ\x90\x00 not a pdf at all"),
        },
    )

    response = _post(client, hall.clerk, url, data)

    assert response.status_code == 422
    assert (
        '<div class="refusal" role="alert">材料“申请材料2”的文件“执照.pdf”不是有效的PDF、JPG或PNG文件。（R-CASE-2）</div>'
        in _text(response)
    )
    assert Case.objects.count() == 0
    assert CaseMaterial.objects.count() == 0
    assert _stored_files(media) == []
    # An empty file is refused by the form itself; nothing stored either.
    data[f"upload_{m2.pk}"] = SimpleUploadedFile("空.pdf", b"")
    data[f"upload_{m1.pk}"] = SimpleUploadedFile("申请表.pdf", PDF)
    assert _post(client, hall.clerk, url, data).status_code == 400
    assert (Case.objects.count(), _stored_files(media)) == (0, [])


def test_receiving_refuses_items_the_window_does_not_serve(hall: Any, client: Client, media: Path) -> None:
    not_served = make_published_item(hall.center, hall.other_window.department)
    url = reverse("desk:case_receive")
    response = _post(client, hall.clerk, url, _applicant(window=hall.window.pk, item=not_served.pk))
    assert response.status_code == 400
    response = _post(client, hall.clerk, url, _applicant(window=hall.other_window.pk, item=not_served.pk))
    assert response.status_code == 400
    assert Case.objects.count() == 0
    assert _get(client, hall.supervision, url).status_code == 403


# --- appointments (R-CASE-13) ---------------------------------------------------------------------------------


def _appointment(hall: Any, hh: int, mm: int = 0, **fields: Any) -> Appointment:
    return Appointment.objects.create(
        center=hall.center,
        window=fields.pop("window", hall.window),
        applicant_name=fields.pop("applicant_name", "刘预约"),
        applicant_phone="13912345678",
        starts_at=at(DAY, hh, mm),
        **fields,
    )


def test_appointments_serve_and_no_show(hall: Any, client: Client) -> None:
    early = _appointment(hall, 9, 0)
    later = _appointment(hall, 11, 0, applicant_name="陈预约")
    elsewhere = _appointment(hall, 9, 30, window=hall.other_window, applicant_name="外窗预约")
    url = reverse("hall:appointments")

    page = _get(client, hall.clerk, url)
    html = _text(page)
    assert page.status_code == 200
    assert "刘预约" in html and "陈预约" in html and "外窗预约" not in html
    assert "139****5678" in html and "13912345678" not in html
    assert "刘预约" in _panel(_get(client, hall.clerk), "appointments")

    # Not yet 11:00: the no-show is refused and nothing changes.
    response = _post(client, hall.clerk, reverse("hall:appointment_no_show", args=[later.pk]), {})
    assert response.status_code == 422 and "预约时间未到，不能登记未到。（R-CASE-13）" in _text(response)
    later.refresh_from_db()
    assert later.status == AppointmentStatus.BOOKED

    # An end before the start is refused.
    serve = reverse("hall:appointment_serve", args=[early.pk])
    response = _post(
        client, hall.clerk, serve, {"served_from": "2026-09-30T09:40", "served_until": "2026-09-30T09:10"}
    )
    assert response.status_code == 422 and "办理结束时间须晚于开始时间。" in _text(response)

    response = _post(
        client, hall.clerk, serve, {"served_from": "2026-09-30T09:05", "served_until": "2026-09-30T09:35"}
    )
    assert (response.status_code, response["Location"]) == (302, f"{url}?day=2026-09-30")
    early.refresh_from_db()
    assert (
        early.status,
        early.served_from,
        early.served_until,
        early.served_by,
        early.late_service_minutes,
    ) == (
        AppointmentStatus.SERVED,
        at(DAY, 9, 5),
        at(DAY, 9, 35),
        hall.clerk,
        0,
    )

    response = _post(
        client, hall.clerk, reverse("hall:appointment_no_show", args=[later.pk]), {}, when=at(DAY, 11, 30)
    )
    assert response.status_code == 302
    later.refresh_from_db()
    assert later.status == AppointmentStatus.NO_SHOW

    # Another window's appointment is not his.
    response = _post(client, hall.clerk, reverse("hall:appointment_serve", args=[elsewhere.pk]), {})
    assert response.status_code == 404
    # A bad day is ignored (today is shown).
    assert _get(client, hall.clerk, url, day="not-a-day").status_code == 200


def test_r_case_13_late_service_is_recorded_through_the_page(hall: Any, client: Client) -> None:
    appointment = _appointment(hall, 17, 30, outside_hours=True)  # booked outside hours
    serve = reverse("hall:appointment_serve", args=[appointment.pk])
    response = _post(
        client,
        hall.clerk,
        serve,
        {"served_from": "2026-09-30T17:30", "served_until": "2026-10-01T00:10"},
        when=at(DAY, 17, 0),
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.SERVED
    # The centre closes at 17:30 that day: 17:30 to 00:10 is 400 minutes of late service.
    assert appointment.late_service_minutes == 400
