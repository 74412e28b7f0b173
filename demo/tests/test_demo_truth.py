"""The demo tells the truth: no item the law has abolished, Bs trained at different times (not all overdue), the
public staff board empty while the hall is closed, and appointments only in the hall's hours on working days.

One load of the demo (without its year of cases) serves every check; the data cannot be shared between tests.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from catalog.models import Item, ItemStatus
from demo.cases_history import History
from demo.data import read
from hall.models import Appointment
from org.models import BackupTraining, Center, Post, StaffProfile
from org.periods import months_before
from org.selectors import posts_with_stale_training
from policy.selectors import policy_value
from workdays.selectors import calendar_for, working_hours_for
from workdays.services import is_within_working_hours

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

SHANGHAI = ZoneInfo("Asia/Shanghai")

# Items the demo once published that the law has since abolished, with what ended them.
ABOLISHED = {
    "对外贸易经营者备案登记": "全国人大常委会关于修改《中华人民共和国对外贸易法》的决定（2022年12月30日）",
    "外商投资企业合同、章程审批": "《中华人民共和国外商投资法》（2020年1月1日施行）",
    "外商投资企业合同、章程变更审批": "《中华人民共和国外商投资法》（2020年1月1日施行）",
    "外商投资企业联合年检": "企业年度报告公示制度（国发〔2014〕7号）",
    "加工贸易业务批准证签发": "商务部、海关总署公告2016年第45号",
}
# Legal bases that no longer exist, which no item may cite.
REPEALED = [
    "中外合资经营企业法",
    "对外贸易经营者备案登记办法",
    "对外贸易法》第九条",
    "外商投资企业联合年检实施办法",
    "加工贸易审批管理暂行办法",
]


def test_the_demo_tells_the_truth() -> None:
    call_command("load_demo", stdout=StringIO())
    county = Center.objects.get(code="demo-county")
    check_no_abolished_item(county)
    check_b_trainings_are_spread_and_not_all_overdue(county)
    check_the_staff_board_shows_nobody_while_the_hall_is_closed(county)
    check_appointments_only_in_opening_hours_on_working_days(county)


def check_no_abolished_item(county: Center) -> None:
    versions = {
        item.code: item.current_version
        for item in Item.objects.filter(center=county, status=ItemStatus.PUBLISHED).select_related(
            "current_version"
        )
        if item.current_version is not None
    }
    assert len(versions) == len(read().items)
    assert sorted({v.name for v in versions.values()} & set(ABOLISHED)) == []
    for code, version in versions.items():
        assert [law for law in REPEALED if law in version.legal_basis] == [], (code, version.legal_basis)
    # FTB-004 is a current approval with its current legal basis.
    assert versions["FTB-004"].name == "对外劳务合作经营资格核准"
    assert versions["FTB-004"].legal_basis.startswith("《对外劳务合作管理条例》（国务院令第620号）")


def check_b_trainings_are_spread_and_not_all_overdue(county: Center) -> None:
    today = timezone.localdate()
    months = int(policy_value(county, "backup_training_months", today))
    posts = Post.objects.filter(center=county, is_active=True).prefetch_related("backup_links")
    pairs = {(post.pk, link.staff_id) for post in posts for link in post.backup_links.all()}
    trainings = list(BackupTraining.objects.filter(center=county))
    # Every B of every post has had a training, on a working day, by the post's A.
    assert {(t.post_id, t.trainee_id) for t in trainings} == pairs
    calendar = calendar_for(county)
    assert all(calendar.is_working_day(t.held_on) and t.held_on <= today for t in trainings)
    assert all(t.trainer_id == t.post.holder_a_id for t in trainings)
    # Most are current, some fall due in the coming weeks, a few are overdue and flagged (R-ORG-8).
    since = months_before(today, months)
    overdue = [t for t in trainings if t.held_on < since]
    due_soon = [
        t for t in trainings if since <= t.held_on < months_before(today + timedelta(days=45), months)
    ]
    assert 0 < len(overdue) <= len(trainings) // 5, (len(overdue), len(trainings))
    assert len(due_soon) >= 1
    stale = posts_with_stale_training(county, today)
    assert 0 < len(stale) < len(posts) // 3
    assert {p.pk for p in stale} == {t.post_id for t in overdue}


def _board(moment: datetime) -> str:
    with time_machine.travel(moment, tick=False):
        response = Client().get(reverse("portal:staff_board", kwargs={"center_code": "demo-county"}))
    assert response.status_code == 200
    return response.content.decode()


def check_the_staff_board_shows_nobody_while_the_hall_is_closed(county: Center) -> None:
    active = StaffProfile.objects.filter(center=county, is_active=True).count()
    # A Tuesday at 10:00: every active member of staff is on duty (the demo without its year has no absence).
    assert _board(datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)).count('class="card staff-card"') == active
    for moment in (
        datetime(2026, 3, 8, 19, 0, tzinfo=SHANGHAI),  # a Sunday evening
        datetime(2026, 3, 8, 10, 0, tzinfo=SHANGHAI),  # a Sunday morning
        datetime(2026, 3, 10, 19, 0, tzinfo=SHANGHAI),  # a Tuesday evening
        datetime(2026, 10, 2, 10, 0, tzinfo=SHANGHAI),  # National Day holiday, a Friday
    ):
        page = _board(moment)
        assert 'class="card staff-card"' not in page, moment
        assert "窗口人员不在岗" in page, moment


def _slot_fits(starts_at: datetime, center: Center) -> bool:
    local = timezone.localtime(starts_at)
    hours = working_hours_for(center, local.date())
    ends = (local + timedelta(minutes=30)).time()
    in_morning = hours.morning_start <= local.time() and ends <= hours.morning_end
    in_afternoon = hours.afternoon_start <= local.time() and ends <= hours.afternoon_end
    return is_within_working_hours(center=center, moment=starts_at) and (in_morning or in_afternoon)


def check_appointments_only_in_opening_hours_on_working_days(county: Center) -> None:
    calendar = calendar_for(county)
    cases: list[tuple[datetime, list[date]]] = [
        # Loaded on a Sunday evening: Monday and Tuesday, never the Sunday.
        (datetime(2026, 3, 8, 19, 0, tzinfo=SHANGHAI), [date(2026, 3, 9), date(2026, 3, 10)]),
        # A Friday after the last slot: Monday and Tuesday.
        (datetime(2026, 3, 6, 16, 50, tzinfo=SHANGHAI), [date(2026, 3, 9), date(2026, 3, 10)]),
        # A Tuesday before opening: that day and Wednesday.
        (datetime(2026, 3, 10, 7, 30, tzinfo=SHANGHAI), [date(2026, 3, 10), date(2026, 3, 11)]),
        # The eve of the National Day holiday, after closing: the first two working days after it.
        (datetime(2026, 9, 30, 18, 0, tzinfo=SHANGHAI), [date(2026, 10, 8), date(2026, 10, 9)]),
    ]
    for now, days in cases:
        Appointment.objects.all().delete()
        with time_machine.travel(now, tick=False):
            History(
                center=county, scale=0.01, seed=read().history.seed, now=now, scenario=read().history
            ).appointments()
        booked = list(Appointment.objects.filter(center=county))
        assert booked, now
        assert sorted({timezone.localdate(a.starts_at) for a in booked}) == days, now
        assert all(calendar.is_working_day(timezone.localdate(a.starts_at)) for a in booked)
        assert [a.starts_at for a in booked if not _slot_fits(a.starts_at, county)] == [], now
        assert not any(a.outside_hours for a in booked)
        assert all(a.starts_at > now for a in booked)
