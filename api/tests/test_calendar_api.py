"""The working-day clock over HTTP (R-CLK-1, R-CLK-2, R-CLK-3): public reads, validated input, centre days."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from common.models import HistoryEntry
from workdays.models import CalendarDay
from workdays.tests.fixtures import national_calendar  # noqa: F401

from .helpers import token_client

ADD = reverse("api:calendar_add_working_days")
COUNT = reverse("api:calendar_count_working_days")
DAYS = reverse("api:calendar_days")

pytestmark = pytest.mark.usefixtures("national_calendar")


def test_r_clk_2_api_add_working_days_counts_from_the_day_after(client):
    # 2026-10-01..07 is the National Day holiday; Saturday 10-10 is an adjusted working day.
    response = client.get(ADD, {"start": "2026-09-30", "days": 5})

    assert response.status_code == 200
    assert response.json() == {"start": "2026-09-30", "days": 5, "date": "2026-10-13", "provisional": False}


def test_r_clk_2_api_zero_days_is_the_acceptance_day_or_the_next_working_day(client):
    assert client.get(ADD, {"start": "2026-09-30", "days": 0}).json()["date"] == "2026-09-30"
    assert client.get(ADD, {"start": "2026-10-01", "days": 0}).json()["date"] == "2026-10-08"


def test_r_clk_3_api_deadline_past_the_loaded_years_is_provisional(client):
    # 2027 is not loaded: weekends only, and the answer says so.
    response = client.get(ADD, {"start": "2027-01-04", "days": 5})

    assert response.status_code == 200
    assert response.json() == {"start": "2027-01-04", "days": 5, "date": "2027-01-11", "provisional": True}


def test_r_clk_3_api_count_reaching_an_unloaded_year_is_provisional(client):
    response = client.get(COUNT, {"start": "2026-12-30", "end": "2027-01-04"})

    assert response.json() == {
        "start": "2026-12-30",
        "end": "2027-01-04",
        "working_days": 3,
        "provisional": True,
    }


def test_count_working_days_after_start_up_to_end(client):
    response = client.get(COUNT, {"start": "2026-09-30", "end": "2026-10-13"})

    assert response.status_code == 200
    assert response.json() == {
        "start": "2026-09-30",
        "end": "2026-10-13",
        "working_days": 5,
        "provisional": False,
    }
    assert client.get(COUNT, {"start": "2026-10-13", "end": "2026-09-30"}).json()["working_days"] == 0


def test_calendar_days_lists_the_exceptions_of_a_year(client):
    response = client.get(DAYS, {"year": 2026})

    body = response.json()
    assert response.status_code == 200
    assert body["year"] == 2026 and body["loaded"] is True and body["center"] is None
    by_date = {d["date"]: d for d in body["days"]}
    assert by_date["2026-10-10"]["kind"] == "workday"
    assert by_date["2026-10-01"]["kind"] == "holiday"
    assert by_date["2026-10-01"]["center"] is None
    assert client.get(DAYS, {"year": 2027}).json() == {
        "year": 2027,
        "center": None,
        "loaded": False,
        "days": [],
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2026-09-30", "days": -1}, "days"),
        ({"start": "2026-09-30", "days": 10_001}, "days"),
        ({"start": "2026-09-30", "days": "five"}, "days"),
        ({"start": "2026-09-30", "days": "1e3"}, "days"),
        ({"start": "2026-02-30", "days": 1}, "start"),
        ({"start": "30/09/2026", "days": 1}, "start"),
        ({"start": "0001-01-01", "days": 1}, "start"),
        ({"start": "9999-12-31", "days": 10_000}, "start"),
        ({"days": 1}, "start"),
        ({"start": "2026-09-30"}, "days"),
        ({"start": "2026-09-30", "days": 1, "center": "not a code!"}, "center"),
    ],
)
def test_bad_query_is_refused_with_400_naming_the_field(client, params, field):
    response = client.get(ADD, params)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert response.json()["error"]["field"] == field


def test_count_span_and_year_are_bounded(client):
    response = client.get(COUNT, {"start": "1900-01-01", "end": "2199-12-31"})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "end"
    response = client.get(DAYS, {"year": 99999})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "year"


def test_unknown_center_is_404(client):
    response = client.get(ADD, {"start": "2026-09-30", "days": 5, "center": "nowhere"})

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_r_clk_3_api_office_sets_a_centre_day_that_overrides_the_national_one(hall, client):
    office = token_client(hall.office)
    response = office.post(
        DAYS,
        {
            "center": "demo-county",
            "date": "2026-10-12",
            "kind": "holiday",
            "name": "县庆",
            "reason": "县政府通知",
        },
        format="json",
    )

    assert response.status_code == 201
    assert response.json() == {
        "date": "2026-10-12",
        "kind": "holiday",
        "name": "县庆",
        "source": "人工设置",
        "center": "demo-county",
    }
    # 10-12 no longer counts at this centre, but still does nationally.
    local = client.get(ADD, {"start": "2026-09-30", "days": 5, "center": "demo-county"}).json()
    assert local["date"] == "2026-10-14"
    assert client.get(ADD, {"start": "2026-09-30", "days": 5}).json()["date"] == "2026-10-13"
    listed = client.get(DAYS, {"year": 2026, "center": "demo-county"}).json()
    assert {
        "date": "2026-10-12",
        "kind": "holiday",
        "name": "县庆",
        "source": "人工设置",
        "center": "demo-county",
    } in listed["days"]


def test_calendar_day_needs_a_calendar_editor_of_that_centre(hall, client):
    body = {"center": "demo-county", "date": "2026-10-12", "kind": "holiday", "name": "县庆"}
    before = HistoryEntry.objects.count()

    assert client.post(DAYS, body, content_type="application/json").status_code == 401
    assert token_client(hall.coordination).post(DAYS, body, format="json").status_code == 403
    assert token_client(hall.outsider).post(DAYS, body, format="json").status_code == 404
    assert not CalendarDay.objects.filter(center=hall.center, date=date(2026, 10, 12)).exists()
    assert HistoryEntry.objects.count() == before


def test_calendar_day_refused_by_the_calendar_rules_is_422(hall):
    response = token_client(hall.office).post(
        DAYS, {"center": "demo-county", "date": "2150-01-01", "kind": "holiday"}, format="json"
    )

    assert response.status_code == 422
    assert response.json()["error"]["rule"] == "R-CLK-3"
    assert response.json()["error"]["field"] == "date"
