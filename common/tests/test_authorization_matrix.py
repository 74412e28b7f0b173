"""The authorisation matrix: every role of the demo county, a user of another centre and the public, against
every staff page and every API operation, aimed at the county's own rows (R-ORG-1 and "security by default").

The demo is loaded at a small scale. Two of its cases are watched: one at the A01 window and one at another
window. Their applicants' ID numbers and phones, and their case numbers, are the markers:

- the public and a user of another centre (holding every role there) never see a marker, on any page or in
  any API answer, and nothing they send — an empty or a junk POST to every page, a POST, PUT, PATCH and DELETE
  to every API operation — changes a row of the county;
- a county user sees a case's number only if the case is among the cases they may see (`cases_for_user`), and
  its applicant's ID number and phone only if they may (`can_see_applicant`: the case's window, its head and
  chief representative, the director) — whichever page or API operation they take — and every answer that
  shows an ID number in full writes a personal-data access row.

A route whose ids the matrix cannot fill fails the test, so that a new route is added here, not skipped.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agency.models import AgencyDelay, AgencyLicence, AgencyProject, AgencyTask
from cases.access import can_see_applicant, cases_for_user
from cases.models import Case, CaseState, Extension, ExtensionRequest, Inquiry, Notice
from catalog.models import Item
from common.models import PersonalDataAccess
from common.tests.routes import named_routes
from demo.agency_history import CONFIRMED, HANDED_OVER
from hall.models import Appointment
from joint.models import JointCase, JointLane, ReviewMeeting, SiteSurvey
from org.models import (
    Absence,
    Authorization,
    Center,
    Department,
    Post,
    Role,
    StaffProfile,
    Window,
)
from org.tests import factories as f
from staffing.models import DutyDispute, DutyEntry, Explanation, LeaveRequest
from staffing.services.terminals import terminal_register
from supervision.models import ActionItem, AssessmentEntry, Meeting
from supervision.services.complaints import complaint_register
from supervision.services.meetings import meeting_schedule

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

SCALE = 0.01
COUNTY_LOGINS = [
    "director",
    "deputy",
    "office",
    "supervision",
    "coordination",
    "windowhead",
    "chief",
    "clerk",
    "clerkb",
    "sysadmin",
]
OUTSIDER = "matrix-outsider"
# Logging out ends the session the rest of the crawl needs; the admin is the platform operator's (its own tests).
SKIPPED_NAMES = {"logout"}
SKIPPED_PREFIXES = ("admin/",)
JUNK = {"revision": "1", "reason": "矩阵", "day": "2026-01-05", "window": "1", "kind": "x", "days": "1"}
# Rows that a refused request may still write: the login throttle's and the access logs, sessions.
LOG_TABLES = {"axes", "sessions", "org.staffsession", "common.personaldataaccess", "common.cachetable"}


def _routes() -> Iterator[tuple[str, str, list[str]]]:
    return named_routes(skipped_prefixes=SKIPPED_PREFIXES, skipped_names=SKIPPED_NAMES)


class World:
    """The county's rows that the routes name, and the markers to look for."""

    def __init__(self, county: Center) -> None:
        self.county = county
        a01 = Window.objects.get(center=county, number="A01")
        watched = Case.objects.filter(center=county).exclude(applicant_id_number="").exclude(number="")
        at_a01 = watched.filter(window=a01, state=CaseState.ACCEPTED).order_by("pk").first()
        elsewhere = watched.exclude(window=a01).order_by("pk").first()
        assert at_a01 is not None and elsewhere is not None
        self.cases = [at_a01, elsewhere]
        item = Item.objects.filter(center=county, current_version__isnull=False).order_by("pk").first()
        assert item is not None
        self.item: Item = item
        self.terminal_serial = terminal_register(
            actor=None, center=county, serial="MATRIX-T1", name="大厅考勤机"
        ).serial
        # A named web complaint against the A01 window (the demo has none): its pages are walked on a real row.
        self.complaint = complaint_register(
            actor=None,
            center=county,
            channel="web",
            ground="p_rude",
            matter="矩阵投诉",
            window=a01,
            identity={"name": "矩阵投诉人", "phone": "13900000009"},
        ).complaint
        # Next month's meeting (the demo has none): its pages and pack are walked on a real row.
        self.meeting = _schedule_meeting(county)
        # The demo's full-agency projects and joint cases (`load_demo` plays them): their pages are walked on
        # real rows.
        agency_projects = AgencyProject.objects.filter(center=county)
        self.agency_ids = [agency_projects.get(name=name).pk for name in (CONFIRMED, HANDED_OVER)]
        self.ids: dict[str, list[int]] = {
            "case": [c.pk for c in self.cases],
            "inquiry": _first(Inquiry.objects.filter(center=county)),
            "appointment": _first(Appointment.objects.filter(center=county)),
            "notice": _first(Notice.objects.filter(center=county)),
            "extension": _first(Extension.objects.filter(case__center=county)),
            "extension_request": _first(ExtensionRequest.objects.filter(case__center=county)),
            "post": _first(Post.objects.filter(center=county)),
            "department": _first(Department.objects.filter(center=county)),
            "window": [a01.pk],
            "staff": _first(StaffProfile.objects.filter(center=county)),
            "absence": _first(Absence.objects.filter(center=county)),
            "authorization": _first(Authorization.objects.filter(center=county)),
            "item": [self.item.pk],
            "duty_entry": _first(DutyEntry.objects.filter(center=county)),
            "dispute": _first(DutyDispute.objects.filter(center=county)),
            "explanation": _first(Explanation.objects.filter(center=county)),
            "leave": _first(LeaveRequest.objects.filter(center=county)),
            "complaint": [self.complaint.pk],
            "assessment_entry": _first(AssessmentEntry.objects.filter(center=county)),
            "meeting": [self.meeting.pk],
            "action_item": _first(ActionItem.objects.filter(center=county)),
            "agency_project": self.agency_ids,
            "agency_licence": _first(AgencyLicence.objects.filter(center=county)),
            "agency_task": _first(AgencyTask.objects.filter(center=county)),
            "agency_delay": _first(AgencyDelay.objects.filter(center=county)),
            "joint_case": list(
                JointCase.objects.filter(center=county).order_by("pk").values_list("pk", flat=True)[:2]
            ),
            "joint_lane": _first(
                JointLane.objects.filter(center=county, opinion="", received_at__isnull=False)
            ),
            "joint_survey": _first(SiteSurvey.objects.filter(center=county)),
            "review_meeting": _first(ReviewMeeting.objects.filter(center=county)),
        }

    def markers(self, case: Case) -> dict[str, str]:
        return {"number": case.number, "id_number": case.applicant_id_number, "phone": case.applicant_phone}

    # The segment before an id names the row: /staff/org/posts/<pk>/, /api/v1/cases/<case_id>, ...
    SEGMENTS = {
        "case": "case",
        "cases": "case",
        "inquiries": "inquiry",
        "appointments": "appointment",
        "notice": "notice",
        "notices": "notice",
        "extension": "extension",
        "extensions": "extension",
        "extension-requests": "extension_request",
        "extension-request": "extension_request",
        "posts": "post",
        "departments": "department",
        "windows": "window",
        "people": "staff",
        "staff": "staff",
        "absences": "absence",
        "authorizations": "authorization",
        "catalog": "item",
        "duty": "duty_entry",
        "disputes": "dispute",
        "explanations": "explanation",
        "leave": "leave",
        "complaints": "complaint",
        "entries": "assessment_entry",
        "meetings": "meeting",
        "actions": "action_item",
        "agency": "agency_project",
        "agency-projects": "agency_project",
        "agency-licences": "agency_licence",
        "agency-tasks": "agency_task",
        "agency-delays": "agency_delay",
        "items": "item",
        "joint-cases": "joint_case",
        "joint-lanes": "joint_lane",
        "joint": "joint_case",
        "lanes": "joint_lane",
        "surveys": "joint_survey",
        "review-meetings": "review_meeting",
    }

    def values(self, route: str, kwarg: str) -> list[Any]:
        if kwarg in {"center", "center_code"}:
            return [self.county.code]
        if kwarg in {"code", "item_code"}:
            return [self.item.code]
        if kwarg in {"number", "row", "material_id", "fee_id", "step_id"}:
            return [1]
        if kwarg == "serial":
            return [self.terminal_serial]
        before = route.split(f"<int:{kwarg}>")[0].rstrip("/").rsplit("/", 1)[-1]
        kind = self.SEGMENTS.get(before) or self.SEGMENTS.get(kwarg.removesuffix("_id"))
        assert kind is not None, f"the matrix cannot fill {kwarg} of {route}: add its rows to World"
        return self.ids[kind]

    def urls(self) -> Iterator[str]:
        for route, name, kwargs in _routes():
            options: list[dict[str, Any]] = [{}]
            for kwarg in kwargs:
                options = [{**o, kwarg: v} for o in options for v in self.values(route, kwarg)]
            for chosen in options:
                yield reverse(name, kwargs=chosen)


