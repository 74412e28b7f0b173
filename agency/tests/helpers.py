"""Shared set-up of the full-agency tests: a deputy director, valid identifiers, a project brought to a stage
through the services, and the moments the tests freeze time at (the centre's time zone)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from agency import services
from agency.models import AgencyLicence, AgencyProject, AgencyScope, LicenceStage
from common.identifiers import credit_code_check_char, resident_id_check_char
from org.models import StaffProfile

TZ = ZoneInfo("Asia/Shanghai")
CREDIT_BODY = "91331000MA2A0B1C0"
CREDIT_CODE = CREDIT_BODY + credit_code_check_char(CREDIT_BODY)
ID_BODY = "33100219800101123"
ID_NUMBER = ID_BODY + resident_id_check_char(ID_BODY)


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


def propose(hall: Any, *, when: datetime | None = None, **kw: Any) -> AgencyProject:
    values: dict[str, Any] = {
        "name": "新能源电池生产线项目",
        "enterprise_name": "示范新能源科技有限公司",
        "credit_code": CREDIT_CODE,
        "scope": AgencyScope.DEVELOPMENT_ZONE,
        **kw,
    }
    return services.agency_project_propose(
        actor=hall.coordination.user, center=hall.center, at=when or at(4, 1), **values
    )


def confirmed(hall: Any, deputy: StaffProfile, *, when: datetime | None = None) -> AgencyProject:
    """A project confirmed with its team: the deputy leads, the coordination persona, A01's chief."""
    project = propose(hall, when=when)
    return services.agency_project_confirm(
        actor=hall.director.user,
        project=project,
        leader=deputy,
        coordination_head=hall.coordination,
        windows=[hall.window],
        at=when or at(4, 2),
    )


def issue(
    hall: Any, licence: AgencyLicence, *, number: str = "证字001号", on: date = date(2026, 4, 20)
) -> None:
    """Bring `licence` to issuance, one stage at a time, as the coordination section."""
    for stage in (LicenceStage.COMPLETE, LicenceStage.JOINT_REVIEW, LicenceStage.SUBMITTED):
        services.agency_licence_move(
            actor=hall.coordination.user, licence=licence, to_stage=stage, at=at(4, 10)
        )
    services.agency_licence_move(
        actor=hall.coordination.user,
        licence=licence,
        to_stage=LicenceStage.ISSUED,
        licence_number=number,
        issued_on=on,
        at=at(4, 21),
    )


def licence_of(hall: Any, project: AgencyProject, *, name: str = "外商投资企业备案回执") -> AgencyLicence:
    """A licence of `project` at the hall's window, listed by the coordination section on 3 April."""
    return services.agency_licence_add(
        actor=hall.coordination.user, project=project, name=name, window=hall.window, at=at(4, 3)
    )


def handed_over(hall: Any, deputy: StaffProfile, project: AgencyProject, *, when: datetime) -> None:
    """`project`'s one licence listed, issued and handed over to 陈接收, signed by the leading deputy."""
    issue(hall, licence_of(hall, project))
    services.handover_sign(
        actor=deputy.user, project=project, recipient_name="陈接收", recipient_id_number=ID_NUMBER, at=when
    )
