"""`manage.py verify_history`: verify the keyed seal of every entry of the general history (changes to the
organisation, authorisations, calendar, policy and catalogue: `common.HistoryEntry`; docs/history-integrity.md).

Prints one line per entry whose seal does not verify (changed in the database by someone without the history
key), then a summary; exits with status 1 when any does not verify. The case histories are verified by
`verify_case_chains`.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from common.history import history_verify


class Command(BaseCommand):
    help = "校验变更历史每条记录的密钥签名；有不符时以状态码 1 退出。"

    def handle(self, *args: Any, **options: Any) -> None:
        run = history_verify()
        for entry in run.tampered:
            moment = timezone.localtime(entry.at)
            self.stdout.write(
                f"#{entry.id} {moment:%Y-%m-%d %H:%M} {entry.subject_label} {entry.action}: 签名不符（被无密钥者改动）"
            )
        summary = f"已校验 {run.checked} 条变更历史；签名不符 {len(run.tampered)} 条。"
        if run.tampered:
            raise CommandError(summary, returncode=1)
        self.stdout.write(self.style.SUCCESS(summary))
