"""The hall itself: appointments now (R-CASE-13), the queue later.

An appointment is a booked time at a window, outside hours included; the minutes served after closing are
recorded as late service. Writes go through `hall.services`; reads through `hall.selectors`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from common.models import CenterOwned


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("已预约")
    SERVED = "served", _("已办理")
    NO_SHOW = "no_show", _("未到")
    CANCELLED = "cancelled", _("已取消")


class Appointment(CenterOwned):
    """A booked time, outside hours included (R-CASE-13); late service is recorded when it runs past closing."""

    window = models.ForeignKey("org.Window", on_delete=models.PROTECT, related_name="appointments")
    item = models.ForeignKey(
        "catalog.Item", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    applicant_name = models.CharField(max_length=100)
    applicant_phone = models.CharField(max_length=40)
    starts_at = models.DateTimeField(db_index=True)
    outside_hours = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="appointments"
    )
    served_from = models.DateTimeField(null=True, blank=True)
    served_until = models.DateTimeField(null=True, blank=True)
    late_service_minutes = models.PositiveIntegerField(default=0)
    served_by = models.ForeignKey(
        "org.StaffProfile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M} {self.applicant_name}"
