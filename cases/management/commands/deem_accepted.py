"""`manage.py deem_accepted [--date YYYY-MM-DD]`: accept every received application whose current submission (the
application, or the corrected materials after a correction notice) was given no correction notice within the
centre's working days of its receipt, as of the day it came in (R-CASE-3, 行政许可法第三十二条).

Run it once a day (after midnight); running it twice on a day changes nothing the second time.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cases.services.intake import cases_deem_accepted


class Command(BaseCommand):
    help = "逾期未告知补正的申请视为受理（R-CASE-3）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", metavar="YYYY-MM-DD", help="按这一天计算（默认：今天）")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        if options["date"]:
            try:
                today = date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"日期格式无效：{options['date']}") from None
        cases = cases_deem_accepted(today=today)
        for case in cases:
            self.stdout.write(f"{case.center.code} {case.number}: 视为受理，受理日期 {case.accepted_on}")
        self.stdout.write(self.style.SUCCESS(f"{today}: 视为受理 {len(cases)} 件。"))
