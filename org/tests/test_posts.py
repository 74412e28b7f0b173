"""Posts with A and B (R-ORG-6), B acting as A (R-ORG-7) and the post board."""

from __future__ import annotations

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from common.errors import RuleViolation
from common.history import history_of
from common.models import HistoryEntry
from org import selectors, services
from org.models import AbsenceKind, Post, PostBackup
from org.services import Holder
from org.tests import factories as f

from .helpers import absent, at

NOW = at(2026, 3, 2, 10)  # a Monday morning


# --- R-ORG-6: every post has an A and at least one B -----------------------------------------------------


def test_r_org_6_post_without_b_is_refused(hall):
    posts_before = Post.objects.count()
    history_before = HistoryEntry.objects.count()
    with pytest.raises(RuleViolation) as refused:
        services.post_create(
            actor=hall.office.user, window=hall.window, name="审核岗", holder_a=hall.clerk, backups=[]
        )
    assert refused.value.rule == "R-ORG-6"
    assert refused.value.field == "backups"
    assert refused.value.message == "每个岗位须设A角和至少一名B角：请至少指定一名B角。"
    assert Post.objects.count() == posts_before
    assert HistoryEntry.objects.count() == history_before


def test_r_org_6_b_cannot_be_the_a(hall):
    with pytest.raises(RuleViolation) as refused:
        services.post_create(
            actor=hall.office.user,
            window=hall.window,
            name="审核岗",
            holder_a=hall.clerk,
            backups=[hall.clerk],
        )
    assert refused.value.rule == "R-ORG-6"
    assert refused.value.message == "每个岗位须设A角和至少一名B角：B角不能与A角是同一人。"
    assert not Post.objects.filter(name="审核岗").exists()


def test_r_org_6_staff_of_another_centre_cannot_hold_a_post(hall):
    with pytest.raises(RuleViolation) as refused:
        services.post_create(
            actor=hall.office.user,
            window=hall.window,
            name="审核岗",
            holder_a=hall.clerk,
            backups=[hall.outsider],
        )
    assert refused.value.rule == "R-ORG-6"
    assert refused.value.message == "外中心人员须属于示范县政务服务中心。"


def test_r_org_6_post_created_with_ordered_bs_and_history(hall):
    post = services.post_create(
        actor=hall.office.user,
        window=hall.window,
        name="审核岗",
        holder_a=hall.clerk,
        backups=[hall.chief, hall.backup],
        duties="审核申请材料",
    )
    assert post.center == hall.center
    assert list(PostBackup.objects.filter(post=post).values_list("staff__name", "order")) == [
        ("赵首席", 1),
        ("李备岗", 2),
    ]
    entry = history_of(post).get()
    assert (entry.action, entry.rule, entry.actor) == ("create", "R-ORG-6", hall.office.user)
    assert entry.changes == {"name": "审核岗", "holder_a": "王受理", "backups": ["赵首席", "李备岗"]}


def test_r_org_6_reassigning_without_b_is_refused_and_nothing_changes(hall):
    with pytest.raises(RuleViolation) as refused:
        services.post_assign(actor=hall.office.user, post=hall.post, backups=[])
    assert refused.value.rule == "R-ORG-6"
    assert list(hall.post.backup_links.values_list("staff", flat=True)) == [hall.backup.pk]


def test_r_org_6_reassigning_records_old_and_new_holders(hall):
    services.post_assign(
        actor=hall.office.user,
        post=hall.post,
        holder_a=hall.backup,
        backups=[hall.clerk, hall.other_clerk],
        reason="岗位轮换",
    )
    hall.post.refresh_from_db()
    assert hall.post.holder_a == hall.backup
    assert services.post_backups(hall.post) == [hall.clerk, hall.other_clerk]
    entry = history_of(hall.post).get(action="assign")
    assert entry.changes == {"holder_a": ["王受理", "李备岗"], "backups": [["李备岗"], ["王受理", "孙他窗"]]}
    assert entry.reason == "岗位轮换"


def test_r_org_6_gap_when_the_only_b_is_absent(hall):
    absent(hall.backup, at(2026, 3, 2, 8), at(2026, 3, 2, 12))
    row = next(r for r in selectors.post_board(hall.center, NOW) if r.post == hall.post)
    assert row.gap is True
    assert (row.holder, row.acting_as) == (hall.clerk, "A")
    assert selectors.posts_without_backup_on_duty(hall.center, NOW) == [hall.post]


