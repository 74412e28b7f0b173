"""Policy values: typed, versioned by effective date, set by system administrators only (R-ASM-17)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from common.errors import RuleViolation
from common.models import HistoryEntry
from policy.models import PolicyValue
from policy.registry import DEFAULTS_EFFECTIVE_FROM, KEYS
from policy.selectors import policy_table, policy_value
from policy.services import policy_seed_defaults, policy_set
from policy.values import normalise

URL = reverse("policy:policy_list")
SET_URL = reverse("policy:policy_set")


def test_r_asm_17_policy_value_applies_from_its_effective_date(hall):
    center, actor = hall.center, hall.sysadmin.user
    policy_set(
        actor=actor,
        center=center,
        key="fund_per_month",
        value="180",
        effective_from=date(2026, 7, 1),
        note="2026年调整",
    )
    policy_set(
        actor=actor, center=center, key="fund_per_month", value="200.5", effective_from=date(2027, 1, 1)
    )
    assert policy_value(center, "fund_per_month", date(2026, 6, 30)) == "150"  # the registry default
    assert policy_value(center, "fund_per_month", date(2026, 7, 1)) == "180"
    assert policy_value(center, "fund_per_month", date(2026, 12, 31)) == "180"
    assert policy_value(center, "fund_per_month", date(2027, 1, 1)) == "200.5"
    row = {r.key: r for r in policy_table(center, date(2026, 8, 1))}["fund_per_month"]
    assert (row.value, row.effective_from, row.is_default) == ("180", date(2026, 7, 1), False)
    other = hall.outsider.center
    assert policy_value(other, "fund_per_month", date(2026, 8, 1)) == "150"


def test_r_asm_17_setting_a_value_records_history_with_old_and_new(hall):
    row = policy_set(
        actor=hall.sysadmin.user,
        center=hall.center,
        key="yellow_min_days",
        value="2",
        effective_from=date(2026, 1, 1),
        note="试行",
    )
    assert (row.value, row.rule, row.note, row.set_by) == (2, "R-CLK-6", "试行", hall.sysadmin.user)
    entry = HistoryEntry.objects.get()
    assert (entry.action, entry.center, entry.actor, entry.rule, entry.reason) == (
        "policy_value_set",
        hall.center,
        hall.sysadmin.user,
        "R-CLK-6",
        "试行",
    )
    assert entry.changes == {"key": "yellow_min_days", "value": [1, 2], "effective_from": "2026-01-01"}


def test_r_asm_17_setting_the_same_date_again_corrects_the_row(hall):
    kwargs = {
        "actor": hall.sysadmin.user,
        "center": hall.center,
        "key": "bad_review_days",
        "effective_from": date(2026, 1, 1),
    }
    policy_set(value=10, **kwargs)
    policy_set(value=10, **kwargs)  # unchanged: nothing written
    policy_set(value="12", **kwargs)
    assert list(PolicyValue.objects.values_list("value", flat=True)) == [12]
    assert list(HistoryEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "policy_value_set",
        "policy_value_correct",
    ]
    assert HistoryEntry.objects.order_by("id").last().changes["value"] == [10, 12]


@pytest.mark.parametrize(
    ("key", "value", "rule", "message"),
    [
        ("yellow_min_days", "abc", "R-CLK-6", "黄牌预警：剩余工作日不超过：应为整数。"),
        ("yellow_min_days", "-1", "R-CLK-6", "黄牌预警：剩余工作日不超过：不能为负数。"),
        ("yellow_min_days", True, "R-CLK-6", "黄牌预警：剩余工作日不超过：应为整数。"),
        ("yellow_ratio_percent", 120, "R-CLK-6", "黄牌预警：剩余时限比例不超过（%）：应在 0–100 之间。"),
        ("fund_per_month", "1.234", "R-ASM-14", "每人每月考核资金（元）：最多两位小数。"),
        ("fund_per_month", "十元", "R-ASM-14", "每人每月考核资金（元）：应为数字，如 150 或 150.50。"),
        ("fund_per_month", "-5", "R-ASM-14", "每人每月考核资金（元）：不能为负数。"),
        ("morning_start", "8:00", "R-CLK-7", "上午上班时间：应为“时:分”，如 08:30。"),
        ("morning_start", "25:00", "R-CLK-7", "上午上班时间：应为“时:分”，如 08:30。"),
        ("summer_start", "02-30", "R-CLK-7", "夏季作息开始（月-日）：应为有效的“月-日”，如 05-01。"),
        ("summer_end", "0930", "R-CLK-7", "夏季作息结束（月-日）：应为“月-日”，如 05-01。"),
        (
            "morning_end",
            "15:00",
            "R-CLK-7",
            "作息时间须按“上午上班 < 上午下班 ≤ 下午上班 < 下午下班”的顺序。",
        ),
        ("no_such_key", "1", "R-ASM-17", "未知的制度参数“no_such_key”。"),
    ],
)
def test_r_asm_17_a_value_of_the_wrong_type_is_refused_and_nothing_changes(hall, key, value, rule, message):
    with pytest.raises(RuleViolation) as refused:
        policy_set(
            actor=hall.sysadmin.user,
            center=hall.center,
            key=key,
            value=value,
            effective_from=date(2026, 1, 1),
        )
    assert (refused.value.rule, refused.value.message) == (rule, message)
    assert not PolicyValue.objects.exists() and not HistoryEntry.objects.exists()


def test_r_asm_17_effective_date_is_required(hall):
    with pytest.raises(RuleViolation) as refused:
        policy_set(
            actor=hall.sysadmin.user, center=hall.center, key="yellow_min_days", value=2, effective_from=None
        )
    assert (refused.value.rule, refused.value.message, refused.value.field) == (
        "R-ASM-17",
        "请填写生效日期。",
        "effective_from",
    )


def test_policy_values_are_normalised_by_kind():
    assert normalise("x", "int", " 7 ") == 7
    assert normalise("x", "decimal", "150.50") == "150.5"
    assert normalise("x", "decimal", 200) == "200"
    assert normalise("x", "time", "08:05") == "08:05"
    assert normalise("x", "month_day", "02-29") == "02-29"
    assert [normalise("x", "bool", v) for v in ["是", "否", "true", "0", True]] == [
        True,
        False,
        True,
        False,
        True,
    ]
    with pytest.raises(ValueError, match="应为“是”或“否”。"):
        normalise("x", "bool", "maybe")


def test_r_asm_17_seed_defaults_writes_one_row_per_key_once(hall):
    assert policy_seed_defaults(center=hall.center) == len(KEYS)
    assert policy_seed_defaults(center=hall.center) == 0
    rows = {r.key: r for r in PolicyValue.objects.filter(center=hall.center)}
    assert set(rows) == set(KEYS)
    assert {r.effective_from for r in rows.values()} == {DEFAULTS_EFFECTIVE_FROM}
    assert rows["fund_per_month"].value == "150" and rows["fund_per_month"].rule == "R-ASM-14"
    assert HistoryEntry.objects.filter(action="policy_value_seed").count() == len(KEYS)
    assert all(not r.is_default for r in policy_table(hall.center, date(2026, 1, 1)))


# --- the page ------------------------------------------------------------------------------------------


def test_policy_page_lists_every_key_with_its_value_in_force(hall, login, django_assert_max_num_queries):
    policy_seed_defaults(center=hall.center)
    policy_set(
        actor=hall.sysadmin.user,
        center=hall.center,
        key="joint_meeting_day",
        value=12,
        effective_from=date(2020, 1, 1),
    )
    policy_set(
        actor=hall.sysadmin.user,
        center=hall.center,
        key="joint_meeting_day",
        value=15,
        effective_from=date(2099, 1, 1),
    )
    client = login(hall.clerk)
    with django_assert_max_num_queries(12):
        response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert [row.key for row, _pending in response.context["rows"]] == list(KEYS)
    rows = {row.key: (row, pending) for row, pending in response.context["rows"]}
    row, pending = rows["joint_meeting_day"]
    assert (row.value, row.effective_from) == (12, date(2020, 1, 1))
    assert [p.value for p in pending] == [15]
    assert "联审会议日（每月几日）" in page and "R-PAR-7" in page and "2099-01-01 起" in page
    assert "设置新取值" not in page  # only the system administrator sees the form


def test_r_asm_17_system_administrator_sets_a_value_on_the_page(hall, login):
    response = login(hall.sysadmin).post(
        SET_URL, {"key": "delivery_limit_days", "value": "8", "effective_from": "2026-05-01", "note": "提速"}
    )
    assert response.status_code == 302
    assert policy_value(hall.center, "delivery_limit_days", date(2026, 5, 1)) == 8
    assert policy_value(hall.center, "delivery_limit_days", date(2026, 4, 30)) == 10
    page = login(hall.sysadmin).get(URL).content.decode()
    assert "提速" in page


@pytest.mark.parametrize("persona", ["clerk", "office", "director", "supervision"])
def test_r_asm_17_only_the_system_administrator_may_set_a_value(hall, login, persona):
    response = login(getattr(hall, persona)).post(
        SET_URL, {"key": "delivery_limit_days", "value": "8", "effective_from": "2026-05-01"}
    )
    assert response.status_code == 403
    assert not PolicyValue.objects.exists()


def test_r_asm_17_a_bad_value_on_the_page_shows_the_refusal(hall, login):
    response = login(hall.sysadmin).post(
        SET_URL, {"key": "summer_start", "value": "13-01", "effective_from": "2026-05-01"}
    )
    assert response.status_code == 200
    assert "夏季作息开始（月-日）：应为有效的“月-日”，如 05-01。（R-CLK-7）" in response.content.decode()
    assert not PolicyValue.objects.exists()


def test_r_asm_17_bad_form_input_is_a_form_error(hall, login):
    response = login(hall.sysadmin).post(SET_URL, {"key": "nope", "value": "", "effective_from": "x"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"key", "value", "effective_from"}


def test_policy_page_needs_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
