"""Small builders shared by the handling tests (steps, authorisations, absences)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from catalog.models import Item
from org.models import Authorization, Post, StaffProfile
from org.services import absence_record, authorization_grant
from org.tests import factories as f

from .factories import at, make_item_for

DAY = date(2026, 9, 30)  # a Wednesday, the last working day before the National Day holidays


def second_post(hall: Any) -> Post:
    """A second post at the hall's window: A 陈审核, B 刘备审."""
    reviewer = f.make_staff(hall.center, window=hall.window, department=hall.department, name="陈审核")
    backup = f.make_staff(hall.center, window=hall.window, department=hall.department, name="刘备审")
    f.grant(reviewer.user, hall.center, "window_staff", hall.window)
    f.grant(backup.user, hall.center, "window_staff", hall.window)
    return f.make_post(hall.window, a=reviewer, backups=[backup], name="审核岗")


def two_step_item(hall: Any, review_post: Post, **fields: Any) -> Item:
    """An item of the hall's department: step 1 受理 at hall.post, step 2 审核 at `review_post`."""
    return make_item_for(hall.window, hall.post, steps=[("受理", hall.post), ("审核", review_post)], **fields)


def authorise(
    hall: Any,
    *,
    representative: StaffProfile | None = None,
    valid_from: date = date(2026, 1, 1),
    valid_until: date = date(2026, 12, 31),
    scopes: tuple[str, ...] = ("decide_general",),
    department: Any = None,
) -> Authorization:
    return authorization_grant(
        actor=None,
        department=department or hall.department,
        representative=representative or hall.chief,
        document_number="外经贸授〔2026〕1号",
        signed_by="钱局长",
        scopes=list(scopes),
        valid_from=valid_from,
        valid_until=valid_until,
    )


def on_leave(staff: StaffProfile, day: date = DAY) -> None:
    """`staff` is on leave for the whole of `day`."""
    absence_record(
        actor=None,
        staff=staff,
        kind="leave",
        starts_at=at(day, 0, 0),
        ends_at=at(day + timedelta(days=1), 0, 0),
    )
