"""The public staff board (R-PUB-1 duties): who is on duty, with name, title, duties, photo and window — and
nobody while the hall is closed (a day that is not a working day, or outside the day's sittings)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from org.models import Absence, AbsenceKind
from workdays.tests.fixtures import national_calendar  # noqa: F401

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Tuesday morning, the hall open (the default hours: 09:00–12:00, 13:30–17:00 or as the policy says).
OPEN = datetime(2026, 3, 3, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def hall_open() -> Iterator[None]:
    """The board's tests run at a moment the hall is open, unless they travel elsewhere themselves."""
    with time_machine.travel(OPEN, tick=False):
        yield


def _board(client: Any, hall: Any, name: str = "staff_board") -> str:
    response = client.get(reverse(f"portal:{name}", kwargs={"center_code": hall.center.code}))
    assert response.status_code == 200
    return response.content.decode()


def test_r_pub_1_staff_board_shows_on_duty_staff_and_hides_the_absent_one(client: Any, hall: Any) -> None:
    hall.clerk.duties = "受理对外贸易经营者备案登记"
    hall.clerk.title = "副主任科员"
    hall.clerk.save()
    page = _board(client, hall)
    assert "王受理" in page and "副主任科员" in page and "受理对外贸易经营者备案登记" in page
    assert "A01" in page and "外经贸局窗口" in page
    assert 'class="nophoto"' in page  # no photo uploaded: a placeholder

    now = timezone.now()
    Absence.objects.create(
        center=hall.center,
        staff=hall.clerk,
        kind=AbsenceKind.LEAVE,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=3),
        reason="病假",
    )
    page = _board(client, hall)
    assert "王受理" not in page
    assert "李备岗" in page  # the B who covers is on duty
    assert "病假" not in page


def test_r_pub_1_staff_board_cancelled_or_past_absence_does_not_hide(client: Any, hall: Any) -> None:
    now = timezone.now()
    Absence.objects.create(
        center=hall.center,
        staff=hall.clerk,
        kind=AbsenceKind.OUTING,
        starts_at=now - timedelta(hours=3),
        ends_at=now - timedelta(hours=1),
    )
    Absence.objects.create(
        center=hall.center,
        staff=hall.clerk,
        kind=AbsenceKind.LEAVE,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=1),
        cancelled_at=now - timedelta(hours=2),
    )
    assert "王受理" in _board(client, hall)


def test_r_pub_1_staff_board_shows_no_phone_numbers_or_personal_data(client: Any, hall: Any) -> None:
    hall.clerk.work_phone = "13900001111"
    hall.clerk.badge_number = "GH-7788"
    hall.clerk.save()
    hall.window.phone = "0571-86009999"
    hall.window.save()
    for name in ["staff_board", "kiosk_staff"]:
        page = _board(client, hall, name)
        assert "王受理" in page
        assert "13900001111" not in page
        assert "0571-86009999" not in page
        assert "GH-7788" not in page
        assert "工作电话" not in page and "tel:" not in page
        assert hall.clerk.user.username not in page


def test_r_pub_1_staff_board_shows_only_this_centres_staff(client: Any, hall: Any) -> None:
    page = _board(client, hall)
    assert "外中心人员" not in page
    assert "孙他窗" in page


def test_staff_board_query_count_is_bounded(
    client: Any, hall: Any, django_assert_max_num_queries: Any
) -> None:
    url = reverse("portal:staff_board", kwargs={"center_code": hall.center.code})
    # The first answer also reads the centre's calendar and hours, which the process keeps; then the centre,
    # the staff on duty, their windows and departments.
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(5):
        assert client.get(url).status_code == 200


def _names(page: str) -> list[str]:
    return [name for name in ("王受理", "李备岗", "赵首席", "孙他窗", "周稽查") if name in page]


@pytest.mark.parametrize(
    ("moment", "why"),
    [
        (datetime(2026, 3, 8, 19, 0), "今天不是工作日，窗口人员不在岗。"),  # a Sunday evening
        (datetime(2026, 3, 8, 10, 0), "今天不是工作日，窗口人员不在岗。"),  # a Sunday morning
        (datetime(2026, 10, 1, 10, 0), "今天不是工作日，窗口人员不在岗。"),  # National Day, a Thursday
        (datetime(2026, 3, 3, 19, 0), "现在不是办公时间，窗口人员不在岗。"),  # a Tuesday evening
        (datetime(2026, 3, 3, 7, 30), "现在不是办公时间，窗口人员不在岗。"),  # before opening
    ],
)
def test_r_pub_1_staff_board_shows_nobody_on_duty_while_the_hall_is_closed(
    client: Any,
    hall: Any,
    national_calendar: Any,  # noqa: F811
    moment: datetime,
    why: str,
) -> None:
    with time_machine.travel(moment.replace(tzinfo=SHANGHAI), tick=False):
        for name in ("staff_board", "kiosk_staff"):
            page = _board(client, hall, name)
            assert _names(page) == [], (name, moment)
            assert why in page
            assert "办公时间：工作日上午" in page
            assert 'class="card staff-card"' not in page


def test_r_pub_1_staff_board_follows_the_calendar_on_a_make_up_working_sunday(
    client: Any,
    hall: Any,
    national_calendar: Any,  # noqa: F811
) -> None:
    # 2026-01-04 is a Sunday worked in exchange for the New Year holiday (the national calendar).
    with time_machine.travel(datetime(2026, 1, 4, 10, 0, tzinfo=SHANGHAI), tick=False):
        page = _board(client, hall)
    assert _names(page) == ["王受理", "李备岗", "赵首席", "孙他窗", "周稽查"]
    assert "以下为 2026-01-04 10:00 在岗的工作人员。" in page
