"""The persona full agency adds to the shared ones: a deputy director (分管副主任) of the hall's centre."""

from __future__ import annotations

from typing import Any

import pytest

from org.models import Role, StaffProfile
from org.tests import factories as f


@pytest.fixture
def deputy(hall: Any) -> StaffProfile:
    staff = f.make_staff(hall.center, name="孙副主任")
    f.grant(staff.user, hall.center, Role.DEPUTY)
    return staff
