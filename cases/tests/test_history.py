"""The case history is append-only and tamper-evident (R-CASE-10): a hash chain, its verification by the
command and the supervision page, and optimistic concurrency on the case row."""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.urls import reverse

from cases.models import Case, CaseEvent, CaseState
from cases.selectors import chains as selectors
from cases.selectors.chains import BrokenChain, chains_verify
from cases.services.events import ChainReport, case_change, chain_verify, event_hash, lock_case
from cases.tests.factories import at, make_case, make_item_for, tampering
from common.errors import Conflict
from org.tests import factories as org_factories

MOMENTS = [datetime(2026, 10, 8, 2, 0, tzinfo=UTC), datetime(2026, 10, 9, 3, 30, tzinfo=UTC)]
MOMENTS.append(datetime(2026, 10, 12, 6, 15, tzinfo=UTC))
STATES = [CaseState.SUSPENDED, CaseState.ACCEPTED, CaseState.APPROVED]


def _case(hall: Any, **fields: Any) -> Case:
    item = make_item_for(hall.window, hall.post)
    return make_case(window=hall.window, item=item, received_by=hall.clerk, **fields)


def _history(case: Case, actor: Any, steps: int = 3) -> Case:
    """`steps` state changes through `case_change`, each in its own transaction, as a service makes them."""
    for i in range(steps):
        with transaction.atomic():
            locked = lock_case(case, expected_revision=case.revision)
            case_change(
                case=locked,
                action=f"step{i + 1}",
                actor=actor,
                acting_as="A",
                to_state=STATES[i],
                reason=f"第{i + 1}次变更",
                data={"i": i, "on": date(2026, 10, 8 + i)},
                at=MOMENTS[i],
            )
        case = locked
    return case


# --- the chain ---------------------------------------------------------------------------------------------


def test_r_case_10_each_change_appends_an_event_chained_to_the_previous_one(hall: Any) -> None:
    case = _history(_case(hall), hall.clerk)

    case.refresh_from_db()
    assert case.state == CaseState.APPROVED
    assert case.revision == 3
    events = list(CaseEvent.objects.filter(case=case).order_by("seq"))
    assert [(e.seq, e.action, e.from_state, e.to_state, e.reason) for e in events] == [
        (1, "step1", "accepted", "suspended", "第1次变更"),
        (2, "step2", "suspended", "accepted", "第2次变更"),
        (3, "step3", "accepted", "approved", "第3次变更"),
    ]
    assert [(e.actor_id, e.acting_as, e.at) for e in events] == [(hall.clerk.pk, "A", m) for m in MOMENTS]
    assert events[0].data == {"i": 0, "on": "2026-10-08"}
    assert events[0].prev_hash == ""
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    assert len({e.hash for e in events}) == 3
    assert chain_verify(case) == ChainReport(case.pk, 3, None)
    run = chains_verify(center=hall.center)
    assert (run.total, run.checked, run.events, run.broken, run.ok) == (1, 1, 3, [], True)


def test_r_case_10_a_case_without_history_verifies(hall: Any) -> None:
    case = _case(hall)
    assert chain_verify(case) == ChainReport(case.pk, 0, None)
    assert chains_verify(center=hall.center).ok


def test_r_case_10_chain_holds_when_the_moment_is_given_in_local_time(hall: Any) -> None:
    case = _case(hall)
    with transaction.atomic():
        locked = lock_case(case)
        case_change(case=locked, action="note", actor=hall.clerk, at=at(date(2026, 10, 8), 10))
    assert chain_verify(case) == ChainReport(case.pk, 1, None)


def test_r_case_10_an_altered_event_is_detected_at_its_seq(hall: Any) -> None:
    case = _history(_case(hall), hall.clerk)
    untouched = _history(_case(hall), hall.backup)
    second = CaseEvent.objects.get(case=case, seq=2)

    with tampering():
        CaseEvent.objects.filter(pk=second.pk).update(reason="x")

    # Changed without recomputing its hash: a broken link; its seal (of the stored hash) still verifies.
    assert chain_verify(case) == ChainReport(case.pk, 2, 2)
    assert chain_verify(untouched) == ChainReport(untouched.pk, 3, None)
    run = chains_verify(center=hall.center)
    assert run.broken == [BrokenChain(case.pk, "demo-county", case.number, 3, 2)]
    assert (run.checked, run.events, run.tampered) == (2, 6, 0)


