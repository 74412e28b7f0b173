"""Reads for the hall: the day's appointments of a window, or of several (R-CASE-13). Callers scope the
windows through `hall.access` or `cases.access` first."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from catalog.models import Item
from common.sql import Layout, joined_columns, joined_instances
from org.models import Window

from .models import Appointment, AppointmentStatus


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def todays_appointments(window: Window, day: date) -> QuerySet[Appointment]:
    """The appointments booked at `window` on `day` (cancelled ones left out), in time order."""
    return _appointments_on(day).filter(window=window)


def appointments_by_window(windows: list[Window], day: date) -> list[tuple[Window, list[Appointment]]]:
    """Each of `windows` with its appointments on `day`, as `todays_appointments` but without their cases (the
    workbench names each appointment's item, not its case; a case is a wide row), in one query (written once
    per process)."""
    booked: dict[int, list[Appointment]] = {window.pk: [] for window in windows}
    if not booked:
        return []
    sql, layout = _by_window_sql(connection.vendor, len(booked))
    params = [
        *booked,
        connection.ops.adapt_datetimefield_value(_day_start(day)),
        connection.ops.adapt_datetimefield_value(_day_start(day + timedelta(days=1))),
        AppointmentStatus.CANCELLED.value,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for row in rows:
        appointment, item = joined_instances(layout, row)
        appointment._state.fields_cache["item"] = item if item.pk is not None else None
        booked[appointment.window_id].append(appointment)
    return [(window, booked[window.pk]) for window in windows]


@lru_cache(maxsize=32)
def _by_window_sql(vendor: str, windows: int) -> tuple[str, Layout]:
    """`_appointments_on` for `windows` windows with each appointment's item, written once per process (the
    workbench asks it on every request)."""
    del vendor  # part of the key: quoting and converters differ per database
    q = connection.ops.quote_name
    columns, layout = joined_columns([("a", Appointment), ("i", Item)])
    appointment, item = q(Appointment._meta.db_table), q(Item._meta.db_table)
    sql = (
        f"SELECT {', '.join(columns)} FROM {appointment} a "  # noqa: S608 - names from the models
        f"LEFT OUTER JOIN {item} i ON i.{q('id')} = a.{q('item_id')} "
        f"WHERE a.{q('window_id')} IN ({', '.join(['%s'] * windows)}) "
        f"AND a.{q('starts_at')} >= %s AND a.{q('starts_at')} < %s AND NOT (a.{q('status')} = %s) "
        f"ORDER BY a.{q('starts_at')}, a.{q('id')}"
    )
    return sql, layout


def _appointments_on(day: date) -> QuerySet[Appointment]:
    return (
        Appointment.objects.filter(
            starts_at__gte=_day_start(day), starts_at__lt=_day_start(day + timedelta(days=1))
        )
        .exclude(status=AppointmentStatus.CANCELLED)
        .select_related("item", "case")
        .order_by("starts_at", "id")
    )
