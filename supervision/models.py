"""Complaints (投诉, R-CMP-1 … R-CMP-7, R-PUB-3): what is complained of, by which channel, who receives it, its
answer (有诉必复), its graded disposal and whether it was substantiated, and the consequences for the person.

A named complainant's identity (name, phone, contact address, ID number) is never stored in clear: it is one
token in `identity_sealed`, encrypted under the key kept outside the database (`common.crypto`), read only
through `complaint_identity_read` (R-CMP-4). Every other column is safe to show to those who handle complaints;
no list, page, export or API body ever shows more than "实名（身份保密）" or "匿名".

A web complaint carries a tracking code (跟踪码) the complainant keeps; only its SHA-256 is stored, so the
tracking page finds the complaint by the digest and the code itself is shown once, when the complaint is made.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import CenterOwned, center_key


class ComplaintChannel(models.TextChoices):
    """How the complaint came in (R-CMP-2, R-CMP-3)."""

    ON_SITE = "on_site", _("现场投诉")
    MAILBOX = "mailbox", _("书面（投诉信箱）")
    PHONE = "phone", _("电话")
    WEB = "web", _("网上信箱")
    DIRECTOR_MAILBOX = "director_mailbox", _("主任信箱")
    REFERRED = "referred", _("转办")


# The channels the public uses on the website (R-PUB-3): a complaint by these gets a tracking code, and one about
# an approval matter goes to the coordination section (R-CMP-3).
WEB_CHANNELS = frozenset({ComplaintChannel.WEB, ComplaintChannel.DIRECTOR_MAILBOX})


class ReferredFrom(models.TextChoices):
    """Where a referred complaint was first made (R-CMP-3: 投诉人也可直接向县纪委、监察局、物价局等提出诉求)."""

    DISCIPLINE = "discipline", _("县纪委")
    SUPERVISION_BUREAU = "supervision_bureau", _("监察局")
    PRICE_BUREAU = "price_bureau", _("物价局")
    OTHER = "other", _("其他部门")


class ComplaintGround(models.TextChoices):
    """The grounds of R-CMP-1: against a window unit (w_…) or against a person (p_…)."""

    W_SIX_PUBLICS = "w_six_publics", _("违反“六公开”承诺")
    W_ITEM_RULES = "w_item_rules", _("违反事项审批及办理事项管理办法")
    W_DOUBLE_TRACK = "w_double_track", _("搞“双轨运行”和“暗箱操作”")
    W_CANCELLED_LICENCE = "w_cancelled_licence", _("擅自设立或继续执行已取消的行政许可事项")
    W_PAID_INTERMEDIARY = "w_paid_intermediary", _("要求申请人接受指定中介机构有偿服务")
    W_NO_AB = "w_no_ab", _("窗口没有落实AB岗工作制")
    W_DISAGREEMENT = "w_disagreement", _("对窗口事项处置持有异议")
    P_NO_ONE_TIME_NOTICE = "p_no_one_time_notice", _("申请资料不全，未能一次性告知补充事项")
    P_FIRST_INQUIRY = "p_first_inquiry", _("不履行首问负责制，不作为、慢作为、乱作为")
    P_RUDE = "p_rude", _("作风粗暴、态度生硬、与群众争吵")
    P_BUCK_PASSING = "p_buck_passing", _("敷衍塞责、推诿扯皮")
    P_MISTAKE_DELAY = "p_mistake_delay", _("工作失误，影响审批事项按期办结")
    P_CORRUPTION = "p_corruption", _("吃、拿、卡、要和其它不廉洁行为")
    P_OTHER_HARM = "p_other_harm", _("其它损害企业法人和群众合法权益的行为")


WINDOW_GROUNDS = frozenset(g for g in ComplaintGround if g.value.startswith("w_"))
PERSON_GROUNDS = frozenset(g for g in ComplaintGround if g.value.startswith("p_"))


def ground_choices_grouped() -> list[tuple[Any, Any]]:
    """The grounds of R-CMP-1 for a select, in two groups: against a window unit, against a person."""
    return [
        ("", "---------"),
        (_("针对窗口单位"), [(g.value, g.label) for g in ComplaintGround if g in WINDOW_GROUNDS]),
        (_("针对工作人员"), [(g.value, g.label) for g in ComplaintGround if g in PERSON_GROUNDS]),
    ]


class ReceivingSection(models.TextChoices):
    """Who receives the complaint (R-CMP-3)."""

    SUPERVISION = "supervision", _("稽查督办科")
    COORDINATION = "coordination", _("行政审批协调科")


class ComplaintState(models.TextChoices):
    REGISTERED = "registered", _("已登记")
    IN_HAND = "in_hand", _("处理中")
    ANSWERED = "answered", _("已答复")
    TRANSFERRED = "transferred", _("已移送")
    CLOSED = "closed", _("已办结")


OPEN_COMPLAINT_STATES = frozenset(
    {ComplaintState.REGISTERED, ComplaintState.IN_HAND, ComplaintState.ANSWERED, ComplaintState.TRANSFERRED}
)


class DisposalGrade(models.TextChoices):
    """Graded disposal (R-CMP-6)."""

    SIMPLE = "simple", _("简易事项：稽查督办科现场办结")
    DISCIPLINE = "discipline", _("违纪违规：移交县纪委监察机关")
    CRIME = "crime", _("触犯法律：移送司法机关")


class AnswerVia(models.TextChoices):
    """How the answer reached the complainant (有诉必复, R-CMP-5)."""

    SMS = "sms", _("短信")
    PHONE = "phone", _("电话告知")
    LETTER = "letter", _("书面回复")
    IN_PERSON = "in_person", _("当面告知")
    TRACKING_PAGE = "tracking_page", _("网上查询页面")


class Complaint(CenterOwned):
    """One complaint, from its registration to its closing (R-CMP-1 … R-CMP-7)."""

    center = center_key(indexed=False)

    number = models.CharField(max_length=40, verbose_name=_("投诉编号"))
    # SHA-256 of the tracking code of a web complaint (R-PUB-3); empty for the others.
    tracking_digest = models.CharField(max_length=64, blank=True, editable=False)
    channel = models.CharField(max_length=20, choices=ComplaintChannel.choices, verbose_name=_("投诉渠道"))
    referred_from = models.CharField(
        max_length=20, choices=ReferredFrom.choices, blank=True, verbose_name=_("转办来源")
    )
    # What it is against (R-CMP-2): a window and/or a person.
    window = models.ForeignKey(
        "org.Window",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("被投诉窗口"),
    )
    person = models.ForeignKey(
        "org.StaffProfile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("被投诉人"),
    )
    ground = models.CharField(max_length=30, choices=ComplaintGround.choices, verbose_name=_("投诉事由"))
    matter = models.TextField(verbose_name=_("投诉事项"))
    happened_at = models.DateTimeField(null=True, blank=True, verbose_name=_("发生时间"))
    place = models.CharField(max_length=200, blank=True, verbose_name=_("发生地点"))
    about_approval = models.BooleanField(default=False, verbose_name=_("涉及行政审批业务事项"))
    involves_departments = models.BooleanField(default=False, verbose_name=_("涉及两个以上部门"))
    # The complainant (R-CMP-4): named or anonymous; a named one's identity only as an encrypted token.
    named = models.BooleanField(default=False, verbose_name=_("实名"))
    identity_sealed = models.TextField(blank=True, editable=False)
    receiving_section = models.CharField(
        max_length=20, choices=ReceivingSection.choices, verbose_name=_("受理科室")
    )
    state = models.CharField(
        max_length=20,
        choices=ComplaintState.choices,
        default=ComplaintState.REGISTERED,
        verbose_name=_("状态"),
    )
    received_at = models.DateTimeField(verbose_name=_("登记时间"))
    received_on = models.DateField(verbose_name=_("登记日期"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )
    limit_days = models.PositiveSmallIntegerField(verbose_name=_("答复时限（工作日）"))
    timer = models.OneToOneField(
        "workdays.Timer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A complaint that cannot be finished in time is explained and stays tracked (R-CMP-5).
    delay_explanation = models.TextField(blank=True, verbose_name=_("延期说明"))
    delay_explained_at = models.DateTimeField(null=True, blank=True, verbose_name=_("说明时间"))
    # Every complaint gets an answer (有诉必复).
    answer = models.TextField(blank=True, verbose_name=_("答复意见"))
    answered_at = models.DateTimeField(null=True, blank=True, verbose_name=_("答复时间"))
    answered_via = models.CharField(
        max_length=20, choices=AnswerVia.choices, blank=True, verbose_name=_("答复方式")
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("答复人"),
    )
    # Graded disposal (R-CMP-6) and the transfer, when there is one.
    disposal_grade = models.CharField(
        max_length=20, choices=DisposalGrade.choices, blank=True, verbose_name=_("处置级别")
    )
    transferred_to = models.CharField(max_length=100, blank=True, verbose_name=_("移送机关"))
    transferred_at = models.DateTimeField(null=True, blank=True, verbose_name=_("移送时间"))
    transferred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("移送经办人"),
    )
    # The finding (R-CMP-7).
    substantiated = models.BooleanField(null=True, blank=True, verbose_name=_("投诉属实"))
    finding = models.TextField(blank=True, verbose_name=_("调查结论"))
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("办结时间"))
    closed_on = models.DateField(null=True, blank=True, verbose_name=_("办结日期"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("办结人"),
    )

    class Meta:
        verbose_name = _("投诉")
        verbose_name_plural = _("投诉")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["center", "number"], name="complaint_number_unique"),
            models.UniqueConstraint(
                fields=["tracking_digest"], condition=~Q(tracking_digest=""), name="complaint_tracking_unique"
            ),
            # R-CMP-2: against a window and/or a person.
            models.CheckConstraint(
                condition=Q(window__isnull=False) | Q(person__isnull=False), name="complaint_has_target"
            ),
            # R-CMP-4: a named complaint has its identity, encrypted; an anonymous one none.
            models.CheckConstraint(
                condition=(Q(named=True) & ~Q(identity_sealed="")) | (Q(named=False) & Q(identity_sealed="")),
                name="complaint_identity_when_named",
            ),
            # 有诉必复: a closed complaint was answered, and its finding says whether it was substantiated.
            models.CheckConstraint(
                condition=~Q(state="closed")
                | (
                    Q(answered_at__isnull=False) & Q(substantiated__isnull=False) & Q(closed_on__isnull=False)
                ),
                name="complaint_closed_answered",
            ),
            models.CheckConstraint(
                condition=~Q(channel="referred") | ~Q(referred_from=""), name="complaint_referred_from"
            ),
        ]
        indexes = [
            # The inbox: a centre's complaints, newest first, by state.
            models.Index(fields=["center", "state", "received_at"], name="complaint_inbox"),
            # The assessment's substantiated complaints of a period (R-CMP-7).
            models.Index(
                fields=["center", "closed_on"],
                condition=Q(substantiated=True),
                name="complaint_substantiated",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def complainant_label(self) -> str:
        """What anyone sees of the complainant (R-CMP-4)."""
        return str(_("实名（身份保密）")) if self.named else str(_("匿名"))


class ConsequenceKind(models.TextChoices):
    """What a substantiated first-inquiry complaint leads to for the person (R-CMP-7, seed 首问负责制 §4)."""

    CRITICISM = "criticism", _("批评教育，取消评优资格")
    RETURN_HOME = "return_home", _("经批评仍不改正，报请退回原单位")


class ComplaintConsequence(CenterOwned):
    """A stored fact on the person complained about (R-CMP-7): written once, when the complaint is closed as
    substantiated for not taking first-inquiry responsibility; the second such fact after a criticism is the
    return to the home unit."""

    complaint = models.OneToOneField(
        Complaint, on_delete=models.PROTECT, related_name="consequence", verbose_name=_("投诉")
    )
    person = models.ForeignKey(
        "org.StaffProfile",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("当事人"),
        db_index=False,
    )
    kind = models.CharField(max_length=20, choices=ConsequenceKind.choices, verbose_name=_("处理"))
    loses_award_eligibility = models.BooleanField(default=True, verbose_name=_("取消评优资格"))
    decided_on = models.DateField(verbose_name=_("日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("记录人"),
    )

    class Meta:
        verbose_name = _("投诉处理结果（当事人）")
        verbose_name_plural = _("投诉处理结果（当事人）")
        ordering = ["decided_on", "id"]
        indexes = [models.Index(fields=["person", "kind"], name="complaint_consequence_person")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind}"


# The monthly assessment (R-ASM-*): its records live in their own module.
from .models_assessment import (  # noqa: E402, F401
    AssessmentCorrection,
    AssessmentEntry,
    AssessmentMonth,
    AssessmentScore,
    EntrySource,
)

# The monthly meeting (R-MTG-*): its records live in their own module.
from .models_meetings import ActionItem, AgendaItem, Meeting, MeetingAttendee  # noqa: E402, F401
