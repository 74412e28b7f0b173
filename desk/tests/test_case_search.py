"""Finding any case (issue 9, item 9): the staff search page `/staff/cases/search/`, its paging and sorting,
its spreadsheet export, and the same filters on the API's case list.

The moment is 2026-09-30 10:00 (a Wednesday, a working day). The 2026 national schedule around it (the
`national_calendar` fixture): Fri 09-25..Sun 09-27 Mid-Autumn Festival off; Thu 10-01..Wed 10-07 National Day
off; Sat 10-10 a make-up working day. Every count of days below is worked out by hand from it:

- deadline Thu 09-24, today 09-30: overdue by the working days 09-28, 09-29, 09-30 → 3 (six calendar days);
- deadline Fri 10-09: left 10-08, 10-09 → 2 working days (nine calendar days);
- deadline Tue 10-20: left 10-08, 10-09, 10-10, 10-12..10-16, 10-19, 10-20 → 10 working days;
- deadline 09-24, finished Tue 09-29: late by 09-28, 09-29 → 2 working days.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from api.tests.helpers import token_client
from cases.models import Case, CaseState
from cases.selectors import search
from cases.tests.factories import at, make_case, make_item_for
from catalog.models import Item
from catalog.tests.factories import make_published_item
from common.identifiers import credit_code_check_char, resident_id_check_char
from common.models import PersonalDataAccess
from org.models import Role, StaffProfile
from org.tests import factories as f

pytestmark = pytest.mark.usefixtures("national_calendar")

DAY = date(2026, 9, 30)
NOW = at(DAY, 10, 0)
URL = reverse("desk:case_search")
EXPORT = reverse("desk:case_search_export")
ID_NUMBER = "42010619900315432" + resident_id_check_char("42010619900315432")  # 张明远's
OTHER_ID = "11010119851201001" + resident_id_check_char("11010119851201001")
CREDIT_CODE = "91420100MA4K" + "00001" + credit_code_check_char("91420100MA4K00001")  # 华茂食品's


def _user(staff: StaffProfile) -> Any:
    assert staff.user is not None
    return staff.user


def _get(client: Client, staff: StaffProfile, url: str = URL, **params: Any) -> Any:
    client.force_login(_user(staff))
    with time_machine.travel(NOW, tick=False):
        return client.get(url, params)


def _html(response: Any) -> str:
    return str(response.content.decode())


def _listed(response: Any) -> list[int]:
    """The keys of the cases listed, in their order."""
    html = _html(response)
    keys = []
    start = html.find('data-case="')
    while start != -1:
        start += len('data-case="')
        keys.append(int(html[start : html.index('"', start)]))
        start = html.find('data-case="', start)
    return keys


def _row(response: Any, case: Case) -> str:
    html = _html(response)
    start = html.index(f'data-case="{case.pk}"')
    return html[start : html.index("</tr>", start)]


def _number(n: int, day: date = date(2026, 9, 28), center: str = "DEMO-COUNTY") -> str:
    return f"{center}-{day:%Y%m%d}-{n:05d}"


APPLICANT_FIELDS = ("applicant_name", "applicant_id_number", "organisation_name", "credit_code")


def _make_case(**fields: Any) -> Case:
    """`make_case` with the applicant given (it names one of its own)."""
    applicant = {name: fields.pop(name) for name in APPLICANT_FIELDS if name in fields}
    case = make_case(**fields)
    Case.objects.filter(pk=case.pk).update(**applicant)
    for name, value in applicant.items():
        setattr(case, name, value)
    return case


@dataclass
class Found:
    """The cases of the hall: window A01 unless said otherwise."""

    item: Item  # FTB-001
    other_item: Item  # FTB-009
    red: Case  # 张明远 (ID_NUMBER), overdue 3 working days
    yellow: Case  # 示范县华茂食品科技有限公司 (CREDIT_CODE), 2 working days left
    green: Case  # 王小二, FTB-009, 10 working days left
    suspended: Case
    closed_late: Case  # approved 09-29, 2 working days late
    closed_on_time: Case
    archived: Case  # 张明远 again, a case of 2025 in the archive
    received: Case  # 赵六, not numbered yet
    other_window: Case  # 张明远 at B02
    other_center: Case  # 张明远 at the neighbouring centre

    def all_at_a01(self) -> list[Case]:
        return [
            self.red,
            self.yellow,
            self.green,
            self.suspended,
            self.closed_late,
            self.closed_on_time,
            self.archived,
            self.received,
        ]


@pytest.fixture
def found(hall: Any) -> Found:
    item = make_item_for(hall.window, hall.post, code="FTB-001", name="对外贸易经营者备案登记")
    other_item = make_published_item(hall.center, hall.department, code="FTB-009", name="进出口许可证")

    def case(n: int, **fields: Any) -> Case:
        fields.setdefault("item", item)
        fields.setdefault("window", hall.window)
        fields.setdefault("received_by", hall.clerk)
        fields.setdefault("accepted_on", date(2026, 9, 28))
        fields.setdefault("number", _number(n, fields["accepted_on"] or date(2026, 9, 28)))
        return _make_case(**fields)

    outsider_window = f.make_window(hall.outsider.center, number="A01")
    outsider_item = make_published_item(hall.outsider.center, outsider_window.department, code="FTB-001")
    return Found(
        item=item,
        other_item=other_item,
        red=case(
            1,
            applicant_name="张明远",
            applicant_id_number=ID_NUMBER,
            accepted_on=date(2026, 9, 17),
            deadline=date(2026, 9, 24),
            warn_from=date(2026, 9, 23),
        ),
        yellow=case(
            2,
            applicant_name="李华",
            organisation_name="示范县华茂食品科技有限公司",
            credit_code=CREDIT_CODE,
            applicant_id_number=OTHER_ID,
            deadline=date(2026, 10, 9),
            warn_from=date(2026, 9, 29),
        ),
        green=case(
            3,
            item=other_item,
            applicant_name="王小二",
            accepted_on=date(2026, 9, 30),
            deadline=date(2026, 10, 20),
            warn_from=date(2026, 10, 15),
        ),
        suspended=case(4, applicant_name="孙悦", state=CaseState.SUSPENDED, deadline=date(2026, 10, 22)),
        closed_late=case(
            5,
            applicant_name="周强",
            state=CaseState.APPROVED,
            accepted_on=date(2026, 9, 17),
            deadline=date(2026, 9, 24),
            warn_from=date(2026, 9, 23),
            decided_at=at(date(2026, 9, 29), 15),
        ),
        closed_on_time=case(
            6,
            applicant_name="吴敏",
            state=CaseState.APPROVED,
            deadline=date(2026, 10, 20),
            warn_from=date(2026, 10, 15),
            decided_at=at(date(2026, 9, 29), 15),
        ),
        archived=case(
            7,
            applicant_name="张明远",
            applicant_id_number=ID_NUMBER,
            state=CaseState.ARCHIVED,
            accepted_on=date(2025, 11, 3),
        ),
        received=_make_case(
            window=hall.window,
            item=item,
            received_by=hall.clerk,
            state=CaseState.RECEIVED,
            received_on=DAY,
            applicant_name="赵六",
        ),
        other_window=case(
            8,
            window=hall.other_window,
            received_by=hall.other_clerk,
            applicant_name="张明远",
            applicant_id_number=ID_NUMBER,
        ),
        other_center=_make_case(
            window=outsider_window,
            item=outsider_item,
            received_by=hall.outsider,
            accepted_on=date(2026, 9, 28),
            number=_number(1, center="OTHER-COUNTY"),
            applicant_name="张明远",
            applicant_id_number=ID_NUMBER,
            credit_code=CREDIT_CODE,
        ),
    )


def _ids(*cases: Case) -> set[int]:
    return {c.pk for c in cases}


# --- the page ----------------------------------------------------------------------------------------------


def test_the_page_lists_the_clerks_cases_newest_first_with_links_to_them(
    hall: Any, found: Found, client: Client
) -> None:
    page = _get(client, hall.clerk)

    assert page.status_code == 200
    html = _html(page)
    assert "<title>办件查询 · govhall</title>" in html
    assert f'<a href="{URL}" aria-current="page">办件查询</a>' in html  # in the staff menu
    listed = _listed(page)
    assert set(listed) == _ids(*found.all_at_a01())
    assert listed[:2] == [found.received.pk, found.green.pk]  # received 09-30, newest first
    assert listed[-1] == found.archived.pk
    assert f'href="{reverse("cases:case_detail", args=[found.red.pk])}"' in _row(page, found.red)
    assert "共 8 件，显示第 1–8 件。" in html
    assert f"{EXPORT}?sort=-received" in html


def test_a_case_is_found_by_its_whole_number_or_its_beginning_in_any_case(
    hall: Any, found: Found, client: Client
) -> None:
    assert _listed(_get(client, hall.clerk, number=found.yellow.number)) == [found.yellow.pk]
    beginning = _get(client, hall.clerk, number=" demo-county-20260928-0000 ")
    assert set(_listed(beginning)) == _ids(found.yellow, found.suspended, found.closed_on_time)
    # A case not numbered yet, by its key; nothing that does not begin so.
    assert _listed(_get(client, hall.clerk, number=f"#{found.received.pk}")) == [found.received.pk]
    assert _listed(_get(client, hall.clerk, number="20260928-00002")) == []


def test_a_case_is_found_by_the_beginning_of_the_applicants_or_the_organisations_name(
    hall: Any, found: Found, client: Client
) -> None:
    assert set(_listed(_get(client, hall.clerk, applicant="张明"))) == _ids(found.red, found.archived)
    assert _listed(_get(client, hall.clerk, applicant="示范县华茂")) == [found.yellow.pk]
    assert _listed(_get(client, hall.clerk, applicant="李华")) == [found.yellow.pk]  # its contact person
    # Matched by the beginning only (the indexed form): a word inside the name finds nothing.
    assert _listed(_get(client, hall.clerk, applicant="华茂食品")) == []


def test_a_case_is_found_by_the_applicants_id_number_and_the_search_is_logged_as_a_personal_data_read(
    hall: Any, found: Found, client: Client
) -> None:
    page = _get(client, hall.clerk, id_number=f" {ID_NUMBER.lower()} ")

    assert page.status_code == 200
    assert set(_listed(page)) == _ids(found.red, found.archived)  # not B02's, nor the other centre's
    logged = PersonalDataAccess.objects.filter(user=_user(hall.clerk))
    assert sorted(logged.values_list("subject_type", "subject_id", "purpose")) == sorted(
        ("cases.case", str(c.pk), "按证件号码查找办件") for c in (found.red, found.archived)
    )
    assert {e.center_id for e in logged} == {hall.center.pk}
    assert not logged.filter(purpose__contains=ID_NUMBER).exists()  # the number itself is not written

    # Other searches read no personal data and log nothing.
    _get(client, hall.clerk, applicant="张明")
    assert logged.count() == 2


def test_an_id_number_search_is_refused_to_a_role_that_may_not_see_applicants(
    hall: Any, found: Found, client: Client
) -> None:
    refused = _get(client, hall.supervision, id_number=ID_NUMBER)

    assert refused.status_code == 403
    assert "申请人的证件信息只有办件所在窗口的工作人员和中心主任可以查看" in _html(refused)
    assert _listed(refused) == []
    assert not PersonalDataAccess.objects.exists()
    # The supervision section still finds the case by its number, without the applicant's identifiers.
    assert _listed(_get(client, hall.supervision, number=found.other_window.number)) == [
        found.other_window.pk
    ]


def test_the_director_finds_by_id_number_across_the_windows_and_each_case_is_logged(
    hall: Any, found: Found, client: Client
) -> None:
    page = _get(client, hall.director, id_number=ID_NUMBER)

    assert set(_listed(page)) == _ids(found.red, found.archived, found.other_window)
    assert PersonalDataAccess.objects.filter(user=_user(hall.director)).count() == 3


def test_a_case_is_found_by_the_credit_code(hall: Any, found: Found, client: Client) -> None:
    assert _listed(_get(client, hall.clerk, credit_code=CREDIT_CODE.lower())) == [found.yellow.pk]
    assert not PersonalDataAccess.objects.exists()  # a credit code is public


def test_cases_are_filtered_by_item_state_and_window(hall: Any, found: Found, client: Client) -> None:
    assert _listed(_get(client, hall.clerk, item="FTB-009")) == [found.green.pk]
    assert _listed(_get(client, hall.clerk, state="archived")) == [found.archived.pk]
    assert set(_listed(_get(client, hall.clerk, state="closed"))) == _ids(
        found.closed_late, found.closed_on_time, found.archived
    )
    assert set(_listed(_get(client, hall.clerk, state="open"))) == _ids(
        found.red, found.yellow, found.green, found.suspended, found.received
    )
    assert _listed(_get(client, hall.director, window="B02")) == [found.other_window.pk]
    # A clerk is offered their own window only, and another window's number lists nothing.
    clerk_page = _get(client, hall.clerk)
    assert '<option value="A01">' in _html(clerk_page) and '<option value="B02">' not in _html(clerk_page)
    assert _get(client, hall.clerk, window="B02").status_code == 400


def test_cases_are_filtered_by_the_days_of_receipt_acceptance_and_deadline(
    hall: Any, found: Found, client: Client
) -> None:
    received = _get(client, hall.clerk, received_from="2026-09-30", received_to="2026-09-30")
    assert set(_listed(received)) == _ids(found.green, found.received)
    accepted = _get(client, hall.clerk, accepted_from="2026-09-01", accepted_to="2026-09-17")
    assert set(_listed(accepted)) == _ids(found.red, found.closed_late)
    deadline = _get(client, hall.clerk, deadline_from="2026-10-01", deadline_to="2026-10-20")
    assert set(_listed(deadline)) == _ids(found.yellow, found.green, found.closed_on_time)

    backwards = _get(client, hall.clerk, received_from="2026-09-30", received_to="2026-09-01")
    assert backwards.status_code == 400
    assert "结束日期不能早于开始日期。" in _html(backwards)
    assert _listed(backwards) == []


def test_r_clk_6_cases_are_filtered_by_their_warning_colour(hall: Any, found: Found, client: Client) -> None:
    def colour(name: str) -> set[int]:
        return set(_listed(_get(client, hall.clerk, warning=name)))

    assert colour("red") == _ids(found.red)
    assert colour("yellow") == _ids(found.yellow)
    assert colour("green") == _ids(found.green)
    assert colour("suspended") == _ids(found.suspended)
    assert colour("late") == _ids(found.red, found.closed_late)  # overdue now, or closed late


def test_r_clk_1_each_row_shows_the_working_days_left_or_overdue(
    hall: Any, found: Found, client: Client
) -> None:
    page = _get(client, hall.clerk)

    assert "逾期3个工作日" in _row(page, found.red)  # not six calendar days
    assert '<span class="badge bad warning-red">超时</span>' in _row(page, found.red)
    assert "剩余2个工作日" in _row(page, found.yellow)  # not nine calendar days
    assert "剩余10个工作日" in _row(page, found.green)
    assert "暂停计时" in _row(page, found.suspended)
    assert "逾期2个工作日办结" in _row(page, found.closed_late)
    assert "按期办结" in _row(page, found.closed_on_time)
    assert "尚未受理（暂无办件编号）" in _row(page, found.received)


def test_r_org_1_another_centres_case_never_appears(hall: Any, found: Found, client: Client) -> None:
    for staff in (hall.clerk, hall.director, hall.supervision):
        for params in ({}, {"number": found.other_center.number}, {"applicant": "张明远"}):
            assert found.other_center.pk not in _listed(_get(client, staff, **params))
    assert found.other_center.pk not in _listed(_get(client, hall.director, id_number=ID_NUMBER))
    assert found.other_center.pk not in _listed(_get(client, hall.clerk, credit_code=CREDIT_CODE))
    # The neighbouring centre's own user sees its case, and cannot name this centre.
    assert _listed(_get(client, hall.outsider)) == [found.other_center.pk]
    assert _get(client, hall.outsider, center=hall.center.code).status_code == 404
    assert _get(client, hall.outsider, EXPORT, center=hall.center.code).status_code == 404


def test_r_org_1_a_director_of_the_centre_above_chooses_the_centre_below(
    hall: Any, found: Found, client: Client
) -> None:
    city = f.make_center(code="city", name="市政务服务中心")
    hall.center.parent = city
    hall.center.save()
    boss = f.make_staff(city, name="市主任")
    f.grant(boss.user, city, Role.DIRECTOR)

    own = _get(client, boss)
    assert _listed(own) == []  # the city centre's own cases: none
    assert '<option value="demo-county">示范县政务服务中心</option>' in _html(own)
    county = _get(client, boss, center="demo-county", id_number=ID_NUMBER)
    assert set(_listed(county)) == _ids(found.red, found.archived, found.other_window)
    assert _get(client, boss, center="other-county").status_code == 404


def test_a_clerk_never_finds_another_windows_case(hall: Any, found: Found, client: Client) -> None:
    assert _listed(_get(client, hall.clerk, number=found.other_window.number)) == []
    assert found.other_window.pk not in _listed(_get(client, hall.clerk, applicant="张明远"))
    other = _get(client, hall.other_clerk)
    assert _listed(other) == [found.other_window.pk]


def test_the_search_needs_a_signed_in_user_with_a_centre(client: Client, hall: Any) -> None:
    assert client.get(URL).status_code == 302
    client.force_login(f.make_user())
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "0"},
        {"page": "99999999999999999999"},
        {"sort": "password"},
        {"warning": "purple"},
        {"state": "lost"},
        {"item": "NOPE-1"},
        {"received_from": "2026-02-30"},
        {"received_to": "9999-12-31"},
        {"deadline_from": "0001-01-01"},
        {"number": "x" * 41},
        {"id_number": "1" * 41},
    ],
)
def test_bad_input_is_a_400_naming_the_field_never_a_500(
    hall: Any, client: Client, params: dict[str, str]
) -> None:
    response = _get(client, hall.clerk, **params)

    assert response.status_code == 400
    assert 'class="errorlist' in _html(response)


def test_odd_but_valid_input_finds_nothing_and_breaks_nothing(
    hall: Any, found: Found, client: Client
) -> None:
    for params in (
        {"number": "#"},
        {"number": "#99999999999999999999"},
        {"number": "%"},
        {"applicant": "_"},
        {"applicant": "%张"},
    ):
        response = _get(client, hall.clerk, **params)
        assert (response.status_code, _listed(response)) == (200, [])


# --- sorting, paging, cost ------------------------------------------------------------------------------------


def test_lists_sort_by_a_column_both_ways(hall: Any, found: Found, client: Client) -> None:
    numbered = [c for c in found.all_at_a01() if c.number]
    by_number = sorted(numbered, key=lambda c: c.number)
    ascending = [pk for pk in _listed(_get(client, hall.clerk, sort="number")) if pk != found.received.pk]
    assert ascending == [c.pk for c in by_number]
    descending = _listed(_get(client, hall.clerk, sort="-number"))
    assert [pk for pk in descending if pk != found.received.pk] == [c.pk for c in reversed(by_number)]

    soonest = _listed(_get(client, hall.clerk, sort="deadline", state="open"))
    assert soonest[:3] == [found.red.pk, found.yellow.pk, found.green.pk]  # without a deadline last

    # The header links keep the filters and turn the order round.
    page = _get(client, hall.clerk, state="open", sort="deadline")
    assert f"{URL}?state=open&amp;center=demo-county&amp;sort=-deadline" in _html(page)


def test_pages_do_not_overlap_and_the_count_stops_at_its_bound(
    hall: Any, found: Found, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "PAGE_SIZE", 3)
    monkeypatch.setattr(search, "COUNT_LIMIT", 6)
    monkeypatch.setattr(search, "MAX_PAGE", 2)

    first = _get(client, hall.clerk, sort="received")
    second = _get(client, hall.clerk, sort="received", page=2)
    assert len(_listed(first)) == len(_listed(second)) == 3
    assert not set(_listed(first)) & set(_listed(second))
    assert "超过 6 件，显示第 1–3 件；请缩小查询范围。" in _html(first)
    assert "超过 6 件，显示第 4–6 件；请缩小查询范围。" in _html(second)
    assert "只能翻阅前 6 件，请缩小查询范围。" in _html(second)
    # Past the last page is the last page.
    assert _listed(_get(client, hall.clerk, sort="received", page=9)) == _listed(second)

    # Under the bound the count is exact, and a last page needs no count.
    closed = _get(client, hall.clerk, state="closed", page=1)
    assert "共 3 件，显示第 1–3 件。" in _html(closed)
    assert "page=2" not in _html(closed)


def test_a_page_costs_the_same_queries_however_many_cases_match(
    hall: Any, found: Found, client: Client
) -> None:
    def queries() -> int:
        client.force_login(_user(hall.clerk))
        with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as captured:
            assert client.get(URL, {"state": "open"}).status_code == 200
        return len(captured)

    queries()  # the calendar and the session, read once
    before = queries()
    for n in range(20, 80):
        make_case(
            window=hall.window,
            item=found.item,
            received_by=hall.clerk,
            accepted_on=date(2026, 9, 28),
            deadline=date(2026, 10, 9),
            warn_from=date(2026, 10, 8),
            number=_number(n),
        )
    assert queries() == before + 1  # a full page is counted (a bounded count): one query more, not sixty


# --- htmx ---------------------------------------------------------------------------------------------------


def test_htmx_gets_the_results_only_and_a_mistake_reloads_the_whole_page(
    hall: Any, found: Found, client: Client
) -> None:
    client.force_login(_user(hall.clerk))
    with time_machine.travel(NOW, tick=False):
        partial = client.get(URL, {"applicant": "王"}, HTTP_HX_REQUEST="true")
        mistake = client.get(URL, {"received_from": "x"}, HTTP_HX_REQUEST="true")

    assert partial.status_code == 200
    assert "<html" not in _html(partial) and _listed(partial) == [found.green.pk]
    assert 'hx-swap-oob="true"' in _html(partial)  # the form's sort follows the list's
    assert mistake.status_code == 200 and mistake["HX-Redirect"] == f"{URL}?received_from=x"


# --- the export ---------------------------------------------------------------------------------------------


def _workbook(response: Any) -> Any:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def _cells(value: Any) -> Any:
    return value.date() if isinstance(value, datetime) else value


def test_the_export_holds_the_same_rows_as_the_page_under_chinese_headers_with_dates_as_dates(
    hall: Any, found: Found, client: Client
) -> None:
    params = {"state": "open", "sort": "deadline"}
    page = _get(client, hall.clerk, **params)
    book = _workbook(_get(client, hall.clerk, EXPORT, **params))

    sheet = book["办件"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:11] == (
        "办件编号",
        "事项编号",
        "事项名称",
        "申请人",
        "窗口",
        "状态",
        "收件日期",
        "受理日期",
        "办结期限",
        "预警",
        "时限情况",
    )
    by_key = {c.pk: c for c in found.all_at_a01()}
    expected = [by_key[pk] for pk in _listed(page)]
    assert [r[0] for r in rows[1:]] == [c.number or "尚未受理（暂无办件编号）" for c in expected]
    red = next(r for r in rows[1:] if r[0] == found.red.number)
    assert [_cells(v) for v in red[:13]] == [
        found.red.number,
        "FTB-001",
        "对外贸易经营者备案登记",
        "张明远",
        "A01",
        "已受理办理中",
        date(2026, 9, 17),
        date(2026, 9, 17),
        date(2026, 9, 24),
        "超时",
        "逾期3个工作日",
        None,
        3,
    ]
    date_cell = sheet.cell(row=rows.index(red) + 1, column=9)
    assert date_cell.is_date and date_cell.number_format == "yyyy-mm-dd"
    green = next(r for r in rows[1:] if r[0] == found.green.number)
    assert (green[10], green[11], green[12]) == ("剩余10个工作日", 10, None)
    about = {row[0]: row[1] for row in book["说明"].iter_rows(values_only=True)}
    assert about["中心"] == "示范县政务服务中心"
    assert about["件数"] == 5
    assert about["状态"] == "办理中（未办结）"


def test_the_export_is_capped_and_says_so(
    hall: Any, found: Found, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "EXPORT_LIMIT", 3)
    page = _get(client, hall.clerk)
    assert "最多 3 件" in _html(page)

    book = _workbook(_get(client, hall.clerk, EXPORT))
    rows = list(book["办件"].iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [
        (c.number or "尚未受理（暂无办件编号）")
        for pk in _listed(page)[:3]
        for c in found.all_at_a01()
        if c.pk == pk
    ]
    about = {row[0]: row[1] for row in book["说明"].iter_rows(values_only=True)}
    assert about["注意"] == "符合条件的办件超过3件，只导出了前3件；请缩小查询范围。"


def test_exporting_an_id_number_search_is_logged_and_refused_alike(
    hall: Any, found: Found, client: Client
) -> None:
    book = _workbook(_get(client, hall.clerk, EXPORT, id_number=ID_NUMBER))
    assert {r[0] for r in list(book["办件"].iter_rows(values_only=True))[1:]} == {
        found.red.number,
        found.archived.number,
    }
    assert set(
        PersonalDataAccess.objects.filter(purpose="导出按证件号码查找的办件").values_list(
            "subject_id", flat=True
        )
    ) == {str(found.red.pk), str(found.archived.pk)}

    refused = _get(client, hall.supervision, EXPORT, id_number=ID_NUMBER)
    assert refused.status_code == 403
    assert PersonalDataAccess.objects.count() == 2


# --- the API's case list -------------------------------------------------------------------------------------


def _api(staff: StaffProfile, center: str = "demo-county", **params: Any) -> Any:
    with time_machine.travel(NOW, tick=False):
        return token_client(staff).get(reverse("api:case_list", kwargs={"center": center}), params)


def _api_ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_the_api_case_list_takes_the_same_filters(hall: Any, found: Found) -> None:
    assert _api_ids(_api(hall.clerk, number="DEMO-COUNTY-20260928-0000")) == _ids(
        found.yellow, found.suspended, found.closed_on_time
    )
    assert _api_ids(_api(hall.clerk, applicant="示范县华茂")) == _ids(found.yellow)
    assert _api_ids(_api(hall.clerk, credit_code=CREDIT_CODE)) == _ids(found.yellow)
    assert _api_ids(_api(hall.clerk, item="FTB-009")) == _ids(found.green)
    assert _api_ids(_api(hall.clerk, state="closed")) == _ids(
        found.closed_late, found.closed_on_time, found.archived
    )
    assert _api_ids(_api(hall.clerk, warning="late")) == _ids(found.red, found.closed_late)
    assert _api_ids(_api(hall.clerk, received_from="2026-09-30")) == _ids(found.green, found.received)
    ordered = _api(hall.clerk, state="open", sort="deadline").json()["results"]
    assert [row["id"] for row in ordered[:3]] == [found.red.pk, found.yellow.pk, found.green.pk]
    # The existing contract: newest first by default, state and window filters as before.
    assert _api(hall.director, window="B02").json()["results"][0]["id"] == found.other_window.pk


def test_the_api_id_number_search_is_scoped_logged_and_refused_like_the_page(hall: Any, found: Found) -> None:
    assert _api_ids(_api(hall.clerk, id_number=ID_NUMBER.lower())) == _ids(found.red, found.archived)
    assert set(
        PersonalDataAccess.objects.filter(purpose="按证件号码查找办件").values_list("subject_id", flat=True)
    ) == {str(found.red.pk), str(found.archived.pk)}

    refused = _api(hall.supervision, id_number=ID_NUMBER)
    assert refused.status_code == 403
    assert PersonalDataAccess.objects.count() == 2
    assert _api(hall.clerk, sort="password").status_code == 400
    assert _api(hall.clerk, received_to="9999-12-31").status_code == 400
