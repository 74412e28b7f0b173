"""The case history is sealed with a key kept outside the database (R-CASE-10; docs/history-integrity.md): an
event changed by someone who holds the database but not the key is found even when every hash was recomputed;
keys rotate without old seals failing; a checkpoint kept outside the database finds events removed from the end
of a chain and cases removed altogether."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps as global_apps
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from cases.models import Case, CaseEvent, CaseState
from cases.selectors.chains import (
    BrokenChain,
    Checkpoint,
    CheckpointError,
    chains_verify,
    checkpoint_lines,
    read_checkpoint,
)
from cases.services.events import ChainReport, case_change, chain_verify, event_hash, lock_case
from cases.tests.factories import tampering
from cases.tests.test_history import URL, _case, _history
from common import seal as seals

OLD_KEY = "old-history-key-" + "o" * 32
NEW_KEY = "new-history-key-" + "n" * 32


def _rehash_from(case: Case, seq: int, **changes: Any) -> None:
    """What someone with the database but without the key does: change event `seq` with raw SQL, recompute
    its hash and every later event's link and hash (the algorithm is public), and move the case's chain head."""
    prev = ""
    events: list[dict[str, Any]] = [
        dict(e) for e in CaseEvent.objects.filter(case=case).order_by("seq").values()
    ]
    with tampering(), connection.cursor() as cursor:
        for event in events:
            if event["seq"] == seq:
                event.update(changes)
            if event["seq"] >= seq:
                event["hash"] = event_hash(
                    prev_hash=prev,
                    case_id=case.pk,
                    seq=event["seq"],
                    at=event["at"],
                    actor_id=event["actor_id"],
                    acting_as=event["acting_as"],
                    action=event["action"],
                    from_state=event["from_state"],
                    to_state=event["to_state"],
                    reason=event["reason"],
                    data=event["data"],
                )
                cursor.execute(
                    "UPDATE cases_caseevent SET reason = %s, prev_hash = %s, hash = %s WHERE id = %s",
                    [event["reason"], prev, event["hash"], event["id"]],
                )
            prev = event["hash"]
        cursor.execute("UPDATE cases_case SET chain_head = %s WHERE id = %s", [prev, case.pk])


def _drop_newest(case: Case) -> None:
    """Remove a case's newest event and roll the case back to match (revision, chain head): the chain that
    remains is consistent and every seal in it verifies."""
    last = CaseEvent.objects.filter(case=case).order_by("-seq").first()
    assert last is not None
    with tampering(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM cases_caseevent WHERE id = %s", [last.pk])
        cursor.execute(
            "UPDATE cases_case SET revision = revision - 1, chain_seq = chain_seq - 1, chain_head = %s "
            "WHERE id = %s",
            [last.prev_hash, case.pk],
        )


# --- the seal ------------------------------------------------------------------------------------------------


def test_r_case_10_every_event_is_sealed_under_the_current_key_and_an_unedited_chain_verifies(
    hall: Any,
) -> None:
    case = _history(_case(hall), hall.clerk)

    events = list(CaseEvent.objects.filter(case=case).order_by("seq"))
    assert [e.seal_key_id for e in events] == ["1", "1", "1"]
    assert all(seals.verifies(seals.CASE_EVENT, e.hash, "1", e.seal) for e in events)
    assert len({e.seal for e in events}) == 3
    assert chain_verify(case) == ChainReport(case.pk, 3, None, None)
    assert chains_verify(center=hall.center).ok


def test_r_case_10_an_event_edited_in_the_database_with_every_hash_recomputed_is_reported_as_tampered(
    hall: Any, login: Any
) -> None:
    case = _history(_case(hall), hall.clerk)
    untouched = _history(_case(hall), hall.clerk)

    _rehash_from(case, 2, reason="改过的理由")

    # Every link and hash matches again: the chain alone would not see it; the seals do.
    assert CaseEvent.objects.get(case=case, seq=2).reason == "改过的理由"
    assert chain_verify(case) == ChainReport(case.pk, 3, None, tampered_at=2)
    assert chain_verify(untouched).ok
    run = chains_verify(center=hall.center)
    assert run.broken == [BrokenChain(case.pk, "demo-county", case.number, 3, None, tampered_at=2)]
    assert run.tampered == 1

    out = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("verify_case_chains", stdout=out)
    assert failed.value.returncode == 1
    assert str(failed.value) == "已校验 2 件办件、6 条记录；未通过校验 1 件（其中签名不符 1 件）。"
    assert out.getvalue() == f"demo-county {case.number}: 第 2 条记录签名不符（被无密钥者改动）\n"

    page = login(hall.supervision).get(URL).content.decode()
    assert "已校验 2 件办件、6 条历史记录，其中 1 件办件未通过校验。" in page
    assert "1 件办件有记录的签名不符：记录被不掌握密钥的人改动过（哈希可能已被重算）。" in page
    assert f"<td>{case.number}</td>" in page
    assert "第 2 条记录被改动" in page
    assert "链条断裂" not in page
    assert untouched.number not in page


def test_r_case_10_a_seal_copied_from_another_event_or_removed_does_not_verify(hall: Any) -> None:
    case = _history(_case(hall), hall.clerk)
    first = CaseEvent.objects.get(case=case, seq=1)

    with tampering():
        CaseEvent.objects.filter(case=case, seq=2).update(seal=first.seal)
        CaseEvent.objects.filter(case=case, seq=3).update(seal="", seal_key_id="")

    assert chain_verify(case) == ChainReport(case.pk, 3, None, tampered_at=2)
    with tampering():
        CaseEvent.objects.filter(case=case, seq=2).update(seal_key_id="9")
    assert chain_verify(case).tampered_at == 2


def test_r_case_10_a_broken_link_and_a_bad_seal_are_told_apart(hall: Any) -> None:
    case = _history(_case(hall), hall.clerk)
    with tampering():
        CaseEvent.objects.filter(case=case, seq=1).update(reason="x")  # hash not recomputed
        CaseEvent.objects.filter(case=case, seq=3).update(seal="0" * 64)

    assert chains_verify(center=hall.center).broken == [
        BrokenChain(case.pk, "demo-county", case.number, 3, 1, tampered_at=3)
    ]
    # The one-case check stops at the first broken link, as it always did.
    assert chain_verify(case) == ChainReport(case.pk, 1, 1)
    out = StringIO()
    with pytest.raises(CommandError, match=r"（其中签名不符 1 件）"):
        call_command("verify_case_chains", stdout=out)
    assert out.getvalue() == (
        f"demo-county {case.number}: 第 3 条记录签名不符（被无密钥者改动）；第 1 条记录起链条断裂（共 3 条）\n"
    )


def test_r_case_10_sealing_adds_no_statement_to_a_transition(hall: Any) -> None:
    case = _case(hall)
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        locked = lock_case(case)
        case_change(case=locked, action="note", actor=hall.clerk, to_state=CaseState.SUSPENDED)
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(("INSERT", "UPDATE", "WITH"))]
    # The case's UPDATE and the event's INSERT (one statement on PostgreSQL), the seal inside the INSERT.
    assert len(writes) == (1 if connection.vendor == "postgresql" else 2)
    assert 'INSERT INTO "cases_caseevent"' in writes[-1] and '"seal"' in writes[-1]


# --- key rotation ----------------------------------------------------------------------------------------------


def test_r_case_10_after_a_key_rotation_old_seals_still_verify(hall: Any, settings: Any) -> None:
    settings.HISTORY_SEAL_KEY, settings.HISTORY_SEAL_KEY_ID = OLD_KEY, "2026a"
    case = _history(_case(hall), hall.clerk, steps=2)

    settings.HISTORY_SEAL_KEY, settings.HISTORY_SEAL_KEY_ID = NEW_KEY, "2026b"
    settings.HISTORY_SEAL_RETIRED_KEYS = {"2026a": OLD_KEY}
    with transaction.atomic():
        locked = lock_case(case)
        case_change(case=locked, action="note", actor=hall.clerk, reason="轮换密钥之后")

    assert list(
        CaseEvent.objects.filter(case=case).order_by("seq").values_list("seal_key_id", flat=True)
    ) == [
        "2026a",
        "2026a",
        "2026b",
    ]
    assert chain_verify(case) == ChainReport(case.pk, 3, None, None)
    assert chains_verify(center=hall.center).ok

    # An attacker who rewrites an old event cannot seal it with the retired key either.
    _rehash_from(case, 1, reason="改过的理由")
    assert chain_verify(case).tampered_at == 1

    # A retired key dropped from the settings while its seals remain: those events no longer verify.
    settings.HISTORY_SEAL_RETIRED_KEYS = {}
    assert chain_verify(case).tampered_at == 1


def test_r_case_10_a_retired_key_may_not_reuse_the_current_key_id(hall: Any, settings: Any) -> None:
    from django.core.exceptions import ImproperlyConfigured

    settings.HISTORY_SEAL_RETIRED_KEYS = {"1": OLD_KEY}
    with pytest.raises(ImproperlyConfigured, match="the current key's"):
        seals.keyring()
    settings.HISTORY_SEAL_RETIRED_KEYS = {}
    settings.HISTORY_SEAL_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="Set HISTORY_SEAL_KEY"):
        seals.keyring()


def test_history_seal_keys_from_the_environment() -> None:
    assert seals.parse_keys("") == {}
    assert seals.parse_keys("2025=abc==, 2024=def") == {"2025": "abc==", "2024": "def"}


# --- the events sealed by the migration ---------------------------------------------------------------------------


def test_r_case_10_the_migration_seals_the_events_stored_before_it_without_changing_them(hall: Any) -> None:
    case = _history(_case(hall), hall.clerk)
    before = list(
        CaseEvent.objects.filter(case=case).order_by("seq").values_list("reason", "hash", "prev_hash")
    )
    with tampering():
        CaseEvent.objects.update(seal="", seal_key_id="")  # as the rows stood before the migration
    assert chain_verify(case).tampered_at == 1

    migration = importlib.import_module("cases.migrations.0012_caseevent_seal")
    # The migration's own step, run on the test's connection (it only needs the editor's connection).
    migration.seal_existing_events(global_apps, SimpleNamespace(connection=connection))

    assert chain_verify(case) == ChainReport(case.pk, 3, None, None)
    after = list(
        CaseEvent.objects.filter(case=case).order_by("seq").values_list("reason", "hash", "prev_hash")
    )
    assert after == before


# --- checkpoints kept outside the database ---------------------------------------------------------------------


def _checkpoint(tmp_path: Path) -> Path:
    target = tmp_path / "history.checkpoint"
    out = StringIO()
    call_command("history_checkpoint", "--output", str(target), stdout=out)
    assert out.getvalue().startswith("检查点：")
    return target


def test_r_case_10_history_checkpoint_lists_every_chain_head_sealed(hall: Any, capsys: Any) -> None:
    first = _history(_case(hall), hall.clerk)
    second = _history(_case(hall), hall.clerk, steps=2)
    _case(hall)  # no history yet: not listed
    out, err = StringIO(), StringIO()

    call_command("history_checkpoint", stdout=out, stderr=err)

    lines = out.getvalue().splitlines()
    assert lines[0] == "govhall-history-checkpoint 1"
    assert lines[1].startswith("at ")
    first.refresh_from_db()
    second.refresh_from_db()
    assert lines[2:4] == [
        f"case demo-county {first.pk} 3 {first.chain_head}",
        f"case demo-county {second.pk} 2 {second.chain_head}",
    ]
    assert lines[4].startswith("seal 1 ") and len(lines) == 5
    assert err.getvalue().startswith("检查点：2 件办件、5 条记录；SHA-256 ")
    checkpoint = read_checkpoint(out.getvalue().splitlines(keepends=True))
    assert dict(checkpoint.heads) == {
        first.pk: ("demo-county", 3, first.chain_head),
        second.pk: ("demo-county", 2, second.chain_head),
    }


def test_r_case_10_newest_events_removed_after_a_checkpoint_are_found_against_it(
    hall: Any, tmp_path: Path
) -> None:
    case = _history(_case(hall), hall.clerk)
    _history(_case(hall), hall.clerk)
    checkpoint = _checkpoint(tmp_path)
    later = _history(_case(hall), hall.clerk, steps=1)  # after the checkpoint: checked as usual

    _drop_newest(case)

    # Without the checkpoint nothing shows: the chain that remains is whole and sealed.
    assert chain_verify(case).ok
    call_command("verify_case_chains", stdout=StringIO())

    out = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("verify_case_chains", "--checkpoint", str(checkpoint), stdout=out)
    assert failed.value.returncode == 1
    assert "（2 件办件）：已校验 3 件办件、6 条记录；未通过校验 1 件。" in str(failed.value)
    assert out.getvalue() == f"demo-county {case.number}: 检查点时的第 3 条记录已不在链上（现有 2 条）\n"
    assert later.number not in out.getvalue()


def test_r_case_10_a_case_removed_after_a_checkpoint_is_found_against_it(hall: Any) -> None:
    case = _history(_case(hall), hall.clerk)
    case.refresh_from_db()
    gone = 10**9
    checkpoint = Checkpoint(
        datetime(2026, 10, 12, tzinfo=UTC),
        {case.pk: ("demo-county", 3, case.chain_head), gone: ("demo-county", 4, "a" * 64)},
    )

    run = chains_verify(center=hall.center, limit=None, checkpoint=checkpoint)

    assert run.broken == [BrokenChain(gone, "demo-county", "", 0, None, checkpoint_seq=4, missing=True)]
    # Another centre's cases of the checkpoint are not this centre's to report.
    other = Checkpoint(checkpoint.at, {gone: ("third-county", 4, "a" * 64)})
    assert chains_verify(center=hall.center, limit=None, checkpoint=other).ok


def test_r_case_10_an_intact_history_verifies_against_its_checkpoint(hall: Any, tmp_path: Path) -> None:
    _history(_case(hall), hall.clerk)
    checkpoint = _checkpoint(tmp_path)
    out = StringIO()
    call_command("verify_case_chains", "--checkpoint", str(checkpoint), stdout=out)
    assert out.getvalue().endswith("（1 件办件）：已校验 1 件办件、3 条记录；未通过校验 0 件。\n")


def test_r_case_10_an_edited_or_foreign_checkpoint_is_refused(
    hall: Any, tmp_path: Path, settings: Any
) -> None:
    case = _history(_case(hall), hall.clerk)
    target = _checkpoint(tmp_path)
    text = target.read_text()
    # Someone lowers the recorded head to hide events they mean to remove.
    target.write_text(text.replace(f" {case.pk} 3 ", f" {case.pk} 2 "))
    with pytest.raises(CommandError, match="检查点无效：检查点的签名不符"):
        call_command("verify_case_chains", "--checkpoint", str(target))

    target.write_text(text)
    settings.HISTORY_SEAL_KEY = NEW_KEY  # another installation's key
    with pytest.raises(CheckpointError, match="签名不符"):
        read_checkpoint(text.splitlines(keepends=True))

    with pytest.raises(CheckpointError, match="没有签名行"):
        read_checkpoint(text.splitlines(keepends=True)[:-1])
    with pytest.raises(CheckpointError, match="不是办件历史检查点"):
        read_checkpoint(["hello\n", *text.splitlines(keepends=True)[1:]])
    with pytest.raises(CommandError, match="无法读取检查点文件"):
        call_command("verify_case_chains", "--checkpoint", str(tmp_path / "missing"))


def test_r_case_10_checkpoint_lines_end_with_the_seal(hall: Any) -> None:
    lines = list(checkpoint_lines(now=datetime(2026, 10, 12, 8, 0, tzinfo=UTC)))
    assert lines[:2] == ["govhall-history-checkpoint 1\n", "at 2026-10-12T08:00:00+00:00\n"]
    assert lines[-1].startswith("seal 1 ")
    assert read_checkpoint(lines).heads == {}
