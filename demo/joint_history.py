"""The demo centre's joint approval (R-PAR-1 … R-PAR-11), one joint case at every stage, made through the case and
joint services by the centre's own people, timed in working days before today:

- the development and reform bureau (发改局, window F01, chief representative 范立新) leads the item DRC-010, with
  the natural resources (5 working days), housing (10), ecology (8) and transport (6) bureaus in its table;
- 智能制造产业园: accepted yesterday, two departments notified, one of them has received;
- 锂电池隔膜项目: every department notified and received on different days; housing found a document missing
  and gave its written reason, stopping its clock and ecology's (the second procedure, awaiting correction);
- 冷链物流园: transport overran its limit (recorded for accountability), the others have given their opinions;
- 新型建材项目: every opinion in (one with conditions, one matter reported up first), awaiting the final inspection;
- 精密铸造项目: inspected by the lead.

`play_joint(center)` needs the demo's departments, windows and staff (demo/data/) and the coordination section's
login. Idempotent: a project whose enterprise already has a joint case is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.utils import timezone

from cases.models import Case, CaseState, MaterialStatus
from catalog.models import Item, Material
from common.identifiers import credit_code_check_char, resident_id_check_char
from joint import services
from joint.models import JointCase, JointFlow, JointLane, Opinion
from org.models import Center, Department, Post, Role, RoleGrant, StaffProfile, Window
from org.services.duty import post_holder_at
from workdays.selectors import calendar_for
from workdays.timer import previous_working_day
from workdays.timers import timers_sweep

from . import history_calls as calls

ITEM = "DRC-010"
LEAD = "drc"
TABLE = [  # (department code, its items in the project, its limit in working days)
    ("nr", "建设项目用地预审与选址意见书、建设用地规划许可证", 5),
    ("hud", "建设工程规划许可证、施工图设计文件审查备案", 10),
    ("ee", "建设项目环境影响报告表审批", 8),
    ("tr", "公路建设项目施工许可、占用公路许可", 6),
]


ALL = ("nr", "hud", "ee", "tr")


@dataclass(frozen=True)
class Stage:
    enterprise: str
    accepted: int  # working days before today
    received: tuple[
        int, ...
    ]  # per department of TABLE: working days before today it received (-1: not notified)
    second_procedure: int | None = None  # housing gives its written reason (working days before today)
    opinions: tuple[str, ...] = ()  # the departments that give their opinions (in time)
    inspected: int | None = None  # the lead's final inspection (working days before today)


STAGES = [
    Stage("示范县智造科技有限公司（智能制造产业园）", 1, (1, -2, -1, -1)),
    Stage("示范县新材科技有限公司（锂电池隔膜项目）", 6, (6, 5, 5, 4), second_procedure=2),
    Stage("示范县冷链物流有限公司（冷链物流园）", 14, (14, 13, 13, 12), opinions=("nr", "hud", "ee")),
    Stage("示范县建材集团有限公司（新型建材项目）", 20, (20, 19, 19, 18), opinions=ALL),
    Stage("示范县精密铸造有限公司（精密铸造项目）", 30, (30, 29, 29, 28), opinions=ALL, inspected=5),
]


@dataclass
class JointSummary:
    made: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def _credit_code(serial: int) -> str:
    body = f"91420999MA4J{serial:05d}"
    return body + credit_code_check_char(body)


def _id_number(serial: int) -> str:
    body = f"42099919800101{serial:03d}"
    return body + resident_id_check_char(body)


class _Player:
    def __init__(self, center: Center, today: date) -> None:
        self.center = center
        self.today = today
        self.calendar = calendar_for(center)
        self.departments = {d.code: d for d in Department.objects.filter(center=center)}
        self.windows = {
            w.department_id: w
            for w in Window.objects.filter(center=center, is_active=True)
            .select_related("chief_representative", "head")
            .order_by("-number")
        }
        self.item = Item.objects.select_related("current_version").get(center=center, code=ITEM)

    def back(self, n: int, hour: int = 10) -> datetime:
        """`hour` o'clock `n` working days before today (today when n is 0)."""
        day = self.today
        if not self.calendar.is_working_day(day):
            day = previous_working_day(self.calendar, day)
        for _ in range(n):
            day = previous_working_day(self.calendar, day)
        return timezone.make_aware(datetime.combine(day, time(hour)))

    def chief(self, code: str) -> StaffProfile:
        window = self.windows[self.departments[code].pk]
        person = window.chief_representative or window.head
        assert person is not None, f"window {window.number} has no chief representative"
        return person

    def intake(self, window: Window, at: datetime) -> StaffProfile:
        post = Post.objects.filter(window=window, is_active=True).order_by("pk").first()
        holder = post_holder_at(post, at) if post is not None else None
        return holder.staff if holder is not None else self.chief(LEAD)

    def flow(self) -> JointFlow:
        found = JointFlow.objects.filter(item=self.item).order_by("-version").first()
        if found is not None:
            return found
        users = RoleGrant.objects.filter(center=self.center, role=Role.COORDINATION, revoked_at=None).values(
            "user_id"
        )
        coordination = (
            StaffProfile.objects.filter(center=self.center, user_id__in=users).select_related("user").first()
        )
        assert coordination is not None, "the demo centre has no coordination section login"
        return services.joint_flow_publish(
            actor=coordination.user,
            item=self.item,
            lead_department=self.departments[LEAD],
            lanes=[
                {"department": self.departments[code], "items": items, "limit_days": days}
                for code, items, days in TABLE
            ],
            effective_from=date(self.today.year - 1, 1, 1),
            note="县政府重大产业项目并联审批流程时限表",
            at=self.back(60),
        )

    def case(self, stage: Stage, serial: int) -> Case:
        window = self.windows[self.departments[LEAD].pk]
        received_at = self.back(stage.accepted, 9)
        clerk = self.intake(window, received_at)
        applicant: dict[str, Any] = {
            "name": f"项目联系人{serial}",
            "id_number": _id_number(serial),
            "phone": f"139{serial:08d}",
            "organisation_name": stage.enterprise,
            "credit_code": _credit_code(serial),
        }
        case = calls.receive(
            actor=clerk, window=window, item=self.item, applicant=applicant, channel="window", at=received_at
        )
        version = self.item.current_version
        results: dict[int, tuple[str, str]] = {
            m.pk: (str(MaterialStatus.PRESENT), "")
            for m in Material.objects.filter(version=version).order_by("order")
        }
        calls.check_materials(actor=clerk, case=case, results=results, at=received_at.replace(minute=20))
        return calls.accept(actor=clerk, case=case, at=received_at.replace(minute=40))

    def play(self, stage: Stage, serial: int) -> None:
        case = self.case(stage, serial)
        assert case.state == CaseState.ACCEPTED
        lead = self.chief(LEAD)
        present = [self.chief(code) for code, _i, _d in TABLE[:2]]
        joint_case = services.joint_case_open(
            actor=lead,
            case=case,
            present=present,
            project_code=f"2611-420999-04-01-{serial:06d}",
            at=self.back(stage.accepted, 11),
        )
        lanes = {lane.department_id: lane for lane in JointLane.objects.filter(joint_case=joint_case)}
        for (code, _items, _days), received in zip(TABLE, stage.received, strict=True):
            lane = lanes[self.departments[code].pk]
            if received == -1:
                continue
            notified = stage.accepted if received < 0 else received
            services.joint_notify(actor=lead, lane=lane, at=self.back(notified, 14))
            if received >= 0:
                services.joint_lane_receive(actor=self.chief(code), lane=lane, at=self.back(received, 15))
        if stage.second_procedure is not None:
            services.joint_second_procedure(
                actor=self.chief("hud"),
                lane=lanes[self.departments["hud"].pk],
                reason="缺少施工图设计文件审查合格书，请申请人补正。",
                also=[lanes[self.departments["ee"].pk]],
                at=self.back(stage.second_procedure, 16),
            )
        if stage.opinions:
            self.opinions(stage, lanes)
        if stage.inspected is not None:
            services.joint_case_inspect(
                actor=lead,
                joint_case=joint_case,
                result="各相关部门意见齐全，经最终审批验收，同意项目开工。",
                at=self.back(stage.inspected, 16),
            )

    def opinions(self, stage: Stage, lanes: dict[int, JointLane]) -> None:
        if "hud" in stage.opinions:  # a matter for the city's bureau first, the lead copied (R-PAR-5)
            services.joint_report_up(
                actor=self.chief("hud"),
                lane=lanes[self.departments["hud"].pk],
                authority="市住房和城乡建设局",
                at=self.back(stage.accepted - 3, 10),
            )
        given = {  # each within its limit: working days after the acceptance
            "nr": (Opinion.AGREE, "", 2),
            "hud": (Opinion.AGREE_WITH_CONDITIONS, "按施工图审查意见修改后方可施工。", 7),
            "ee": (Opinion.AGREE, "", 5),
            "tr": (Opinion.AGREE, "", 4),
        }
        for code in stage.opinions:
            opinion, text, after = given[code]
            services.joint_opinion_give(
                actor=self.chief(code),
                lane=lanes[self.departments[code].pk],
                opinion=opinion,
                text=text,
                signed_by="局长",
                at=self.back(stage.accepted - after, 15),
            )


def play_joint(center: Center, *, today: date | None = None) -> JointSummary:
    """Make the demo's joint cases at `center` (see the module's docstring); then the morning sweep records the
    departments that overran their limits."""
    summary = JointSummary()
    if not Item.objects.filter(center=center, code=ITEM).exists():
        return summary
    player = _Player(center, today or timezone.localdate())
    player.flow()
    for serial, stage in enumerate(STAGES, start=1):
        if JointCase.objects.filter(center=center, case__organisation_name=stage.enterprise).exists():
            summary.kept.append(stage.enterprise)
            continue
        player.play(stage, serial)
        summary.made.append(stage.enterprise)
    if summary.made:
        timers_sweep(today=player.today)
    return summary
