"""`manage.py sweep_timers [--date YYYY-MM-DD]`: record every working-day timer that became overdue (R-CLK-9).

Run it daily, after midnight: each timer past its deadline is recorded once, with its owner storing who
answered for it on the day it fell overdue (for a case: the holder of the post of its running step, A or B).
Running it again records nothing new.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from workdays.timers import timers_sweep


class Command(BaseCommand):
    help = "记录超时的工作日计时（R-CLK-9）。每天运行一次。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", metavar="YYYY-MM-DD", help="按这一天计算（默认：今天）")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        if options["date"]:
            try:
                today = date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"日期格式无效：{options['date']}") from None
        count = timers_sweep(today=today)
        self.stdout.write(self.style.SUCCESS(f"{today}: 已记录 {count} 件超时。"))