def _schedule_meeting(county: Center) -> Meeting:
    """The county's monthly meeting of next month, chaired by its director and recorded by its office."""
    first = (timezone.localdate().replace(day=1) + timedelta(days=32)).replace(day=1)
    staff = {
        s.user.get_username(): s
        for s in StaffProfile.objects.filter(center=county, user__isnull=False).select_related("user")
        if s.user is not None
    }
    return meeting_schedule(
        actor=None,
        center=county,
        starts_at=timezone.make_aware(datetime.combine(first + timedelta(days=2), time(9))),
        place="三楼会议室",
        chair=staff["director"],
        recorder=staff["office"],
    )


def _first(queryset: Any) -> list[int]:
    pk = queryset.order_by("pk").values_list("pk", flat=True).first()
    return [pk] if pk is not None else [2**31 - 1]


def _fingerprint(county: Center) -> Counter[str]:
    """How many rows each table holds (log tables aside): a refused write leaves it as it was."""
    counts: Counter[str] = Counter()
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.app_label in LOG_TABLES or label in LOG_TABLES or model._meta.proxy:
            continue
        counts[label] = model._default_manager.count()
    counts["county.revisions"] = sum(Case.objects.filter(center=county).values_list("revision", flat=True))
    return counts


@pytest.fixture
def world(settings: Any) -> World:
    settings.DEMO_CASES_SCALE = SCALE
    call_command("load_demo", stdout=StringIO())
    county = Center.objects.get(code="demo-county")
    # Another county beside the demo's (not below it): its user holds every role there.
    other = f.make_center(code="matrix-other", name="邻县政务服务中心")
    window = f.make_window(other, number="Z01")
    outsider = f.make_staff(other, user=f.make_user(OUTSIDER), window=window, name="邻县人员")
    for role in Role:
        f.grant(outsider.user, other, role, window if role in _WINDOW_ROLES else None)
    return World(county)


