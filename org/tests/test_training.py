"""B training (R-ORG-8) and the month arithmetic behind it."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from common.errors import RuleViolation
from common.history import history_of
from org import selectors, services
from org.models import BackupTraining
from org.periods import months_before
from org.tests import factories as f
from policy.models import PolicyValue
from policy.selectors import clear_policy_cache

from .helpers import at

TODAY = date(2026, 7, 15)


def _train(hall, trainee, held_on, post=None):
    with time_machine.travel(at(2026, 7, 15, 10), tick=False):
        return services.backup_training_record(
            actor=hall.office.user,
            post=post or hall.post,
            trainer=hall.clerk,
            trainee=trainee,
            held_on=held_on,
            topic="外资备案操作规程",
        )


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 7, 15), 6, date(2026, 1, 15)),
        (date(2026, 8, 31), 6, date(2026, 2, 28)),
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2028, 8, 29), 6, date(2028, 2, 29)),
        (date(2026, 2, 10), 3, date(2025, 11, 10)),
        (date(2026, 5, 5), 0, date(2026, 5, 5)),
        (date(2026, 5, 5), 24, date(2024, 5, 5)),
    ],
)
def test_months_before(day, months, expected):
    assert months_before(day, months) == expected


def test_months_before_refuses_negative():
    with pytest.raises(ValueError):
        months_before(date(2026, 5, 5), -1)


def test_r_org_8_training_recorded_with_history(hall):
    training = _train(hall, hall.backup, date(2026, 7, 1))
    assert (training.center, training.post, training.trainer, training.trainee) == (
        hall.center,
        hall.post,
        hall.clerk,
        hall.backup,
    )
    entry = history_of(hall.post).get(action="training")
    assert entry.rule == "R-ORG-8"
    assert entry.changes == {
        "trainer": "王受理",
        "trainee": "李备岗",
        "held_on": "2026-07-01",
        "topic": "外资备案操作规程",
    }


def test_r_org_8_only_a_b_of_the_post_is_trained_for_it(hall):
    with pytest.raises(RuleViolation) as refused:
        _train(hall, hall.other_clerk, date(2026, 7, 1))
    assert (refused.value.rule, refused.value.message) == ("R-ORG-8", "孙他窗不是该岗位的B角。")
    with pytest.raises(RuleViolation) as refused:
        _train(hall, hall.backup, date(2026, 7, 16))
    assert refused.value.message == "培训日期不能晚于今天。"
    assert not BackupTraining.objects.exists()


def test_r_org_8_post_without_training_in_six_months_is_flagged(hall):
    assert selectors.posts_with_stale_training(hall.center, TODAY) == [hall.post]
    _train(hall, hall.backup, date(2026, 1, 14))
    assert selectors.posts_with_stale_training(hall.center, TODAY) == [hall.post]
    _train(hall, hall.backup, date(2026, 1, 15))
    assert selectors.posts_with_stale_training(hall.center, TODAY) == []
    # Six months after that training it is due again.
    assert selectors.posts_with_stale_training(hall.center, date(2026, 7, 16)) == [hall.post]


def test_r_org_8_every_b_of_the_post_needs_training(hall):
    second = f.make_staff(hall.center, window=hall.window, name="周二备")
    services.post_assign(actor=hall.office.user, post=hall.post, backups=[hall.backup, second])
    _train(hall, hall.backup, date(2026, 6, 1))
    assert selectors.posts_with_stale_training(hall.center, TODAY) == [hall.post]
    _train(hall, second, date(2026, 6, 2))
    assert selectors.posts_with_stale_training(hall.center, TODAY) == []


def test_r_org_8_the_period_is_the_centres_policy(hall):
    _train(hall, hall.backup, date(2026, 3, 1))
    assert selectors.posts_with_stale_training(hall.center, TODAY) == []
    PolicyValue.objects.create(
        center=hall.center,
        key="backup_training_months",
        value=3,
        effective_from=date(2026, 7, 1),
        rule="R-ORG-8",
    )
    clear_policy_cache()  # written behind the services' back
    assert selectors.posts_with_stale_training(hall.center, TODAY) == [hall.post]
    # Before the new value took effect, the default of six months applied.
    assert selectors.posts_with_stale_training(hall.center, date(2026, 6, 30)) == []


def test_r_org_8_post_board_and_post_page_show_training(hall, login):
    _train(hall, hall.backup, date(2025, 12, 1))
    client = login(hall.office)
    with time_machine.travel(at(2026, 7, 15, 10), tick=False):
        board = client.get(reverse("org:post_board"))
        assert [r.stale_training for r in board.context["rows"]] == [True]
        assert "B角培训逾期" in board.content.decode()
        response = client.post(
            reverse("org:training_create", args=[hall.post.pk]),
            {
                "trainee": hall.backup.pk,
                "trainer": hall.clerk.pk,
                "held_on": "2026-07-10",
                "topic": "系统操作",
            },
        )
        assert response.status_code == 302
        board = client.get(reverse("org:post_board"))
    assert [r.stale_training for r in board.context["rows"]] == [False]
    page = client.get(reverse("org:post_detail", args=[hall.post.pk])).content.decode()
    assert "系统操作" in page and "2026-07-10" in page


def test_r_org_8_window_clerk_may_not_record_training(hall, login):
    response = login(hall.other_clerk).get(reverse("org:training_create", args=[hall.post.pk]))
    assert response.status_code == 403
