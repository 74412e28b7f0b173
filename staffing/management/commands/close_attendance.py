"""`manage.py close_attendance [--center CODE] [--day YYYY-MM-DD]`: close the days whose attendance is due
(R-ATT-2), to be run daily (cron, a systemd timer).

Without `--day`, each active centre closes the days of the last week that are not closed yet and ended at
least its `attendance_close_after_days` whole days ago (time for offline terminals to upload), so a missed run
is made up by the next. With `--day`, that day only (it must have ended). A closed day is never closed again:
it changes only by a correction.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from common.errors import RuleViolation
from org.models import Center
from policy.selectors import policy_value
from staffing.selectors import days_to_close
from staffing.services import attendance_close_day


class Command(BaseCommand):
    help = "结算已到期各日的考勤（R-ATT-2）；每日运行一次。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--center", metavar="CODE", help="只结算这个中心（默认：全部启用的中心）")
        parser.add_argument("--day", metavar="YYYY-MM-DD", help="只结算这一天（须已结束）")

    def handle(self, *args: Any, **options: Any) -> None:
        centers = Center.objects.filter(is_active=True).order_by("code")
        if options["center"]:
            centers = Center.objects.filter(code=options["center"])
            if not centers.exists():
                raise CommandError(f"没有代码为 {options['center']} 的中心。")
        only: date | None = None
        if options["day"]:
            try:
                only = date.fromisoformat(options["day"])
            except ValueError:
                raise CommandError("日期应为 YYYY-MM-DD。") from None
        today = timezone.localdate()
        for center in centers:
            if only is not None:
                days = [only]
            else:
                after = int(policy_value(center, "attendance_close_after_days", today))
                days = days_to_close(center, today, after)
            for day in days:
                try:
                    close = attendance_close_day(actor=None, center=center, day=day)
                except RuleViolation as refusal:
                    raise CommandError(refusal.message) from None
                self.stdout.write(f"{center.code} {day}: {close.people} 人")
