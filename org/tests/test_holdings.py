"""Who held a post at a past moment stays true (R-ORG-6, R-ORG-7): holdings with their periods, the capacity a
staff member acts in at a window, and what each of these reads costs."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from common.errors import RuleViolation
from common.history import history_of
from common.models import HistoryEntry
from org import selectors, services
from org.models import Post, PostBackup, PostHolding
from org.services import Holder
from org.tests import factories as f

from .helpers import absent, at

BEFORE = at(2026, 3, 2, 10)  # a Monday, before the reassignment
CHANGE = at(2026, 3, 10, 10)  # the reassignment
AFTER = at(2026, 3, 11, 10)


def _periods(post: Post) -> list[tuple[str, int, str, object, object]]:
    return [
        (h.role, h.order, h.staff.name, h.valid_from, h.valid_until)
        for h in PostHolding.objects.filter(post=post)
        .select_related("staff")
        .order_by("valid_from", "role", "order")
    ]


def _reassign(hall, **kw) -> None:
    with time_machine.travel(CHANGE, tick=False):
        services.post_assign(actor=hall.office.user, post=hall.post, reason="岗位轮换", **kw)


# --- holdings are written by post_create and post_assign -------------------------------------------------------


def test_r_org_6_post_create_opens_the_periods_of_its_a_and_bs(hall):
    with time_machine.travel(at(2026, 3, 1, 9), tick=False):
        post = services.post_create(
            actor=hall.office.user,
            window=hall.window,
            name="审核岗",
            holder_a=hall.clerk,
            backups=[hall.chief, hall.backup],
        )
    since = at(2026, 3, 1, 9)
    assert _periods(post) == [
        ("A", 0, "王受理", since, None),
        ("B", 1, "赵首席", since, None),
        ("B", 2, "李备岗", since, None),
    ]
    # Nobody held the post before it was set up.
    assert services.post_holder_at(post, at(2026, 3, 1, 8, 59)) is None
    assert services.post_holder_at(post, since) == Holder(staff=hall.clerk, acting_as="A")


def test_r_org_6_a_post_set_up_for_earlier_records_is_held_from_then_but_never_from_later(hall):
    with time_machine.travel(at(2026, 3, 1, 9), tick=False):
        post = services.post_create(
            actor=None,
            window=hall.window,
            name="审核岗",
            holder_a=hall.clerk,
            backups=[hall.backup],
            at=at(2025, 1, 1, 0),
        )
        assert history_of(post).get().changes["held_from"] == "2025-01-01T00:00:00+08:00"
        with pytest.raises(RuleViolation) as refused:
            services.post_create(
                actor=None,
                window=hall.window,
                name="复核岗",
                holder_a=hall.clerk,
                backups=[hall.backup],
                at=at(2026, 3, 1, 9, 1),
            )
    assert (refused.value.rule, refused.value.field, refused.value.message) == (
        "R-ORG-6",
        "at",
        "岗位设立时间不能晚于现在。",
    )
    assert not Post.objects.filter(name="复核岗").exists()
    assert services.post_holder_at(post, at(2025, 6, 1)) == Holder(staff=hall.clerk, acting_as="A")


def test_r_org_7_who_held_the_post_before_a_reassignment_stays_true(hall):
    _reassign(hall, holder_a=hall.other_clerk, backups=[hall.clerk])

    assert services.post_holder_at(hall.post, BEFORE) == Holder(staff=hall.clerk, acting_as="A")
    assert services.post_holder_at(hall.post, at(2026, 3, 10, 9, 59)) == Holder(
        staff=hall.clerk, acting_as="A"
    )
    assert services.post_holder_at(hall.post, CHANGE) == Holder(staff=hall.other_clerk, acting_as="A")
    assert services.post_holder_at(hall.post, AFTER) == Holder(staff=hall.other_clerk, acting_as="A")
    # The current assignment, which most pages read, is the new one.
    hall.post.refresh_from_db()
    assert (hall.post.holder_a, services.post_backups(hall.post)) == (hall.other_clerk, [hall.clerk])
    since = f.HELD_SINCE
    assert _periods(hall.post) == [
        ("A", 0, "王受理", since, CHANGE),
        ("B", 1, "李备岗", since, CHANGE),
        ("A", 0, "孙他窗", CHANGE, None),
        ("B", 1, "王受理", CHANGE, None),
    ]
    # Before the change, the old B covered the A's leave; after it, the new B does.
    absent(hall.clerk, at(2026, 3, 2, 8), at(2026, 3, 2, 17))
    absent(hall.other_clerk, at(2026, 3, 11, 8), at(2026, 3, 11, 17))
    assert services.post_holder_at(hall.post, BEFORE) == Holder(staff=hall.backup, acting_as="B")
    assert services.post_holder_at(hall.post, AFTER) == Holder(staff=hall.clerk, acting_as="B")


def test_r_org_6_a_holder_who_keeps_their_place_keeps_their_period(hall):
    _reassign(hall, backups=[hall.backup, hall.other_clerk])
    since = f.HELD_SINCE
    assert _periods(hall.post) == [
        ("A", 0, "王受理", since, None),
        ("B", 1, "李备岗", since, None),
        ("B", 2, "孙他窗", CHANGE, None),
    ]
    # Swapping the order of the Bs moves both: each place has its own period.
    with time_machine.travel(AFTER, tick=False):
        services.post_assign(actor=hall.office.user, post=hall.post, backups=[hall.other_clerk, hall.backup])
    assert _periods(hall.post) == [
        ("A", 0, "王受理", since, None),
        ("B", 1, "李备岗", since, AFTER),
        ("B", 2, "孙他窗", CHANGE, AFTER),
        ("B", 1, "孙他窗", AFTER, None),
        ("B", 2, "李备岗", AFTER, None),
    ]


def test_r_org_6_a_reassignment_cannot_come_before_the_latest_one(hall):
    _reassign(hall, holder_a=hall.other_clerk, backups=[hall.clerk])
    history = HistoryEntry.objects.count()
    with time_machine.travel(BEFORE, tick=False), pytest.raises(RuleViolation) as refused:
        services.post_assign(actor=hall.office.user, post=hall.post, holder_a=hall.backup)
    assert (refused.value.rule, refused.value.message) == (
        "R-ORG-6",
        "该岗位的AB角在此时间之后已有调整，不能在此之前调整。",
    )
    hall.post.refresh_from_db()
    assert hall.post.holder_a == hall.other_clerk
    assert list(PostBackup.objects.filter(post=hall.post).values_list("staff__name", flat=True)) == ["王受理"]
    assert PostHolding.objects.filter(post=hall.post).count() == 4
    assert HistoryEntry.objects.count() == history


# --- B covering at a past moment -------------------------------------------------------------------------------


def test_r_org_7_b_covering_while_a_was_on_leave_stays_true_after_an_early_return_and_a_reassignment(hall):
    leave = absent(hall.clerk, at(2026, 3, 2, 8), at(2026, 3, 6, 17))
    with time_machine.travel(at(2026, 3, 3, 12), tick=False):
        services.absence_end(actor=hall.office.user, absence=leave, reason="提前销假")
    _reassign(hall, backups=[hall.other_clerk])  # the B is replaced afterwards

    during, after_return = at(2026, 3, 2, 15), at(2026, 3, 3, 12)
    assert services.post_holder_at(hall.post, during) == Holder(staff=hall.backup, acting_as="B")
    assert services.acting_capacity(hall.backup, hall.window, during) == "B"
    assert services.acting_capacity(hall.clerk, hall.window, during) == "A"
    assert services.post_holder_at(hall.post, after_return) == Holder(staff=hall.clerk, acting_as="A")
    assert services.acting_capacity(hall.backup, hall.window, after_return) == ""
    # The new B never covered that leave, and covers only from the reassignment on.
    assert services.acting_capacity(hall.other_clerk, hall.window, during) == ""
    absent(hall.clerk, at(2026, 3, 11, 8), at(2026, 3, 11, 17))
    assert services.acting_capacity(hall.other_clerk, hall.window, AFTER) == "B"
    assert services.acting_capacity(hall.backup, hall.window, AFTER) == ""
    board = selectors.post_board(hall.center, during)
    assert [(r.post, r.holder_a, r.backups, r.holder, r.acting_as) for r in board] == [
        (hall.post, hall.clerk, [hall.backup], hall.backup, "B")
    ]


def test_r_org_7_acting_capacity_is_a_for_the_a_and_b_only_for_the_b_actually_covering(hall):
    # At the window: 受理岗 (A 王受理, B 李备岗) and 审核岗 (A 赵首席, B1 王受理, B2 李备岗).
    # At the other window: 他窗岗 (A 孙他窗, B 李备岗).
    review = f.make_post(hall.window, a=hall.chief, backups=[hall.clerk, hall.backup], name="审核岗")
    f.make_post(hall.other_window, a=hall.other_clerk, backups=[hall.backup], name="他窗岗")
    moment = at(2026, 3, 2, 10)
    # Everyone at work: the As act as A, the Bs in no capacity, others in none.
    assert services.acting_capacity(hall.clerk, hall.window, moment) == "A"
    assert services.acting_capacity(hall.chief, hall.window, moment) == "A"
    assert services.acting_capacity(hall.backup, hall.window, moment) == ""
    assert services.acting_capacity(hall.office, hall.window, moment) == ""
    assert services.acting_capacity(hall.other_clerk, hall.window, moment) == ""
    assert services.acting_capacity(hall.other_clerk, hall.other_window, moment) == "A"
    # The chief is away: 王受理 covers 审核岗 as its first B but is the A of 受理岗 (A wins); 李备岗, the second
    # B, does not cover while the first B is at work.
    absent(hall.chief, at(2026, 3, 2, 8), at(2026, 3, 2, 17))
    assert services.acting_capacity(hall.clerk, hall.window, moment) == "A"
    assert services.acting_capacity(hall.backup, hall.window, moment) == ""
    # 王受理 away too: 李备岗 covers both posts of the window, and nothing at the other window, whose A works.
    absent(hall.clerk, at(2026, 3, 2, 8), at(2026, 3, 2, 12))
    assert services.acting_capacity(hall.backup, hall.window, moment) == "B"
    assert services.acting_capacity(hall.backup, hall.other_window, moment) == ""
    assert services.acting_capacity(hall.clerk, hall.window, moment) == "A"  # holds it, though away
    # After 王受理's return, only 王受理 covers 审核岗.
    assert services.acting_capacity(hall.backup, hall.window, at(2026, 3, 2, 13)) == ""
    # A post no longer active gives no capacity.
    services.post_update(actor=hall.office.user, post=review, is_active=False)
    assert services.acting_capacity(hall.chief, hall.window, at(2026, 3, 3, 10)) == ""


def test_r_org_7_a_deactivated_holder_is_off_duty_only_from_the_deactivation(hall):
    with time_machine.travel(CHANGE, tick=False):
        services.staff_update(actor=hall.office.user, staff=hall.clerk, is_active=False, reason="调离")
    hall.clerk.refresh_from_db()
    assert hall.clerk.deactivated_at == CHANGE
    assert services.is_on_duty(hall.clerk, BEFORE) is True
    assert services.is_on_duty(hall.clerk, CHANGE) is False
    assert services.post_holder_at(hall.post, BEFORE) == Holder(staff=hall.clerk, acting_as="A")
    assert services.post_holder_at(hall.post, AFTER) == Holder(staff=hall.backup, acting_as="B")
    assert hall.clerk not in selectors.staff_on_duty(hall.center, AFTER)
    assert hall.clerk in selectors.staff_on_duty(hall.center, BEFORE)
    # Active again: on duty from then on (the gap itself is kept in the history only).
    with time_machine.travel(AFTER, tick=False):
        services.staff_update(actor=hall.office.user, staff=hall.clerk, is_active=True, reason="返回")
    hall.clerk.refresh_from_db()
    assert hall.clerk.deactivated_at is None
    assert services.is_on_duty(hall.clerk, at(2026, 3, 12, 10)) is True


def test_r_org_7_holders_at_answers_for_many_posts_at_a_moment(hall):
    second = f.make_post(hall.window, a=hall.chief, backups=[hall.other_clerk], name="审核岗")
    nobody = f.make_post(hall.other_window, name="他窗岗")
    later = f.make_post(hall.other_window, name="新岗", held_from=CHANGE)
    absent(nobody.holder_a, at(2026, 3, 2, 8), at(2026, 3, 2, 17))
    absent(nobody.backup_links.get().staff, at(2026, 3, 2, 8), at(2026, 3, 2, 17))
    absent(hall.chief, at(2026, 3, 2, 8), at(2026, 3, 2, 17))

    assert services.holders_at([hall.post, second, nobody.pk, later], BEFORE) == {
        hall.post.pk: Holder(staff=hall.clerk, acting_as="A"),
        second.pk: Holder(staff=hall.other_clerk, acting_as="B"),
        nobody.pk: None,
        later.pk: None,
    }
    assert services.holders_at([], BEFORE) == {}
    assert services.holders_at([later], AFTER) == {later.pk: Holder(staff=later.holder_a, acting_as="A")}


# --- what each read costs --------------------------------------------------------------------------------------


def test_r_org_7_each_read_of_a_moment_costs_one_query(hall, django_assert_num_queries):
    posts = [hall.post]
    for n in range(6):
        window = f.make_window(hall.center, hall.department, number=f"Q{n:02d}")
        posts.append(f.make_post(window, backups=[f.make_staff(hall.center), f.make_staff(hall.center)]))
        absent(posts[-1].holder_a, at(2026, 3, 2, 8), at(2026, 3, 2, 17))
    _reassign(hall, holder_a=hall.other_clerk, backups=[hall.clerk, hall.backup])
    absent(hall.clerk, at(2026, 3, 2, 8), at(2026, 3, 2, 17))

    with django_assert_num_queries(1):
        assert services.post_holder_at(hall.post, BEFORE) == Holder(staff=hall.backup, acting_as="B")
    with django_assert_num_queries(1):
        found = services.holders_at(posts, BEFORE)
    assert [h.acting_as if h else None for h in found.values()] == ["B"] * 7
    with django_assert_num_queries(1):
        assert services.acting_capacity(hall.backup, hall.window, BEFORE) == "B"
    with django_assert_num_queries(1):
        assert services.acting_capacity(hall.clerk, hall.window, AFTER) == ""
    with django_assert_num_queries(1):
        assert services.is_on_duty(hall.clerk, BEFORE) is False


# --- the boards and pages read the holdings of the moment -------------------------------------------------------


def test_r_org_6_post_board_and_gaps_at_a_past_moment_read_the_holders_of_then(hall):
    _reassign(hall, backups=[hall.other_clerk])
    absent(hall.other_clerk, at(2026, 3, 2, 8), at(2026, 3, 20, 17))
    # Before the change the B was 李备岗 (at work): no gap. After it, 孙他窗 is away: a gap.
    row = selectors.post_board(hall.center, BEFORE)[0]
    assert (row.backups, row.gap) == ([hall.backup], False)
    assert selectors.posts_without_backup_on_duty(hall.center, BEFORE) == []
    row = selectors.post_board(hall.center, AFTER)[0]
    assert (row.backups, row.gap, row.absent_ids) == (
        [hall.other_clerk],
        True,
        frozenset({hall.other_clerk.pk}),
    )
    assert selectors.posts_without_backup_on_duty(hall.center, AFTER) == [hall.post]
    # The posts a person held at a moment.
    assert [r.post for r in selectors.posts_held_by(hall.backup, BEFORE)] == [hall.post]
    assert selectors.posts_held_by(hall.backup, AFTER) == []
    assert [r.post for r in selectors.posts_held_by(hall.other_clerk, AFTER)] == [hall.post]


def test_r_org_6_post_page_lists_who_held_the_post_when(hall, login):
    _reassign(hall, holder_a=hall.other_clerk, backups=[hall.clerk])
    with time_machine.travel(AFTER, tick=False):
        response = login(hall.office).get(reverse("org:post_detail", args=[hall.post.pk]))
    assert response.status_code == 200
    assert [(h.role, h.order, h.staff.name, h.valid_until) for h in response.context["holdings"]] == [
        ("A", 0, "孙他窗", None),
        ("B", 1, "王受理", None),
        ("A", 0, "王受理", CHANGE),
        ("B", 1, "李备岗", CHANGE),
    ]
    html = response.content.decode()
    assert "任职记录" in html and "B角（第1顺位）" in html and "2026-03-10 10:00" in html and "至今" in html
