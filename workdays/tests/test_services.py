"""Calendar data and the clock's entry points (R-CLK-1, R-CLK-2, R-CLK-3, R-CLK-7), with the database."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache

from common.errors import RuleViolation
from common.models import HistoryEntry
from org.tests import factories as f
from policy.services import policy_set
from workdays import selectors
from workdays.clock import Deadline
from workdays.models import CalendarDay, CalendarYear
from workdays.selectors import calendar_for, working_hours_for
from workdays.services import (
    add_working_days,
    calendar_day_set,
    calendar_load_year,
    is_within_working_hours,
    package_entries,
    seed_national_calendar,
)
from workdays.tests.fixtures import fresh_calendar_cache, national_calendar  # noqa: F401

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _history(action: str) -> list[HistoryEntry]:
    return list(HistoryEntry.objects.filter(action=action).order_by("id"))


# --- seeding -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_r_clk_3_seed_stores_weekday_holidays_and_weekend_workdays_only():
    assert seed_national_calendar(years=[2026]) == 1
    rows = list(CalendarDay.objects.filter(center=None).values_list("date", "kind", "name"))
    holidays = [r for r in rows if r[1] == "holiday"]
    workdays = [r for r in rows if r[1] == "workday"]
    assert [r[0] for r in workdays] == [
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    ]
    assert all(d.weekday() < 5 for d, _k, _n in holidays)
    assert (date(2026, 10, 1), "holiday", "国庆节") in holidays
    assert (
        date(2026, 10, 3),
        "holiday",
        "国庆节",
    ) not in holidays  # a Saturday: the plain week already rests
    assert workdays[-1][2] == "国庆节调休上班"
    assert list(CalendarYear.objects.values_list("center", "year")) == [(None, 2026)]
    assert CalendarYear.objects.get().source == "chinesecalendar 1.11.0（国务院办公厅节假日安排）"
    entry = _history("calendar_year_load")[0]
    assert (entry.rule, entry.center, entry.changes["year"]) == ("R-CLK-3", None, 2026)
    assert len(entry.changes["added"]) == len(rows)


@pytest.mark.django_db
def test_r_clk_3_seed_is_idempotent():
    assert seed_national_calendar(years=[2025, 2026]) == 2
    rows = CalendarDay.objects.count()
    assert seed_national_calendar(years=[2025, 2026]) == 0
    assert CalendarDay.objects.count() == rows
    assert HistoryEntry.objects.count() == 2


@pytest.mark.django_db
def test_r_clk_3_seed_of_a_year_the_package_lacks_is_refused_and_writes_nothing():
    with pytest.raises(RuleViolation) as refused:
        seed_national_calendar(years=[2026, 2031])
    assert refused.value.rule == "R-CLK-3"
    assert refused.value.message == "内置节假日数据只覆盖 2004–2026 年；2031 年请用文件载入。"
    assert not CalendarDay.objects.exists() and not CalendarYear.objects.exists()


def test_r_clk_3_package_entries_of_2026():
    entries = package_entries(2026)
    assert len([e for e in entries if e[1] == "workday"]) == 6
    assert (date(2026, 2, 16), "holiday", "春节") in entries


# --- the clock through the service ---------------------------------------------------------------------


def test_r_clk_1_national_calendar_fixture_gives_the_2026_schedule(request):
    calendar = request.getfixturevalue("national_calendar")
    assert calendar is calendar_for(None)
    assert calendar.count_working_days(date(2025, 12, 31), date(2026, 12, 31)) == 248
    assert calendar.loaded_years == frozenset({2025, 2026})
    assert add_working_days(center=None, start=date(2026, 9, 30), days=5) == Deadline(
        date(2026, 10, 13), False
    )


@pytest.mark.usefixtures("national_calendar")
def test_r_clk_3_deadline_past_the_loaded_years_is_provisional():
    # 2026-12-28 Mon: 29, 30, 31 in 2026, then 2027-01-01 (Fri, weekends only), 2027-01-04 Mon.
    assert add_working_days(center=None, start=date(2026, 12, 28), days=5) == Deadline(date(2027, 1, 4), True)


@pytest.mark.usefixtures("national_calendar")
def test_r_clk_2_negative_days_are_refused():
    with pytest.raises(RuleViolation) as refused:
        add_working_days(center=None, start=date(2026, 3, 2), days=-1)
    assert (refused.value.rule, refused.value.message, refused.value.field) == (
        "R-CLK-2",
        "时限天数不能为负数。",
        "days",
    )


@pytest.mark.usefixtures("national_calendar")
def test_r_clk_2_a_limit_beyond_the_calendar_is_refused():
    with pytest.raises(RuleViolation) as refused:
        add_working_days(center=None, start=date(9999, 12, 1), days=100)
    assert refused.value.rule == "R-CLK-2"


# --- centre overrides ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("national_calendar")
def test_r_clk_3_a_centre_holiday_changes_only_that_centre(hall):
    other = f.make_center()
    before = calendar_for(hall.center)
    assert before.is_working_day(date(2026, 3, 2))
    row = calendar_day_set(
        actor=hall.office.user,
        center=hall.center,
        day=date(2026, 3, 2),
        kind="holiday",
        name="县庆",
        reason="县政府通知",
    )
    assert (row.center, row.date, row.kind, row.name) == (hall.center, date(2026, 3, 2), "holiday", "县庆")
    assert not calendar_for(hall.center).is_working_day(date(2026, 3, 2))  # seen at once
    assert calendar_for(None).is_working_day(date(2026, 3, 2))
    assert calendar_for(other).is_working_day(date(2026, 3, 2))
    # Friday 02-27 + 1 working day: Sat 02-28 is a national make-up day -> 02-28; + 2 -> Tue 03-03 here.
    assert add_working_days(center=hall.center, start=date(2026, 2, 27), days=2).date == date(2026, 3, 3)
    assert add_working_days(center=None, start=date(2026, 2, 27), days=2).date == date(2026, 3, 2)
    entry = _history("calendar_day_add")[0]
    assert (entry.center, entry.actor, entry.rule, entry.reason) == (
        hall.center,
        hall.office.user,
        "R-CLK-3",
        "县政府通知",
    )
    assert entry.changes == {"date": "2026-03-02", "kind": ["", "holiday"], "name": ["", "县庆"]}


@pytest.mark.usefixtures("national_calendar")
def test_r_clk_3_a_centre_row_overrides_the_national_day(hall):
    calendar_day_set(
        actor=hall.office.user,
        center=hall.center,
        day=date(2026, 10, 10),
        kind="holiday",
        name="本中心不调休",
    )
    calendar_day_set(
        actor=hall.office.user, center=hall.center, day=date(2026, 10, 7), kind="workday", name="值班开放"
    )
    assert not calendar_for(hall.center).is_working_day(date(2026, 10, 10))
    assert calendar_for(hall.center).is_working_day(date(2026, 10, 7))
    assert calendar_for(None).is_working_day(date(2026, 10, 10))
    assert not calendar_for(None).is_working_day(date(2026, 10, 7))


@pytest.mark.usefixtures("national_calendar")
def test_r_clk_3_setting_a_day_again_records_the_change_and_nothing_when_unchanged(hall):
    kwargs = {"actor": hall.office.user, "center": hall.center, "day": date(2026, 3, 2), "name": "县庆"}
    calendar_day_set(kind="holiday", **kwargs)
    calendar_day_set(kind="holiday", **kwargs)
    assert len(_history("calendar_day_add")) == 1 and not _history("calendar_day_change")
    calendar_day_set(kind="workday", **kwargs)
    assert CalendarDay.objects.get(center=hall.center).kind == "workday"
    assert _history("calendar_day_change")[0].changes["kind"] == ["holiday", "workday"]


@pytest.mark.parametrize(
    ("kwargs", "message", "field"),
    [
        ({"kind": "rest"}, "类别须为“休息日”或“调休上班”。", "kind"),
        ({"name": "名" * 61}, "名称过长（最多60个字）。", "name"),
        ({"day": date(1900, 1, 1)}, "年份须在 1990–2100 之间。", "day"),
    ],
)
def test_r_clk_3_bad_day_is_refused_and_nothing_changes(hall, kwargs, message, field):
    args = {
        "actor": hall.office.user,
        "center": hall.center,
        "day": date(2026, 3, 2),
        "kind": "holiday",
        "name": "x",
    }
    args.update(kwargs)
    with pytest.raises(RuleViolation) as refused:
        calendar_day_set(**args)
    assert (refused.value.rule, refused.value.message, refused.value.field) == ("R-CLK-3", message, field)
    assert not CalendarDay.objects.exists() and not HistoryEntry.objects.exists()


# --- loading a year ------------------------------------------------------------------------------------

YEAR_2027 = [
    (date(2027, 1, 1), "holiday", "元旦"),
    (date(2027, 1, 2), "holiday", "元旦"),  # a Saturday: accepted, not stored nationally
    (date(2027, 2, 6), "workday", "春节调休上班"),
    (date(2027, 2, 8), "holiday", "春节"),
    (date(2027, 2, 9), "holiday", "春节"),
]


@pytest.mark.usefixtures("national_calendar")
def test_r_clk_3_loading_a_new_year_makes_it_exact(hall):
    assert add_working_days(center=None, start=date(2026, 12, 31), days=1) == Deadline(date(2027, 1, 1), True)
    calendar_year = calendar_load_year(
        actor=hall.sysadmin.user, year=2027, entries=YEAR_2027, source="国办发明电"
    )
    assert (calendar_year.year, calendar_year.center, calendar_year.source) == (2027, None, "国办发明电")
    stored = list(CalendarDay.objects.filter(date__year=2027).values_list("date", "kind"))
    assert stored == [
        (date(2027, 1, 1), "holiday"),
        (date(2027, 2, 6), "workday"),
        (date(2027, 2, 8), "holiday"),
        (date(2027, 2, 9), "holiday"),
    ]
    assert add_working_days(center=None, start=date(2026, 12, 31), days=1) == Deadline(
        date(2027, 1, 4), False
    )
    # Fri 02-05 + 1 = Sat 02-06 (make-up); + 2 = Wed 02-10.
    assert add_working_days(center=None, start=date(2027, 2, 5), days=2) == Deadline(date(2027, 2, 10), False)


@pytest.mark.usefixtures("national_calendar")
def test_r_clk_3_reloading_a_year_replaces_it_and_records_old_and_new(hall):
    calendar_load_year(actor=hall.sysadmin.user, year=2027, entries=YEAR_2027, source="初版")
    revised = [
        (date(2027, 1, 1), "holiday", "元旦节"),
        (date(2027, 2, 8), "holiday", "春节"),
        (date(2027, 2, 10), "holiday", "春节"),
    ]
    calendar_load_year(actor=hall.sysadmin.user, year=2027, entries=revised, source="修订版")
    assert list(CalendarDay.objects.filter(date__year=2027).values_list("date", "name")) == [
        (date(2027, 1, 1), "元旦节"),
        (date(2027, 2, 8), "春节"),
        (date(2027, 2, 10), "春节"),
    ]
    assert CalendarYear.objects.get(year=2027).source == "修订版"
    entry = _history("calendar_year_reload")[0]
    assert entry.changes == {
        "year": 2027,
        "source": ["初版", "修订版"],
        "added": [["2027-02-10", "holiday", "春节"]],
        "removed": [["2027-02-06", "workday", "春节调休上班"], ["2027-02-09", "holiday", "春节"]],
        "changed": [[["2027-01-01", "holiday", "元旦"], ["2027-01-01", "holiday", "元旦节"]]],
    }
    assert calendar_for(None).is_working_day(date(2027, 2, 9))
    assert not calendar_for(None).is_working_day(date(2027, 2, 10))


def test_r_clk_3_a_centre_year_keeps_every_row(hall):
    calendar_load_year(
        actor=hall.office.user, year=2027, entries=YEAR_2027, source="县通知", center=hall.center
    )
    assert CalendarDay.objects.filter(center=hall.center).count() == 5
    assert not CalendarDay.objects.filter(center=None).exists()
    assert calendar_for(hall.center).loaded_years == frozenset({2027})


@pytest.mark.parametrize(
    ("entries", "source", "message", "field"),
    [
        (
            [(date(2027, 1, 1), "holiday", "元旦"), (date(2028, 1, 1), "holiday", "元旦")],
            "x",
            "第2条：日期 2028-01-01 不在 2027 年内。",
            "entries",
        ),
        ([(date(2027, 1, 1), "off", "元旦")], "x", "第1条：类别“off”无效。", "entries"),
        (
            [(date(2027, 1, 1), "holiday", "a"), (date(2027, 1, 1), "holiday", "b")],
            "x",
            "第2条：日期 2027-01-01 重复。",
            "entries",
        ),
        (
            [(date(2027, 1, 1), "holiday", "元旦")],
            "  ",
            "请注明日历来源（如国务院办公厅通知文号）。",
            "source",
        ),
    ],
)
@pytest.mark.usefixtures("national_calendar")
def test_r_clk_3_a_bad_year_is_refused_and_nothing_changes(hall, entries, source, message, field):
    days, years, history = (
        CalendarDay.objects.count(),
        CalendarYear.objects.count(),
        HistoryEntry.objects.count(),
    )
    with pytest.raises(RuleViolation) as refused:
        calendar_load_year(actor=hall.sysadmin.user, year=2027, entries=entries, source=source)
    assert (refused.value.rule, refused.value.message, refused.value.field) == ("R-CLK-3", message, field)
    assert (CalendarDay.objects.count(), CalendarYear.objects.count(), HistoryEntry.objects.count()) == (
        days,
        years,
        history,
    )


# --- caching -------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("national_calendar")
def test_r_clk_3_calendar_is_cached_until_a_change(django_assert_num_queries):
    first = calendar_for(None)
    with django_assert_num_queries(0):
        assert calendar_for(None) is first
    calendar_day_set(actor=None, center=None, day=date(2026, 3, 2), kind="holiday", name="测试")
    assert calendar_for(None) is not first
    assert not calendar_for(None).is_working_day(date(2026, 3, 2))


@pytest.mark.usefixtures("national_calendar")
def test_r_clk_3_a_change_in_another_process_is_seen_through_the_shared_generation(monkeypatch):
    monkeypatch.setattr(selectors._calendars, "_check_seconds", 0.0)
    first = calendar_for(None)
    assert calendar_for(None) is first
    try:
        cache.incr(selectors.GENERATION_KEY)
    except ValueError:
        cache.set(selectors.GENERATION_KEY, 1, timeout=None)
    assert calendar_for(None) is not first


# --- working hours -------------------------------------------------------------------------------------


def _moment(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=SHANGHAI)


@pytest.mark.usefixtures("national_calendar")
def test_r_clk_7_within_working_hours_follows_the_calendar_and_the_season(hall):
    center = hall.center
    assert is_within_working_hours(center=center, moment=_moment(date(2026, 3, 2), 14, 15)) is True
    assert is_within_working_hours(center=center, moment=_moment(date(2026, 6, 1), 14, 15)) is False
    assert is_within_working_hours(center=center, moment=_moment(date(2026, 6, 1), 17, 15)) is True
    assert (
        is_within_working_hours(center=center, moment=_moment(date(2026, 10, 10), 9)) is True
    )  # make-up Sat
    assert is_within_working_hours(center=center, moment=_moment(date(2026, 10, 5), 9)) is False  # holiday
    assert is_within_working_hours(center=center, moment=_moment(date(2026, 3, 7), 9)) is False  # Saturday
    utc_0100 = datetime(2026, 3, 2, 1, 0, tzinfo=ZoneInfo("UTC"))  # 09:00 in Shanghai
    assert is_within_working_hours(center=center, moment=utc_0100) is True


def test_r_clk_7_working_hours_come_from_the_centre_policy(hall):
    policy_set(
        actor=hall.sysadmin.user,
        center=hall.center,
        key="summer_start",
        value="06-01",
        effective_from=date(2026, 1, 1),
    )
    policy_set(
        actor=hall.sysadmin.user,
        center=hall.center,
        key="morning_start",
        value="08:30",
        effective_from=date(2026, 1, 1),
    )
    hours = working_hours_for(hall.center, date(2026, 5, 15))
    assert (hours.morning_start, hours.afternoon_start, hours.summer) == (time(8, 30), time(14, 0), False)
    assert working_hours_for(hall.center, date(2026, 6, 1)).afternoon_end == time(17, 30)
    assert working_hours_for(hall.center, date(2025, 5, 15)).morning_start == time(8, 0)  # before the change
    assert working_hours_for(None, date(2026, 5, 15)).afternoon_start == time(14, 30)
