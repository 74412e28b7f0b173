"""Fuzzing every GET, POST and PATCH operation of the OpenAPI schema: no input may make the API answer 5xx.

Schemathesis generates requests from `/api/v1/openapi.json` (valid ones, and ones that break the schema) and
sends them to the Django application through WSGI, signed in with a coordination user's token, with the
national calendar seeded, a published item and a case (with an extension, a notice, an inquiry and an
appointment) in place. Bounded and derandomised, so it is repeatable.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode

from cases.models import Extension, ExtensionRequest, Inquiry, Notice, NoticeKind
from cases.tests.factories import at, make_case
from catalog.tests.factories import make_published_item
from config.wsgi import application
from hall.models import Appointment
from workdays.tests.fixtures import national_calendar  # noqa: F401

MAX_EXAMPLES = 20
FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)


@pytest.fixture
def wsgi_in_test_transaction() -> Iterator[None]:
    """Let raw WSGI requests share the test's transaction, as Django's test client does: the request
    signals must not close the connection that holds it."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_world(hall: Any, national_calendar: Any, wsgi_in_test_transaction: None) -> dict[str, Any]:  # noqa: F811
    item = make_published_item(
        hall.center, hall.department, post=hall.post, code="FTB-001", name="对外贸易经营者备案登记"
    )
    token, _ = Token.objects.get_or_create(user=hall.coordination.user)
    return {
        "headers": {"Authorization": f"Token {token.key}"},
        "known": {"center": hall.center.code, "code": "FTB-001", **_case_world(hall, item)},
    }


def _case_world(hall: Any, item: Any) -> dict[str, int]:
    """A case with an extension, an extension request and a special-procedure notice, an inquiry and an
    appointment, so that the case operations are fuzzed on real rows rather than answering 404."""
    case = make_case(window=hall.window, item=item, received_by=hall.clerk, accepted_on=date(2026, 9, 30))
    notice = Notice.objects.create(
        center=hall.center,
        case=case,
        kind=NoticeKind.SPECIAL_PROCEDURE,
        number="FUZZ-TZ-1",
        issued_at=at(date(2026, 10, 9)),
        issued_by=hall.clerk,
    )
    extension = Extension.objects.create(
        case=case,
        days=2,
        reason="需补充核查",
        approved_by=hall.chief,
        approved_at=at(date(2026, 10, 9)),
        applicant_told_on=date(2026, 10, 9),
    )
    request = ExtensionRequest.objects.create(
        case=case, days=1, reason="需补充核查", requested_by=hall.clerk, requested_at=at(date(2026, 10, 9))
    )
    inquiry = Inquiry.objects.create(
        center=hall.center,
        channel="window",
        window=hall.window,
        first_receiver=hall.clerk,
        asked_at=at(date(2026, 9, 28)),
        question="如何办理备案？",
    )
    appointment = Appointment.objects.create(
        center=hall.center,
        window=hall.window,
        applicant_name="预约人",
        applicant_phone="13800000000",
        starts_at=at(date(2026, 10, 12)),
    )
    return {
        "case_id": case.pk,
        "notice_id": notice.pk,
        "extension_id": extension.pk,
        "extension_request_id": request.pk,
        "inquiry_id": inquiry.pk,
        "appointment_id": appointment.pk,
    }


def _strategy(operation: Any, known: dict[str, Any]) -> st.SearchStrategy:
    """Requests that fit the schema and requests that break it, aimed at the real centre and item so that
    they reach past the 404 (unknown centres and items are covered by the other tests)."""
    names = {p.name for p in operation.path_parameters}
    fixed = {k: v for k, v in known.items() if k in names} or None
    return st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE, path_parameters=fixed),
        operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=fixed),
    )


@pytest.mark.slow
@pytest.mark.django_db(transaction=False)
def test_no_request_makes_the_api_answer_5xx(fuzz_world):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    operations = [
        result.ok() for result in schema.include(method=["GET", "POST", "PATCH"]).get_all_operations()
    ]
    assert len(operations) > 20

    for operation in operations:

        @FUZZ_SETTINGS
        @given(case=_strategy(operation, fuzz_world["known"]))
        def fuzz(case: Any) -> None:
            response = case.call(headers=fuzz_world["headers"])
            case.validate_response(response, checks=[not_a_server_error])

        fuzz()