_WINDOW_ROLES = {Role.WINDOW_STAFF, Role.WINDOW_HEAD, Role.CHIEF_REPRESENTATIVE}


def _client(username: str | None) -> Client:
    client = Client()
    if username is not None:
        client.force_login(get_user_model().objects.get(username=username))
    return client


def _seen(world: World, client: Client) -> dict[tuple[int, str], list[str]]:
    """Which markers each watched case shows on which URL, over a GET of every page and API operation."""
    found: dict[tuple[int, str], list[str]] = {}
    patterns = {
        (case.pk, kind): re.compile(re.escape(value))
        for case in world.cases
        for kind, value in world.markers(case).items()
        if value
    }
    for url in world.urls():
        logged_before = PersonalDataAccess.objects.count()
        response = client.get(url)
        assert response.status_code < 500, url
        # Files (PDF notices, uploads, exports) are streamed bytes, not text the markers could be found in.
        if response.status_code != 200 or response.streaming or "pdf" in response.get("Content-Type", ""):
            continue
        body = response.content.decode(errors="replace")
        for key, pattern in patterns.items():
            if pattern.search(body):
                found.setdefault(key, []).append(url)
                if key[1] == "id_number" and PersonalDataAccess.objects.count() == logged_before:
                    found.setdefault((key[0], "unlogged"), []).append(url)
    return found


@pytest.mark.parametrize("username", [None, OUTSIDER])
def test_r_org_1_the_public_and_another_centre_see_nothing_of_the_county_and_change_nothing(
    world: World, username: str | None
) -> None:
    client = _client(username)
    assert _seen(world, client) == {}

    before = _fingerprint(world.county)
    for url in world.urls():
        if url.startswith("/api/"):
            answers = [
                client.post(url, {}, content_type="application/json"),
                client.put(url, {}, content_type="application/json"),
                client.patch(url, JUNK, content_type="application/json"),
                client.delete(url),
            ]
        else:
            answers = [client.post(url, {}), client.post(url, JUNK)]
        assert all(a.status_code < 500 for a in answers), url
    assert _fingerprint(world.county) == before


@pytest.mark.parametrize("username", COUNTY_LOGINS)
def test_r_org_1_each_county_role_sees_a_case_and_its_applicant_only_where_it_may(
    world: World, username: str
) -> None:
    client = _client(username)
    user = get_user_model().objects.get(username=username)
    visible = set(cases_for_user(user).filter(pk__in=world.ids["case"]).values_list("pk", flat=True))
    seen = _seen(world, client)

    leaks = []
    for (case_pk, kind), urls in seen.items():
        case = next(c for c in world.cases if c.pk == case_pk)
        if kind == "number":
            allowed = case_pk in visible
        else:  # the ID number and phone; never an unlogged display
            allowed = kind != "unlogged" and can_see_applicant(user, case)
        if not allowed:
            leaks.append(f"{kind} of case {case.number} on {urls[:3]}")
    assert leaks == []
    # The matrix is not vacuous: whoever works at the A01 window sees its applicant's ID number somewhere.
    a01_case = world.cases[0]
    if can_see_applicant(user, a01_case):
        assert (a01_case.pk, "id_number") in seen
