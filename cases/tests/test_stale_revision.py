"""Optimistic concurrency on the two case writes that are not in the action panel: recording the delivery of a
special-procedure notice (R-CLK-4) and filing an extension (R-CLK-5). Each carries the revision the page or the
client read; a stale one is a conflict (409) that changes nothing, and each write moves the revision on."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from api.tests.helpers import token_client
from cases.models import Case, Extension, Notice
from cases.services.clock import (
    clock_start,
    extension_file,
    extension_request,
    special_procedure_notice_delivered,
    special_procedure_start,
)
from cases.tests.factories import at, make_case, make_item_for
from common.errors import Conflict

pytestmark = pytest.mark.usefixtures("national_calendar")

REFRESH_MESSAGE = "该办件已被他人更新，请刷新页面后重试。"
DAY = date(2026, 10, 9)


def _accepted(hall: Any) -> Case:
    item = make_item_for(
        hall.window,
        hall.post,
        promised_limit_days=5,
        special_procedures=["testing"],
        extension_allowed=True,
        max_extension_days=10,
    )
    case = make_case(window=hall.window, item=item, received_by=hall.clerk, accepted_on=date(2026, 9, 30))
    clock_start(case=case)
    case.refresh_from_db()
    return case


def _suspended(hall: Any) -> tuple[Case, Notice]:
    case = _accepted(hall)
    suspension = special_procedure_start(
        actor=hall.clerk, case=case, kind="testing", reason="送检", expected_days=3, at=at(DAY, 10)
    )
    case.refresh_from_db()
    assert suspension.notice is not None
    return case, suspension.notice


def _extended(hall: Any) -> tuple[Case, Extension]:
    case = _accepted(hall)
    extension = extension_request(
        actor=hall.chief, case=case, days=2, reason="需现场核查", at=at(DAY, 10)
    ).extension
    assert extension is not None
    case.refresh_from_db()
    return case, extension


def _state(case: Case) -> tuple[int, int]:
    case.refresh_from_db()
    return case.revision, case.events.count()


# --- the services ---------------------------------------------------------------------------------------------


def test_stale_revision_refuses_the_notice_delivery_and_changes_nothing(hall: Any) -> None:
    case, notice = _suspended(hall)
    before = _state(case)

    with pytest.raises(Conflict):
        special_procedure_notice_delivered(
            actor=hall.clerk,
            notice=notice,
            method="当面送达",
            at=at(DAY, 11),
            expected_revision=case.revision - 1,
        )

    notice.refresh_from_db()
    assert (notice.delivered_at, _state(case)) == (None, before)
    special_procedure_notice_delivered(
        actor=hall.clerk, notice=notice, method="当面送达", at=at(DAY, 11), expected_revision=case.revision
    )
    notice.refresh_from_db()
    assert notice.delivered_at == at(DAY, 11)
    assert _state(case) == (before[0] + 1, before[1] + 1)  # the write moves the revision on


def test_stale_revision_refuses_the_extension_filing_and_changes_nothing(hall: Any) -> None:
    case, extension = _extended(hall)
    before = _state(case)

    with pytest.raises(Conflict):
        extension_file(
            actor=hall.coordination, extension=extension, at=at(DAY, 14), expected_revision=case.revision + 1
        )

    extension.refresh_from_db()
    assert (extension.filed_at, _state(case)) == (None, before)
    extension_file(
        actor=hall.coordination, extension=extension, at=at(DAY, 14), expected_revision=case.revision
    )
    extension.refresh_from_db()
    assert extension.filed_at == at(DAY, 14)
    assert _state(case) == (before[0] + 1, before[1] + 1)


def test_a_page_read_before_the_filing_cannot_then_deliver(hall: Any) -> None:
    """Two people on the same page: the first write wins, the second (same revision) is a conflict."""
    case, notice = _suspended(hall)
    extension = Extension.objects.create(
        case=case, days=1, reason="x", approved_by=hall.chief, approved_at=at(DAY, 9), applicant_told_on=DAY
    )
    seen = case.revision
    extension_file(actor=hall.coordination, extension=extension, at=at(DAY, 11), expected_revision=seen)
    with pytest.raises(Conflict):
        special_procedure_notice_delivered(
            actor=hall.clerk, notice=notice, method="邮寄", at=at(DAY, 11), expected_revision=seen
        )


# --- the case page --------------------------------------------------------------------------------------------


def _post(client: Client, staff: Any, url: str, data: dict[str, Any]) -> Any:
    with time_machine.travel(at(DAY, 11), tick=False):
        client.force_login(staff.user)
        return client.post(url, data)


def test_case_page_forms_carry_the_revision(hall: Any, client: Client) -> None:
    case, notice = _suspended(hall)
    _extension = Extension.objects.create(
        case=case, days=1, reason="x", approved_by=hall.chief, approved_at=at(DAY, 9), applicant_told_on=DAY
    )
    hidden = f'<input type="hidden" name="revision" value="{case.revision}">'
    for staff, url in (
        (hall.clerk, reverse("cases:case_notice_delivered", args=[notice.pk])),
        (hall.coordination, reverse("cases:extension_file", args=[_extension.pk])),
    ):
        with time_machine.travel(at(DAY, 11), tick=False):
            client.force_login(staff.user)
            page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
        form = page[page.index(f'action="{url}"') :]
        assert hidden in form[: form.index("</form>")]


def test_case_page_stale_notice_delivery_is_409_with_the_refresh_message(hall: Any, client: Client) -> None:
    case, notice = _suspended(hall)
    url = reverse("cases:case_notice_delivered", args=[notice.pk])
    before = _state(case)

    stale = _post(client, hall.clerk, url, {"method": "当面送达", "revision": case.revision - 1})
    missing = _post(client, hall.clerk, url, {"method": "当面送达"})

    assert (stale.status_code, missing.status_code) == (409, 409)
    assert REFRESH_MESSAGE in stale.content.decode()
    notice.refresh_from_db()
    assert (notice.delivered_at, _state(case)) == (None, before)
    fresh = _post(client, hall.clerk, url, {"method": "当面送达", "revision": case.revision})
    assert fresh.status_code == 302


def test_case_page_stale_extension_filing_is_409_with_the_refresh_message(hall: Any, client: Client) -> None:
    case, extension = _extended(hall)
    url = reverse("cases:extension_file", args=[extension.pk])
    before = _state(case)

    stale = _post(client, hall.coordination, url, {"revision": case.revision + 3})

    assert stale.status_code == 409
    assert REFRESH_MESSAGE in stale.content.decode()
    extension.refresh_from_db()
    assert (extension.filed_at, _state(case)) == (None, before)
    assert _post(client, hall.coordination, url, {"revision": case.revision}).status_code == 302


# --- the API --------------------------------------------------------------------------------------------------


def _api(staff: Any, url: str, data: dict[str, Any]) -> Any:
    with time_machine.travel(at(DAY, 11), tick=False):
        return token_client(staff).post(url, data, format="json")


def test_api_stale_notice_delivery_answers_409_and_changes_nothing(hall: Any) -> None:
    case, notice = _suspended(hall)
    url = reverse("api:notice_delivered", kwargs={"notice_id": notice.pk})
    before = _state(case)

    stale = _api(hall.clerk, url, {"revision": case.revision - 1, "method": "当面送达"})

    assert stale.status_code == 409
    assert stale.json() == {"error": {"code": "conflict", "message": REFRESH_MESSAGE}}
    notice.refresh_from_db()
    assert (notice.delivered_at, _state(case)) == (None, before)
    fresh = _api(hall.clerk, url, {"revision": case.revision, "method": "当面送达"})
    assert fresh.status_code == 200
    assert fresh.json()["revision"] == case.revision + 1


def test_api_stale_extension_filing_answers_409_and_changes_nothing(hall: Any) -> None:
    case, extension = _extended(hall)
    url = reverse("api:extension_file", kwargs={"extension_id": extension.pk})
    before = _state(case)

    stale = _api(hall.coordination, url, {"revision": case.revision + 1})

    assert stale.status_code == 409
    extension.refresh_from_db()
    assert (extension.filed_at, _state(case)) == (None, before)
    fresh = _api(hall.coordination, url, {"revision": case.revision})
    assert fresh.status_code == 200
    assert fresh.json()["revision"] == case.revision + 1
