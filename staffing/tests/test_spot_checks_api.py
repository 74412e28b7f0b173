"""Spot checks and explanations through the API (R-ATT-7): the supervision section records a check, those who
supervise list the recent ones, the person asked reads their open explanations and answers one, once."""

from __future__ import annotations

from typing import Any

import time_machine
from django.urls import reverse

from api.tests.helpers import token_client
from org import services as org_services
from org.models import AbsenceKind
from staffing.models import Explanation, SpotCheck

from .helpers import at

NOW = at(2026, 12, 7, 10, 30)


def _url(name: str, hall: Any, **kw: Any) -> str:
    return reverse(f"api:{name}", kwargs={"center": hall.center.code, **kw})


def _body(hall: Any, **seen: Any) -> dict[str, Any]:
    rows = []
    for attr, state in seen.items():
        rows.append(
            {
                "staff": getattr(hall, attr).pk,
                "present": state == "present",
                "on_duty_elsewhere": state == "elsewhere",
            }
        )
    return {"at": "2026-12-07T10:00:00+08:00", "seen": rows, "windows": [hall.window.pk], "note": "上午稽查"}


def test_r_att_7_a_spot_check_through_the_api_asks_the_absent_without_leave_to_explain(
    hall: Any, national_calendar: Any
) -> None:
    with time_machine.travel(at(2026, 12, 7, 8), tick=False):
        org_services.absence_record(
            actor=hall.office.user,
            staff=hall.backup,
            kind=AbsenceKind.LEAVE,
            starts_at=at(2026, 12, 7, 8),
            ends_at=at(2026, 12, 7, 17),
            reason="病假",
        )
    with time_machine.travel(NOW, tick=False):
        supervision = token_client(hall.supervision)
        made = supervision.post(
            _url("spot_checks", hall),
            _body(hall, clerk="absent", backup="absent", other_clerk="present", chief="elsewhere"),
            format="json",
        )
        assert made.status_code == 201, made.json()
        reasons = {row["staff"]["id"]: row["reason"] for row in made.json()["findings"]}
        assert reasons == {
            hall.clerk.pk: "unexplained",
            hall.backup.pk: "on_leave",
            hall.other_clerk.pk: "present",
            hall.chief.pk: "on_duty_elsewhere",
        }
        listed = token_client(hall.director).get(_url("spot_checks", hall))
        assert listed.status_code == 200 and [c["id"] for c in listed.json()] == [made.json()["id"]]

        # The person asked reads it and answers, once; nobody else sees or answers it.
        mine = token_client(hall.clerk).get(_url("explanations_mine", hall))
        assert mine.status_code == 200 and len(mine.json()) == 1
        explanation_id = mine.json()[0]["id"]
        assert token_client(hall.backup).get(_url("explanations_mine", hall)).json() == []
        answer = _url("explanation_answer", hall, explanation_id=explanation_id)
        other = token_client(hall.other_clerk).post(answer, {"text": "代答"}, format="json")
        assert other.status_code == 404
        empty = token_client(hall.clerk).post(answer, {"text": ""}, format="json")
        assert empty.status_code == 400 and empty.json()["error"]["field"] == "text"
        answered = token_client(hall.clerk).post(answer, {"text": "去档案室取材料"}, format="json")
        assert answered.status_code == 200 and answered.json()["answered_at"] is not None
        twice = token_client(hall.clerk).post(answer, {"text": "改一下"}, format="json")
        assert twice.status_code == 422 and twice.json()["error"]["rule"] == "R-ATT-7"
        assert token_client(hall.clerk).get(_url("explanations_mine", hall)).json() == []
    assert Explanation.objects.get().text == "去档案室取材料"


def test_r_att_7_only_the_supervision_section_records_and_the_check_is_validated(
    hall: Any, national_calendar: Any
) -> None:
    with time_machine.travel(NOW, tick=False):
        for person in (hall.clerk, hall.director, hall.office):
            refused = token_client(person).post(
                _url("spot_checks", hall), _body(hall, clerk="absent"), format="json"
            )
            assert refused.status_code == 403, person
        for person in (hall.clerk, hall.office):
            assert token_client(person).get(_url("spot_checks", hall)).status_code == 403
        outsider = token_client(hall.outsider).post(
            _url("spot_checks", hall), _body(hall, clerk="absent"), format="json"
        )
        assert outsider.status_code == 404
        supervision = token_client(hall.supervision)
        future = {**_body(hall, clerk="absent"), "at": "2026-12-07T11:00:00+08:00"}
        refused = supervision.post(_url("spot_checks", hall), future, format="json")
        assert refused.status_code == 422 and refused.json()["error"]["rule"] == "R-ATT-7"
        elsewhere = {**_body(hall), "seen": [{"staff": hall.outsider.pk, "present": False}]}
        refused = supervision.post(_url("spot_checks", hall), elsewhere, format="json")
        assert refused.status_code == 400 and refused.json()["error"]["field"] == "seen"
        twice = {**_body(hall, clerk="absent"), "seen": [{"staff": hall.clerk.pk, "present": False}] * 2}
        refused = supervision.post(_url("spot_checks", hall), twice, format="json")
        assert refused.status_code == 422 and refused.json()["error"]["field"] == "seen"
        nobody = supervision.post(_url("spot_checks", hall), {**_body(hall), "seen": []}, format="json")
        assert nobody.status_code == 400
        window = {**_body(hall, clerk="absent"), "windows": [10**6]}
        assert supervision.post(_url("spot_checks", hall), window, format="json").status_code == 400
        assert supervision.get(_url("spot_checks", hall), {"limit": "0"}).status_code == 400
    assert not SpotCheck.objects.exists()
