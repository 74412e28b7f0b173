"""The progress lookup at the hall's touch screen (R-PUB-2, R-PUB-4): one person's wrong codes do not refuse the
next person at the same screen, while a guesser there is still stopped; the screen is known by its address
(`KIOSK_ADDRESSES`) behind the trusted proxy, and a forwarded address from anyone else is not believed."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import override_settings
from django.urls import reverse

from cases.models import Case
from cases.services.lookup import KIOSK_MAX_FAILURES, case_lookup_throttled
from cases.tests.factories import make_case, make_item_for
from common.errors import RuleViolation

KIOSK = "10.20.0.5"
PROXY = "127.0.0.1"
THROTTLED = "查询过于频繁，请15分钟后再试"
WRONG = "办件编号或查询码不正确，请核对受理通知书后重新输入。"
ANSWERED = "已受理办理中"

pytestmark = pytest.mark.usefixtures("kiosk_settings")


@pytest.fixture
def kiosk_settings() -> Any:
    with override_settings(KIOSK_ADDRESSES=["10.20.0.0/28"], TRUSTED_PROXIES=[PROXY]):
        yield


@pytest.fixture
def cases(hall: Any) -> list[Case]:
    item = make_item_for(hall.window, hall.post, name="对外贸易经营者备案登记")
    return [
        make_case(
            window=hall.window,
            item=item,
            received_by=hall.clerk,
            accepted_on=date(2026, 9, 30),
            number=f"DEMO-COUNTY-20260930-{n:05d}",
            query_code=f"48291{n}",
        )
        for n in range(1, 6)
    ]


def _kiosk(
    client: Any, hall: Any, number: str, code: str, *, peer: str = PROXY, forwarded: str = KIOSK
) -> Any:
    """A lookup on the touch screen's page, as the hall's proxy passes it on."""
    url = reverse("portal:kiosk_progress", kwargs={"center_code": hall.center.code})
    return client.post(
        url, {"number": number, "query_code": code}, REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded
    )


def test_r_pub_2_eight_wrong_codes_at_the_kiosk_do_not_refuse_the_next_people(
    client: Any, hall: Any, cases: list[Case]
) -> None:
    first, *others = cases
    # Someone at the screen types their code wrong eight times …
    for n in range(8):
        assert WRONG in _kiosk(client, hall, first.number, f"00000{n}").content.decode()
    # … and the next people, each mistyping once, are still answered: 12 failures at one screen in all.
    for case in others:
        assert WRONG in _kiosk(client, hall, case.number, "999999").content.decode()
        answered = _kiosk(client, hall, case.number, case.query_code)
        assert answered.status_code == 200
        assert ANSWERED in answered.content.decode()
    # The first person, with the right code at last, too.
    assert ANSWERED in _kiosk(client, hall, first.number, first.query_code).content.decode()


def test_r_pub_2_the_same_failures_from_one_person_elsewhere_are_refused(
    client: Any, hall: Any, cases: list[Case]
) -> None:
    first, *others = cases
    for n in range(8):
        _kiosk(client, hall, first.number, f"00000{n}", forwarded="198.51.100.1")
    for case in others[:2]:
        _kiosk(client, hall, case.number, "999999", forwarded="198.51.100.1")
    refused = _kiosk(client, hall, others[2].number, others[2].query_code, forwarded="198.51.100.1")
    assert refused.status_code == 429
    assert f"{THROTTLED}（R-PUB-2）" in refused.content.decode()


def test_r_pub_2_a_guesser_at_the_kiosk_is_stopped_on_the_number(
    client: Any, hall: Any, cases: list[Case]
) -> None:
    target, other = cases[0], cases[1]
    for n in range(10):
        assert WRONG in _kiosk(client, hall, target.number, f"1{n:05d}").content.decode()
    # The eleventh try on that number is refused, the right code included: no more guesses on it from here …
    refused = _kiosk(client, hall, target.number, target.query_code)
    assert refused.status_code == 429
    assert f"{THROTTLED}（R-PUB-2）" in refused.content.decode()
    assert ANSWERED not in refused.content.decode()
    # … while the next person at the screen looks up their own case, and the applicant is answered elsewhere.
    assert ANSWERED in _kiosk(client, hall, other.number, other.query_code).content.decode()
    elsewhere = _kiosk(client, hall, target.number, target.query_code, forwarded="198.51.100.9")
    assert ANSWERED in elsewhere.content.decode()


def test_r_pub_2_a_guesser_trying_many_numbers_at_the_kiosk_is_stopped_at_its_ceiling(
    hall: Any, cases: list[Case]
) -> None:
    for n in range(KIOSK_MAX_FAILURES):
        number = f"DEMO-COUNTY-20260930-{n + 100:05d}"
        assert case_lookup_throttled(center=hall.center, number=number, query_code="1", client=KIOSK) is None
    # Past the ceiling the screen is refused to everyone until the window ends; only a run of guesses does this.
    with pytest.raises(RuleViolation, match=THROTTLED):
        case_lookup_throttled(center=hall.center, number=cases[0].number, query_code="482911", client=KIOSK)
    # Another screen of the hall, and every other address, are not affected.
    assert case_lookup_throttled(
        center=hall.center, number=cases[0].number, query_code="482911", client="10.20.0.6"
    )


def test_r_pub_2_at_the_kiosk_a_number_under_guard_allows_one_guess(hall: Any, cases: list[Case]) -> None:
    target, other = cases[0], cases[1]
    for n in range(10):  # guesses against the number from ten addresses put it under guard
        case_lookup_throttled(
            center=hall.center, number=target.number, query_code="0", client=f"198.51.100.{n}"
        )
    assert (
        case_lookup_throttled(center=hall.center, number=target.number, query_code="1", client=KIOSK) is None
    )
    # That one guess used up the screen's allowance for this number, and only for this number.
    with pytest.raises(RuleViolation, match=THROTTLED):
        case_lookup_throttled(center=hall.center, number=target.number, query_code="482911", client=KIOSK)
    assert case_lookup_throttled(center=hall.center, number=other.number, query_code="482912", client=KIOSK)


def test_r_pub_2_a_forwarded_kiosk_address_from_an_untrusted_peer_is_not_believed(
    client: Any, hall: Any, cases: list[Case]
) -> None:
    # Someone on the internet claims to be the touch screen, to get its larger allowance.
    for n in range(10):
        number = f"DEMO-COUNTY-20260930-{n + 100:05d}"
        assert WRONG in _kiosk(client, hall, number, "1", peer="203.0.113.7").content.decode()
    refused = _kiosk(client, hall, cases[0].number, cases[0].query_code, peer="203.0.113.7")
    assert refused.status_code == 429
    # Their failures were counted against their own address, not the screen's.
    assert ANSWERED in _kiosk(client, hall, cases[0].number, cases[0].query_code).content.decode()


def test_r_pub_2_successes_do_not_use_up_an_allowance(hall: Any, cases: list[Case]) -> None:
    case = cases[0]
    for _ in range(9):
        case_lookup_throttled(center=hall.center, number=case.number, query_code="0", client="198.51.100.1")
    for _ in range(20):  # an applicant checking again and again uses nothing up
        assert case_lookup_throttled(
            center=hall.center, number=case.number, query_code="482911", client="198.51.100.1"
        )
    assert (
        case_lookup_throttled(center=hall.center, number=case.number, query_code="0", client="198.51.100.1")
        is None
    )
    with pytest.raises(RuleViolation, match=THROTTLED):  # the eleventh attempt after ten failures
        case_lookup_throttled(
            center=hall.center, number=case.number, query_code="482911", client="198.51.100.1"
        )
