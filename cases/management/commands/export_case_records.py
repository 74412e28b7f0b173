"""`manage.py export_case_records --center CODE --since DATE --until DATE [--out FILE]` (R-DATA-2).

Writes the centre's case records in the national standard's layout as JSON Lines (one case per line), to
FILE or to standard output: every case received, or changed, from DATE to DATE (both included).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.services.records import case_records_export
from org.models import Center


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}") from error


class Command(BaseCommand):
    help = "按国家标准字段导出中心办件信息（JSON Lines，每行一件，R-DATA-2）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--center", metavar="CODE", required=True, help="中心代码")
        parser.add_argument("--since", metavar="DATE", required=True, help="起始日期 YYYY-MM-DD（含）")
        parser.add_argument("--until", metavar="DATE", required=True, help="截止日期 YYYY-MM-DD（含）")
        parser.add_argument("--out", metavar="FILE", help="输出文件（默认：标准输出）")

    def handle(self, *args: Any, **options: Any) -> None:
        center = Center.objects.filter(code=options["center"]).first()
        if center is None:
            raise CommandError(f"没有代码为 {options['center']} 的中心。")
        since, until = _date(options["since"]), _date(options["until"])
        if until < since:
            raise CommandError("截止日期早于起始日期。")
        if options["out"]:
            with open(options["out"], "w", encoding="utf-8") as out:
                count = case_records_export(center=center, since=since, until=until, out=out)
        else:
            count = case_records_export(center=center, since=since, until=until, out=self.stdout)
        # The count goes to stderr so that standard output stays pure JSON Lines.
        self.stderr.write(f"已导出 {count} 件办件（{center.code}，{since} 至 {until}）。")
