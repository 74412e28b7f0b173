"""`manage.py history_checkpoint [--output FILE]`: write a sealed checkpoint of every case history's head, to be
kept outside the database (R-CASE-10; docs/history-integrity.md).

The checkpoint lists, for every case with a history, its number of events and the last event's hash, and ends
with a seal under the history key. Ship it off the database's host (a file copied elsewhere, or the log
collector): `verify_case_chains --checkpoint FILE` then finds a case whose newest events, or the case itself,
were removed since. Without `--output` the checkpoint goes to standard output; a summary line (cases, events,
and the SHA-256 of the checkpoint, short enough for any log) goes to standard error, or to standard output when
the checkpoint goes to a file.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cases.selectors.chains import checkpoint_lines


class Command(BaseCommand):
    help = "生成办件历史链头的检查点（带密钥签名），供保存在数据库之外（R-CASE-10）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", metavar="FILE", help="写入这个文件（默认：标准输出）")

    def handle(self, *args: Any, **options: Any) -> None:
        digest = hashlib.sha256()
        cases = 0
        events = 0
        target = options["output"]

        def lines() -> Any:
            nonlocal cases, events
            for line in checkpoint_lines():
                digest.update(line.encode())
                if line.startswith("case "):
                    cases += 1
                    events += int(line.split(" ")[3])
                yield line

        if target:
            path = Path(target)
            # Written beside the target and renamed over it: a reader never sees half a checkpoint.
            fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    out.writelines(lines())
                os.replace(temporary, path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
            report = self.stdout
        else:
            for line in lines():
                self.stdout.write(line, ending="")
            report = self.stderr
        summary = f"检查点：{cases} 件办件、{events} 条记录；SHA-256 {digest.hexdigest()}"
        report.write(summary, style_func=str)
