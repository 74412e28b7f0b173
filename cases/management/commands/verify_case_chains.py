"""`manage.py verify_case_chains [--center CODE] [--checkpoint FILE]`: verify the hash chain and the keyed seals
of every case's history (R-CASE-10; docs/history-integrity.md).

Prints one line per case whose history does not verify — a broken link, an event whose seal does not verify
(changed by someone without the history key), events missing from the end, and, against a checkpoint written by
`history_checkpoint`, a chain that no longer holds the head it had then or a case that is gone — then a summary;
exits with status 1 when any case does not verify, or when the checkpoint itself does not.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.selectors.chains import BrokenChain, CheckpointError, chains_verify, read_checkpoint
from org.models import Center


def findings(broken: BrokenChain) -> str:
    """What is wrong with one case's history, in words."""
    if broken.missing:
        return f"办件已不在数据库中（检查点时有 {broken.checkpoint_seq} 条记录）"
    parts = []
    if broken.tampered_at is not None:
        parts.append(f"第 {broken.tampered_at} 条记录签名不符（被无密钥者改动）")
    if broken.truncated:
        parts.append(f"记录只有 {broken.events} 条，少于修订次数：第 {broken.broken_at} 条起缺失")
    elif broken.broken_at is not None:
        parts.append(f"第 {broken.broken_at} 条记录起链条断裂（共 {broken.events} 条）")
    if broken.checkpoint_seq is not None:
        parts.append(f"检查点时的第 {broken.checkpoint_seq} 条记录已不在链上（现有 {broken.events} 条）")
    return "；".join(parts)


class Command(BaseCommand):
    help = "校验办件历史记录的哈希链与密钥签名（R-CASE-10）；有问题时以状态码 1 退出。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--center", metavar="CODE", help="只校验这个中心的办件（默认：全部中心）")
        parser.add_argument(
            "--checkpoint",
            metavar="FILE",
            help="同时对照 history_checkpoint 生成的检查点（保存在数据库之外）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        center = None
        if options["center"]:
            center = Center.objects.filter(code=options["center"]).first()
            if center is None:
                raise CommandError(f"没有代码为 {options['center']} 的中心。")
        checkpoint = None
        if options["checkpoint"]:
            try:
                with open(options["checkpoint"], encoding="utf-8") as lines:
                    checkpoint = read_checkpoint(lines)
            except OSError as exc:
                raise CommandError(f"无法读取检查点文件：{exc.strerror}。") from None
            except (CheckpointError, UnicodeDecodeError) as exc:
                raise CommandError(f"检查点无效：{exc}") from None
        run = chains_verify(center=center, limit=None, checkpoint=checkpoint)
        for broken in run.broken:
            self.stdout.write(f"{broken.center_code} {broken.label}: {findings(broken)}")
        summary = f"已校验 {run.checked} 件办件、{run.events} 条记录；未通过校验 {len(run.broken)} 件"
        if run.tampered:
            summary += f"（其中签名不符 {run.tampered} 件）"
        summary += "。"
        if checkpoint is not None:
            summary = (
                f"对照 {checkpoint.at:%Y-%m-%d %H:%M} UTC 的检查点（{len(checkpoint.heads)} 件办件）："
                + summary
            )
        if run.broken:
            raise CommandError(summary, returncode=1)
        self.stdout.write(self.style.SUCCESS(summary))
