"""The working-day calendar as data (R-CLK-1, R-CLK-3).

Only exceptions to the plain Monday–Friday week are stored: a holiday on a weekday, or an adjusted working
day (调休上班) on a weekend. `center=None` rows are the national schedule; a centre's rows override it.
A year is "loaded" once its official schedule is in (`CalendarYear`); past the last loaded year results are
provisional.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("休息日（节假日）")
    WORKDAY = "workday", _("调休上班")


class CalendarYear(models.Model):
    """A year whose official schedule is loaded (national when `center` is empty)."""

    center = models.ForeignKey(
        "org.Center", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    year = models.PositiveSmallIntegerField(verbose_name="年份")
    source = models.CharField(max_length=200, verbose_name="来源")
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["year"]
        verbose_name = "已载入年份"
        verbose_name_plural = "已载入年份"
        constraints = [
            models.UniqueConstraint(
                fields=["year"], condition=Q(center=None), name="calendaryear_national_unique"
            ),
            models.UniqueConstraint(fields=["center", "year"], name="calendaryear_center_unique"),
        ]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """An exception to the Monday–Friday week on one date."""

    center = models.ForeignKey(
        "org.Center",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="中心（空为全国）",
    )
    date = models.DateField(verbose_name="日期")
    kind = models.CharField(max_length=10, choices=DayKind.choices, verbose_name="类别")
    name = models.CharField(max_length=60, blank=True, verbose_name="名称")
    source = models.CharField(max_length=200, blank=True, verbose_name="来源")

    class Meta:
        ordering = ["date"]
        verbose_name = "节假日与调休"
        verbose_name_plural = "节假日与调休"
        constraints = [
            models.UniqueConstraint(
                fields=["date"], condition=Q(center=None), name="calendarday_national_unique"
            ),
            models.UniqueConstraint(fields=["center", "date"], name="calendarday_center_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"
