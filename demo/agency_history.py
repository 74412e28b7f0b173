"""The demo centre's full-agency projects (R-AGT-1 … R-AGT-6), one at every stage, made through the agency
services by the centre's own people: a project awaiting confirmation; one in progress (its team, a joint
meeting, tasks taken and not yet taken, licences at each stage before issuance, a delay reported to the
discipline authority); one handed over with its register signed; one closed.

`play_agency(center)` needs at the centre a deputy director, a member of the coordination section, the director
and at least one active window with a chief representative (each with a login). Idempotent: a project whose name
is already there is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from agency import services
from agency.models import AgencyProject, AgencyScope, DelayKind, LicenceStage
from common.identifiers import credit_code_check_char, resident_id_check_char
from org.models import Center, Role, RoleGrant, StaffProfile, Window

PROPOSED = "智能装备产业园项目"
CONFIRMED = "新能源电池生产线项目"
HANDED_OVER = "冷链物流中心项目"
CLOSED = "精密模具厂房项目"


@dataclass
class AgencySummary:
    made: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def _credit_code(serial: int) -> str:
    body = f"91331000MA2A{serial:05d}"
    return body + credit_code_check_char(body)


def _id_number(serial: int) -> str:
    body = f"33100219850301{serial:03d}"
    return body + resident_id_check_char(body)


def _holder(center: Center, role: str) -> StaffProfile:
    users = RoleGrant.objects.filter(center=center, role=role, revoked_at=None, window=None).values("user_id")
    staff = (
        StaffProfile.objects.filter(center=center, is_active=True, user_id__in=users)
        .select_related("user")
        .order_by("badge_number")
        .first()
    )
    if staff is None:
        raise LookupError(f"the demo centre has no active {role} with a login")
    return staff


def _moment(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _issue(actor: Any, licence: Any, number: str, day: date) -> None:
    for stage in (LicenceStage.COMPLETE, LicenceStage.JOINT_REVIEW, LicenceStage.SUBMITTED):
        services.agency_licence_move(
            actor=actor, licence=licence, to_stage=stage, at=_moment(day - timedelta(days=3))
        )
    services.agency_licence_move(
        actor=actor,
        licence=licence,
        to_stage=LicenceStage.ISSUED,
        licence_number=number,
        issued_on=day,
        at=_moment(day, 15),
    )


def play_agency(center: Center, *, today: date | None = None) -> AgencySummary:
    """One full-agency project at every stage (proposed, in progress, handed over, closed), through the services."""
    today = today or timezone.localdate()
    summary = AgencySummary()
    existing = set(AgencyProject.objects.filter(center=center).values_list("name", flat=True))
    deputy, coordination, director = (
        _holder(center, Role.DEPUTY),
        _holder(center, Role.COORDINATION),
        _holder(center, Role.DIRECTOR),
    )
    windows = list(
        Window.objects.filter(
            center=center,
            is_active=True,
            chief_representative__isnull=False,
            chief_representative__is_active=True,
        )
        .select_related("chief_representative__user", "head", "department")
        .order_by("number")[:3]
    )
    if not windows:
        raise LookupError("the demo centre has no window with a chief representative")
    lead = deputy.user

    def project(name: str, serial: int, start: date, **kw: Any) -> AgencyProject | None:
        if name in existing:
            summary.kept.append(name)
            return None
        summary.made.append(name)
        return services.agency_project_propose(
            actor=coordination.user,
            center=center,
            name=name,
            enterprise_name=kw.pop("enterprise"),
            credit_code=_credit_code(serial),
            at=_moment(start, 9),
            **kw,
        )

    def confirm(p: AgencyProject, day: date) -> AgencyProject:
        return services.agency_project_confirm(
            actor=director.user,
            project=p,
            leader=deputy,
            coordination_head=coordination,
            windows=windows[:2],
            at=_moment(day, 11),
        )

    # Awaiting confirmation.
    project(
        PROPOSED,
        1,
        today - timedelta(days=2),
        enterprise="示范智能装备有限公司",
        scope=AgencyScope.MAJOR_PROJECT,
        designation_number=f"示政办〔{today.year}〕8号",
    )

    # In progress: team, a meeting, tasks, licences at every stage before issuance, a delay.
    started = today - timedelta(days=30)
    p = project(
        CONFIRMED, 2, started, enterprise="示范新能源科技有限公司", scope=AgencyScope.DEVELOPMENT_ZONE
    )
    if p is not None:
        p = confirm(p, started + timedelta(days=1))
        meeting = services.agency_meeting_record(
            actor=lead,
            project=p,
            held_at=_moment(started + timedelta(days=2), 14),
            place="二楼会商室",
            minutes="明确各窗口分工：备案、规划、环评材料同步准备，十日内报专班集中会审。",
            attendees=[
                deputy,
                coordination,
                *(w.chief_representative for w in windows[:2] if w.chief_representative),
            ],
            at=_moment(started + timedelta(days=2), 17),
        )
        taken = services.agency_task_assign(
            actor=lead,
            project=p,
            window=windows[0],
            title="指导企业准备项目备案材料",
            due_days=5,
            meeting=meeting,
            at=_moment(started + timedelta(days=2), 17),
        )
        services.agency_task_take(
            actor=windows[0].chief_representative.user if windows[0].chief_representative else None,
            task=taken,
            at=_moment(started + timedelta(days=3)),
        )
        late = services.agency_task_assign(
            actor=lead,
            project=p,
            window=windows[-1],
            title="出具规划设计条件",
            due_days=3,
            meeting=meeting,
            at=_moment(started + timedelta(days=2), 17),
        )
        stages = [
            ("企业投资项目备案证明", []),
            ("建设用地规划许可证", [LicenceStage.COMPLETE]),
            ("建设项目环境影响评价批复", [LicenceStage.COMPLETE, LicenceStage.JOINT_REVIEW]),
        ]
        for index, (licence_name, steps) in enumerate(stages):
            licence = services.agency_licence_add(
                actor=lead,
                project=p,
                name=licence_name,
                window=windows[index % len(windows)],
                at=_moment(started + timedelta(days=4)),
            )
            for step in steps:
                services.agency_licence_move(
                    actor=lead,
                    licence=licence,
                    to_stage=step,
                    at=_moment(started + timedelta(days=8 + index)),
                )
        delay = services.agency_delay_record(
            actor=lead,
            project=p,
            kind=DelayKind.OVERDUE,
            window=late.window,
            task=late,
            description="规划设计条件逾期未出具，经催办仍未接收任务。",
            at=_moment(started + timedelta(days=12)),
        )
        services.agency_delay_report(
            actor=lead,
            delay=delay,
            reported_on=started + timedelta(days=13),
            at=_moment(started + timedelta(days=13)),
        )

    # Handed over, and closed.
    for name, serial, back, enterprise, close in (
        (HANDED_OVER, 3, 60, "示范冷链物流有限公司", False),
        (CLOSED, 4, 120, "示范精密模具有限公司", True),
    ):
        start = today - timedelta(days=back)
        p = project(name, serial, start, enterprise=enterprise, scope=AgencyScope.DEVELOPMENT_ZONE)
        if p is None:
            continue
        p = confirm(p, start + timedelta(days=1))
        for index, (licence_name, window) in enumerate(
            zip(["企业投资项目备案证明", "建筑工程施工许可证"], windows[:2] * 2, strict=False)
        ):
            licence = services.agency_licence_add(
                actor=lead, project=p, name=licence_name, window=window, at=_moment(start + timedelta(days=2))
            )
            _issue(
                lead,
                licence,
                f"{start.year}-{serial:02d}{index + 1:02d}号",
                start + timedelta(days=20 + index),
            )
        services.handover_sign(
            actor=lead,
            project=p,
            recipient_name="陈经办",
            recipient_id_number=_id_number(serial),
            at=_moment(start + timedelta(days=25), 15),
        )
        if close:
            services.agency_project_close(actor=lead, project=p, at=_moment(start + timedelta(days=26)))
    return summary