def test_r_case_10_an_event_altered_with_its_own_hash_recomputed_breaks_the_next_link_and_its_seal(
    hall: Any,
) -> None:
    case = _history(_case(hall), hall.clerk)
    second = CaseEvent.objects.get(case=case, seq=2)
    forged = event_hash(
        prev_hash=second.prev_hash,
        case_id=case.pk,
        seq=2,
        at=second.at,
        actor_id=second.actor_id,
        acting_as=second.acting_as,
        action=second.action,
        from_state=second.from_state,
        to_state=second.to_state,
        reason="x",
        data=second.data,
    )

    with tampering():
        CaseEvent.objects.filter(pk=second.pk).update(reason="x", hash=forged)

    assert chain_verify(case) == ChainReport(case.pk, 3, 3, tampered_at=2)
    assert chains_verify(center=hall.center).broken == [
        BrokenChain(case.pk, "demo-county", case.number, 3, 3, tampered_at=2)
    ]


def test_r_case_10_a_deleted_event_is_detected(hall: Any) -> None:
    case = _history(_case(hall), hall.clerk)

    with tampering():
        CaseEvent.objects.filter(case=case, seq=2).delete()

    # The third event is now the second one: its seq and its link to the previous hash no longer match.
    assert chain_verify(case) == ChainReport(case.pk, 2, 3)
    assert chains_verify(center=hall.center).broken == [
        BrokenChain(case.pk, "demo-county", case.number, 2, 3)
    ]


