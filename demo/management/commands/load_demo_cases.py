"""`manage.py load_demo_cases`: a year of case history for the demo centre, through the case services.

Played by `manage.py load_demo` after the organisation and catalogue (`play_history`), with a progress bar;
idempotent (a centre that has cases is left alone). The volume is `--scale` (or the `DEMO_CASES_SCALE`
setting or environment variable, else `demo/data/history.toml`) times the seed's year: 3,644 cases at the
foreign-trade window plus a lighter load on the other windows. See `demo.cases_history`.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from cases.models import CaseState, Warning
from demo.cases_history import SCALE_ENV, Summary, Tick, default_scale, default_seed, load_demo_cases
from demo.loading import without_query_log
from demo.progress import Bar, Progress
from org.models import Center

LABELS = {
    "cases": "办件",
    "correction notices": "补正告知书",
    "refusal notices": "不予受理告知书",
    "special procedures": "特别程序",
    "extensions": "延期",
    "extension requests awaiting approval": "待批准的延期申请",
    "approvals": "准予许可",
    "denials": "不予许可",
    "payments": "缴费",
    "visits": "来访登记",
    "deemed accepted": "视为受理",
    "overdue recorded": "超时记录",
    "inquiries": "咨询",
    "absences": "离岗记录",
    "leaves": "请假（经审批并销假）",
    "appointments": "预约",
}


class Command(BaseCommand):
    help = (
        "为示范中心生成近一年的办件历史（经由办件服务，含补正、特别程序、延期、决定、送达、归档、撤回、咨询和预约）；"
        f"已有办件时不做任何改动。规模：--scale 或环境变量 {SCALE_ENV}（1 = 外经贸窗口全年3644件）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--center", default="demo-county", help="centre code (default demo-county)")
        parser.add_argument(
            "--scale",
            type=float,
            default=None,
            help=f"share of the seed's yearly volume (default {SCALE_ENV} or {default_scale()})",
        )
        parser.add_argument("--seed", type=int, default=None, help=f"random seed (default {default_seed()})")

    def handle(self, *args: Any, **options: Any) -> None:
        center = Center.objects.filter(code=options["center"]).first()
        if center is None:
            raise CommandError(f"没有代码为 {options['center']} 的中心，请先运行 manage.py load_demo。")
        scale = options["scale"]
        if scale is not None and scale < 0:
            raise CommandError("--scale 不能为负数。")
        with without_query_log():
            play_history(self, center=center, scale=scale, seed=options["seed"])


def play_history(command: BaseCommand, *, center: Center, scale: float | None, seed: int | None) -> Summary:
    """Play the year of cases at `center` with a progress bar on the command's output, then report it."""
    progress = Progress(command.stdout)
    bar: Bar | None = None

    def tick(tick: Tick) -> None:
        nonlocal bar
        if bar is None:
            bar = progress.bar("示范办件历史", tick.planned, f"{tick.days}天，约{tick.planned_cases}件")
        bar.update(tick.started, f"第{tick.day}/{tick.days}天，办件 {tick.cases}/{tick.planned_cases}")

    try:
        summary = load_demo_cases(center=center, scale=scale, seed=seed, progress=tick)
    except BaseException:
        if bar is not None:
            bar.abort()
        raise
    if bar is not None:
        bar.finish(f"{summary.days}天，办件 {summary.created['cases']}")
    report(command, center, summary)
    return summary


def report(command: BaseCommand, center: Center, summary: Summary) -> None:
    write, style = command.stdout.write, command.style
    if summary.skipped and summary.scale == 0:
        write(style.SUCCESS(f"规模为0，未生成{center.name}的示范办件历史（没有任何改动）。"))
        return
    elif summary.skipped:
        write(style.SUCCESS(f"{center.name}已有办件，未生成示范办件历史（没有任何改动）。"))
    else:
        created = "，".join(f"{LABELS.get(key, key)} {n}" for key, n in sorted(summary.created.items()) if n)
        write(
            style.SUCCESS(
                f"示范办件历史已生成（{center.name}，{summary.first_day}至{summary.today}，"
                f"规模 {summary.scale:g}，随机种子 {summary.seed}）：{created}。"
            )
        )
        if summary.refused:
            refused = "，".join(f"{rule} {n}" for rule, n in sorted(summary.refused.items()))
            write(style.WARNING(f"计划中被规则拒绝的操作：{refused}"))
            for message in summary.refusal_messages:
                write(f"  {message}")
    states = "，".join(f"{CaseState(state).label} {n}" for state, n in summary.states.items() if n)
    write(f"办件状态：{states or '无'}")
    warnings = "，".join(f"{Warning(colour).label} {n}" for colour, n in summary.warnings.items())
    write(f"在办办件预警：{warnings}")
    # The public lookup is on the centre's home page (the site root lists the centres).
    home = reverse("portal:home", kwargs={"center_code": center.code})
    for number, code, state in summary.lookups:
        write(
            f"公开进度查询示例：办件编号 {number}，查询码 {code}（{state}）；在 {home} 首页的“办件进度查询”中输入"
        )
    write(f"用时 {summary.elapsed:.1f} 秒。")
