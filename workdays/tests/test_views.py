"""The calendar page: everyone signed in views; the office and system administrators edit (R-CLK-3)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from common.models import HistoryEntry
from workdays.models import CalendarDay, CalendarYear
from workdays.tests.fixtures import fresh_calendar_cache, national_calendar  # noqa: F401

URL = reverse("workdays:calendar")


@pytest.mark.usefixtures("national_calendar")
def test_calendar_page_lists_years_and_the_chosen_year(hall, login):
    response = login(hall.clerk).get(URL, {"year": 2026})
    assert response.status_code == 200
    page = response.content.decode()
    assert "2026 年全国节假日与调休" in page
    assert "2026-10-01" in page and "国庆节" in page
    assert "2026-10-10" in page and "国庆节调休上班" in page
    assert "本中心全年工作日 248 天。" in page
    assert "设置本中心日期" not in page  # a window clerk may not edit
    assert [y.year for y in response.context["years"]] == [2025, 2026]


@pytest.mark.usefixtures("national_calendar")
def test_calendar_page_with_a_bad_year_falls_back_to_this_year(hall, login):
    response = login(hall.clerk).get(URL, {"year": "abc"})
    assert response.status_code == 200
    assert response.context["year"] == timezone.localdate().year


def test_calendar_page_needs_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("org:login"))


@pytest.mark.usefixtures("national_calendar")
def test_r_clk_3_office_sets_a_centre_holiday(hall, login):
    response = login(hall.office).post(
        reverse("workdays:day_set"),
        {"day": "2026-03-02", "kind": "holiday", "name": "县庆", "reason": "县通知"},
    )
    assert response.status_code == 302
    assert response.url == f"{URL}?year=2026"
    assert list(CalendarDay.objects.filter(center=hall.center).values_list("date", "kind", "name")) == [
        (date(2026, 3, 2), "holiday", "县庆")
    ]
    page = login(hall.office).get(URL, {"year": 2026}).content.decode()
    assert "县庆" in page
    assert "本中心全年工作日 247 天。" in page


@pytest.mark.usefixtures("national_calendar")
def test_r_clk_3_a_clerk_may_not_set_a_day(hall, login):
    response = login(hall.clerk).post(reverse("workdays:day_set"), {"day": "2026-03-02", "kind": "holiday"})
    assert response.status_code == 403
    assert not CalendarDay.objects.filter(center=hall.center).exists()


@pytest.mark.usefixtures("national_calendar")
def test_r_clk_3_bad_day_input_is_a_form_error(hall, login):
    response = login(hall.office).post(reverse("workdays:day_set"), {"day": "2026-02-30", "kind": "rest"})
    assert response.status_code == 200
    assert set(response.context["day_form"].errors) == {"day", "kind"}
    assert not CalendarDay.objects.filter(center=hall.center).exists()


@pytest.mark.usefixtures("national_calendar")
def test_r_clk_3_a_refused_day_shows_the_rule(hall, login):
    response = login(hall.office).post(reverse("workdays:day_set"), {"day": "1980-01-01", "kind": "holiday"})
    assert response.status_code == 200
    assert "年份须在 1990–2100 之间。（R-CLK-3）" in response.content.decode()


def _upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("2027.txt", text.encode("utf-8"), content_type="text/plain")


@pytest.mark.usefixtures("national_calendar")
def test_r_clk_3_office_uploads_a_centre_year(hall, login):
    response = login(hall.office).post(
        reverse("workdays:year_upload"),
        {"file": _upload("2027-01-01,holiday,元旦\n"), "scope": "center", "source": "县通知", "year": ""},
    )
    assert response.status_code == 302
    assert list(CalendarYear.objects.filter(center=hall.center).values_list("year", "source")) == [
        (2027, "县通知")
    ]


@pytest.mark.usefixtures("national_calendar")
def test_r_clk_3_only_a_system_administrator_loads_the_national_year(hall, login):
    data = {"scope": "national", "source": "国办发明电", "year": ""}
    response = login(hall.office).post(
        reverse("workdays:year_upload"), {**data, "file": _upload("2027-01-01,holiday,元旦\n")}
    )
    assert response.status_code == 403
    assert not CalendarYear.objects.filter(year=2027).exists()
    response = login(hall.sysadmin).post(
        reverse("workdays:year_upload"), {**data, "file": _upload("2027-01-01,holiday,元旦\n")}
    )
    assert response.status_code == 302
    assert CalendarYear.objects.filter(year=2027, center=None).exists()


@pytest.mark.usefixtures("national_calendar")
def test_r_clk_3_a_bad_file_is_refused_with_its_line(hall, login):
    history = HistoryEntry.objects.count()
    response = login(hall.sysadmin).post(
        reverse("workdays:year_upload"),
        {"file": _upload("2027-01-01,holiday,元旦\nnonsense\n"), "scope": "national", "source": "x"},
    )
    assert response.status_code == 200
    assert (
        "第2行：格式应为“日期,类别,名称”，例如 2027-01-01,holiday,元旦。（R-CLK-3）"
        in response.content.decode()
    )
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert HistoryEntry.objects.count() == history


@pytest.mark.usefixtures("national_calendar")
def test_r_clk_3_a_file_that_is_not_utf8_is_a_form_error(hall, login):
    bad = SimpleUploadedFile("x.txt", "2027-01-01,holiday,元旦".encode("gbk"))
    response = login(hall.sysadmin).post(
        reverse("workdays:year_upload"), {"file": bad, "scope": "center", "source": "x"}
    )
    assert response.status_code == 200
    assert response.context["upload_form"].errors["file"] == ["文件须为 UTF-8 编码的文本。"]


@pytest.mark.usefixtures("national_calendar")
def test_r_clk_2_calculator_gives_the_deadline(hall, login):
    client = login(hall.clerk)
    response = client.get(reverse("workdays:calculate"), {"start": "2026-09-30", "days": "5"})
    assert response.status_code == 200
    assert "截止日期：2026-10-13" in response.content.decode()
    partial = client.get(
        reverse("workdays:calculate"), {"start": "2026-12-28", "days": "5"}, HTTP_HX_REQUEST="true"
    )
    body = partial.content.decode()
    assert "截止日期：2027-01-04" in body and "暂定" in body
    assert "<html" not in body


@pytest.mark.usefixtures("national_calendar")
def test_r_clk_2_calculator_bad_input_is_a_form_error(hall, login):
    response = login(hall.clerk).get(reverse("workdays:calculate"), {"start": "x", "days": "-3"})
    assert response.status_code == 200
    assert set(response.context["calculator_form"].errors) == {"start", "days"}
    response = login(hall.clerk).get(reverse("workdays:calculate"), {"start": "9999-12-20", "days": "3650"})
    assert response.status_code == 200
    assert "时限过长，超出可计算的日期范围。（R-CLK-2）" in response.content.decode()


@pytest.mark.parametrize("name", ["day_set", "year_upload"])
def test_edit_urls_refuse_get(hall, login, name):
    assert login(hall.office).get(reverse(f"workdays:{name}")).status_code == 405
