"""Every policy key, its default, its type and the rule it belongs to.

RULES.md: every number in a rule is a default of a centre's policy. A centre's `PolicyValue` rows override
these from their effective date on. Add a key here, then read it with `policy.selectors.policy_value`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext_noop


@dataclass(frozen=True)
class PolicyKey:
    key: str
    default: Any
    kind: str  # "int", "decimal", "time", "month_day", "bool"
    rule: str
    label: str  # the Chinese source text; show it through gettext


DEFAULTS_EFFECTIVE_FROM = date(2015, 4, 1)  # the seed's assessment rules: 自2015年4月1日起施行

KEYS: dict[str, PolicyKey] = {
    k.key: k
    for k in [
        PolicyKey(
            "promised_limit_max_ratio", 50, "int", "R-CAT-2", gettext_noop("承诺时限不超过法定时限的百分比")
        ),
        PolicyKey("morning_start", "08:00", "time", "R-CLK-7", gettext_noop("上午上班时间")),
        PolicyKey("morning_end", "11:30", "time", "R-CLK-7", gettext_noop("上午下班时间")),
        PolicyKey("afternoon_start", "14:00", "time", "R-CLK-7", gettext_noop("下午上班时间")),
        PolicyKey("afternoon_end", "17:00", "time", "R-CLK-7", gettext_noop("下午下班时间")),
        PolicyKey("summer_shift_minutes", 30, "int", "R-CLK-7", gettext_noop("夏季下午推迟（分钟）")),
        PolicyKey("summer_start", "05-01", "month_day", "R-CLK-7", gettext_noop("夏季作息开始（月-日）")),
        PolicyKey("summer_end", "09-30", "month_day", "R-CLK-7", gettext_noop("夏季作息结束（月-日）")),
        PolicyKey(
            "attendance_close_after_days",
            1,
            "int",
            "R-ATT-2",
            gettext_noop("考勤日结：当日结束后再等待的天数（供离线考勤机补传）"),
        ),
        PolicyKey("yellow_min_days", 1, "int", "R-CLK-6", gettext_noop("黄牌预警：剩余工作日不超过")),
        PolicyKey(
            "yellow_ratio_percent", 20, "int", "R-CLK-6", gettext_noop("黄牌预警：剩余时限比例不超过（%）")
        ),
        PolicyKey("extension_default_days", 10, "int", "R-CLK-5", gettext_noop("默认最长延期（工作日）")),
        PolicyKey(
            "extension_notice_days_before", 1, "int", "R-CLK-5", gettext_noop("延期告知最迟提前（工作日）")
        ),
        PolicyKey(
            "deemed_acceptance_days", 5, "int", "R-CASE-3", gettext_noop("逾期未告知补正视为受理（工作日）")
        ),
        PolicyKey("delivery_limit_days", 10, "int", "R-CASE-8", gettext_noop("决定后送达时限（工作日）")),
        PolicyKey(
            "staff_idle_minutes",
            30,
            "int",
            "R-ORG-1",
            gettext_noop("工作人员闲置自动退出登录（分钟）"),
        ),
        PolicyKey("guide_review_months", 12, "int", "R-CAT-4", gettext_noop("服务指南复核周期（月）")),
        PolicyKey("backup_training_months", 6, "int", "R-ORG-8", gettext_noop("B角培训周期（月）")),
        PolicyKey(
            "multi_department_complaint_days",
            2,
            "int",
            "R-CMP-5",
            gettext_noop("跨部门投诉答复时限（工作日）"),
        ),
        PolicyKey("bad_review_days", 15, "int", "R-PUB-5", gettext_noop("差评整改答复时限（工作日）")),
        PolicyKey("joint_meeting_day", 10, "int", "R-PAR-7", gettext_noop("联审会议日（每月几日）")),
        PolicyKey(
            "joint_restart_after_correction",
            False,
            "bool",
            "R-PAR-8",
            gettext_noop("二次程序补正后相关部门时限重新计算（否则暂停后接续计算）"),
        ),
        PolicyKey("meeting_latest_day", 10, "int", "R-MTG-1", gettext_noop("月例会最迟召开日（每月几日）")),
        PolicyKey(
            "assessment_late_case_points", 5, "int", "R-ASM-9", gettext_noop("办件管理：超时办件每件扣分")
        ),
        PolicyKey(
            "assessment_shuttle_points",
            10,
            "int",
            "R-ASM-9",
            gettext_noop("办件管理：开发区企业两头跑每次扣分"),
        ),
        PolicyKey(
            "assessment_case_category_points",
            20,
            "int",
            "R-ASM-9",
            gettext_noop("办件管理：本类满分（扣完为止）"),
        ),
        PolicyKey(
            "public_bookings_per_address_hour",
            5,
            "int",
            "R-CASE-13",
            gettext_noop("网上预约：同一地址每小时最多预约次数"),
        ),
        PolicyKey("fund_per_month", "150", "decimal", "R-ASM-14", gettext_noop("每人每月考核资金（元）")),
        PolicyKey(
            "yearly_deduction_award_limit", 30, "int", "R-ASM-15", gettext_noop("年度扣分取消评优资格线")
        ),
        PolicyKey(
            "assessment_conduct_category_points",
            30,
            "int",
            "R-ASM-1",
            gettext_noop("行为规范：本类满分（扣完为止）"),
        ),
        PolicyKey(
            "assessment_quarrel_points", 7, "int", "R-ASM-1", gettext_noop("行为规范：与服务对象争吵每次扣分")
        ),
        PolicyKey(
            "assessment_impatience_points",
            5,
            "int",
            "R-ASM-1",
            gettext_noop("行为规范：态度生硬、不耐烦每次扣分"),
        ),
        PolicyKey(
            "assessment_distraction_points",
            8,
            "int",
            "R-ASM-1",
            gettext_noop("行为规范：上班玩游戏、聊天、听音乐、看影视、炒股每次扣分"),
        ),
        PolicyKey(
            "assessment_idling_points",
            5,
            "int",
            "R-ASM-1",
            gettext_noop("行为规范：在岗吃东西、嬉闹、打瞌睡每次扣分"),
        ),
        PolicyKey(
            "assessment_uniform_points",
            5,
            "int",
            "R-ASM-1",
            gettext_noop("行为规范：未着装或未佩戴工作牌每次扣分"),
        ),
        PolicyKey(
            "assessment_attendance_category_points",
            30,
            "int",
            "R-ASM-5",
            gettext_noop("严格考勤：本类满分（扣完为止）"),
        ),
        PolicyKey("assessment_late_points", 5, "int", "R-ASM-5", gettext_noop("严格考勤：迟到每次扣分")),
        PolicyKey("assessment_early_points", 5, "int", "R-ASM-5", gettext_noop("严格考勤：早退每次扣分")),
        PolicyKey("assessment_off_post_points", 5, "int", "R-ASM-5", gettext_noop("严格考勤：脱岗每次扣分")),
        PolicyKey(
            "assessment_meeting_late_points",
            2,
            "int",
            "R-ASM-5",
            gettext_noop("严格考勤：会议学习无故迟到每次扣分"),
        ),
        PolicyKey(
            "assessment_meeting_absent_points",
            5,
            "int",
            "R-ASM-5",
            gettext_noop("严格考勤：会议学习无故缺席每次扣分"),
        ),
        PolicyKey(
            "assessment_missed_duty_points",
            5,
            "int",
            "R-ASM-5",
            gettext_noop("严格考勤：节假日值班缺岗每次扣分"),
        ),
        PolicyKey(
            "assessment_official_leave_points", 3, "int", "R-ASM-5", gettext_noop("严格考勤：公假每天扣分")
        ),
        PolicyKey(
            "assessment_private_leave_points", 5, "int", "R-ASM-5", gettext_noop("严格考勤：私假每天扣分")
        ),
        PolicyKey(
            "assessment_absent_points", 10, "int", "R-ASM-5", gettext_noop("严格考勤：无故缺勤每天扣分")
        ),
        PolicyKey(
            "assessment_not_entered_points",
            5,
            "int",
            "R-ASM-9",
            gettext_noop("办件管理：办件未录入系统每件扣分"),
        ),
        PolicyKey(
            "assessment_discipline_category_points",
            20,
            "int",
            "R-ASM-12",
            gettext_noop("重大违纪：本类满分（扣完为止）"),
        ),
        PolicyKey(
            "assessment_image_points", 10, "int", "R-ASM-12", gettext_noop("重大违纪：损害集体形象每次扣分")
        ),
        PolicyKey(
            "assessment_corruption_points", 10, "int", "R-ASM-12", gettext_noop("重大违纪：吃拿卡要每次扣分")
        ),
        PolicyKey(
            "leave_supervision_max_half_days",
            1,
            "int",
            "R-ATT-4",
            gettext_noop("请假审批：稽查督办科可批的最长半天数"),
        ),
        PolicyKey(
            "leave_director_min_half_days",
            4,
            "int",
            "R-ATT-4",
            gettext_noop("请假审批：须窗口负责人签字、主要领导批准的最短半天数"),
        ),
        PolicyKey("leave_official_sick", False, "bool", "R-ATT-8", gettext_noop("病假为公假")),
        PolicyKey("leave_official_personal", False, "bool", "R-ATT-8", gettext_noop("事假为公假")),
        PolicyKey("leave_official_annual", False, "bool", "R-ATT-8", gettext_noop("年休假为公假")),
        PolicyKey("leave_official_family_visit", False, "bool", "R-ATT-8", gettext_noop("探亲假为公假")),
        PolicyKey("leave_official_marriage", False, "bool", "R-ATT-8", gettext_noop("婚假为公假")),
        PolicyKey("leave_official_maternity", False, "bool", "R-ATT-8", gettext_noop("产假为公假")),
        PolicyKey("leave_official_bereavement", False, "bool", "R-ATT-8", gettext_noop("丧假为公假")),
        PolicyKey("leave_official_outing", True, "bool", "R-ATT-8", gettext_noop("因公临时外出为公假")),
        PolicyKey("leave_official_training", True, "bool", "R-ATT-8", gettext_noop("培训为公假")),
        PolicyKey("leave_official_meeting", True, "bool", "R-ATT-8", gettext_noop("派出单位会议为公假")),
        PolicyKey(
            "complaint_joint_limit_days",
            2,
            "int",
            "R-CMP-5",
            gettext_noop("涉及两个以上部门的投诉：处理并反馈时限（工作日）"),
        ),
        PolicyKey(
            "complaint_prompt_limit_days",
            1,
            "int",
            "R-CMP-5",
            gettext_noop("其他投诉“及时处理”：答复时限（工作日）"),
        ),
    ]
}
