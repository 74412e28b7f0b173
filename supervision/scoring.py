"""The monthly 100-point assessment (R-ASM-1 … R-ASM-17): what each fact costs, and a month's score and fund.
Pure arithmetic, no ORM: the services feed it the month's policy and facts and store what it returns.

**The deductions, declared once** (`DEDUCTIONS`): every kind of fact the assessment deducts for, with its
category, its rule, the policy key of its points (R-ASM-17: the points in force for the month), its unit, whether
the system knows it from stored facts (`automatic`) or the supervision section enters it with evidence, and what
else it does (stops the month's or the quarter's fund, costs the window's and the person's award eligibility).
The sheet, the person's page, the entry form and the API all read this table.

**A month's score** (`score_month`):

- Each entry is a kind and a quantity (a count, or days for leave and absence: a half-day is 0.5). Its
  deduction is quantity × the kind's points.
- A category's deduction is the sum of its entries' deductions, capped at the category's points: no category
  goes below 0 (扣完为止). The score is 100 less the four categories' deductions.
- The fund (R-ASM-14) is the month's budget ÷ 100 × the score, to the fen (half up), or 0 when the month's fund
  is stopped: by an entry that stops the month (R-ASM-1, an exposed distraction) or the quarter (R-ASM-12, a
  breach that harms the collective image: every month of that quarter pays 0).
- `deducted` (the sum of the capped categories) is what R-ASM-15's yearly total adds up.

Proven against a naive re-computation in `supervision/tests/test_scoring.py`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

from django.utils.translation import gettext_lazy as _

CONDUCT: Final = "conduct"
ATTENDANCE: Final = "attendance"
CASES: Final = "cases"
DISCIPLINE: Final = "discipline"

# The four categories (R-ASM-1, 5, 9, 12), in the sheet's order, with the policy key of their points.
CATEGORIES: Final = (
    (CONDUCT, "assessment_conduct_category_points", "R-ASM-1", _("行为规范")),
    (ATTENDANCE, "assessment_attendance_category_points", "R-ASM-5", _("严格考勤")),
    (CASES, "assessment_case_category_points", "R-ASM-9", _("办件管理")),
    (DISCIPLINE, "assessment_discipline_category_points", "R-ASM-12", _("重大违纪")),
)

EACH: Final = "each"
DAY: Final = "day"

NO_STOP: Final = ""
STOPS_MONTH: Final = "month"
STOPS_QUARTER: Final = "quarter"


@dataclass(frozen=True)
class Deduction:
    """One kind of deductible fact."""

    code: str
    category: str
    rule: str
    points_key: str  # the policy key of the points per unit (`policy.registry`)
    unit: str  # EACH or DAY (a half-day is 0.5)
    automatic: bool  # read from stored facts; otherwise entered by the supervision section with evidence
    label: object  # a lazy Chinese label
    stops: str = NO_STOP  # the fund an entry of this kind stops
    loses_award: bool = (
        False  # the window and the person lose their award eligibility for the year (R-ASM-12)
    )


DEDUCTIONS: Final[tuple[Deduction, ...]] = (
    # R-ASM-1 conduct (行为规范), entered with evidence.
    Deduction("quarrel", CONDUCT, "R-ASM-1", "assessment_quarrel_points", EACH, False, _("与服务对象争吵")),
    Deduction("impatience", CONDUCT, "R-ASM-1", "assessment_impatience_points", EACH, False, _("态度生硬、不耐烦")),
    Deduction(
        "distraction", CONDUCT, "R-ASM-1", "assessment_distraction_points", EACH, False,
        _("上班玩游戏、聊天、听音乐、看影视、炒股"),
    ),
    Deduction(
        "distraction_exposed", CONDUCT, "R-ASM-1", "assessment_distraction_points", EACH, False,
        _("上班玩游戏等被拍照上网或被纪委查处（停发当月考核资金）"), stops=STOPS_MONTH,
    ),
    Deduction("idling", CONDUCT, "R-ASM-1", "assessment_idling_points", EACH, False, _("在岗吃东西、嬉闹、打瞌睡")),
    Deduction("uniform", CONDUCT, "R-ASM-1", "assessment_uniform_points", EACH, False, _("未着装或未佩戴工作牌")),
    # R-ASM-5 attendance (严格考勤): from the stored days, roster, leave and spot checks.
    Deduction("late", ATTENDANCE, "R-ASM-5", "assessment_late_points", EACH, True, _("迟到（含上班未打卡）")),
    Deduction("early", ATTENDANCE, "R-ASM-5", "assessment_early_points", EACH, True, _("早退（含下班未打卡）")),
    Deduction("off_post", ATTENDANCE, "R-ASM-5", "assessment_off_post_points", EACH, True, _("脱岗（无人顶岗）")),
    Deduction("meeting_late", ATTENDANCE, "R-ASM-5", "assessment_meeting_late_points", EACH, True, _("会议、学习无故迟到")),
    Deduction("meeting_absent", ATTENDANCE, "R-ASM-5", "assessment_meeting_absent_points", EACH, True, _("会议、学习无故缺席")),
    Deduction("missed_duty", ATTENDANCE, "R-ASM-5", "assessment_missed_duty_points", EACH, True, _("节假日值班缺岗")),
    Deduction("official_leave", ATTENDANCE, "R-ASM-5", "assessment_official_leave_points", DAY, True, _("公假")),
    Deduction("private_leave", ATTENDANCE, "R-ASM-5", "assessment_private_leave_points", DAY, True, _("私假")),
    Deduction("absent", ATTENDANCE, "R-ASM-5", "assessment_absent_points", DAY, True, _("无故缺勤（旷工）")),
    # R-ASM-9 case handling (办件管理).
    Deduction("not_entered", CASES, "R-ASM-9", "assessment_not_entered_points", EACH, False, _("办件未录入系统")),
    Deduction("late_case", CASES, "R-ASM-9", "assessment_late_case_points", EACH, True, _("办件超时")),
    Deduction("shuttle", CASES, "R-ASM-9", "assessment_shuttle_points", EACH, True, _("开发区企业两头跑")),
    # R-ASM-12 major discipline (重大违纪), entered with evidence.
    Deduction(
        "image", DISCIPLINE, "R-ASM-12", "assessment_image_points", EACH, False,
        _("损害集体形象（停发当季考核资金，取消窗口和本人评先资格）"), stops=STOPS_QUARTER, loses_award=True,
    ),
    Deduction(
        "corruption", DISCIPLINE, "R-ASM-12", "assessment_corruption_points", EACH, False,
        _("吃拿卡要"),
    ),
)  # fmt: skip

BY_CODE: Final = {d.code: d for d in DEDUCTIONS}

# R-CMP-7: the deduction that fits a complaint substantiated against a person, by its ground (R-CMP-1). A ground
# not listed has none of its own: a late case is deducted as such (R-ASM-9), other harm as the supervision
# section decides, entering it with the complaint as its evidence.
COMPLAINT_DEDUCTIONS: Final = {
    "p_rude": "quarrel",
    "p_corruption": "corruption",
    "p_first_inquiry": "impatience",
    "p_no_one_time_notice": "impatience",
    "p_buck_passing": "impatience",
}
HUNDRED: Final = Decimal(100)
FEN: Final = Decimal("0.01")


@dataclass(frozen=True)
class Policy:
    """The month's policy values (R-ASM-17): each category's points, each kind's points per unit, the fund."""

    category_points: Mapping[str, Decimal]
    points: Mapping[str, Decimal]  # by deduction code
    fund_per_month: Decimal


