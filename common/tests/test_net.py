"""The client's address (common/net.py): the peer, or behind a trusted proxy the right-most forwarded entry that
is not a trusted proxy; a spoofed X-Forwarded-For changes nothing. django-axes records the same address."""

from __future__ import annotations

from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory, override_settings
from django.urls import reverse

from common.checks import client_address_settings
from common.net import UNKNOWN_ADDRESS, address_in, client_address

PROXIES = ["127.0.0.1", "10.1.0.0/24"]


def _address(remote_addr: str | None, forwarded: str | None = None) -> str:
    request = RequestFactory().get("/")
    if remote_addr is None:
        del request.META["REMOTE_ADDR"]
    else:
        request.META["REMOTE_ADDR"] = remote_addr
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(request)


@override_settings(TRUSTED_PROXIES=PROXIES)
def test_a_forwarded_header_from_a_peer_that_is_not_a_trusted_proxy_is_ignored() -> None:
    assert _address("203.0.113.7") == "203.0.113.7"
    assert _address("203.0.113.7", "198.51.100.1") == "203.0.113.7"
    assert _address("203.0.113.7", "127.0.0.1, 10.1.0.5") == "203.0.113.7"


@override_settings(TRUSTED_PROXIES=PROXIES)
def test_behind_trusted_proxies_the_client_is_the_right_most_untrusted_entry() -> None:
    assert _address("127.0.0.1", "198.51.100.1") == "198.51.100.1"
    # Two proxies: the outer one (10.1.0.5) appended the client; what the client wrote itself is not believed.
    assert _address("127.0.0.1", "6.6.6.6, 198.51.100.1, 10.1.0.5") == "198.51.100.1"
    # Only trusted proxies in the chain: the left-most of them.
    assert _address("127.0.0.1", "10.1.0.9, 10.1.0.5") == "10.1.0.9"
    # From a trusted proxy without the header, the proxy itself.
    assert _address("127.0.0.1") == "127.0.0.1"
    assert _address("127.0.0.1", "") == "127.0.0.1"


@override_settings(TRUSTED_PROXIES=PROXIES)
def test_entries_that_are_not_addresses_end_the_walk_at_the_nearest_trusted_proxy() -> None:
    assert _address("127.0.0.1", "198.51.100.1, unknown") == "127.0.0.1"
    assert _address("127.0.0.1", "198.51.100.1, not-an-address, 10.1.0.5") == "10.1.0.5"
    # Ports, brackets and IPv4-mapped IPv6 addresses are read as the addresses they are.
    assert _address("127.0.0.1", "198.51.100.1:5123") == "198.51.100.1"
    assert _address("127.0.0.1", "[2001:db8::1]:443") == "2001:db8::1"
    assert _address("::ffff:127.0.0.1", "::ffff:198.51.100.1") == "198.51.100.1"


def test_without_trusted_proxies_the_peer_is_the_client() -> None:
    assert _address("127.0.0.1", "198.51.100.1") == "127.0.0.1"
    assert _address(None) == UNKNOWN_ADDRESS
    assert _address("") == UNKNOWN_ADDRESS


def test_address_in_networks() -> None:
    assert address_in("10.20.0.5", ["10.20.0.0/28"])
    assert address_in("::ffff:10.20.0.5", ["10.20.0.5"])
    assert not address_in("10.20.0.17", ["10.20.0.0/28"])
    assert not address_in("2001:db8::1", ["10.20.0.0/28"])
    assert not address_in("not-an-address", ["10.20.0.0/28"])


def test_address_settings_must_be_addresses_or_networks() -> None:
    with override_settings(
        TRUSTED_PROXIES=["127.0.0.1", "10.1.0.0/24", "::1"], KIOSK_ADDRESSES=["10.20.0.5"]
    ):
        assert client_address_settings() == []
    with override_settings(TRUSTED_PROXIES=["proxy.example"], KIOSK_ADDRESSES=["10.20.0.300"]):
        assert [message.id for message in client_address_settings()] == ["common.E002", "common.E002"]


@pytest.mark.django_db
@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_axes_records_the_client_behind_the_proxy_not_the_spoofed_entry(client: Any) -> None:
    client.post(
        reverse("org:login"),
        {"username": "nobody", "password": "wrong-password"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.1",
    )
    client.post(
        reverse("org:login"),
        {"username": "nobody", "password": "wrong-password"},
        REMOTE_ADDR="203.0.113.7",
        HTTP_X_FORWARDED_FOR="198.51.100.1",
    )
    recorded = sorted(AccessAttempt.objects.values_list("ip_address", "failures_since_start"))
    assert recorded == [("198.51.100.1", 1), ("203.0.113.7", 1)]
