"""`manage.py send_notifications [--loop] [--batch N] [--worker NAME] [--interval SECONDS]`: send the due
messages of the outbox through their channels.

Without `--loop` it sends one batch and exits (for cron); with `--loop` it runs until interrupted (SIGINT or
SIGTERM stop it after the message in hand), sleeping `--interval` seconds whenever a batch was not full. Any
number of these may run at once: each claims its own messages under a lease (see `notify.services`).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from notify.selectors import failed_messages, pending_messages
from notify.services import dispatch


class Command(BaseCommand):
    help = "发送待发通知（事务性发件箱）；--loop 持续运行。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="持续运行，直到中断")
        parser.add_argument("--batch", type=int, default=50, help="每批最多发送的条数（默认 50）")
        parser.add_argument("--worker", default="", help="发送进程名（默认：主机名:进程号）")
        parser.add_argument("--interval", type=float, default=5.0, help="空闲时的等待秒数（默认 5）")

    def handle(self, *args: Any, **options: Any) -> None:
        batch = max(1, int(options["batch"]))
        worker = options["worker"] or f"{socket.gethostname()}:{os.getpid()}"
        self._show_console_channel(int(options["verbosity"]))
        if not options["loop"]:
            sent = dispatch(batch=batch, worker=worker)
            self._summary(sent)
            return
        stopping = False

        def stop(signum: int, frame: FrameType | None) -> None:
            nonlocal stopping
            stopping = True

        previous = signal.signal(signal.SIGTERM, stop)
        total = 0
        try:
            while not stopping:
                sent = dispatch(batch=batch, worker=worker)
                total += sent
                if sent < batch and not stopping:
                    time.sleep(float(options["interval"]))
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
        self._summary(total)

    def _summary(self, sent: int) -> None:
        waiting = pending_messages().count()
        failed = failed_messages().count()
        self.stdout.write(self.style.SUCCESS(f"已发送 {sent} 条通知；待发送 {waiting} 条。"))
        if failed:
            self.stdout.write(self.style.WARNING(f"发送失败已放弃 {failed} 条，请在管理后台查看。"))

    def _show_console_channel(self, verbosity: int) -> None:
        """The console channel logs to `govhall.notify`; when the settings give that log nowhere to go,
        show it on this command's output."""
        notify_log = logging.getLogger("govhall.notify")
        if verbosity >= 1 and not notify_log.hasHandlers():
            handler = logging.StreamHandler(self.stdout)
            handler.setFormatter(logging.Formatter("%(message)s"))
            notify_log.addHandler(handler)
            notify_log.setLevel(logging.INFO)