def test_r_org_6_gap_shown_on_post_board_when_a_and_b_are_both_away(hall, login):
    absent(hall.clerk, at(2026, 3, 2, 8), at(2026, 3, 6, 17))
    absent(hall.backup, at(2026, 3, 2, 8), at(2026, 3, 2, 12), kind=AbsenceKind.OUTING)
    row = next(r for r in selectors.post_board(hall.center, NOW) if r.post == hall.post)
    assert (row.gap, row.holder, row.acting_as) == (True, None, None)

    with time_machine.travel(NOW, tick=False):
        response = login(hall.supervision).get(reverse("org:post_board"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "无人顶岗" in html
    assert "无人在岗" in html
    gap_rows = [r for r in response.context["rows"] if r.gap]
    assert [r.post for r in gap_rows] == [hall.post]


def test_r_org_6_no_gap_when_b_on_duty(hall):
    row = next(r for r in selectors.post_board(hall.center, NOW) if r.post == hall.post)
    assert (row.gap, row.holder, row.acting_as) == (False, hall.clerk, "A")
    assert selectors.posts_without_backup_on_duty(hall.center, NOW) == []


def test_r_org_6_post_form_without_b_shows_the_rule(hall, login):
    client = login(hall.office)
    url = reverse("org:post_create", args=[hall.window.pk])
    response = client.post(url, {"name": "审核岗", "holder_a": hall.clerk.pk})
    assert response.status_code == 200
    assert "每个岗位须设A角和至少一名B角：请至少指定一名B角。（R-ORG-6）" in response.content.decode()
    assert not Post.objects.filter(name="审核岗").exists()

    response = client.post(url, {"name": "审核岗", "holder_a": hall.clerk.pk, "backup_1": hall.backup.pk})
    assert response.status_code == 302
    assert Post.objects.get(name="审核岗").holder_a == hall.clerk


# --- R-ORG-7: B acts as A when A is not on duty ----------------------------------------------------------


def test_r_org_7_a_on_leave_b_holds_the_post(hall):
    absent(hall.clerk, at(2026, 3, 2, 8), at(2026, 3, 4, 17))
    assert services.post_holder_at(hall.post, NOW) == Holder(staff=hall.backup, acting_as="B")
    # Before and after the leave, A holds the post again.
    assert services.post_holder_at(hall.post, at(2026, 3, 2, 7, 59)) == Holder(
        staff=hall.clerk, acting_as="A"
    )
    assert services.post_holder_at(hall.post, at(2026, 3, 4, 17)) == Holder(staff=hall.clerk, acting_as="A")


def test_r_org_7_first_b_on_duty_in_order(hall):
    with time_machine.travel(at(2026, 3, 1, 9), tick=False):  # the Bs in this order before the moment asked
        services.post_assign(actor=hall.office.user, post=hall.post, backups=[hall.backup, hall.other_clerk])
    absent(hall.clerk, at(2026, 3, 2, 8), at(2026, 3, 2, 17))
    absent(hall.backup, at(2026, 3, 2, 8), at(2026, 3, 2, 17))
    assert services.post_holder_at(hall.post, NOW) == Holder(staff=hall.other_clerk, acting_as="B")


def test_r_org_7_cancelled_absence_keeps_a_on_duty(hall):
    absence = absent(hall.clerk, at(2026, 3, 2, 8), at(2026, 3, 2, 17))
    with time_machine.travel(at(2026, 3, 1, 9), tick=False):  # only an absence not yet started is cancelled
        services.absence_cancel(actor=hall.supervision.user, absence=absence, reason="不再请假")
    assert services.on_duty(hall.clerk, NOW) is True
    assert services.post_holder_at(hall.post, NOW) == Holder(staff=hall.clerk, acting_as="A")


def test_r_org_7_inactive_a_is_not_on_duty(hall):
    with time_machine.travel(at(2026, 3, 1, 9), tick=False):  # deactivated before the moment asked
        services.staff_update(actor=hall.office.user, staff=hall.clerk, is_active=False)
    hall.post.refresh_from_db()
    assert services.on_duty(hall.post.holder_a, NOW) is False
    assert services.post_holder_at(hall.post, NOW) == Holder(staff=hall.backup, acting_as="B")


def test_r_org_7_absence_recorded_through_the_service(hall):
    absence = services.absence_record(
        actor=hall.supervision.user,
        staff=hall.clerk,
        kind=AbsenceKind.LEAVE,
        starts_at=at(2026, 3, 2, 8),
        ends_at=at(2026, 3, 3, 17),
        reason="病假",
    )
    assert absence.center == hall.center
    assert services.post_holder_at(hall.post, NOW).acting_as == "B"
    entry = history_of(hall.clerk).get(action="absence")
    assert entry.rule == "R-ORG-7"
    assert entry.reason == "病假"


def test_r_org_7_absence_must_end_after_it_starts(hall):
    with pytest.raises(RuleViolation) as refused:
        services.absence_record(
            actor=hall.supervision.user,
            staff=hall.clerk,
            kind=AbsenceKind.LEAVE,
            starts_at=at(2026, 3, 2, 8),
            ends_at=at(2026, 3, 2, 8),
        )
    assert (refused.value.rule, refused.value.field) == ("R-ORG-7", "ends_at")
    assert not hall.clerk.absences.exists()


def test_r_org_7_post_board_shows_b_acting(hall, login):
    absent(hall.clerk, at(2026, 3, 2, 8), at(2026, 3, 2, 17))
    with time_machine.travel(NOW, tick=False):
        response = login(hall.director).get(reverse("org:post_board"))
    row = next(r for r in response.context["rows"] if r.post == hall.post)
    assert (row.holder, row.acting_as, row.gap) == (hall.backup, "B", False)
    assert "B角顶岗" in response.content.decode()


# --- the post board: every role of the centre, a fixed number of queries ----------------------------------


@pytest.mark.parametrize(
    "persona", ["clerk", "chief", "supervision", "coordination", "office", "director", "sysadmin"]
)
def test_post_board_is_visible_to_every_role_of_the_centre(hall, login, persona):
    response = login(getattr(hall, persona)).get(reverse("org:post_board"))
    assert response.status_code == 200
    assert [r.post for r in response.context["rows"]] == [hall.post]


def _board_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("org:post_board"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_post_board_query_count_does_not_grow_with_posts(hall, login, django_assert_max_num_queries):
    client = login(hall.supervision)
    _board_queries(client)  # warm: the policy values are then kept by the process
    few = _board_queries(client)
    for n in range(12):
        window = f.make_window(hall.center, hall.department, number=f"C{n:02d}")
        a = f.make_staff(hall.center, window=window)
        b1, b2 = f.make_staff(hall.center, window=window), f.make_staff(hall.center, window=window)
        f.make_post(window, a=a, backups=[b1, b2])
        absent(a, at(2020, 1, 1), at(2099, 1, 1))
    assert _board_queries(client) == few
    with django_assert_max_num_queries(14):
        response = client.get(reverse("org:post_board"))
    assert len(response.context["rows"]) == 13
