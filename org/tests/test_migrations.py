"""What rows written before holdings, returns and deactivation moments mean after the data migration
(org 0003, docs/decisions.md "Organisation")."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from common.history import record
from org import services
from org.models import Absence, AbsenceKind, PostHolding, StaffProfile
from org.services import Holder
from org.tests import factories as f

from .helpers import at

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_DATA = ("org", "0002_post_holdings_returns_and_deactivation_moment")
DATA = ("org", "0003_holdings_from_current_posts_and_returns")


def _data_migration(*, backwards: bool) -> None:
    """Unapply or apply the data migration alone: the schema migrations after it stay applied (the rows are
    written with today's models, and the database is left at its latest state for the tests that follow)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    migration = executor.loader.graph.nodes[DATA]
    executor.migrate([BEFORE_DATA if backwards else DATA], plan=[(migration, backwards)])


def test_r_org_7_data_migration_opens_holdings_and_turns_late_cancellations_into_returns():
    _data_migration(backwards=True)  # the rows are written as the old code wrote them
    center = f.make_center()
    window = f.make_window(center)
    a, b, c = (f.make_staff(center, name=n) for n in ("甲", "乙", "丙"))
    logged = f.make_post(window, a=a, backups=[b, c], name="有记录岗")
    unlogged = f.make_post(window, a=b, backups=[a], name="无记录岗")
    PostHolding.objects.all().delete()  # the factory writes holdings; before the migration there were none
    with time_machine.travel(at(2025, 5, 6, 9), tick=False):
        record(subject=logged, action="create", changes={"name": logged.name}, rule="R-ORG-6")

    def absence(start, end, cancelled):
        return Absence.objects.create(
            center=center,
            staff=a,
            kind=AbsenceKind.LEAVE,
            starts_at=start,
            ends_at=end,
            cancelled_at=cancelled,
        )

    returned = absence(at(2026, 3, 2, 8), at(2026, 3, 6, 17), at(2026, 3, 3, 14))
    never_started = absence(at(2026, 4, 1, 8), at(2026, 4, 1, 17), at(2026, 3, 20, 9))
    cancelled_after_the_end = absence(at(2026, 2, 2, 8), at(2026, 2, 2, 17), at(2026, 2, 5, 9))
    plain = absence(at(2026, 1, 5, 8), at(2026, 1, 5, 17), None)

    c.is_active = False
    c.save()
    with time_machine.travel(at(2026, 3, 9, 9), tick=False):
        record(subject=c, action="update", changes={"is_active": [True, False]}, rule="R-ORG-9")
    lost = f.make_staff(center, name="丁", is_active=False)  # deactivated with no history entry

    _data_migration(backwards=False)

    periods = {
        (h.post.name, h.role, h.order, h.staff.name, h.valid_from, h.valid_until)
        for h in PostHolding.objects.select_related("post", "staff")
    }
    early = datetime(2000, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert periods == {
        ("有记录岗", "A", 0, "甲", at(2025, 5, 6, 9), None),
        ("有记录岗", "B", 1, "乙", at(2025, 5, 6, 9), None),
        ("有记录岗", "B", 2, "丙", at(2025, 5, 6, 9), None),
        ("无记录岗", "A", 0, "乙", early, None),
        ("无记录岗", "B", 1, "甲", early, None),
    }
    rows = {
        x.pk: (x.starts_at, x.ends_at, x.planned_ends_at, x.cancelled_at)
        for x in Absence.objects.filter(staff=a)
    }
    assert rows == {
        returned.pk: (at(2026, 3, 2, 8), at(2026, 3, 3, 14), at(2026, 3, 6, 17), None),
        never_started.pk: (at(2026, 4, 1, 8), at(2026, 4, 1, 17), None, at(2026, 3, 20, 9)),
        cancelled_after_the_end.pk: (at(2026, 2, 2, 8), at(2026, 2, 2, 17), None, at(2026, 2, 5, 9)),
        plain.pk: (at(2026, 1, 5, 8), at(2026, 1, 5, 17), None, None),
    }
    assert StaffProfile.objects.get(pk=c.pk).deactivated_at == at(2026, 3, 9, 9)
    assert StaffProfile.objects.get(pk=lost.pk).deactivated_at is None

    # What that means: the A was away until the cancellation, which was a return; the B covered meanwhile.
    assert services.post_holder_at(logged, at(2026, 3, 2, 10)) == Holder(staff=b, acting_as="B")
    assert services.post_holder_at(logged, at(2026, 3, 3, 14)) == Holder(staff=a, acting_as="A")
    assert services.post_holder_at(unlogged, at(2026, 4, 1, 10)) == Holder(staff=b, acting_as="A")
    assert services.is_on_duty(c, at(2026, 3, 9, 8)) is True
    assert services.is_on_duty(c, at(2026, 3, 9, 9)) is False
    assert services.post_holder_at(logged, at(2025, 5, 6, 8)) is None  # before the post was set up

    # Backwards, a return is a cancellation at its end again and the holdings go.
    _data_migration(backwards=True)
    returned.refresh_from_db()
    assert (returned.ends_at, returned.planned_ends_at, returned.cancelled_at) == (
        at(2026, 3, 6, 17),
        None,
        at(2026, 3, 3, 14),
    )
    assert not PostHolding.objects.exists()
    _data_migration(backwards=False)
