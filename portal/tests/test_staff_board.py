"""The public staff board (R-PUB-1 duties): who is on duty, with name, title, duties, photo and window."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from org.models import Absence, AbsenceKind


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
    with django_assert_max_num_queries(5):
        assert client.get(url).status_code == 200
