"""The joint approval tests' scene: a lead department (the hall's 外经贸局 at window A01, its chief representative
赵首席) and three co-departments, each with its window, chief representative and clerk; a joint item whose
flow-and-limits table gives them 5, 10 and 5 working days; its case accepted at the lead window on Monday
2 November 2026."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from cases.models import Case
from cases.services.clock import clock_start
from cases.tests.factories import make_case, make_item_for
from catalog.models import Item
from org.models import Department, Role, StaffProfile, Window
from org.tests import factories as f

from ..models import JointLane
from ..services import joint_case_open, joint_flow_publish, joint_lane_receive, joint_notify

TZ = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=TZ)


@dataclass
class CoDepartment:
    department: Department
    window: Window
    chief: StaffProfile
    clerk: StaffProfile


@dataclass
class Project:
    item: Item
    case: Case
    planning: CoDepartment  # 自然资源和规划局: 5 working days
    housing: CoDepartment  # 住房和城乡建设局: 10 working days
    environment: CoDepartment  # 生态环境局: 5 working days


def co_department(hall: Any, code: str, name: str, number: str) -> CoDepartment:
    department = f.make_department(hall.center, code=code, name=name)
    window = f.make_window(hall.center, department, number=number, name=f"{name}窗口")
    chief = f.make_staff(hall.center, window=window, department=department, name=f"{name}首席")
    f.grant(chief.user, hall.center, Role.CHIEF_REPRESENTATIVE, window)
    clerk = f.make_staff(hall.center, window=window, department=department, name=f"{name}窗口人员")
    f.grant(clerk.user, hall.center, Role.WINDOW_STAFF, window)
    window.chief_representative = chief
    window.save(update_fields=["chief_representative"])
    return CoDepartment(department, window, chief, clerk)


def publish(hall: Any, project_item: Item, co: list[tuple[CoDepartment, int]], **kw: Any) -> Any:
    return joint_flow_publish(
        actor=hall.coordination.user,
        item=project_item,
        lead_department=hall.department,
        lanes=[
            {"department": c.department, "items": f"{c.department.name}审批", "limit_days": n} for c, n in co
        ],
        **{"effective_from": date(2026, 1, 1), **kw},
    )


def make_project(hall: Any, *, accepted: bool = True) -> Project:
    """The joint item and its co-departments; with `accepted`, its case accepted at the lead window on Monday
    2 November 2026 (else `case` is None: the test receives and accepts it as the window would)."""
    planning = co_department(hall, "nrp", "自然资源和规划局", "C01")
    housing = co_department(hall, "hud", "住房和城乡建设局", "C02")
    environment = co_department(hall, "eco", "生态环境局", "C03")
    item = make_item_for(
        hall.window,
        hall.post,
        case_type="joint",
        promised_limit_days=20,
        statutory_limit_days=40,
        on_spot_decision=True,
    )
    publish(hall, item, [(planning, 5), (housing, 10), (environment, 5)])
    if not accepted:
        return Project(item, None, planning, housing, environment)  # type: ignore[arg-type]
    case = make_case(window=hall.window, item=item, received_by=hall.clerk, accepted_on=date(2026, 11, 2))
    clock_start(case=case)
    case.refresh_from_db()
    return Project(item, case, planning, housing, environment)


def lane_of(joint_case: Any, co: CoDepartment) -> JointLane:
    return JointLane.objects.select_related("timer").get(joint_case=joint_case, department=co.department)


def opened(hall: Any, project: Project) -> Any:
    joint_case = joint_case_open(actor=hall.chief.user, case=project.case, at=at(11, 2, 9))
    for co, day in ((project.planning, 2), (project.housing, 3), (project.environment, 4)):
        lane = lane_of(joint_case, co)
        joint_notify(actor=hall.chief.user, lane=lane, at=at(11, day, 9))
        joint_lane_receive(actor=co.chief.user, lane=lane, at=at(11, day, 15))
    return joint_case
