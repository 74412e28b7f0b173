"""Every entry of the general history is sealed with a key kept outside the database (docs/history-integrity.md):
an entry changed in the database by someone without the key no longer verifies, whatever they recompute."""

from __future__ import annotations

import importlib
from datetime import UTC, date, datetime
from decimal import Decimal
from io import StringIO
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps as global_apps
from django.core.management import CommandError, call_command
from django.db import connection

from common.history import TamperedEntry, diff, history_verify, record
from common.models import HistoryEntry
from common.tests.triggers import triggers_off

OLD_KEY = "old-history-key-" + "o" * 32
NEW_KEY = "new-history-key-" + "n" * 32


def tampering() -> Any:
    return triggers_off(("common_historyentry", "common_historyentry_append_only"))


def _entry(hall: Any, **kw: Any) -> HistoryEntry:
    changes = diff(
        {"phone": "1", "opens": date(2026, 1, 1), "fee": Decimal("10.50")},
        {"phone": "2", "opens": date(2026, 2, 1), "fee": Decimal("12.00"), "posts": [hall.post, "甲"]},
    )
    return record(subject=hall.window, action="update", actor=hall.office.user, changes=changes, **kw)


@pytest.mark.django_db
def test_r_case_10_every_history_entry_is_sealed_and_verifies_as_stored(hall: Any) -> None:
    entry = _entry(hall, reason="号码调整", rule="R-ORG-2")
    stored = HistoryEntry.objects.get(pk=entry.pk)

    assert (stored.seal_key_id, stored.seal) == ("1", entry.seal)
    assert len(stored.seal) == 64
    assert stored.digest() == entry.digest()  # the same after the round trip through the database
    run = history_verify()
    assert (run.checked, run.tampered, run.ok) == (1, [], True)
    out = StringIO()
    call_command("verify_history", stdout=out)
    assert out.getvalue() == "已校验 1 条变更历史；签名不符 0 条。\n"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("reason", "改过的理由"),
        ("changes", '{"phone": ["1", "3"]}'),
        ("at", "2026-01-01 00:00:00"),
        ("actor_id", None),
    ],
)
def test_r_case_10_a_history_entry_edited_in_the_database_is_reported_as_tampered(
    hall: Any, column: str, value: Any
) -> None:
    entry = _entry(hall)
    untouched = record(subject=hall.window, action="note", actor=hall.office.user)
    with tampering(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE common_historyentry SET {column} = %s WHERE id = %s", [value, entry.pk])  # noqa: S608

    run = history_verify()
    assert run.checked == 2
    assert [t.id for t in run.tampered] == [entry.pk]
    assert untouched.pk not in [t.id for t in run.tampered]
    out = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("verify_history", stdout=out)
    assert failed.value.returncode == 1
    assert str(failed.value) == "已校验 2 条变更历史；签名不符 1 条。"
    assert out.getvalue().startswith(f"#{entry.pk} ")
    assert out.getvalue().endswith(f"{hall.window} update: 签名不符（被无密钥者改动）\n")


@pytest.mark.django_db
def test_r_case_10_a_seal_copied_from_another_entry_does_not_verify(hall: Any) -> None:
    first = record(subject=hall.window, action="note", actor=hall.office.user)
    second = record(subject=hall.window, action="note", actor=hall.office.user, reason="x")
    with tampering(), connection.cursor() as cursor:
        cursor.execute("UPDATE common_historyentry SET seal = %s WHERE id = %s", [first.seal, second.pk])
    assert [t.id for t in history_verify().tampered] == [second.pk]


@pytest.mark.django_db
def test_r_case_10_history_seals_verify_after_a_key_rotation(hall: Any, settings: Any) -> None:
    settings.HISTORY_SEAL_KEY, settings.HISTORY_SEAL_KEY_ID = OLD_KEY, "a"
    old = _entry(hall)
    settings.HISTORY_SEAL_KEY, settings.HISTORY_SEAL_KEY_ID = NEW_KEY, "b"
    settings.HISTORY_SEAL_RETIRED_KEYS = {"a": OLD_KEY}
    new = _entry(hall)

    assert (old.seal_key_id, new.seal_key_id) == ("a", "b")
    assert history_verify().ok
    settings.HISTORY_SEAL_RETIRED_KEYS = {}
    assert history_verify().tampered == [TamperedEntry(old.pk, old.at, old.subject_label, "update")]


@pytest.mark.django_db
def test_r_case_10_the_migration_seals_the_entries_stored_before_it_without_changing_them(hall: Any) -> None:
    entry = _entry(hall, reason="原因")
    with tampering(), connection.cursor() as cursor:
        cursor.execute("UPDATE common_historyentry SET seal = '', seal_key_id = ''")
    assert not history_verify().ok

    migration = importlib.import_module("common.migrations.0004_historyentry_seal")
    migration.seal_existing_entries(global_apps, SimpleNamespace(connection=connection))

    assert history_verify().ok
    stored = HistoryEntry.objects.get(pk=entry.pk)
    assert (stored.reason, stored.changes, stored.at) == (entry.reason, entry.changes, entry.at)
    assert stored.seal == entry.seal


@pytest.mark.django_db
def test_r_case_10_a_history_entry_keeps_the_moment_it_was_made(hall: Any) -> None:
    before = datetime.now(UTC)
    entry = record(subject=hall.window, action="note")
    assert before <= HistoryEntry.objects.get(pk=entry.pk).at <= datetime.now(UTC)
