"""`manage.py notify_due_soon [--date YYYY-MM-DD]`: tell the responsible person of each running case in its
warning period (yellow, R-CLK-6) that it is due soon. Run it once a day; a case is told once per warning date,
so running it again changes nothing. The messages are sent by `send_notifications`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cases.milestones import due_soon_enqueue


class Command(BaseCommand):
    help = "提醒责任人：办件进入预警期（黄牌，R-CLK-6）。每天运行一次。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", metavar="YYYY-MM-DD", help="按这一天计算（默认：今天）")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        if options["date"]:
            try:
                today = date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"日期格式无效：{options['date']}") from None
        count = due_soon_enqueue(today=today)
        self.stdout.write(self.style.SUCCESS(f"{today}: 已为 {count} 件预警办件生成到期提醒。"))
