"""No request to a staff or public page produces a server error ("bad input gets a clear error and changes
nothing"; the API has its own schema fuzzing in api/tests/test_schema_fuzz.py).

The demo centre is loaded at a small scale (cases in every state, notices, extensions, inquiries and
appointments); then every HTML route is requested with the ids of real objects and of missing ones, by
several roles and anonymously, with a junk query string, an empty POST and a POST of junk values. Every answer
must be below 500 (the test client also re-raises any exception a view lets escape).
"""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from cases.models import Case, CaseState, Extension, Inquiry, Notice
from catalog.models import Item
from common.tests.routes import named_routes
from hall.models import Appointment
from org.models import Center

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

SCALE = 0.01
MISSING_IDS = [2**31 - 1, 2**40]  # no such row; the second is beyond what an id column holds
SKIPPED_PREFIXES = ("admin/", "api/")  # the admin is Django's; the API is fuzzed from its schema
SKIPPED_NAMES = {
    "notice_pdf",
    "item_notice_pdf",
    "logout",
}  # PDF rendering is tested on its own; logout ends the session

# One case in each of these states: before acceptance, with the clock running or stopped, and decided.
SAMPLED_STATES = [CaseState.AWAITING_CORRECTION, CaseState.ACCEPTED, CaseState.SUSPENDED, CaseState.APPROVED]

JUNK_QUERY = (
    "?day=2026-02-30&center=no-such-centre&kind=%00&preview=zz&page=-1&q=%27%22%3Cscript%3E&window=abc"
    "&state=nope&month=13&year=99999&number=" + "9" * 40
)
JUNK_POST = {
    "revision": "abc",
    "day": "2026-02-30",
    "at": "yesterday",
    "reason": "原因" * 3000,
    "kind": "no-such-kind",
    "window": "999999999999",
    "to_window": "-1",
    "item": "x",
    "leader": "0",
    "outcome": "unknown",
    "answer": "不知道",
    "mode": "teleport",
    "served_from": "25:61",
    "served_until": "",
    "amount": "1e309",
    "quantity": "-5",
    "fee": "NaN",
    "result": "\x00",
    "days": "99999999999999999999",
    "expected_days": "-3",
    "case_number": "GH-" + "9" * 60,
    "query_code": "' OR 1=1 --",
    "status": "present",
    "channel": "carrier-pigeon",
    "next": "https://evil.example/",
    "title": "标题\n第二行",
    "opening": "{不存在}",
}


def _routes() -> Iterator[tuple[str, str, list[str]]]:
    """(prefix, name, kwargs) of every HTML route, with its namespace."""
    return named_routes(skipped_prefixes=SKIPPED_PREFIXES, skipped_names=SKIPPED_NAMES)


def _one_per(queryset: Any, field: str) -> list[int]:
    seen: dict[Any, int] = {}
    for pk, value in queryset.order_by("pk").values_list("pk", field):
        seen.setdefault(value, pk)
    return list(seen.values())


def _ids_for(path: str, center: Center) -> list[int]:
    """Real ids of the objects a route names (one per state or kind), and missing ones."""
    cases = Case.objects.filter(center=center, state__in=SAMPLED_STATES)
    if "/cases/case/" in path:
        ids = _one_per(cases, "state")
    elif "/inquiries/" in path:
        ids = _one_per(Inquiry.objects.filter(center=center), "status")
    elif "/appointments/" in path:
        ids = _one_per(Appointment.objects.filter(center=center), "status")
    elif "/notice/" in path or "/notices/" in path:
        ids = _one_per(Notice.objects.filter(center=center), "kind")[:3]
    elif "/extension/" in path:
        ids = list(Extension.objects.filter(case__center=center).values_list("pk", flat=True)[:3])
    elif "/catalog/" in path:
        ids = list(Item.objects.filter(center=center).values_list("pk", flat=True)[:2])
    else:
        ids = [1, 2]
    return ids + MISSING_IDS


def _urls(center: Center) -> Iterator[str]:
    item = Item.objects.filter(center=center, current_version__isnull=False).first()
    assert item is not None
    for path, name, converters in _routes():
        kwargs_options: list[dict[str, Any]] = [{}]
        for kwarg in converters:
            if kwarg == "center_code":
                values: list[Any] = [center.code, "no-such-centre"]
            elif kwarg == "item_code":
                values = [item.code, "no-such-item"]
            elif kwarg in {"number", "row"}:
                values = [1, 2**31 - 1]
            else:
                values = _ids_for(path, center)
            kwargs_options = [{**options, kwarg: value} for options in kwargs_options for value in values]
        for kwargs in kwargs_options:
            yield reverse(name, kwargs=kwargs)


@pytest.fixture
def demo(settings: Any) -> Center:
    settings.DEMO_CASES_SCALE = SCALE
    call_command("load_demo", stdout=StringIO())
    center = Center.objects.get(code="demo-county")
    states = set(Case.objects.filter(center=center).values_list("state", flat=True))
    assert states >= set(SAMPLED_STATES)
    return center


def _client(username: str | None) -> Client:
    client = Client()
    if username is not None:
        client.force_login(get_user_model().objects.get(username=username))
    return client


# A window clerk (the case actions), the director (centre-wide, not at the window) and the public.
@pytest.mark.parametrize("username", ["clerk", "director", None])
def test_no_page_answers_a_server_error_to_any_role_or_input(demo: Center, username: str | None) -> None:
    client = _client(username)
    failures = []
    requests = 0
    for url in _urls(demo):
        for method, data in (("get", None), ("post", {}), ("post", JUNK_POST)):
            response = client.get(url + JUNK_QUERY) if method == "get" else client.post(url, data)
            requests += 1
            if response.status_code >= 500:
                failures.append(f"{method.upper()} {url} -> {response.status_code}")
    assert requests > 300  # the crawl really covered the routes
    assert failures == []
