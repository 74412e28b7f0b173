"""Reads for handling: the leaders' tracking list (R-CASE-11), shuttles (R-CASE-12, read by R-ASM-9). Callers scope the centre or window through `org.access` first."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import F, QuerySet
from django.utils import timezone

from org.models import Center

from ..models import OPEN_STATES, Case, Visit


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def leaders_tracking_list(center: Center) -> QuerySet[Case]:
    """Open green-channel cases of `center`, soonest deadline first, with their responsible person."""
    return (
        Case.objects.filter(center=center, is_priority=True, state__in=list(OPEN_STATES))
        .select_related("timer")
        .prefetch_related("item", "version", "window", "responsible")  # by key: joins are costly to plan
        .order_by(F("timer__deadline").asc(nulls_last=True), "received_at", "id")
    )


def shuttles(center: Center, month: date) -> QuerySet[Visit]:
    """The shuttles (两头跑) of development-zone enterprises at `center` in `month`'s calendar month."""
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return (
        Visit.objects.filter(
            case__center=center, is_shuttle=True, at__gte=_day_start(first), at__lt=_day_start(following)
        )
        .select_related("case")
        .prefetch_related("case__window", "responsible")  # by key: joins are costly to plan
        .order_by("at", "id")
    )