def test_r_case_10_a_deleted_last_event_is_detected_by_the_revision_count(hall: Any) -> None:
    case = _history(_case(hall), hall.clerk)

    with tampering():
        CaseEvent.objects.filter(case=case, seq=3).delete()

    # The remaining chain is consistent in itself; the case's revision (3) says an event is missing.
    assert chain_verify(case) == ChainReport(case.pk, 2, None)
    assert chains_verify(center=hall.center).broken == [
        BrokenChain(case.pk, "demo-county", case.number, 2, 3, truncated=True)
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL")
def test_r_case_10_the_database_refuses_to_update_or_delete_an_event(hall: Any) -> None:
    from django.db import DatabaseError

    case = _history(_case(hall), hall.clerk)
    with pytest.raises(DatabaseError, match="append-only table cases_caseevent"), transaction.atomic():
        CaseEvent.objects.filter(case=case, seq=2).update(reason="x")
    with pytest.raises(DatabaseError, match="append-only table cases_caseevent"), transaction.atomic():
        CaseEvent.objects.filter(case=case, seq=3).delete()
    assert chain_verify(case) == ChainReport(case.pk, 3, None)


# --- concurrency -------------------------------------------------------------------------------------------


def test_r_case_10_a_change_from_a_stale_revision_is_a_conflict_and_changes_nothing(hall: Any) -> None:
    case = _history(_case(hall), hall.clerk, steps=1)  # revision 1, suspended
    seen_by_other = 0  # the other clerk's page was loaded before the first change

    with pytest.raises(Conflict) as refused, transaction.atomic():
        locked = lock_case(case, expected_revision=seen_by_other)
        case_change(case=locked, action="resume", actor=hall.backup, to_state=CaseState.ACCEPTED)

    assert refused.value.message == "该办件已被他人更新，请刷新页面后重试。"
    case.refresh_from_db()
    assert (case.state, case.revision) == (CaseState.SUSPENDED, 1)
    assert list(CaseEvent.objects.filter(case=case).values_list("seq", "action")) == [(1, "step1")]
    assert chain_verify(case) == ChainReport(case.pk, 1, None)


# --- the command -------------------------------------------------------------------------------------------


def test_r_case_10_verify_command_reports_all_chains_intact(hall: Any) -> None:
    _history(_case(hall), hall.clerk)
    _history(_case(hall), hall.clerk, steps=2)
    out = StringIO()

    call_command("verify_case_chains", stdout=out)

    assert out.getvalue() == "已校验 2 件办件、5 条记录；未通过校验 0 件。\n"


def test_r_case_10_verify_command_lists_each_broken_case_and_fails(hall: Any) -> None:
    altered = _history(_case(hall), hall.clerk)
    truncated = _history(_case(hall), hall.clerk)
    _history(_case(hall), hall.clerk)
    with tampering():
        CaseEvent.objects.filter(case=altered, seq=1).update(reason="x")
        CaseEvent.objects.filter(case=truncated, seq=3).delete()
    out = StringIO()

    with pytest.raises(CommandError) as failed:
        call_command("verify_case_chains", "--center", "demo-county", stdout=out)

    assert failed.value.returncode == 1
    assert str(failed.value) == "已校验 3 件办件、8 条记录；未通过校验 2 件。"
    assert sorted(out.getvalue().splitlines()) == sorted(
        [
            f"demo-county {altered.number}: 第 1 条记录起链条断裂（共 3 条）",
            f"demo-county {truncated.number}: 记录只有 2 条，少于修订次数：第 3 条起缺失",
        ]
    )


def test_r_case_10_verify_command_checks_only_the_named_centre(hall: Any) -> None:
    other = org_factories.make_center(code="third-county", name="第三县政务服务中心")
    window = org_factories.make_window(other)
    clerk = org_factories.make_staff(other, window=window)
    post = org_factories.make_post(window, a=clerk)
    elsewhere = make_case(window=window, item=make_item_for(window, post), received_by=clerk)
    _history(elsewhere, clerk)
    _history(_case(hall), hall.clerk)
    with tampering():
        CaseEvent.objects.filter(case=elsewhere, seq=2).update(reason="x")

    out = StringIO()
    call_command("verify_case_chains", "--center", "demo-county", stdout=out)
    assert out.getvalue() == "已校验 1 件办件、3 条记录；未通过校验 0 件。\n"

    with pytest.raises(CommandError, match="未通过校验 1 件"):
        call_command("verify_case_chains", stdout=StringIO())
    with pytest.raises(CommandError, match="没有代码为 nowhere 的中心"):
        call_command("verify_case_chains", "--center", "nowhere")


# --- the supervision page ----------------------------------------------------------------------------------

URL = "/staff/supervision/chains/"


def test_r_case_10_chain_page_url() -> None:
    assert reverse("supervision:chain_verify") == URL


def test_r_case_10_supervision_page_lists_broken_chains(hall: Any, login: Any) -> None:
    broken = _history(_case(hall), hall.clerk)
    intact = _history(_case(hall), hall.clerk)
    with tampering():
        CaseEvent.objects.filter(case=broken, seq=2).update(reason="x")

    for persona in (hall.supervision, hall.director, hall.sysadmin):
        page = login(persona).get(URL).content.decode()
        assert "已校验 2 件办件、6 条历史记录，其中 1 件办件未通过校验。" in page
        assert f"<td>{broken.number}</td>" in page
        assert "第 2 条记录起" in page
        assert intact.number not in page
        assert "本页每次最多校验最近收件的 5000 件办件。" in page


def test_r_case_10_supervision_page_all_intact(hall: Any, login: Any) -> None:
    _history(_case(hall), hall.clerk)
    page = login(hall.supervision).get(URL).content.decode()
    assert "已校验 1 件办件、3 条历史记录，链条全部完好。" in page


def test_r_case_10_supervision_page_checks_the_most_recent_cases_up_to_the_cap(
    hall: Any, login: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(selectors, "CHAIN_VERIFY_LIMIT", 2)
    oldest = _history(_case(hall, received_on=date(2026, 9, 1)), hall.clerk)
    newer = _history(_case(hall, received_on=date(2026, 9, 2)), hall.clerk)
    _history(_case(hall, received_on=date(2026, 9, 3)), hall.clerk)
    with tampering():
        CaseEvent.objects.filter(case__in=[oldest, newer], seq=1).update(reason="x")

    page = login(hall.supervision).get(URL).content.decode()

    assert "已校验 2 件办件、6 条历史记录，其中 1 件办件未通过校验。" in page
    assert "本页每次只校验最近收件的 2 件办件（本中心共 3 件）" in page
    assert f"<td>{newer.number}</td>" in page
    assert oldest.number not in page


def test_r_case_10_chain_page_is_refused_to_other_roles_and_other_centres(
    hall: Any, login: Any, client: Any
) -> None:
    assert login(hall.clerk).get(URL).status_code == 403
    assert login(hall.coordination).get(URL).status_code == 403
    assert login(hall.outsider).get(URL, {"center": "demo-county"}).status_code == 404
    client.logout()
    assert client.get(URL).status_code == 302
    assert login(hall.supervision).post(URL).status_code == 405
