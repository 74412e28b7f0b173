"""`manage.py verify_case_chains [--center CODE]`: verify the hash chain of every case's history (R-CASE-10).

Prints one line per case whose chain is broken, then a summary; exits with status 1 when any is broken.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.selectors.chains import chains_verify
from org.models import Center


class Command(BaseCommand):
    help = "校验办件历史记录的哈希链（R-CASE-10）；有断裂时以状态码 1 退出。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--center", metavar="CODE", help="只校验这个中心的办件（默认：全部中心）")

    def handle(self, *args: Any, **options: Any) -> None:
        center = None
        if options["center"]:
            center = Center.objects.filter(code=options["center"]).first()
            if center is None:
                raise CommandError(f"没有代码为 {options['center']} 的中心。")
        run = chains_verify(center=center, limit=None)
        for broken in run.broken:
            if broken.truncated:
                detail = f"记录只有 {broken.events} 条，少于修订次数：第 {broken.broken_at} 条起缺失"
            else:
                detail = f"第 {broken.broken_at} 条记录起链条断裂（共 {broken.events} 条）"
            self.stdout.write(f"{broken.center_code} {broken.label}: {detail}")
        summary = f"已校验 {run.checked} 件办件、{run.events} 条记录；链条断裂 {len(run.broken)} 件。"
        if run.broken:
            raise CommandError(summary, returncode=1)
        self.stdout.write(self.style.SUCCESS(summary))
