"""The key that encrypts complainants' identities (R-CMP-4): kept outside the database, required in production,
rotated with retired keys; a token opens only with its key and in its own place."""

from __future__ import annotations

import os
import runpy
import secrets
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from common import crypto


def _production(**environ: str) -> dict[str, Any]:
    env = {
        "SECRET_KEY": secrets.token_urlsafe(40),
        "HISTORY_SEAL_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "govhall.example.gov.cn",
        **environ,
    }
    names = [*env, "PERSONAL_DATA_KEY", "PERSONAL_DATA_RETIRED_KEYS"]
    saved = {name: os.environ.get(name) for name in names}
    try:
        os.environ.pop("PERSONAL_DATA_KEY", None)
        os.environ.update(env)
        return runpy.run_module("config.settings.production")
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def test_r_cmp_4_production_refuses_to_start_without_a_proper_personal_data_key() -> None:
    with pytest.raises(ImproperlyConfigured, match="PERSONAL_DATA_KEY"):
        _production()
    with pytest.raises(ImproperlyConfigured, match="PERSONAL_DATA_KEY"):
        _production(PERSONAL_DATA_KEY="short")
    same = secrets.token_urlsafe(40)
    with pytest.raises(ImproperlyConfigured, match="PERSONAL_DATA_KEY"):
        _production(PERSONAL_DATA_KEY=same, HISTORY_SEAL_KEY=same)
    key = secrets.token_urlsafe(40)
    loaded = _production(PERSONAL_DATA_KEY=key, PERSONAL_DATA_RETIRED_KEYS="a=" + "o" * 40)
    assert loaded["PERSONAL_DATA_KEY"] == key and loaded["PERSONAL_DATA_RETIRED_KEYS"] == {"a": "o" * 40}


def test_r_cmp_4_a_token_opens_only_with_its_key_in_its_own_place(settings: Any) -> None:
    token = crypto.encrypt({"name": "陈投诉"}, context="here")
    assert "陈投诉" not in token and crypto.decrypt(token, context="here") == {"name": "陈投诉"}
    with pytest.raises(crypto.UnreadableToken):
        crypto.decrypt(token, context="elsewhere")
    tampered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    with pytest.raises(crypto.UnreadableToken):
        crypto.decrypt(tampered, context="here")
    with pytest.raises(crypto.UnreadableToken):
        crypto.decrypt("plain text", context="here")
    settings.PERSONAL_DATA_KEY = "another key entirely, forty characters long"
    with pytest.raises(crypto.UnreadableToken):
        crypto.decrypt(token, context="here")
    assert crypto.encrypt({"a": 1}, context="x") != crypto.encrypt({"a": 1}, context="x")  # a fresh nonce
