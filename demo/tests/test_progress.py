"""What `load_demo` prints while it works: on a terminal a bar redrawn on one line that fits it; in a log one
line per stage and no carriage return."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management.base import OutputWrapper

from demo.progress import Progress, clock_text, width


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def progress(interactive: bool, columns: int = 100) -> tuple[Progress, StringIO, Clock]:
    out, clock = StringIO(), Clock()
    return Progress(OutputWrapper(out), interactive=interactive, clock=clock, columns=columns), out, clock


def test_in_a_log_each_stage_is_one_line_with_what_it_did_and_its_time() -> None:
    p, out, clock = progress(interactive=False)
    with p.stage("服务事项") as stage:
        clock.now += 2.54
        stage.note = "items 82"
    bar = p.bar("示范办件历史", 600, "366天，约589件")
    for done in range(0, 601, 50):
        clock.now += 1
        bar.update(done, f"办件 {done}")
    bar.finish("366天，办件 589")
    assert out.getvalue() == (
        "  服务事项 … items 82，2.5 秒\n  示范办件历史（366天，约589件）… 366天，办件 589，13.0 秒\n"
    )


def test_a_stage_that_fails_says_so_on_its_line() -> None:
    p, out, _clock = progress(interactive=False)
    with pytest.raises(ValueError), p.stage("授权书"):
        raise ValueError
    assert out.getvalue() == "  授权书 … 中断\n"


def test_on_a_terminal_the_bar_is_redrawn_in_place_with_counts_time_spent_and_time_left() -> None:
    p, out, clock = progress(interactive=True)
    bar = p.bar("示范办件历史", 200, "")
    clock.now += 12
    bar.update(50, "第90/366天，办件 40/160")
    clock.now += 0.05
    bar.update(60, "第95/366天，办件 48/160")  # too soon after the last redraw: not drawn
    clock.now += 24
    bar.finish("366天，办件 160")
    lines = out.getvalue().split("\r")[1:]
    assert lines == [
        "  示范办件历史 [██████░░░░░░░░░░░░░░░░░░]  25%  第90/366天，办件 40/160  已用 0:12  剩余约 0:36\x1b[K",
        "  示范办件历史 [████████████████████████] 100%  366天，办件 160  已用 0:36\x1b[K\n",
    ]


def test_on_a_narrow_terminal_the_bar_shrinks_and_the_details_go_so_that_it_stays_on_one_line() -> None:
    lines = {}
    for columns in (100, 80, 60, 40, 30):
        p, out, clock = progress(interactive=True, columns=columns)
        bar = p.bar("示范办件历史", 200, "")
        clock.now += 12
        bar.update(50, "第90/366天，办件 40/160")
        lines[columns] = line = out.getvalue().split("\r")[-1].removesuffix("\x1b[K")
        assert width(line) < columns, (columns, line)
        assert " 25%" in line
    # An 80-column terminal still shows everything.
    assert lines[80] == "  示范办件历史 [████░░░░░░░░░░░]  25% 第90/366天，办件 40/160 已用0:12 剩余0:36"
    assert lines[60] == "  示范办件历史 [█████░░░░░░░░░░░░░░]  25% 已用0:12 剩余0:36"
    assert lines[30] == "  示范办件历史 [██░░░░░]  25%"


def test_clock_text() -> None:
    assert [clock_text(s) for s in (0, 59.4, 65, 3600)] == ["0:00", "0:59", "1:05", "60:00"]