@dataclass(frozen=True)
class Entry:
    """One deductible fact of the month: its kind and quantity (a count, or days)."""

    code: str
    quantity: Decimal


@dataclass(frozen=True)
class CategoryScore:
    category: str
    points: Decimal  # the category's points
    raw: Decimal  # the sum of its entries' deductions
    taken: Decimal  # what is deducted: never more than the points

    @property
    def score(self) -> Decimal:
        return self.points - self.taken


@dataclass(frozen=True)
class Score:
    categories: tuple[CategoryScore, ...]
    score: Decimal
    deducted: Decimal  # the capped deductions: what R-ASM-15's yearly total adds up
    stops: str  # NO_STOP, STOPS_MONTH or STOPS_QUARTER (the widest)
    fund: Decimal  # 0 when stopped
    loses_award: bool


def entry_points(policy: Policy, entry: Entry) -> Decimal:
    """The deduction of one entry: quantity × the kind's points in force."""
    return entry.quantity * policy.points[entry.code]


def fund_for(policy: Policy, score: Decimal) -> Decimal:
    """R-ASM-14: the month's budget ÷ 100 × the score, to the fen."""
    return (policy.fund_per_month * score / HUNDRED).quantize(FEN, rounding=ROUND_HALF_UP)


def score_month(policy: Policy, entries: Iterable[Entry]) -> Score:
    """The month's score from its entries (see the module's docstring). Unknown codes are a programming error."""
    raw: dict[str, Decimal] = {code: Decimal(0) for code, *_rest in CATEGORIES}
    stops = NO_STOP
    loses_award = False
    for entry in entries:
        kind = BY_CODE[entry.code]
        raw[kind.category] += entry_points(policy, entry)
        if entry.quantity > 0:
            if kind.stops == STOPS_QUARTER or (kind.stops == STOPS_MONTH and stops == NO_STOP):
                stops = kind.stops
            loses_award = loses_award or kind.loses_award
    categories = tuple(
        CategoryScore(
            category=code,
            points=policy.category_points[code],
            raw=raw[code],
            taken=min(raw[code], policy.category_points[code]),
        )
        for code, *_rest in CATEGORIES
    )
    deducted = sum((c.taken for c in categories), Decimal(0))
    score = sum((c.points for c in categories), Decimal(0)) - deducted
    fund = Decimal("0.00") if stops else fund_for(policy, score)
    return Score(categories, score, deducted, stops, fund, loses_award)


def quarter_months(month: int) -> tuple[int, int, int]:
    """The months of `month`'s quarter."""
    first = 3 * ((month - 1) // 3) + 1
    return first, first + 1, first + 2


def year_eligible(deducted: Iterable[Decimal], limit: Decimal) -> bool:
    """R-ASM-15: deductions totalling `limit` (30) or more in a year make the person ineligible for awards."""
    return sum(deducted, Decimal(0)) < limit
