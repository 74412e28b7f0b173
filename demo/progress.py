"""What `load_demo` prints while it works: one line per stage and a progress bar for the year of cases.

On a terminal the bar redraws itself on one line (carriage return) with the share done, the counts, the time
spent and an estimate of the time left. Anywhere else (a pipe, a CI log) nothing is redrawn: each stage, the
year of cases included, is one line, written when the stage starts and finished when it ends.
"""

from __future__ import annotations

import shutil
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol


class Output(Protocol):
    """A management command's `stdout` (`OutputWrapper`)."""

    def write(
        self, msg: str = "", style_func: Callable[[str], str] | None = None, ending: str | None = None
    ) -> None:
        pass  # pragma: no cover - a protocol

    def flush(self) -> None:
        pass  # pragma: no cover - a protocol

    def isatty(self) -> bool:
        return False  # pragma: no cover - a protocol


def width(text: str) -> int:
    """Columns the text takes in a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def clock_text(seconds: float) -> str:
    """Minutes and seconds, as 1:05."""
    seconds = max(0, round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


def seconds_text(seconds: float) -> str:
    return f"{seconds:.1f} 秒"


class Progress:
    """Prints stages and bars to a command's output; `interactive` (default: whether it is a terminal) chooses
    between the redrawn bar and one line per stage."""

    WIDTH = 24  # characters of the bar itself, at most
    REDRAW_EVERY = 0.1  # seconds between two redraws of a bar on a terminal

    def __init__(
        self,
        out: Output,
        *,
        interactive: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
        columns: int | None = None,
    ) -> None:
        self.out = out
        self.interactive = out.isatty() if interactive is None else interactive
        self.clock = clock
        # A redrawn line must fit on one terminal line, or the carriage return goes back only to its last
        # part.
        self.columns = columns or shutil.get_terminal_size().columns

    def write(self, text: str) -> None:
        self.out.write(text, ending="")
        self.out.flush()

    @contextmanager
    def stage(self, label: str) -> Iterator[Stage]:
        """A stage of the load: `  label … 1.2 秒` (and whatever `note` the stage sets)."""
        stage = Stage()
        started = self.clock()
        self.write(f"  {label} …")
        try:
            yield stage
        except BaseException:
            self.write(" 中断\n")
            raise
        note = f"{stage.note}，" if stage.note else ""
        self.write(f" {note}{seconds_text(self.clock() - started)}\n")

    def bar(self, label: str, total: int, what: str) -> Bar:
        return Bar(self, label, total, what)


class Stage:
    note = ""  # what the stage did, printed with its time


class Bar:
    """A progress bar over `total` units of work. `update` tells how far it is; on a terminal it is redrawn
    there, at most every `REDRAW_EVERY` seconds; elsewhere only the start and the end are written."""

    def __init__(self, progress: Progress, label: str, total: int, what: str) -> None:
        self.progress = progress
        self.label = label
        self.total = max(total, 0)
        self.what = what
        self.started = progress.clock()
        self.drawn_at: float | None = None
        self.done = 0
        self.counts = ""
        if not progress.interactive:
            progress.write(f"  {label}（{what}）…")

    def line(self) -> str:
        """`  示范办件历史 [████░░░░]  41%  第150/366天，办件 243/589  已用 0:12  剩余约 0:17`, as much of it
        as fits the terminal: on a narrower one the spacing goes, then the bar shrinks, then the counts go."""
        share = self.done / self.total if self.total else 1.0
        elapsed = self.progress.clock() - self.started
        spent, left = clock_text(elapsed), ""
        if 0 < self.done < self.total and elapsed >= 1:
            left = clock_text(elapsed * (self.total - self.done) / self.done)
        tails = [
            f"  {self.counts}  已用 {spent}" + (f"  剩余约 {left}" if left else ""),
            f" {self.counts} 已用{spent}" + (f" 剩余{left}" if left else ""),
            f" 已用{spent}" + (f" 剩余{left}" if left else ""),
            "",
        ]
        head = f"  {self.label} ["
        room = self.progress.columns - 1  # the last column would wrap on some terminals
        for tail in tails:
            bar_width = min(Progress.WIDTH, room - width(f"{head}] 100%{tail}"))
            if bar_width >= 10 or tail == "":
                break
        bar_width = max(bar_width, 0)
        filled = round(share * bar_width)
        return f"{head}{'█' * filled}{'░' * (bar_width - filled)}] {share:4.0%}{tail}"

    def draw(self) -> None:
        self.drawn_at = self.progress.clock()
        # \r back to the start of the line, \x1b[K clears what a longer previous line left
        self.progress.write(f"\r{self.line()}\x1b[K")

    def update(self, done: int, counts: str) -> None:
        """`done` units of `total` so far; `counts` says it in words (`第150/366天，办件 243/589`)."""
        self.done = min(max(done, 0), self.total)
        self.counts = counts
        if not self.progress.interactive:
            return
        if self.drawn_at is None or self.progress.clock() - self.drawn_at >= Progress.REDRAW_EVERY:
            self.draw()

    def finish(self, counts: str) -> None:
        """All done: the full bar stays on the terminal; elsewhere the stage's line is finished."""
        self.done = self.total
        self.counts = counts
        if self.progress.interactive:
            self.draw()
            self.progress.write("\n")
        else:
            elapsed = self.progress.clock() - self.started
            self.progress.write(f" {counts}，{seconds_text(elapsed)}\n")

    def abort(self) -> None:
        self.progress.write("\n" if self.progress.interactive else " 中断\n")
