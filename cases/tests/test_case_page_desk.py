"""The case page a clerk works in (issue 9, item 10): every notice's delivery is recorded on its row, the
material check's table labels each result and shows its choices whole, a note goes with the result it explains,
an upload at the window is not called online, an open case not yet accepted says so (never an internal id), and
an overdue case says by how many working days."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from api.tests.helpers import token_client
from cases.models import Case, CaseMaterial, CaseState, Notice, NoticeKind
from cases.services.clock import clock_start
from cases.services.handling import case_steps_plan
from cases.services.intake import case_receive
from cases.services.notice_delivery import notice_delivery_record
from catalog.models import Item
from common.errors import RuleViolation
from common.tests.samples import PDF
from org.models import StaffProfile

from .factories import at, make_case, make_item_for
from .handling_helpers import authorise

pytestmark = pytest.mark.usefixtures("national_calendar")

DAY = date(2026, 9, 28)  # a Monday
APPLICANT = {"name": "张三", "id_number": "330102199001011234"}


# --- helpers ----------------------------------------------------------------------------------------------


def _item(hall: Any, **fields: Any) -> Item:
    fields.setdefault("promised_limit_days", 5)
    fields.setdefault("special_procedures", ["expert_review"])
    fields.setdefault("extension_allowed", True)
    fields.setdefault("max_extension_days", 10)
    return make_item_for(hall.window, hall.post, **fields)


def _user(staff: StaffProfile) -> Any:
    assert staff.user is not None
    return staff.user


def _page(client: Client, staff: StaffProfile, case: Case, when: datetime) -> str:
    with time_machine.travel(when, tick=False):
        client.force_login(_user(staff))
        response = client.get(reverse("cases:case_detail", args=[case.pk]))
    assert response.status_code == 200
    return str(response.content.decode())


def _post(
    client: Client, staff: StaffProfile, url: str, when: datetime, data: dict[str, Any] | None = None
) -> Any:
    with time_machine.travel(when, tick=False):
        client.force_login(_user(staff))
        return client.post(url, data or {})


def _act(
    client: Client, staff: StaffProfile, case: Case, action: str, when: datetime, data: Any = None
) -> None:
    """Take `action` on `case` through the case page, with the revision the page would show."""
    case.refresh_from_db()
    url = reverse(f"cases:case_{action}", args=[case.pk])
    response = _post(client, staff, url, when, {"revision": case.revision, **(data or {})})
    assert response.status_code == 302, response.content.decode()[:3000]


def _check_data(case: Case, *results: tuple[str, str]) -> dict[str, str]:
    data: dict[str, str] = {}
    for material, (status, note) in zip(case.version.materials.order_by("order"), results, strict=True):
        data[f"status_{material.pk}"] = status
        data[f"note_{material.pk}"] = note
    return data


def _deliver(client: Client, staff: StaffProfile, notice: Notice, when: datetime, method: str) -> Any:
    revision = Case.objects.get(pk=notice.case_id).revision
    url = reverse("cases:case_notice_delivered", args=[notice.pk])
    return _post(client, staff, url, when, {"revision": revision, "method": method})


def _notices_section(page: str) -> str:
    return page[page.index('id="notices"') : page.index('id="steps"')]


def _received(hall: Any, **fields: Any) -> Case:
    return make_case(
        window=hall.window,
        item=_item(hall),
        received_by=hall.clerk,
        state=CaseState.RECEIVED,
        received_on=DAY,
        **fields,
    )


def _accepted(hall: Any, on: date = date(2026, 9, 30)) -> Case:
    case = make_case(window=hall.window, item=_item(hall), received_by=hall.clerk, accepted_on=on)
    clock_start(case=case)
    case_steps_plan(case=case, at=at(on, 9))
    case.refresh_from_db()
    return case


# --- delivery of every notice (R-CASE-2, R-CASE-4, R-CASE-6, R-CLK-4, R-CLK-5) ---------------------------------


def test_r_case_2_r_case_4_r_case_6_r_clk_4_r_clk_5_every_notices_delivery_is_recorded_on_the_case_page(
    hall: Any, client: Client
) -> None:
    authorise(hall)
    clerk, chief = hall.clerk, hall.chief
    case = _received(hall)
    # Correction, acceptance, special procedure, extension and decision notices, all through the page.
    _act(client, clerk, case, "check", at(DAY, 10), _check_data(case, ("present", ""), ("missing", "")))
    _act(client, clerk, case, "correction", at(DAY, 10, 10))
    _act(client, clerk, case, "resubmit", at(date(2026, 9, 30), 9))
    _act(
        client,
        clerk,
        case,
        "check",
        at(date(2026, 9, 30), 9, 10),
        _check_data(case, ("present", ""), ("present", "")),
    )
    _act(client, clerk, case, "accept", at(date(2026, 9, 30), 9, 20))
    _act(
        client,
        clerk,
        case,
        "suspend",
        at(date(2026, 10, 9), 10),
        {"kind": "expert_review", "reason": "组织专家评审", "expected_days": 2},
    )
    _act(client, clerk, case, "resume", at(date(2026, 10, 13), 9), {"result": "评审通过"})
    _act(client, chief, case, "extend", at(date(2026, 10, 14), 9), {"days": 2, "reason": "需现场核查"})
    _act(client, clerk, case, "step", at(date(2026, 10, 15), 9), {"opinion": "同意"})
    _act(
        client,
        chief,
        case,
        "decide",
        at(date(2026, 10, 15), 10),
        {"decision": "approve", "result_number": "外经贸许〔2026〕3号"},
    )
    # A refusal notice, on another application.
    refused = _received(hall)
    _act(
        client,
        clerk,
        refused,
        "refuse",
        at(DAY, 11),
        {"reasons": "不属于本部门职权范围", "competent_authority": "县市场监管局窗口"},
    )

    by_kind = {n.kind: n for n in Notice.objects.filter(case__in=[case, refused])}
    recordable = [
        NoticeKind.CORRECTION,
        NoticeKind.REFUSAL,
        NoticeKind.ACCEPTANCE,
        NoticeKind.SPECIAL_PROCEDURE,
        NoticeKind.EXTENSION,
    ]
    assert set(by_kind) == {*recordable, NoticeKind.APPROVAL}
    when = at(date(2026, 10, 15), 11)
    page = _page(client, clerk, case, when)
    for kind in recordable:
        notice = by_kind[kind]
        shown = _notices_section(_page(client, clerk, notice.case, when))
        assert reverse("cases:case_notice_delivered", args=[notice.pk]) in shown, kind
    # A decision is delivered with the case (R-CASE-8): its row offers no separate record.
    assert reverse("cases:case_notice_delivered", args=[by_kind[NoticeKind.APPROVAL].pk]) not in page

    for n, kind in enumerate(recordable):
        notice = by_kind[kind]
        response = _deliver(client, clerk, notice, when, ["当面送达", "邮寄送达"][n % 2])
        assert response.status_code == 302, (kind, response.content.decode()[:2000])
        notice.refresh_from_db()
        assert (notice.delivered_at, notice.delivery_method) == (when, ["当面送达", "邮寄送达"][n % 2])
        event = notice.case.events.order_by("-seq").first()
        assert event is not None
        assert (event.action, event.data["kind"], event.data["notice"], event.actor) == (
            "notice_delivered",
            kind,
            notice.number,
            clerk,
        )
    shown = _notices_section(_page(client, clerk, case, when))
    assert "2026-10-15 当面送达" in shown and "2026-10-15 邮寄送达" in shown

    # A second record of the same delivery is refused, naming the notice's rule; nothing changes.
    again = _deliver(client, clerk, by_kind[NoticeKind.ACCEPTANCE], at(date(2026, 10, 16), 9), "邮寄送达")
    assert again.status_code == 422
    assert "该告知书已记录送达。（R-CASE-6）" in again.content.decode()
    # The decision notice's delivery is the case's "送达" (R-CASE-8): refused here, nothing changed.
    approval = by_kind[NoticeKind.APPROVAL]
    revision = Case.objects.get(pk=case.pk).revision
    refused_decision = _deliver(client, clerk, approval, when, "当面送达")
    assert refused_decision.status_code == 422
    assert "决定书随办件一并送达，请用“送达”登记。（R-CASE-8）" in refused_decision.content.decode()
    approval.refresh_from_db()
    assert approval.delivered_at is None and Case.objects.get(pk=case.pk).revision == revision


def test_r_case_6_delivery_is_refused_for_a_notice_that_was_not_issued(hall: Any, client: Client) -> None:
    case = _received(hall)
    _act(client, hall.clerk, case, "check", at(DAY, 10), _check_data(case, ("present", ""), ("present", "")))
    _act(client, hall.clerk, case, "accept", at(DAY, 10, 5))
    notice = case.notices.get()
    events = case.events.count()
    # No such notice: the page and the API answer 404 and nothing is recorded.
    missing = Notice.objects.order_by("-pk").values_list("pk", flat=True).first() + 1000  # type: ignore[operator]
    case.refresh_from_db()
    page_url = reverse("cases:case_notice_delivered", args=[missing])
    assert (
        _post(
            client, hall.clerk, page_url, at(DAY, 11), {"revision": case.revision, "method": "当面送达"}
        ).status_code
        == 404
    )
    api_url = reverse("api:notice_delivered", kwargs={"notice_id": missing})
    with time_machine.travel(at(DAY, 11), tick=False):
        api = token_client(hall.clerk).post(
            api_url, {"revision": case.revision, "method": "当面送达"}, format="json"
        )
    assert api.status_code == 404
    # Another centre's notice is not there for this clerk either.
    assert _deliver(client, hall.outsider, notice, at(DAY, 11), "当面送达").status_code == 404
    # A delivery before the notice was issued is refused.
    with pytest.raises(RuleViolation) as refusal:
        notice_delivery_record(actor=hall.clerk, notice=notice, method="当面送达", at=at(DAY, 10))
    assert (refusal.value.rule, refusal.value.message) == ("R-CASE-6", "送达时间不能早于出具时间。")
    notice.refresh_from_db()
    assert notice.delivered_at is None and case.events.count() == events


# --- the material check (R-CASE-2) ---------------------------------------------------------------------------


def test_r_case_2_the_review_note_is_cleared_when_its_status_changes(hall: Any, client: Client) -> None:
    case = _received(hall)
    m1, m2 = case.version.materials.order_by("order")
    _act(
        client,
        hall.clerk,
        case,
        "check",
        at(DAY, 10),
        _check_data(case, ("defective", "复印件不清晰"), ("missing", "未带原件")),
    )
    # The applicant brings what was asked on the spot; the clerk changes both results and leaves the notes as
    # the form showed them: the notes went with the old results.
    _act(
        client,
        hall.clerk,
        case,
        "check",
        at(DAY, 10, 30),
        _check_data(case, ("present", "复印件不清晰"), ("present", "未带原件")),
    )
    notes = dict(CaseMaterial.objects.filter(case=case).values_list("material_id", "note"))
    assert notes == {m1.pk: "", m2.pk: ""}
    # A new note with a new result is kept; an unchanged result keeps its note.
    _act(
        client,
        hall.clerk,
        case,
        "check",
        at(DAY, 10, 40),
        _check_data(case, ("defective", "缺少公章"), ("present", "")),
    )
    _act(
        client,
        hall.clerk,
        case,
        "check",
        at(DAY, 10, 50),
        _check_data(case, ("defective", "缺少公章"), ("present", "")),
    )
    assert CaseMaterial.objects.get(case=case, material=m1).note == "缺少公章"
    # Defective → missing with the old note: cleared; defective needs its own note, so leaving the old one with
    # a change to defective is refused (the note it had was about another result).
    _act(
        client,
        hall.clerk,
        case,
        "check",
        at(DAY, 11),
        _check_data(case, ("missing", "缺少公章"), ("present", "")),
    )
    assert CaseMaterial.objects.get(case=case, material=m1).note == ""
    case.refresh_from_db()
    with time_machine.travel(at(DAY, 11, 10), tick=False):
        client.force_login(_user(hall.clerk))
        refused = client.post(
            reverse("cases:case_check", args=[case.pk]),
            {"revision": case.revision, **_check_data(case, ("present", ""), ("present", ""))}
            | {f"status_{m2.pk}": "defective", f"note_{m2.pk}": ""},
        )
    assert refused.status_code == 422
    assert "材料“申请材料2”不符合要求的，须写明问题。（R-CASE-2）" in refused.content.decode()
    # On the page, changing a result empties its note field (static/js/govhall.js reads data-clears).
    page = _page(client, hall.clerk, case, at(DAY, 11, 20))
    assert f'data-clears="id_check_note_{m1.pk}"' in page
    assert f'id="id_check_note_{m1.pk}"' in page


def test_r_case_2_the_review_table_labels_each_result_and_shows_its_choices_whole(
    hall: Any, client: Client
) -> None:
    case = _received(hall)
    m1, m2 = case.version.materials.order_by("order")
    page = _page(client, hall.clerk, case, at(DAY, 9))
    table = page[page.index('class="compact check-table"') :]
    table = table[: table.index("</table>")]
    for material in (m1, m2):
        # The material's name is the label of its result; the note is named for screen readers.
        assert f'<label for="id_check_status_{material.pk}">{material.name}</label>' in table
        assert f'aria-label="“{material.name}”的说明"' in table
    # Every choice, in full.
    options = re.findall(r"<option[^>]*>([^<]*)</option>", table)
    assert options[:5] == ["— 未审查 —", "齐全", "缺少", "不符合要求", "不适用"]
    # The select is as wide as its longest choice, not squeezed to the narrow column.
    from django.contrib.staticfiles import finders

    css_path = finders.find("css/govhall.css")
    assert css_path is not None
    with open(css_path, encoding="utf-8") as css:
        assert ".check-table select { display: block; width: auto; min-width: max-content;" in css.read()


def test_r_case_2_a_file_uploaded_at_the_window_is_not_marked_online(
    hall: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    item = _item(hall)
    m1 = item.current_version.materials.order_by("order").first()  # type: ignore[union-attr]
    assert m1 is not None

    def received(channel: str) -> CaseMaterial:
        case = case_receive(
            actor=hall.clerk,
            window=hall.window,
            item=item,
            applicant=APPLICANT,
            channel=channel,
            at=at(DAY, 9),
            uploads={m1.pk: SimpleUploadedFile("申请表.pdf", PDF)},
        )
        return CaseMaterial.objects.get(case=case)

    at_window = received("window")
    assert at_window.note == "窗口收件时上传，待审查"
    assert "网上" not in at_window.note
    assert received("web").note == "网上提交，待审查"


# --- how an open case is named, and its clock -----------------------------------------------------------------


def test_an_open_case_not_yet_accepted_shows_a_clear_label_never_its_internal_id(
    hall: Any, client: Client
) -> None:
    case = _received(hall, number="")
    page = _page(client, hall.clerk, case, at(DAY, 9))
    assert '<h1><span class="not-accepted">尚未受理（暂无办件编号）</span></h1>' in page
    assert "<title>办件 （尚未受理）" in page
    assert "<dt>办件编号</dt><dd>尚未受理，受理后生成</dd>" in page
    visible = re.sub(r"<[^>]+>", " ", page)  # the text; the id is only in addresses
    assert f"#{case.pk}" not in visible and f"#{case.pk}" not in page
    # Accepted, it shows its number.
    _act(client, hall.clerk, case, "check", at(DAY, 10), _check_data(case, ("present", ""), ("present", "")))
    _act(client, hall.clerk, case, "accept", at(DAY, 10, 5))
    case.refresh_from_db()
    page = _page(client, hall.clerk, case, at(DAY, 11))
    assert f"<h1>{case.number}</h1>" in page and "尚未受理" not in page


def test_r_clk_9_an_overdue_case_says_how_many_working_days_overdue(hall: Any, client: Client) -> None:
    case = _accepted(hall)
    assert case.deadline == date(
        2026, 10, 13
    )  # 5 working days from 2026-09-30 over the National Day holidays
    on_time = _page(client, hall.clerk, case, at(date(2026, 10, 13), 10))
    assert "剩余 0 个工作日" in on_time and "逾期" not in on_time  # the deadline day itself is not overdue
    one = _page(client, hall.clerk, case, at(date(2026, 10, 14), 10))
    assert '<strong class="overdue">逾期1个工作日</strong>' in one
    three = _page(client, hall.clerk, case, at(date(2026, 10, 16), 10))
    assert '<strong class="overdue">逾期3个工作日</strong>' in three
    assert "剩余 0 个工作日" not in three and "红色（超时）" in three
    # Over the weekend it stays at 3: Saturday and Sunday are not working days.
    assert '<strong class="overdue">逾期3个工作日</strong>' in _page(
        client, hall.clerk, case, at(date(2026, 10, 18), 10)
    )


# --- in a browser -------------------------------------------------------------------------------------------


@pytest.mark.browser
def test_r_case_2_in_the_browser_a_new_result_empties_its_note_and_every_choice_shows_whole(
    transactional_db: Any, hall: Any, live_server: Any, page: Any
) -> None:
    from org.tests.factories import PASSWORD

    case = _received(hall)
    m1, _m2 = case.version.materials.order_by("order")
    CaseMaterial.objects.create(
        case=case,
        material=m1,
        status="defective",
        note="复印件不清晰",
        checked_at=at(DAY, 9),
        checked_by=hall.clerk,
    )
    url = reverse("cases:case_detail", args=[case.pk])
    page.goto(f"{live_server.url}{reverse('org:login')}?next={url}")
    page.get_by_label("登录名").fill(hall.clerk.user.username)
    page.get_by_label("密码").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()
    status = page.get_by_label(m1.name, exact=True)
    note = page.get_by_label(f"“{m1.name}”的说明")
    assert note.input_value() == "复印件不清晰"
    status.select_option("present")
    assert note.input_value() == ""
    # The select is at least as wide as the text of its longest choice: nothing is cut off.
    fits = status.evaluate(
        """select => {
            const canvas = document.createElement("canvas").getContext("2d");
            canvas.font = getComputedStyle(select).font;
            const widest = Math.max(...[...select.options].map(o => canvas.measureText(o.text).width));
            return select.clientWidth >= widest;
        }"""
    )
    assert fits
