"""Every declared case action × every role: what the case page and the API offer a person is exactly what the
action's service lets them do, and each act says whether it was taken as A, as B or by role (R-ORG-7,
R-CASE-10). The page and the API refuse alike."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pytest
import time_machine
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from api.tests.helpers import token_client
from cases.actions import ACTIONS, BY_NAME, CaseAction, know_rows
from cases.models import Case, CaseEvent, CaseState, Extension
from cases.selectors.actions import acting_of, available_actions
from cases.services import clock as clock_services
from cases.services import handling
from cases.services.clock import clock_start
from cases.services.handling import case_steps_plan
from catalog.models import CaseType, Item
from common.errors import PermissionDenied, RuleViolation
from org.models import Role, StaffProfile
from org.tests import factories as f

from .factories import at, check_in_order, make_case, make_item_for
from .handling_helpers import authorise, on_leave

pytestmark = pytest.mark.usefixtures("national_calendar")

DAY = date(2026, 10, 12)  # everyone at work
LEAVE_DAY = date(2026, 10, 13)  # the clerk (A of the window's post) on leave
PRESENT, MISSING = ("present", ""), ("missing", "")

ROLES = (
    "clerk",
    "backup",
    "other_clerk",
    "chief",
    "head",
    "deputy",
    "supervision",
    "coordination",
    "office",
    "director",
    "sysadmin",
    "outsider",
)
WINDOW_STAFF = {"clerk": "A", "backup": "", "chief": "", "head": ""}
# Who may take each action, and as what (A, B, or "" by role), on a day everyone is at work…
ALLOWED: dict[str, dict[str, str]] = {
    **dict.fromkeys(BY_NAME, WINDOW_STAFF),
    "step": {"clerk": "A"},
    "decide": {"chief": ""},
    "priority": {"chief": "", "head": "", "deputy": "", "director": ""},
    "extension_file": {"coordination": ""},
    "extension_approve": {"chief": "", "head": ""},
    "extension_refuse": {"chief": "", "head": ""},
}
# …and on a day the clerk is on leave: the B covering the post acts as B, and the clerk not at all.
WINDOW_STAFF_ON_LEAVE_DAY = {"backup": "B", "chief": "", "head": ""}
ALLOWED_ON_LEAVE_DAY: dict[str, dict[str, str]] = {
    **dict.fromkeys(BY_NAME, WINDOW_STAFF_ON_LEAVE_DAY),
    "step": {"backup": "B"},
    "decide": {"chief": ""},
    "priority": {"chief": "", "head": "", "deputy": "", "director": ""},
    "extension_file": {"coordination": ""},
    "extension_approve": {"chief": "", "head": ""},
    "extension_refuse": {"chief": "", "head": ""},
}


@dataclass
class World:
    hall: Any
    people: dict[str, StaffProfile]
    item: Item
    reported: Item


@pytest.fixture
def world(hall: Any) -> World:
    head = f.make_staff(hall.center, name="黄窗负")
    f.grant(head.user, hall.center, Role.WINDOW_HEAD, hall.window)
    deputy = f.make_staff(hall.center, name="何副主任")
    f.grant(deputy.user, hall.center, Role.DEPUTY)
    hall.window.deputy_in_charge = deputy
    hall.window.save(update_fields=["deputy_in_charge"])
    authorise(hall)
    people = {name: getattr(hall, name, None) for name in ROLES}
    people.update(head=head, deputy=deputy)
    fields = {
        "promised_limit_days": 5,
        "special_procedures": ["expert_review"],
        "extension_allowed": True,
        "max_extension_days": 10,
    }
    return World(
        hall=hall,
        people=people,
        item=make_item_for(hall.window, hall.post, **fields),
        reported=make_item_for(hall.window, hall.post, case_type=CaseType.REPORTED, **fields),
    )


# --- a case in the state where each action applies, and valid input for it -----------------------------------


def _received(w: World) -> Case:
    return make_case(
        window=w.hall.window, item=w.item, received_by=w.hall.clerk, state=CaseState.RECEIVED, received_on=DAY
    )


def _checked(w: World, *statuses: tuple[str, str]) -> Case:
    case = _received(w)
    return check_in_order(w.hall.clerk, case, list(statuses), at=at(DAY, 8, 30))


def _accepted(w: World, item: Item | None = None) -> Case:
    case = make_case(window=w.hall.window, item=item or w.item, received_by=w.hall.clerk, accepted_on=DAY)
    clock_start(case=case)
    case_steps_plan(case=case, at=at(DAY, 8))
    case.refresh_from_db()
    return case


def _stepped(w: World) -> Case:
    case = _accepted(w)
    handling.step_complete(actor=w.hall.clerk, case=case, opinion="同意", at=at(DAY, 8, 30))
    return case


def _decided(w: World) -> Case:
    case = _stepped(w)
    handling.case_decide(actor=w.hall.chief, case=case, approve=True, result_number="许1", at=at(DAY, 8, 40))
    return case


def _suspended(w: World) -> Case:
    case = _accepted(w)
    clock_services.special_procedure_start(
        actor=w.hall.clerk, case=case, kind="expert_review", reason="评审", expected_days=2, at=at(DAY, 8, 30)
    )
    return case


def _correction_issued(w: World) -> Case:
    from cases.services.intake import case_issue_correction

    case = _checked(w, PRESENT, MISSING)
    case_issue_correction(actor=w.hall.clerk, case=case, at=at(DAY, 8, 40))
    return case


def _reported_up(w: World) -> Case:
    case = _accepted(w, w.reported)
    clock_services.case_report_up(actor=w.hall.clerk, case=case, authority="市商务局", at=at(DAY, 8, 30))
    return case


def _delivered(w: World) -> Case:
    case = _decided(w)
    handling.case_deliver(actor=w.hall.clerk, case=case, method="pickup", at=at(DAY, 8, 50))
    return case


def _extended(w: World) -> Case:
    case = _accepted(w)
    clock_services.extension_request(actor=w.hall.chief, case=case, days=2, reason="核查", at=at(DAY, 8, 30))
    return case


def _extension_asked(w: World) -> Case:
    case = _accepted(w)
    clock_services.extension_request(actor=w.hall.clerk, case=case, days=2, reason="核查", at=at(DAY, 8, 30))
    return case


# name: (the case in its state, the row acted on, the input)
Setup = Callable[[World], Case]
SETUPS: dict[str, tuple[Setup, Callable[[Case], Any], Callable[[World, Case], dict[str, Any]]]] = {
    "check": (
        _received,
        lambda case: case,
        lambda w, case: {
            "results": {m.pk: PRESENT for m in case.version.materials.all()},
        },
    ),
    "correction": (lambda w: _checked(w, PRESENT, MISSING), lambda case: case, lambda w, case: {}),
    "resubmit": (_correction_issued, lambda case: case, lambda w, case: {}),
    "accept": (lambda w: _checked(w, PRESENT, PRESENT), lambda case: case, lambda w, case: {}),
    "refuse": (
        _received,
        lambda case: case,
        lambda w, case: {"reasons": "不属于本部门职权范围", "competent_authority": "县市场监管局窗口"},
    ),
    "step": (_accepted, lambda case: case, lambda w, case: {"opinion": "同意"}),
    "decide": (_stepped, lambda case: case, lambda w, case: {"approve": True, "result_number": "许2"}),
    "suspend": (
        _accepted,
        lambda case: case,
        lambda w, case: {"kind": "expert_review", "reason": "评审", "expected_days": 2},
    ),
    "resume": (_suspended, lambda case: case, lambda w, case: {"result": "评审通过"}),
    "report_up": (
        lambda w: _accepted(w, w.reported),
        lambda case: case,
        lambda w, case: {"authority": "市商务局"},
    ),
    "report_returned": (_reported_up, lambda case: case, lambda w, case: {"result": "同意"}),
    "extend": (
        _accepted,
        lambda case: case,
        lambda w, case: {"days": 2, "reason": "需现场核查"},
    ),
    "payment": (
        _accepted,
        lambda case: case,
        lambda w, case: {"fee": case.version.fees.get(), "quantity": 1, "receipt_number": "PJ-9"},
    ),
    "deliver": (_decided, lambda case: case, lambda w, case: {"method": "pickup"}),
    "archive": (_delivered, lambda case: case, lambda w, case: {}),
    "priority": (_accepted, lambda case: case, lambda w, case: {"reason": "重点项目", "target_days": 1}),
    "visit": (
        _accepted,
        lambda case: case,
        lambda w, case: {"purpose": "询问进度", "caused_by_administration": False},
    ),
    "withdraw": (_accepted, lambda case: case, lambda w, case: {"reason": "申请人要求撤回"}),
    "extension_file": (_extended, lambda case: Extension.objects.get(case=case), lambda w, case: {}),
    "notice_delivered": (
        _suspended,
        lambda case: case.notices.get(kind="special_procedure"),
        lambda w, case: {"method": "当面送达"},
    ),
    "extension_approve": (_extension_asked, lambda case: case.extension_requests.get(), lambda w, case: {}),
    "extension_refuse": (
        _extension_asked,
        lambda case: case.extension_requests.get(),
        lambda w, case: {"reason": "理由不充分"},
    ),
}


class _Undo(Exception):
    """Raised to roll back an act that was allowed."""


def _try(
    action: CaseAction, actor: StaffProfile, case: Case, target: Any, values: dict[str, Any], when: datetime
) -> str | None:
    """Take `action` as `actor` inside a savepoint, rolled back: the acting-as of its event if allowed, None if
    refused (a 403 or a rule)."""
    last = CaseEvent.objects.filter(case=case).order_by("-seq").values_list("seq", flat=True).first() or 0
    case.refresh_from_db()
    try:
        with transaction.atomic():
            action.perform(actor=actor, target=target, values=dict(values), revision=case.revision)
            event = CaseEvent.objects.filter(case=case, seq__gt=last).order_by("seq").first()
            assert event is not None and event.actor_id == actor.pk
            raise _Undo(event.acting_as)
    except _Undo as undone:
        return str(undone.args[0])
    except (PermissionDenied, RuleViolation):
        return None


def test_every_declared_action_is_walked() -> None:
    assert set(SETUPS) == set(BY_NAME) == {action.name for action in ACTIONS}


@pytest.mark.parametrize(
    ("day", "expected"),
    [(DAY, ALLOWED), (LEAVE_DAY, ALLOWED_ON_LEAVE_DAY)],
    ids=["everyone-at-work", "clerk-on-leave"],
)
def test_r_org_7_r_case_10_every_action_offered_is_allowed_and_every_other_refused(
    world: World, day: date, expected: dict[str, dict[str, str]]
) -> None:
    if day == LEAVE_DAY:
        on_leave(world.hall.clerk, LEAVE_DAY)
    when = at(day, 10)
    for action in ACTIONS:
        setup, target_of, values_of = SETUPS[action.name]
        case = setup(world)
        case.refresh_from_db()
        target = target_of(case)
        values = values_of(world, case)
        allowed: dict[str, str] = {}
        for role in ROLES:
            actor = world.people[role]
            offered = action.name in available_actions(actor.user, case, at=when)
            with time_machine.travel(when, tick=False):
                acting_as = _try(action, actor, case, target, values, when)
            assert offered == (acting_as is not None), (action.name, role, offered, acting_as)
            if acting_as is not None:
                allowed[role] = acting_as
        assert allowed == expected[action.name], action.name


def test_r_org_7_the_case_page_s_rows_give_the_same_facts_as_asking_the_database(world: World) -> None:
    """The case page hands the rules the extensions, notices and extension requests it lists (`know_rows`)
    instead of their asking again: on every case of the walk, every role is offered the same actions."""
    when = at(DAY, 10)
    for name in sorted(SETUPS):
        case = SETUPS[name][0](world)
        case.refresh_from_db()
        for role in ROLES:
            user = world.people[role].user
            asked = available_actions(user, case, at=when)
            acting = acting_of(user, case, at=when)
            if acting is not None:
                know_rows(
                    acting,
                    extensions=list(case.extensions.all()),
                    notices=list(case.notices.all()),
                    requests=list(case.extension_requests.all()),
                )
            with CaptureQueriesContext(connection) as read:
                offered = available_actions(user, case, at=when, acting=acting)
            assert offered == asked, (name, role)
            rows_read = [
                q["sql"] for q in read.captured_queries if "extension" in q["sql"] or "notice" in q["sql"]
            ]
            assert rows_read == [], (name, role, rows_read)


# --- the page and the API refuse alike ----------------------------------------------------------------------


def _page_post(
    client: Client, staff: StaffProfile, action: CaseAction, pk: int, data: dict[str, Any], when: datetime
) -> Any:
    with time_machine.travel(when, tick=False):
        client.force_login(staff.user)
        return client.post(reverse(f"cases:{action.page_url_name}", args=[pk]), data)


def _api_post(staff: StaffProfile, action: CaseAction, pk: int, data: dict[str, Any], when: datetime) -> Any:
    client: APIClient = token_client(staff)
    with time_machine.travel(when, tick=False):
        return client.post(reverse(f"api:{action.api_url_name}", args=[pk]), data, format="json")


def _snapshot(case: Case) -> tuple[Any, ...]:
    case.refresh_from_db()
    return (case.state, case.revision, case.events.count(), case.notices.count(), case.visits.count())


@pytest.mark.parametrize(
    ("role", "name", "body", "status", "rule"),
    [
        ("director", "withdraw", {"reason": "撤回"}, 403, None),
        (
            "supervision",
            "suspend",
            {"kind": "expert_review", "procedure": "expert_review", "reason": "评审", "expected_days": 2},
            403,
            None,
        ),
        ("office", "visit", {"purpose": "来访"}, 403, None),
        ("clerk", "priority", {"reason": "急"}, 422, "R-CASE-11"),
        ("backup", "decide", {"decision": "approve", "result_number": "许3"}, 422, "R-ORG-4"),
    ],
)
def test_r_org_7_page_and_api_refuse_alike(
    world: World, client: Client, role: str, name: str, body: dict[str, Any], status: int, rule: str | None
) -> None:
    action = BY_NAME[name]
    case = _stepped(world) if name == "decide" else _accepted(world)
    actor = world.people[role]
    before = _snapshot(case)
    when = at(DAY, 10)
    page = _page_post(client, actor, action, case.pk, {"revision": case.revision, **body}, when)
    api = _api_post(actor, action, case.pk, {"revision": case.revision, **body}, when)
    assert (page.status_code, api.status_code) == (status, status)
    if rule is not None:
        assert api.json()["error"]["rule"] == rule
        assert f"（{rule}）" in page.content.decode()
    assert _snapshot(case) == before


def test_r_org_7_a_clerk_on_leave_is_refused_alike_by_the_page_and_the_api(
    world: World, client: Client
) -> None:
    on_leave(world.hall.clerk, LEAVE_DAY)
    case = _accepted(world)
    before = _snapshot(case)
    when = at(LEAVE_DAY, 10)
    action = BY_NAME["visit"]
    body = {"revision": case.revision, "purpose": "来访"}
    page = _page_post(client, world.hall.clerk, action, case.pk, body, when)
    api = _api_post(world.hall.clerk, action, case.pk, body, when)
    assert (page.status_code, api.status_code) == (422, 422)
    assert api.json()["error"] == {
        "rule": "R-ORG-7",
        "message": "离岗期间不能办理办件，请先销假（离岗期间由B角顶岗办理）。",
        "field": None,
        "code": "rule_violation",
    }
    assert "离岗期间不能办理办件，请先销假（离岗期间由B角顶岗办理）。（R-ORG-7）" in page.content.decode()
    assert _snapshot(case) == before


def test_r_clk_5_only_the_coordination_section_files_an_extension_on_the_page_and_the_api(
    world: World, client: Client
) -> None:
    case = _extended(world)
    extension = Extension.objects.get(case=case)
    action = BY_NAME["extension_file"]
    when = at(DAY, 10)
    before = _snapshot(case)
    page = _page_post(client, world.hall.clerk, action, extension.pk, {"revision": case.revision}, when)
    api = _api_post(world.hall.clerk, action, extension.pk, {"revision": case.revision}, when)
    assert (page.status_code, api.status_code) == (422, 422)
    assert api.json()["error"]["message"] == "延期须由中心行政审批协调科备案。"
    assert _snapshot(case) == before
    filed = _api_post(world.hall.coordination, action, extension.pk, {"revision": case.revision}, when)
    assert filed.status_code == 200
    assert CaseEvent.objects.filter(case=case).order_by("-seq").values_list(
        "action", "actor_id", "acting_as"
    ).first() == ("extension_filed", world.hall.coordination.pk, "")
