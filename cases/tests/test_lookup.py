"""The public progress lookup (R-PUB-2): state, dates and deadline by case number and query code, nothing
personal, no enumeration, throttled; on the portal and on the kiosk (R-PUB-4)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from cases.models import Case, CaseState
from cases.services.lookup import PublicCaseView, case_lookup, case_lookup_throttled
from cases.tests.factories import make_case, make_item_for
from common.errors import RuleViolation
from org.tests import factories as org_factories
from workdays.models import Timer

THROTTLED = "查询过于频繁，请15分钟后再试"
WRONG = "办件编号或查询码不正确，请核对受理通知书后重新输入。"


@pytest.fixture
def case(hall: Any) -> Case:
    item = make_item_for(hall.window, hall.post, name="对外贸易经营者备案登记")
    case = make_case(
        window=hall.window,
        item=item,
        received_by=hall.clerk,
        accepted_on=date(2026, 9, 30),
        number="DEMO-COUNTY-20260930-00007",
        query_code="482913",
        deadline=date(2026, 10, 13),
        responsible=hall.backup,
    )
    Case.objects.filter(pk=case.pk).update(
        applicant_name="陈小明",
        applicant_id_number="330102199001015673",
        applicant_phone="13912345678",
        applicant_email="chen@example.com",
    )
    case.refresh_from_db()
    return case


def _url(hall: Any, name: str = "case_lookup") -> str:
    return reverse(f"portal:{name}", kwargs={"center_code": hall.center.code})


def _post(client: Any, url: str, number: str, code: str, ip: str = "10.0.0.1") -> Any:
    return client.post(url, {"number": number, "query_code": code}, REMOTE_ADDR=ip)


def _without_csrf(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", html)


# --- the service -------------------------------------------------------------------------------------------


def test_r_pub_2_lookup_returns_state_dates_and_deadline_only(hall: Any, case: Case) -> None:
    found = case_lookup(center=hall.center, number="DEMO-COUNTY-20260930-00007", query_code="482913")

    assert found == PublicCaseView(
        number="DEMO-COUNTY-20260930-00007",
        item_name="对外贸易经营者备案登记",
        state="accepted",
        state_label="已受理办理中",
        received_on=date(2026, 9, 30),
        accepted_on=date(2026, 9, 30),
        deadline=date(2026, 10, 13),
        deadline_provisional=False,
        suspended=False,
        decided_on=None,
        delivered_on=None,
    )
    # Typed with spaces or in lower case, the number still matches.
    assert (
        case_lookup(center=hall.center, number=" demo-county-20260930-00007 ", query_code=" 482913") == found
    )


def test_r_pub_2_decided_and_delivered_dates_are_local_days(hall: Any, case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(
        state=CaseState.DELIVERED,
        decided_at=datetime(2026, 10, 9, 17, 30, tzinfo=UTC),  # 2026-10-10 01:30 in Shanghai
        delivered_at=datetime(2026, 10, 12, 2, 0, tzinfo=UTC),
    )
    found = case_lookup(center=hall.center, number=case.number, query_code="482913")
    assert found is not None
    assert (found.state_label, found.decided_on, found.delivered_on) == (
        "已送达",
        date(2026, 10, 10),
        date(2026, 10, 12),
    )


def test_r_pub_2_wrong_code_unknown_number_and_other_centre_are_all_none(hall: Any, case: Case) -> None:
    other = org_factories.make_center(code="third-county", name="第三县政务服务中心")
    assert case_lookup(center=hall.center, number=case.number, query_code="482914") is None
    assert case_lookup(center=hall.center, number=case.number, query_code="") is None
    assert case_lookup(center=hall.center, number="DEMO-COUNTY-20260930-00008", query_code="482913") is None
    assert case_lookup(center=hall.center, number="", query_code="482913") is None
    assert case_lookup(center=other, number=case.number, query_code="482913") is None


def test_r_pub_2_a_case_not_yet_numbered_cannot_be_looked_up(hall: Any) -> None:
    item = make_item_for(hall.window, hall.post)
    received = make_case(window=hall.window, item=item, received_by=hall.clerk, state=CaseState.RECEIVED)
    assert (received.number, received.query_code) == ("", "")
    assert case_lookup(center=hall.center, number="", query_code="") is None


def test_r_pub_2_ten_failures_from_one_address_refuse_even_the_right_code(hall: Any, case: Case) -> None:
    for i in range(10):
        wrong = f"DEMO-COUNTY-20260930-{i + 100:05d}"
        assert (
            case_lookup_throttled(center=hall.center, number=wrong, query_code="1", client="10.0.0.1") is None
        )

    with pytest.raises(RuleViolation) as refused:
        case_lookup_throttled(center=hall.center, number=case.number, query_code="482913", client="10.0.0.1")
    assert (refused.value.rule, refused.value.message) == ("R-PUB-2", THROTTLED)
    # Another address may still look the case up (the failures were against other numbers).
    assert case_lookup_throttled(
        center=hall.center, number=case.number, query_code="482913", client="10.0.0.2"
    )


def test_r_pub_2_failures_against_one_number_from_many_addresses_do_not_lock_the_applicant_out(
    hall: Any, case: Case
) -> None:
    # Someone fails on purpose against the case's number, from many addresses, to lock its lookup.
    for i in range(100):
        assert (
            case_lookup_throttled(
                center=hall.center, number=case.number, query_code="0", client=f"10.1.{i // 250}.{i % 250}"
            )
            is None
        )
    # The applicant, from an address of their own, still gets in with the right code.
    found = case_lookup_throttled(
        center=hall.center, number=case.number, query_code="482913", client="10.2.0.1"
    )
    assert found is not None and found.number == case.number


def test_r_pub_2_a_number_under_guard_allows_one_guess_per_address(hall: Any, case: Case) -> None:
    for i in range(10):
        case_lookup_throttled(center=hall.center, number=case.number, query_code="0", client=f"10.1.0.{i}")
    # Past 10 failures against the number, one more wrong guess uses up the guessing address's allowance …
    assert (
        case_lookup_throttled(center=hall.center, number=case.number, query_code="1", client="10.3.0.1")
        is None
    )
    with pytest.raises(RuleViolation, match=THROTTLED):
        case_lookup_throttled(center=hall.center, number=case.number, query_code="2", client="10.3.0.1")
    with pytest.raises(RuleViolation, match=THROTTLED):
        case_lookup_throttled(
            center=hall.center, number="DEMO-COUNTY-20260930-00008", query_code="3", client="10.3.0.1"
        )
    # … while the addresses that guessed before the guard keep the rest of theirs, and the right code works.
    assert case_lookup_throttled(
        center=hall.center, number=case.number, query_code="482913", client="10.1.0.0"
    )
    assert case_lookup_throttled(
        center=hall.center, number=case.number, query_code="482913", client="10.3.0.2"
    )


def test_r_pub_2_the_guard_on_a_number_ends_after_15_minutes(hall: Any, case: Case) -> None:
    start = datetime(2026, 10, 8, 2, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        for i in range(10):
            case_lookup_throttled(
                center=hall.center, number=case.number, query_code="0", client=f"10.1.0.{i}"
            )
        clock.shift(timedelta(minutes=15, seconds=1))
        # A new window: a failure from a fresh address counts as one failure, not a whole allowance.
        case_lookup_throttled(center=hall.center, number=case.number, query_code="1", client="10.4.0.1")
        assert case_lookup_throttled(
            center=hall.center, number=case.number, query_code="482913", client="10.4.0.1"
        )


def test_r_pub_2_nine_failures_then_the_right_code_is_answered(hall: Any, case: Case) -> None:
    for _ in range(9):
        case_lookup_throttled(center=hall.center, number=case.number, query_code="0", client="10.0.0.1")
    found = case_lookup_throttled(
        center=hall.center, number=case.number, query_code="482913", client="10.0.0.1"
    )
    assert found is not None and found.number == case.number


def test_r_pub_2_the_refusal_ends_after_15_minutes(hall: Any, case: Case) -> None:
    start = datetime(2026, 10, 8, 2, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(10):
            case_lookup_throttled(center=hall.center, number=case.number, query_code="0", client="10.0.0.1")
        clock.shift(timedelta(minutes=14, seconds=59))
        with pytest.raises(RuleViolation):
            case_lookup_throttled(
                center=hall.center, number=case.number, query_code="482913", client="10.0.0.1"
            )
        clock.shift(timedelta(seconds=2))
        assert case_lookup_throttled(
            center=hall.center, number=case.number, query_code="482913", client="10.0.0.1"
        )


# --- the portal page ---------------------------------------------------------------------------------------


def test_r_pub_2_page_shows_state_dates_and_deadline_and_nothing_personal(
    client: Any, hall: Any, case: Case
) -> None:
    response = _post(client, _url(hall), case.number, "482913")

    assert response.status_code == 200
    page = response.content.decode()
    assert '<tr><th scope="row">办件编号</th><td>DEMO-COUNTY-20260930-00007</td></tr>' in page
    assert '<tr><th scope="row">事项名称</th><td>对外贸易经营者备案登记</td></tr>' in page
    assert '<tr><th scope="row">当前状态</th><td><strong>已受理办理中</strong></td></tr>' in page
    assert '<tr><th scope="row">收件日期</th><td>2026-09-30</td></tr>' in page
    assert '<tr><th scope="row">受理日期</th><td>2026-09-30</td></tr>' in page
    assert '<tr><th scope="row">办结期限</th><td>2026-10-13</td></tr>' in page
    assert '<tr><th scope="row">决定日期</th><td>—</td></tr>' in page
    for personal in ("陈小明", "330102199001015673", "13912345678", "chen@example.com"):
        assert personal not in page
    for staff in (hall.clerk, hall.backup, hall.chief, hall.supervision, hall.director):
        assert staff.name not in page
        assert staff.badge_number not in page
    assert "482913" not in page  # the code is not echoed back


def test_r_pub_2_suspended_case_shows_its_clock_stopped_and_provisional_deadline(
    client: Any, hall: Any, case: Case
) -> None:
    Timer.objects.filter(pk=case.timer_id).update(provisional=True)
    page = _post(client, _url(hall), case.number, "482913").content.decode()
    assert '<td>2026-10-13 <span class="badge">暂定</span></td>' in page
    # Stopped for a special procedure: no deadline until the clock resumes, and the page says why.
    Case.objects.filter(pk=case.pk).update(state=CaseState.SUSPENDED)
    Timer.objects.filter(pk=case.timer_id).update(state="stopped", deadline=None, warn_from=None)
    page = _post(client, _url(hall), case.number, "482913").content.decode()
    assert '<strong>特别程序中（暂停计时）</strong> <span class="badge warn">暂停计时</span>' in page
    assert '<td>—<br><span class="muted">特别程序期间暂停计时' in page


def test_r_pub_2_wrong_code_and_unknown_number_give_the_identical_page(
    client: Any, hall: Any, case: Case
) -> None:
    wrong_code = _post(client, _url(hall), case.number, "482914")
    unknown = _post(client, _url(hall), "DEMO-COUNTY-20260930-99999", "482913")

    assert wrong_code.status_code == unknown.status_code == 200
    assert WRONG in wrong_code.content.decode()
    assert "对外贸易经营者备案登记" not in wrong_code.content.decode()
    assert _without_csrf(wrong_code.content.decode()) == _without_csrf(unknown.content.decode())


def test_r_pub_2_page_is_throttled_after_ten_failures(client: Any, hall: Any, case: Case) -> None:
    for i in range(10):
        response = _post(client, _url(hall), f"NO-SUCH-{i}", "000000")
        assert WRONG in response.content.decode(), i

    refused = _post(client, _url(hall), case.number, "482913")

    assert refused.status_code == 429
    page = refused.content.decode()
    assert f"{THROTTLED}（R-PUB-2）" in page
    assert "已受理办理中" not in page
    # Another address is still answered.
    assert "已受理办理中" in _post(client, _url(hall), case.number, "482913", ip="10.0.0.9").content.decode()


def test_r_pub_2_page_is_not_locked_for_the_applicant_by_failures_from_other_addresses(
    client: Any, hall: Any, case: Case
) -> None:
    for i in range(30):
        assert WRONG in _post(client, _url(hall), case.number, "000000", ip=f"10.5.0.{i}").content.decode()

    answered = _post(client, _url(hall), case.number, "482913", ip="10.6.0.1")

    assert answered.status_code == 200
    assert "已受理办理中" in answered.content.decode()


def test_r_pub_2_form_get_default_centre_bad_input_and_csrf(client: Any, hall: Any, case: Case) -> None:
    page = client.get(_url(hall)).content.decode()
    assert "<h1>办件进度查询</h1>" in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert '<form method="post" class="card progress-form" action="/demo-county/progress/">' in page
    # The short URL shows the default centre (the first top-level one).
    assert client.get(reverse("portal:case_lookup")).status_code == 200
    assert client.get("/no-such-centre/progress/").status_code == 404
    missing = client.post(_url(hall), {"number": case.number})
    assert missing.status_code == 400
    assert "请填写办件编号和查询码。" in missing.content.decode()
    too_long = client.post(_url(hall), {"number": "X" * 500, "query_code": "1" * 500})
    assert too_long.status_code == 400
    assert client.put(_url(hall)).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(_url(hall), {"number": case.number, "query_code": "482913"}).status_code == 403


def test_r_pub_2_portal_home_links_to_the_lookup(client: Any, hall: Any) -> None:
    page = client.get(reverse("portal:home", kwargs={"center_code": hall.center.code})).content.decode()
    assert f'<a class="card" href="{_url(hall)}"><h2>办件进度查询</h2>' in page


# --- the kiosk ---------------------------------------------------------------------------------------------


def test_r_pub_2_kiosk_lookup_works_with_large_targets(client: Any, hall: Any, case: Case) -> None:
    url = _url(hall, "kiosk_progress")
    form = client.get(url).content.decode()
    assert '<body class="kiosk" data-idle-home=' in form
    assert f'action="{url}"' in form
    assert "工作人员登录" not in form
    assert "body.kiosk .progress-form button { font-size: 2rem;" in form

    page = _post(client, url, case.number, "482913").content.decode()
    assert '<body class="kiosk" data-idle-home=' in page
    assert '<tr><th scope="row">办结期限</th><td>2026-10-13</td></tr>' in page
    assert "陈小明" not in page and "13912345678" not in page
    assert WRONG in _post(client, url, case.number, "1").content.decode()


def test_r_pub_2_kiosk_home_has_a_progress_tile(client: Any, hall: Any) -> None:
    page = client.get(reverse("portal:kiosk", kwargs={"center_code": hall.center.code})).content.decode()
    assert f'<a class="tile" href="{_url(hall, "kiosk_progress")}">进度查询</a>' in page
