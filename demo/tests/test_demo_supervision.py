"""The demo's complaints and assessments (`demo/supervision_history.py`): played through the supervision services,
and a second run adds nothing. In tests the clocking year is a few days, so no month is closed here; `make run`
closes the months the clocking year covers whole (docs/assessment.md)."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from org.models import Center
from supervision.models import AssessmentEntry, AssessmentMonth, Complaint, ComplaintState
from workdays.models import TimerWarning


@pytest.mark.django_db
@pytest.mark.slow
def test_r_cmp_2_r_asm_1_the_demo_plays_complaints_and_deductions_and_a_second_run_adds_nothing(
    settings: Any,
) -> None:
    settings.DEMO_STAFFING_DAYS = 6
    out = StringIO()
    call_command("load_demo", stdout=out)
    county = Center.objects.get(code="demo-county")
    complaints = Complaint.objects.filter(center=county)
    assert complaints.count() == 6
    assert set(complaints.values_list("state", flat=True)) == {ComplaintState.CLOSED}
    assert complaints.filter(substantiated=True).count() == 3
    assert all(c.answered_at is not None for c in complaints)
    # The anonymous web complaint is answered on its tracking page; the others by phone (invented numbers).
    assert list(complaints.filter(named=False).values_list("answered_via", flat=True)) == ["tracking_page"]
    entries = AssessmentEntry.objects.filter(center=county, source="entered")
    assert entries.count() == 5 and all(e.evidence for e in entries)
    assert not AssessmentMonth.objects.filter(center=county).exists()
    counts = (Complaint.objects.count(), AssessmentEntry.objects.count(), TimerWarning.objects.count())
    call_command("load_demo", stdout=StringIO())
    assert (
        Complaint.objects.count(),
        AssessmentEntry.objects.count(),
        TimerWarning.objects.count(),
    ) == counts
