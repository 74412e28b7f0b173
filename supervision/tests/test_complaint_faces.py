"""Complaints through the faces people use: the desk's pages, the public web form and tracking page, the API
(R-CMP-2 … R-CMP-7, R-PUB-3). The proof of R-CMP-4: a named web complaint against a clerk is answered within its
limit, the clerk's pages and the API never show the complainant, and the access log shows each read by the
supervision section."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from api.tests.helpers import token_client
from common.models import PersonalDataAccess
from notify.models import OutboxMessage
from org.models import Role
from org.tests import factories as f
from staffing.services.days import attendance_close_day
from supervision.models import AssessmentEntry, Complaint, ComplaintChannel, ComplaintGround, ComplaintState
from workdays.models import TimerState

from .complaint_helpers import COMPLAINANT, MONDAY, TUESDAY, at, register

pytestmark = pytest.mark.usefixtures("national_calendar")

SMS = {"sms": "notify.channels.ConsoleChannel", "console": "notify.channels.ConsoleChannel"}
MARKERS = [COMPLAINANT["name"], COMPLAINANT["phone"], COMPLAINANT["address"], COMPLAINANT["id_number"]]


def _shows_identity(text: str) -> list[str]:
    return [marker for marker in MARKERS if marker in text]


def _public_form(hall: Any, **extra: Any) -> dict[str, Any]:
    return {
        "channel": ComplaintChannel.WEB,
        "window": hall.window.pk,
        "person": hall.clerk.pk,
        "ground": ComplaintGround.P_BUCK_PASSING,
        "matter": "窗口人员推诿扯皮，让我多跑了两趟。",
        "happened_at": "2026-11-02T09:00",
        "place": "A01窗口",
        **extra,
    }


def _named(hall: Any) -> dict[str, Any]:
    return _public_form(hall, named="on", **COMPLAINANT)


# --- the proof --------------------------------------------------------------------------------------------


def test_r_cmp_4_r_cmp_5_r_cmp_7_r_pub_3_a_named_web_complaint_is_answered_in_time_kept_secret_and_deducted(
    hall: Any, client: Any, settings: Any
) -> None:
    settings.NOTIFY_CHANNELS = SMS
    # The complainant files on the web, named, against the clerk.
    with time_machine.travel(MONDAY, tick=False):
        response = client.post(reverse("portal:complaint_new", args=[hall.center.code]), _named(hall))
    assert response.status_code == 200
    code = re.search(r'id="tracking-code">([A-Z0-9-]+)<', response.content.decode())
    assert code is not None
    complaint = Complaint.objects.get()
    assert complaint.named and complaint.person == hall.clerk and complaint.timer is not None

    # The supervision section reads the identity (logged), answers the next working day, within the limit.
    client.force_login(hall.supervision.user)
    detail = reverse("supervision:complaint_detail", args=[complaint.pk])
    page = client.get(detail).content.decode()
    assert _shows_identity(page) == [] and "实名（身份保密）" in page
    shown = client.post(
        reverse("supervision:complaint_identity", args=[complaint.pk]), {"purpose": "电话核实"}
    )
    assert shown.status_code == 200 and _shows_identity(shown.content.decode()) == MARKERS
    with time_machine.travel(TUESDAY, tick=False):
        answered = client.post(
            reverse("supervision:complaint_answer", args=[complaint.pk]), {"answer": "已批评教育，向您致歉。"}
        )
    assert answered.status_code == 302
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.ANSWERED and complaint.timer is not None
    assert complaint.timer.state == TimerState.FINISHED and complaint.timer.red_since is None  # in time
    assert OutboxMessage.objects.get(key=f"complaint:{complaint.pk}:answer").recipient == COMPLAINANT["phone"]

    # The clerk's pages and the API never show the complainant (nor the complaint itself).
    client.force_login(hall.clerk.user)
    for url in [
        reverse("desk:home"),
        reverse("desk:workbench"),
        reverse("supervision:complaint_inbox"),
        detail,
        reverse("supervision:complaint_export"),
    ]:
        response = client.get(url)
        assert response.status_code in (200, 403, 404), url
        assert _shows_identity(response.content.decode(errors="replace")) == [], url
    refused = client.post(
        reverse("supervision:complaint_identity", args=[complaint.pk]), {"purpose": "想知道是谁"}
    )
    assert refused.status_code == 403 and _shows_identity(refused.content.decode()) == []
    api = token_client(hall.clerk)
    base = f"/api/v1/centers/{hall.center.code}/complaints"
    for answer in (
        api.get(base),
        api.get(f"{base}/{complaint.pk}"),
        api.post(f"{base}/{complaint.pk}/identity", {"purpose": "x"}, format="json"),
    ):
        assert answer.status_code in (403, 404) and _shows_identity(answer.content.decode()) == []
    # The supervision section's API shows the complaint without the identity.
    body = token_client(hall.supervision).get(f"{base}/{complaint.pk}").json()
    assert body["complainant"] == "实名（身份保密）" and _shows_identity(str(body)) == []

    # The access log: the supervision section's read, and the clerk's refused attempts.
    log = list(
        PersonalDataAccess.objects.filter(subject_type="supervision.complaint", subject_id=str(complaint.pk))
        .order_by("pk")
        .values_list("user_id", "purpose")
    )
    assert log[0] == (hall.supervision.user.pk, "查看投诉人身份：电话核实")
    assert log[1:] == [
        (hall.clerk.user.pk, "【已拒绝】查看投诉人身份：想知道是谁"),
        (hall.clerk.user.pk, "【已拒绝】查看投诉人身份：x"),
    ]
    # The public tracking page shows the state and the answer, nothing else.
    client.logout()
    track = client.post(reverse("portal:complaint_track", args=[hall.center.code]), {"code": code.group(1)})
    text = track.content.decode()
    assert "已批评教育，向您致歉。" in text and "已答复" in text
    assert _shows_identity(text) == [] and hall.clerk.name not in text

    # Substantiated and closed, it is the clerk's deduction in November's closed sheet (R-CMP-7, R-ASM-16),
    # with the complaint's number behind it and the complainant nowhere.
    client.force_login(hall.supervision.user)
    with time_machine.travel(TUESDAY + timedelta(hours=2), tick=False):
        closed = client.post(
            reverse("supervision:complaint_close", args=[complaint.pk]),
            {"substantiated": "yes", "finding": "调取录像核实，态度生硬属实。"},
        )
    assert closed.status_code == 302
    complaint.refresh_from_db()
    assert complaint.substantiated is True
    with time_machine.travel(at(2026, 12, 1, 8), tick=False):
        day = date(2026, 11, 1)
        while day.month == 11:
            attendance_close_day(actor=None, center=hall.center, day=day)
            day += timedelta(days=1)
    with time_machine.travel(at(2026, 12, 3, 9), tick=False):
        assert client.post(reverse("supervision:assessment_close"), {"month": "2026-11"}).status_code == 302
    # Buck-passing is deducted as impatience (scoring.COMPLAINT_DEDUCTIONS).
    entry = AssessmentEntry.objects.get(staff=hall.clerk, year=2026, month=11, code="impatience")
    assert (entry.source, entry.facts) == ("facts", [complaint.number])
    client.force_login(hall.clerk.user)
    with time_machine.travel(at(2026, 12, 3, 10), tick=False):
        mine = client.get(reverse("supervision:assessment_mine") + "?month=2026-11").content.decode()
    assert complaint.number in mine and _shows_identity(mine) == []


# --- the desk ------------------------------------------------------------------------------------------------


def test_r_cmp_2_the_supervision_section_registers_an_on_site_complaint_on_its_page(
    hall: Any, client: Any
) -> None:
    client.force_login(hall.supervision.user)
    assert client.get(reverse("supervision:complaint_new")).status_code == 200
    data = _named(hall) | {"channel": ComplaintChannel.ON_SITE}
    response = client.post(reverse("supervision:complaint_new"), data)
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.channel == ComplaintChannel.ON_SITE and complaint.named
    refused = client.post(
        reverse("supervision:complaint_new"), data | {"ground": ComplaintGround.W_NO_AB, "window": ""}
    )
    assert refused.status_code == 422 and "R-CMP-1" in refused.content.decode()
    assert Complaint.objects.count() == 1


def test_r_cmp_5_the_inbox_shows_each_timer_and_the_export_no_identity(hall: Any, client: Any) -> None:
    register(hall)
    register(hall, identity=None, involves_departments=True)
    client.force_login(hall.supervision.user)
    with time_machine.travel(TUESDAY, tick=False):
        page = client.get(reverse("supervision:complaint_inbox")).content.decode()
        export = client.get(reverse("supervision:complaint_export"))
    assert "实名（身份保密）" in page and "匿名" in page and _shows_identity(page) == []
    assert "剩余1个工作日" in page and "预警" in page
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).worksheets[0]
    cells = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)
    assert "实名（身份保密）" in cells and _shows_identity(cells) == []


def test_r_cmp_4_the_identity_is_shown_only_on_request_and_a_refusal_is_logged(
    hall: Any, client: Any
) -> None:
    complaint = register(hall).complaint
    client.force_login(hall.director.user)
    page = client.get(reverse("supervision:complaint_detail", args=[complaint.pk])).content.decode()
    assert "查看投诉人身份" in page and _shows_identity(page) == []
    client.force_login(hall.coordination.user)  # sees nothing received by the supervision section
    assert client.get(reverse("supervision:complaint_detail", args=[complaint.pk])).status_code == 404


def test_r_cmp_6_r_cmp_7_transfer_answer_and_close_on_the_complaints_page(hall: Any, client: Any) -> None:
    complaint = register(hall, ground=ComplaintGround.P_FIRST_INQUIRY).complaint
    client.force_login(hall.supervision.user)
    url = lambda name: reverse(f"supervision:complaint_{name}", args=[complaint.pk])  # noqa: E731
    early = client.post(url("close"), {"substantiated": "yes", "finding": "属实"})
    assert early.status_code == 422 and "R-CMP-5" in early.content.decode()
    assert client.post(url("explain"), {"explanation": "需核实监控录像。"}).status_code == 302
    assert client.post(url("transfer"), {"grade": "discipline", "to": ""}).status_code == 302
    assert client.post(url("answer"), {"answer": "已移交县纪委。", "via": "letter"}).status_code == 302
    assert client.post(url("close"), {"substantiated": "yes", "finding": "属实。"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.CLOSED and complaint.transferred_to == "县纪委监察机关"
    assert complaint.consequence.kind == "criticism"
    page = client.get(url("detail")).content.decode()
    assert "属实" in page and "移送县纪委监察机关" in page
    bad = client.post(url("answer"), {"answer": ""})
    assert bad.status_code == 400


def test_r_org_1_the_complaint_pages_refuse_other_roles_and_other_centres(hall: Any, client: Any) -> None:
    complaint = register(hall).complaint
    for persona in ("clerk", "chief", "office"):
        client.force_login(getattr(hall, persona).user)
        assert client.get(reverse("supervision:complaint_inbox")).status_code == 403
        assert client.get(reverse("supervision:complaint_detail", args=[complaint.pk])).status_code == 404
    client.force_login(hall.outsider.user)
    assert client.get(reverse("supervision:complaint_detail", args=[complaint.pk])).status_code == 404
    for name in ("answer", "close", "transfer", "explain", "identity"):
        response = client.post(reverse(f"supervision:complaint_{name}", args=[complaint.pk]), {"answer": "x"})
        assert response.status_code == 404
    assert Complaint.objects.get().state == ComplaintState.REGISTERED


def test_r_cmp_3_the_menu_offers_complaints_to_those_who_handle_them(hall: Any, client: Any) -> None:
    for persona, shown in (
        ("supervision", True),
        ("director", True),
        ("coordination", True),
        ("clerk", False),
    ):
        client.force_login(getattr(hall, persona).user)
        page = client.get(reverse("desk:home")).content.decode()
        assert ("投诉处理" in page) == shown, persona


# --- the portal -------------------------------------------------------------------------------------------


def test_r_pub_3_an_anonymous_web_complaint_gets_a_tracking_code_and_its_answer_on_the_tracking_page(
    hall: Any, client: Any
) -> None:
    response = client.post(reverse("portal:complaint_new", args=[hall.center.code]), _public_form(hall))
    code = re.search(r'id="tracking-code">([A-Z0-9-]+)<', response.content.decode())
    assert code is not None
    complaint = Complaint.objects.get()
    assert not complaint.named and complaint.channel == ComplaintChannel.WEB
    track = reverse("portal:complaint_track", args=[hall.center.code])
    assert "正在处理" in client.post(track, {"code": code.group(1)}).content.decode()
    from supervision.services.complaints import complaint_answer

    complaint_answer(actor=hall.supervision.user, complaint=complaint, answer="已整改。")
    assert "已整改。" in client.post(track, {"code": code.group(1).lower()}).content.decode()
    wrong = client.post(track, {"code": "AAAA-BBBB-CCCC"}).content.decode()
    assert "跟踪码不正确" in wrong and "已整改" not in wrong


def test_r_pub_3_the_public_form_refuses_bad_input_and_is_throttled(hall: Any, client: Any) -> None:
    url = reverse("portal:complaint_new", args=[hall.center.code])
    assert client.get(url).status_code == 200
    assert client.post(url, {}).status_code == 400
    missing_name = client.post(url, _public_form(hall, named="on"))
    assert missing_name.status_code == 422 and "R-CMP-2" in missing_name.content.decode()
    for _ in range(5):
        assert client.post(url, _public_form(hall)).status_code == 200
    throttled = client.post(url, _public_form(hall))
    assert throttled.status_code == 429
    assert Complaint.objects.count() == 5


def test_r_pub_3_failed_tracking_lookups_are_throttled(hall: Any, client: Any) -> None:
    track = reverse("portal:complaint_track", args=[hall.center.code])
    for _ in range(10):
        assert client.post(track, {"code": "AAAA-BBBB-CCCC"}).status_code == 200
    assert client.post(track, {"code": "AAAA-BBBB-CCCC"}).status_code == 429
    assert client.post(track, {}).status_code in (400, 429)


# --- the API ------------------------------------------------------------------------------------------------


def test_r_cmp_2_r_cmp_4_the_api_registers_lists_and_reads_the_identity_for_those_allowed(hall: Any) -> None:
    api = token_client(hall.supervision)
    base = f"/api/v1/centers/{hall.center.code}/complaints"
    created = api.post(
        base,
        {
            "channel": "phone",
            "window": hall.window.number,
            "person": hall.clerk.pk,
            "ground": "p_rude",
            "matter": "电话投诉：态度生硬。",
            "complainant": {"name": COMPLAINANT["name"], "phone": COMPLAINANT["phone"]},
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    assert (
        created.json()["complainant"] == "实名（身份保密）"
        and _shows_identity(created.content.decode()) == []
    )
    pk = created.json()["id"]
    listed = api.get(base).json()
    assert [row["id"] for row in listed["results"]] == [pk] and _shows_identity(str(listed)) == []
    identity = api.post(f"{base}/{pk}/identity", {"purpose": "回访"}, format="json")
    assert identity.status_code == 200 and identity.json()["name"] == COMPLAINANT["name"]
    coordination = token_client(hall.coordination)
    assert coordination.get(f"{base}/{pk}").status_code == 404
    refused = coordination.post(f"{base}/{pk}/identity", {"purpose": "x"}, format="json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission_denied"
    bad = api.post(
        base, {"channel": "phone", "ground": "w_no_ab", "matter": "x", "person": hall.clerk.pk}, format="json"
    )
    assert bad.status_code == 422 and bad.json()["error"]["rule"] == "R-CMP-1"
    invalid = api.post(base, {"channel": "nope"}, format="json")
    assert invalid.status_code == 400 and invalid.json()["error"]["code"] == "invalid"
    assert token_client(hall.clerk).post(base, {}, format="json").status_code in (400, 403)
    purposes = PersonalDataAccess.objects.filter(subject_type="supervision.complaint").values_list(
        "purpose", flat=True
    )
    assert list(purposes.order_by("pk")) == ["查看投诉人身份：回访", "【已拒绝】查看投诉人身份：x"]


def test_r_cmp_4_a_parent_centres_supervision_sees_the_list_but_never_the_identity(hall: Any) -> None:
    province = f.make_center(code="province", name="省政务服务中心")
    hall.center.parent = province
    hall.center.save()
    overseer = f.make_staff(province, name="省稽查")
    f.grant(overseer.user, province, Role.SUPERVISION)
    complaint = register(hall).complaint
    api = token_client(overseer)
    base = f"/api/v1/centers/{hall.center.code}/complaints"
    assert [row["id"] for row in api.get(base).json()["results"]] == [complaint.pk]
    assert api.post(f"{base}/{complaint.pk}/identity", {"purpose": "抽查"}, format="json").status_code == 403


def test_r_cmp_5_r_cmp_6_r_cmp_7_the_api_answers_transfers_and_closes_as_the_page_does(hall: Any) -> None:
    complaint = register(hall).complaint
    base = f"/api/v1/centers/{hall.center.code}/complaints/{complaint.pk}"
    api = token_client(hall.supervision)
    with time_machine.travel(TUESDAY, tick=False):
        # Closing before the answer is refused (有诉必复), and changes nothing.
        early = api.post(f"{base}/close", {"substantiated": True, "finding": "属实"}, format="json")
        assert early.status_code == 422 and early.json()["error"]["rule"] == "R-CMP-5"
        # Only the supervision section or the director transfers (R-CMP-6); the coordination section may not.
        coordination = token_client(hall.coordination).post(
            f"{base}/transfer", {"grade": "discipline"}, format="json"
        )
        assert coordination.status_code in (403, 404)
        bad_grade = api.post(f"{base}/transfer", {"grade": "simple"}, format="json")
        assert bad_grade.status_code == 400 and bad_grade.json()["error"]["code"] == "invalid"
        transferred = api.post(f"{base}/transfer", {"grade": "discipline"}, format="json")
        assert transferred.status_code == 200, transferred.content
        assert transferred.json()["state"] == ComplaintState.TRANSFERRED
        assert transferred.json()["transferred_to"]
        explained = api.post(
            f"{base}/explain", {"explanation": "已移送纪检监察机关，调查需时。"}, format="json"
        )
        assert explained.status_code == 200, explained.content
        answered = api.post(f"{base}/answer", {"answer": "已核实，移送纪检监察机关处理。"}, format="json")
        assert answered.status_code == 200, answered.content
        again = api.post(f"{base}/answer", {"answer": "再答复"}, format="json")
        assert again.status_code == 422 and again.json()["error"]["rule"] == "R-CMP-5"
        stranger = api.post(
            f"{base}/close",
            {"substantiated": True, "finding": "属实", "person": hall.outsider.pk},
            format="json",
        )
        assert stranger.status_code in (400, 404, 422)
        closed = api.post(
            f"{base}/close", {"substantiated": True, "finding": "属实，已批评教育。"}, format="json"
        )
    assert closed.status_code == 200, closed.content
    body = closed.json()
    assert (body["state"], body["substantiated"], body["finding"]) == ("closed", True, "属实，已批评教育。")
    assert _shows_identity(str(body)) == []
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.CLOSED and complaint.timer.state == TimerState.FINISHED
    # The clerk complained about cannot act on it, nor see it.
    assert token_client(hall.clerk).post(f"{base}/answer", {"answer": "x"}, format="json").status_code in (
        403,
        404,
    )


def test_r_med_a_patients_complaint_about_the_medical_insurance_window_is_logged_answered_and_counted(
    hall: Any, client: Any
) -> None:
    """R-MED: the hospital's medical-insurance window takes patients' and families' complaints under R-CMP, with
    the complaint phone published on every public page; the complaint counts against the window."""
    window = f.make_window(hall.center, hall.window.department, number="Y01", name="医疗保险窗口")
    form_url = reverse("portal:complaint_new", args=[hall.center.code])
    page = client.get(form_url).content.decode()
    assert hall.center.complaint_phone and f"<strong>{hall.center.complaint_phone}</strong>" in page
    with time_machine.travel(MONDAY, tick=False):
        response = client.post(
            form_url,
            _public_form(
                hall,
                window=window.pk,
                person="",
                ground=ComplaintGround.W_DISAGREEMENT,
                matter="家属来办住院费用报销，窗口迟迟不办理。",
                place="医院一楼医保窗口",
            ),
        )
    code = re.search(r'id="tracking-code">([A-Z0-9-]+)<', response.content.decode())
    assert code is not None, response.content.decode()[:2000]
    complaint = Complaint.objects.get(window=window)
    assert complaint.timer is not None and complaint.timer.deadline is not None  # R-CMP-5: its answer is due
    api = token_client(hall.supervision)
    with time_machine.travel(TUESDAY, tick=False):
        answered = api.post(
            f"/api/v1/centers/{hall.center.code}/complaints/{complaint.pk}/answer",
            {"answer": "已督促医保窗口当日办结报销。"},
            format="json",
        )
    assert answered.status_code == 200, answered.content
    track = reverse("portal:complaint_track", args=[hall.center.code])
    assert "已督促医保窗口当日办结报销。" in client.post(track, {"code": code.group(1)}).content.decode()
    from supervision.selectors.figures import window_figures

    counted = {
        w.window.number: w.complaints
        for w in window_figures(hall.center, date(2026, 11, 1), date(2026, 11, 30))
    }
    assert counted["Y01"] == 1
