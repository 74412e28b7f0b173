"""The data migration that turns each accepted case's clock into a working-day timer (cases 0005): the stored
deadline, warning date and ledger are carried as they were, and a case decided after its deadline keeps the
person the assessment counted it for (R-CLK-9, R-ASM-9)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("cases", "0006_case_submitted_on"), ("workdays", "0001_initial")]
AFTER = [("cases", "0007_case_timers")]


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_latest() -> Any:
    """Leave the database migrated to the latest state for the tests that follow."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_r_clk_9_existing_clocks_become_timers_as_they_stood(back_to_latest: Any) -> None:
    old = _migrate(BEFORE)
    Center = old.get_model("org", "Center")
    Department = old.get_model("org", "Department")
    Window = old.get_model("org", "Window")
    Staff = old.get_model("org", "StaffProfile")
    Item = old.get_model("catalog", "Item")
    Version = old.get_model("catalog", "ItemVersion")
    Case = old.get_model("cases", "Case")
    Suspension = old.get_model("cases", "Suspension")
    CaseStep = old.get_model("cases", "CaseStep")

    center = Center.objects.create(code="mig", name="迁移中心")
    department = Department.objects.create(center=center, code="d", name="部门")
    window = Window.objects.create(center=center, number="M01", name="窗口", department=department)
    clerk = Staff.objects.create(center=center, name="王受理", badge_number="1")
    backup = Staff.objects.create(center=center, name="李备岗", badge_number="2")
    item = Item.objects.create(center=center, code="I1", department=department)
    version = Version.objects.create(
        item=item,
        number=1,
        name="事项",
        promised_limit_days=10,
        statutory_limit_days=20,
        case_type="promised",
    )

    def case(**fields: Any) -> Any:
        fields.setdefault("accepted_on", date(2026, 9, 30))
        return Case.objects.create(
            center=center,
            item=item,
            version=version,
            window=window,
            case_type="promised",
            applicant_name="申请人",
            received_at=datetime(2026, 9, 30, 1, tzinfo=UTC),
            received_by=clerk,
            limit_days=10,
            **fields,
        )

    running = case(
        state="accepted", deadline=date(2026, 10, 20), warn_from=date(2026, 10, 16), responsible=clerk
    )
    suspended = case(state="suspended", deadline=None, warn_from=None)
    Suspension.objects.create(
        case=suspended, kind="testing", reason="检验", started_on=date(2026, 10, 9), expected_days=3
    )
    late = case(
        state="approved",
        deadline=date(2026, 10, 20),
        warn_from=date(2026, 10, 16),
        decided_at=datetime(2026, 10, 22, 2, tzinfo=UTC),
        responsible=clerk,
    )
    CaseStep.objects.create(
        case=late,
        order=1,
        name="审核",
        handler=backup,
        acting_as="B",
        finished_at=datetime(2026, 10, 21, 2, tzinfo=UTC),
    )
    never = case(state="received", accepted_on=None)

    new = _migrate(AFTER)
    Case = new.get_model("cases", "Case")
    Overdue = new.get_model("cases", "Overdue")
    Timer = new.get_model("workdays", "Timer")

    timer = Timer.objects.get(pk=Case.objects.get(pk=running.pk).timer_id)
    assert (timer.state, timer.deadline, timer.warn_from, timer.budget_days, timer.yellow_days) == (
        "running",
        date(2026, 10, 20),
        date(2026, 10, 16),
        10,
        2,
    )
    stopped = Timer.objects.get(pk=Case.objects.get(pk=suspended.pk).timer_id)
    assert (stopped.state, stopped.deadline) == ("stopped", None)
    assert list(stopped.spans.values_list("stopped_on", "resumed_on", "reason")) == [
        (date(2026, 10, 9), None, "testing")
    ]
    finished = Timer.objects.get(pk=Case.objects.get(pk=late.pk).timer_id)
    assert (finished.state, finished.finished_on, finished.red_since) == (
        "finished",
        date(2026, 10, 22),
        date(2026, 10, 21),
    )
    record = Overdue.objects.get(case_id=late.pk)
    assert (record.overdue_on, record.responsible_id, record.acting_as) == (
        date(2026, 10, 21),
        backup.pk,
        "B",
    )
    assert Case.objects.get(pk=never.pk).timer_id is None
    assert not Overdue.objects.filter(case_id__in=[running.pk, suspended.pk]).exists()
