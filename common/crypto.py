"""Personal data encrypted at rest: AES-256-GCM under a key kept outside the database.

Some personal data must be stored yet read by almost nobody: a complainant's name, phone, address and ID
number (R-CMP-4). Such values are stored as one token, `pd1.<key id>.<base64url(nonce | ciphertext | tag)>`,
made with `PERSONAL_DATA_KEY` (from the environment in production, derived from `SECRET_KEY` in development and
tests, never stored in the database), so that a database dump or backup alone does not reveal them.

Each token is bound to its place (`context`, e.g. "supervision.complaint:<tracking id>") as associated data: a
token copied into another row does not open there. GCM also refuses a token changed in the database.

Keys rotate like the history seal's: new tokens are made with `PERSONAL_DATA_KEY` under `PERSONAL_DATA_KEY_ID`,
tokens made with earlier keys still open with `PERSONAL_DATA_RETIRED_KEYS` ({key id: key}) until they are
rewritten under the current key (`rekey`). The key string is stretched to 256 bits with HKDF-SHA256.
"""

from __future__ import annotations

import base64
import json
import os
import re
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "pd1"
NONCE_BYTES = 12
_KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,16}")
_HKDF_INFO = b"govhall personal data aes-256-gcm v1"


class UnreadableToken(Exception):
    """A token that does not open: made under a key no longer configured, changed, or moved to another row."""


def _check_id(key_id: str, setting: str) -> str:
    if not _KEY_ID.fullmatch(key_id):
        raise ImproperlyConfigured(f"{setting}: a key id is 1-16 letters, digits, '_' or '-'.")
    return key_id


@lru_cache(maxsize=16)
def _aead(key: str, setting: str) -> AESGCM:
    if not key:
        raise ImproperlyConfigured(f"Set {setting}: the key that encrypts personal data at rest.")
    material = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(key.encode())
    return AESGCM(material)


def current_key_id() -> str:
    return _check_id(str(getattr(settings, "PERSONAL_DATA_KEY_ID", "1")), "PERSONAL_DATA_KEY_ID")


def _key_for(key_id: str) -> AESGCM:
    if key_id == current_key_id():
        return _aead(getattr(settings, "PERSONAL_DATA_KEY", ""), "PERSONAL_DATA_KEY")
    retired = getattr(settings, "PERSONAL_DATA_RETIRED_KEYS", None) or {}
    if key_id not in retired:
        raise UnreadableToken(f"no key {key_id!r} is configured")
    return _aead(retired[key_id], f"PERSONAL_DATA_RETIRED_KEYS[{key_id!r}]")


def encrypt(values: dict[str, Any], *, context: str) -> str:
    """The token of `values` (JSON-serialisable) for `context`, under the current key."""
    key_id = current_key_id()
    nonce = os.urandom(NONCE_BYTES)
    plain = json.dumps(values, ensure_ascii=False, sort_keys=True).encode()
    sealed = _key_for(key_id).encrypt(nonce, plain, context.encode())
    return f"{PREFIX}.{key_id}.{base64.urlsafe_b64encode(nonce + sealed).decode().rstrip('=')}"


def decrypt(token: str, *, context: str) -> dict[str, Any]:
    """The values of `token` made for `context`; UnreadableToken when it does not open."""
    try:
        prefix, key_id, body = token.split(".", 2)
    except ValueError:
        raise UnreadableToken("not a personal-data token") from None
    if prefix != PREFIX:
        raise UnreadableToken("not a personal-data token")
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        plain = _key_for(key_id).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode())
    except (InvalidTag, ValueError) as error:
        raise UnreadableToken("the token does not open with its key") from error
    value = json.loads(plain)
    if not isinstance(value, dict):
        raise UnreadableToken("not a personal-data token")
    return value


def key_id_of(token: str) -> str:
    """The id of the key a token was made with ("" for anything else)."""
    parts = token.split(".", 2)
    return parts[1] if len(parts) == 3 and parts[0] == PREFIX else ""


def rekey(token: str, *, context: str) -> str:
    """`token` made again under the current key (the same token when it already is)."""
    if key_id_of(token) == current_key_id():
        return token
    return encrypt(decrypt(token, context=context), context=context)


def parse_keys(text: str) -> dict[str, str]:
    """Retired keys from the environment, as `id=key,id=key`."""
    keys: dict[str, str] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        key_id, sep, key = part.partition("=")
        if not sep or not key:
            raise ImproperlyConfigured("PERSONAL_DATA_RETIRED_KEYS: write them as id=key,id=key.")
        keys[_check_id(key_id.strip(), "PERSONAL_DATA_RETIRED_KEYS")] = key.strip()
    return keys
