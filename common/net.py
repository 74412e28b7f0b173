"""Who is asking: the client's address, the one every throttle, django-axes and the logs use.

The peer of a request (`REMOTE_ADDR`) is the client, unless it is one of the proxies named in the setting
`TRUSTED_PROXIES` (addresses or networks, e.g. `["127.0.0.1", "10.1.0.0/24"]`). A request from a trusted proxy
carries the client in `X-Forwarded-For`, to which each proxy appends the address it was connected from: the
client is the right-most entry that is not itself a trusted proxy. Entries to the left of it were written by
whoever sent the request and are never believed, so a spoofed `X-Forwarded-For` changes nothing; from a peer
that is not a trusted proxy the header is ignored altogether.

Addresses are compared as addresses (`::ffff:10.0.0.1` is `10.0.0.1`), and the answer is always a valid IP
address, as django-axes stores it in an address column: an entry that is not an address ends the walk at the
nearest trusted proxy, and a request without a usable peer (`REMOTE_ADDR` empty) is `UNKNOWN_ADDRESS`.

`KIOSK_ADDRESSES` names, the same way, the addresses that many people share: the hall's touch screens and the
hall's guest network (`address_in(address, settings.KIOSK_ADDRESSES)`; see `cases.services.lookup`).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

UNKNOWN_ADDRESS = "0.0.0.0"  # noqa: S104 - a value to count by, never bound to


def parse_address(text: str) -> IPAddress | None:
    """`text` as an address (an IPv4-mapped IPv6 address as its IPv4 one; a port or brackets stripped), or
    None when it is not one."""
    text = text.strip()
    if text.startswith("["):  # [2001:db8::1]:443
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:  # 192.0.2.1:443
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def parse_networks(entries: Iterable[str]) -> tuple[IPNetwork, ...]:
    """Addresses and networks (`10.0.0.1`, `10.1.0.0/24`, `::1`) as networks; ValueError names a bad entry."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ValueError(f"{entry!r} is neither an IP address nor a network") from None
    return tuple(networks)


@lru_cache(maxsize=16)
def _networks(entries: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return parse_networks(entries)


def _within(address: IPAddress, networks: tuple[IPNetwork, ...]) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def address_in(address: str, setting: Iterable[str]) -> bool:
    """Whether `address` lies in one of the addresses or networks of `setting` (e.g. settings.KIOSK_ADDRESSES)."""
    parsed = parse_address(address)
    return parsed is not None and _within(parsed, _networks(tuple(setting)))


def client_address(request: Any) -> str:
    """The client's address: the peer, or behind trusted proxies the right-most untrusted forwarded entry."""
    peer = parse_address(str(request.META.get("REMOTE_ADDR") or ""))
    if peer is None:
        return UNKNOWN_ADDRESS
    trusted = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    if not _within(peer, trusted):
        return str(peer)
    client = peer
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR") or "")
    for entry in reversed(forwarded.split(",")):
        address = parse_address(entry)
        if address is None:
            break
        client = address
        if not _within(address, trusted):
            break
    return str(client)
