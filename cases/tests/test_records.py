"""Case records in the national standard's layout and their export for the provincial platform (R-DATA-2)."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import (
    Case,
    CaseState,
    CaseStep,
    Extension,
    Notice,
    NoticeKind,
    Suspension,
)
from cases.services.events import event_append
from cases.services.records import case_record, export_cases, records_queryset
from cases.tests.factories import at, make_case, make_item_for
from common.models import HistoryEntry, PersonalDataAccess
from org.tests import factories as org_factories

D = date


def _notice(case: Case, kind: str, number: str, issued: Any, by: Any) -> Notice:
    return Notice.objects.create(
        center=case.center, case=case, kind=kind, number=number, issued_at=issued, issued_by=by
    )


@pytest.fixture
def closed_case(hall: Any) -> Case:
    """A case that went through everything: acceptance, two steps (A then B), an expert review, an
    extension, approval and delivery at the window."""
    item = make_item_for(
        hall.window,
        hall.post,
        code="FTB-001",
        name="对外贸易经营者备案登记",
        basic_code="000117001000",
        implementation_code="11330000002482345A4000117001000",
        promised_limit_days=5,
        result_name="对外贸易经营者备案登记表",
    )
    case = make_case(
        window=hall.window,
        item=item,
        received_by=hall.clerk,
        state=CaseState.DELIVERED,
        accepted_on=D(2026, 9, 30),
        number="DEMO-COUNTY-20260930-00001",
        query_code="482913",
        organisation_name="示范贸易有限公司",
        credit_code="91330100MA2XXXXX08",
        in_development_zone=True,
        extension_days=5,
        deadline=D(2026, 10, 27),
        decided_at=at(D(2026, 10, 20), 15, 0),
        decided_by=hall.chief,
        result_number="外贸备案〔2026〕0001",
        result_valid_until=D(2031, 10, 19),
        result_issuer="示范县商务局",
        delivery_due=D(2026, 11, 3),
        delivery_method="window",
        delivered_at=at(D(2026, 10, 21), 10, 0),
    )
    _notice(
        case,
        NoticeKind.ACCEPTANCE,
        "示范县政务服务中心受理〔2026〕1号",
        at(D(2026, 9, 30), 9, 30),
        hall.clerk,
    )
    review = _notice(
        case,
        NoticeKind.SPECIAL_PROCEDURE,
        "示范县政务服务中心特程〔2026〕1号",
        at(D(2026, 10, 9)),
        hall.backup,
    )
    extended = _notice(
        case, NoticeKind.EXTENSION, "示范县政务服务中心延期〔2026〕1号", at(D(2026, 10, 16)), hall.chief
    )
    _notice(
        case, NoticeKind.APPROVAL, "示范县政务服务中心准予〔2026〕1号", at(D(2026, 10, 20), 15, 0), hall.chief
    )
    CaseStep.objects.create(
        case=case,
        order=1,
        name="受理",
        post=hall.post,
        handler=hall.clerk,
        acting_as="A",
        opinion="材料齐全，予以受理",
        started_at=at(D(2026, 9, 30), 9, 0),
        finished_at=at(D(2026, 9, 30), 9, 30),
    )
    CaseStep.objects.create(
        case=case,
        order=2,
        name="审核发证",
        post=hall.post,
        handler=hall.backup,
        acting_as="B",
        opinion="同意备案",
        started_at=at(D(2026, 10, 8), 14, 0),
        finished_at=at(D(2026, 10, 20), 11, 0),
    )
    Suspension.objects.create(
        case=case,
        kind="expert_review",
        reason="需组织专家评审",
        started_on=D(2026, 10, 9),
        expected_days=5,
        ended_on=D(2026, 10, 15),
        result="专家评审通过",
        notice=review,
    )
    Extension.objects.create(
        case=case,
        days=5,
        reason="情况复杂",
        approved_by=hall.chief,
        approved_at=at(D(2026, 10, 16), 10, 0),
        applicant_told_on=D(2026, 10, 16),
        notice=extended,
    )
    event_append(
        case=case,
        action="approve",
        actor=hall.chief,
        from_state=CaseState.ACCEPTED,
        to_state=CaseState.APPROVED,
        at=at(D(2026, 10, 20), 15, 0),
    )
    event_append(
        case=case,
        action="deliver",
        actor=hall.clerk,
        from_state=CaseState.APPROVED,
        to_state=CaseState.DELIVERED,
        at=at(D(2026, 10, 21), 10, 0),
    )
    return case


def test_r_data_2_case_record_has_every_block_of_the_standard(hall: Any, closed_case: Case) -> None:
    record = case_record(records_queryset().get(pk=closed_case.pk))
    version = closed_case.version

    assert {k: v for k, v in record.items() if not isinstance(v, dict | list)} == {
        "standard": "GB/T 39046-2020",
        "case_number": "DEMO-COUNTY-20260930-00001",
        "query_code": "482913",
        "center_code": "demo-county",
        "center_name": "示范县政务服务中心",
        "case_type": "promised",
        "case_type_label": "承诺件",
        "state": "delivered",
        "state_label": "已送达",
        "priority": False,
    }
    assert record["item"] == {
        "code": "FTB-001",
        "name": "对外贸易经营者备案登记",
        "basic_code": "000117001000",
        "implementation_code": "11330000002482345A4000117001000",
        "item_type": "01",
        "version": version.number,
        "department": "外经贸局",
    }
    assert record["application"] == {
        "applicant_name": closed_case.applicant_name,
        "applicant_id_number": "420000199001011238",
        "applicant_phone": "13800000000",
        "applicant_email": None,
        "organisation_name": "示范贸易有限公司",
        "credit_code": "91330100MA2XXXXX08",
        "in_development_zone": True,
        "channel": "window",
        "channel_label": "窗口",
        "received_at": "2026-09-30T09:00:00+08:00",
        "received_by": "王受理",
        "window": "A01 外经贸局窗口",
    }
    assert record["acceptance"] == {
        "document_number": "示范县政务服务中心受理〔2026〕1号",
        "accepted_on": "2026-09-30",
        "accepted_by": "王受理",
        "deemed_accepted": False,
        "promised_limit_days": 5,
        "extension_days": 5,
        "promised_completion": "2026-10-27",
        "promised_completion_provisional": False,
    }
    assert record["steps"] == [
        {
            "action": "done",
            "action_label": "办结本环节",
            "step": "受理",
            "order": 1,
            "handler": "王受理",
            "handler_badge": hall.clerk.badge_number,
            "acting_as": "A",
            "opinion": "材料齐全，予以受理",
            "started_at": "2026-09-30T09:00:00+08:00",
            "finished_at": "2026-09-30T09:30:00+08:00",
        },
        {
            "action": "done",
            "action_label": "办结本环节",
            "step": "审核发证",
            "order": 2,
            "handler": "李备岗",
            "handler_badge": hall.backup.badge_number,
            "acting_as": "B",
            "opinion": "同意备案",
            "started_at": "2026-10-08T14:00:00+08:00",
            "finished_at": "2026-10-20T11:00:00+08:00",
        },
    ]
    assert record["special_procedures"] == [
        {
            "kind": "expert_review",
            "kind_label": "专家评审",
            "started_on": "2026-10-09",
            "reason": "需组织专家评审",
            "expected_days": 5,
            "ended_on": "2026-10-15",
            "result": "专家评审通过",
            "notice_number": "示范县政务服务中心特程〔2026〕1号",
        }
    ]
    assert record["extensions"] == [
        {
            "days": 5,
            "reason": "情况复杂",
            "approved_by": "赵首席",
            "approved_at": "2026-10-16T10:00:00+08:00",
            "applicant_told_on": "2026-10-16",
            "notice_number": "示范县政务服务中心延期〔2026〕1号",
        }
    ]
    assert record["completion"] == {
        "result": "approved",
        "result_label": "准予许可",
        "decided_at": "2026-10-20T15:00:00+08:00",
        "decided_by": "赵首席",
        "decision_document_number": "示范县政务服务中心准予〔2026〕1号",
        "reasons": None,
        "certificate_name": "对外贸易经营者备案登记表",
        "certificate_number": "外贸备案〔2026〕0001",
        "valid_until": "2031-10-19",
        "issuer": "示范县商务局",
        "delivery_method": "window",
        "delivery_due": "2026-11-03",
        "delivered_at": "2026-10-21T10:00:00+08:00",
        "closed_at": None,
    }
    # The same record from a case fetched without the prefetches, and it is plain JSON.
    assert case_record(Case.objects.get(pk=closed_case.pk)) == record
    assert json.loads(json.dumps(record, ensure_ascii=False)) == record


def test_r_data_2_open_case_has_steps_in_progress_and_no_completion(hall: Any) -> None:
    item = make_item_for(hall.window, hall.post)
    case = make_case(window=hall.window, item=item, received_by=hall.clerk, deadline=D(2026, 10, 14))
    CaseStep.objects.create(case=case, order=1, name="受理", started_at=at(D(2026, 9, 30)))
    CaseStep.objects.create(case=case, order=2, name="审核")

    record = case_record(case)

    assert record["completion"] is None
    assert record["acceptance"]["promised_completion"] == "2026-10-14"
    assert [(s["action"], s["action_label"], s["handler"], s["finished_at"]) for s in record["steps"]] == [
        ("in_progress", "在办", None, None),
        ("pending", "待办", None, None),
    ]


def test_r_data_2_received_case_has_no_acceptance_and_a_refusal_completes_it(hall: Any) -> None:
    item = make_item_for(hall.window, hall.post)
    received = make_case(window=hall.window, item=item, received_by=hall.clerk, state=CaseState.RECEIVED)
    refused = make_case(
        window=hall.window,
        item=item,
        received_by=hall.clerk,
        state=CaseState.NOT_ACCEPTED,
        decision_reasons="不属于本机关职权范围",
    )

    assert case_record(received)["case_number"] is None
    assert case_record(received)["acceptance"] is None
    assert case_record(received)["completion"] is None
    completion = case_record(refused)["completion"]
    assert (completion["result"], completion["result_label"], completion["reasons"]) == (
        "not_accepted",
        "不予受理",
        "不属于本机关职权范围",
    )
    assert completion["certificate_name"] is None


def test_r_data_2_a_denial_found_in_the_history_of_an_archived_case(hall: Any) -> None:
    item = make_item_for(hall.window, hall.post)
    case = make_case(
        window=hall.window,
        item=item,
        received_by=hall.clerk,
        state=CaseState.ARCHIVED,
        accepted_on=D(2026, 9, 30),
    )
    event_append(case=case, action="deny", actor=hall.chief, from_state="accepted", to_state="denied")
    event_append(case=case, action="archive", actor=hall.clerk, from_state="denied", to_state="archived")

    completion = case_record(records_queryset().get(pk=case.pk))["completion"]

    assert (completion["result"], completion["result_label"], completion["certificate_name"]) == (
        "denied",
        "不予许可",
        None,
    )


# --- the export --------------------------------------------------------------------------------------------


def _received(hall: Any, item: Any, day: date, hh: int = 9, mm: int = 0, **fields: Any) -> Case:
    case = make_case(window=hall.window, item=item, received_by=hall.clerk, accepted_on=day, **fields)
    Case.objects.filter(pk=case.pk).update(received_at=at(day, hh, mm))
    case.refresh_from_db()
    return case


def test_r_data_2_export_takes_cases_received_or_changed_in_the_period(hall: Any) -> None:
    item = make_item_for(hall.window, hall.post)
    first = _received(hall, item, D(2026, 9, 1), 0, 0)
    late = _received(hall, item, D(2026, 9, 30), 23, 59)
    _received(hall, item, D(2026, 10, 1), 0, 0)  # the day after
    _received(hall, item, D(2026, 8, 3))  # before, and unchanged since
    changed = _received(hall, item, D(2026, 8, 4))
    event_append(case=changed, action="note", actor=hall.clerk, at=at(D(2026, 9, 10), 11, 0))
    changed_after = _received(hall, item, D(2026, 8, 5))
    event_append(case=changed_after, action="note", actor=hall.clerk, at=at(D(2026, 10, 1), 0, 1))
    # Another centre's case in the period is not exported.
    other = org_factories.make_center(code="third-county", name="第三县政务服务中心")
    window = org_factories.make_window(other)
    clerk = org_factories.make_staff(other, window=window)
    make_case(
        window=window,
        item=make_item_for(window, org_factories.make_post(window, a=clerk)),
        received_by=clerk,
        accepted_on=D(2026, 9, 15),
    )

    numbers = [r["case_number"] for r in export_cases(hall.center, D(2026, 9, 1), D(2026, 9, 30))]

    assert numbers == [changed.number, first.number, late.number]


def test_r_data_2_export_reads_in_a_fixed_number_of_queries(hall: Any, closed_case: Case) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            rows = list(export_cases(hall.center, D(2026, 9, 1), D(2026, 10, 31)))
        return len(captured.captured_queries), len(rows)  # type: ignore[return-value]

    few = queries()
    item = make_item_for(hall.window, hall.post)
    for day in range(1, 6):
        case = _received(hall, item, D(2026, 10, day))
        CaseStep.objects.create(
            case=case, order=1, name="受理", handler=hall.clerk, started_at=at(D(2026, 10, day))
        )
    many = queries()

    assert few[1] == 1 and many[1] == 6
    assert many[0] == few[0]


def test_r_data_2_command_writes_json_lines_and_logs_the_export(
    hall: Any, closed_case: Case, tmp_path: Path
) -> None:
    item = make_item_for(hall.window, hall.post)
    second = _received(hall, item, D(2026, 10, 8))
    out_file = tmp_path / "records.jsonl"
    err = StringIO()

    call_command(
        "export_case_records",
        "--center=demo-county",
        "--since=2026-09-01",
        "--until=2026-10-31",
        f"--out={out_file}",
        stderr=err,
    )

    lines = out_file.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["case_number"] for line in lines] == [closed_case.number, second.number]
    assert "对外贸易经营者备案登记" in lines[0]  # UTF-8, not \\u escapes
    assert json.loads(lines[0]) == case_record(closed_case)
    assert err.getvalue() == "已导出 2 件办件（demo-county，2026-09-01 至 2026-10-31）。\n"
    entry = HistoryEntry.objects.get(action="case_records_export")
    assert (entry.center_id, entry.rule, entry.changes) == (
        hall.center.pk,
        "R-DATA-2",
        {"period": "2026-09-01..2026-10-31", "records": 2},
    )
    access = PersonalDataAccess.objects.get()
    assert (access.center_id, access.subject_type, access.subject_id) == (
        hall.center.pk,
        "cases.export",
        "2026-09-01..2026-10-31",
    )


def test_r_data_2_command_writes_to_standard_output(hall: Any, closed_case: Case) -> None:
    out = StringIO()
    call_command(
        "export_case_records",
        "--center",
        "demo-county",
        "--since",
        "2026-09-30",
        "--until",
        "2026-09-30",
        stdout=out,
        stderr=StringIO(),
    )
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0])["acceptance"]["document_number"] == "示范县政务服务中心受理〔2026〕1号"


def test_r_data_2_command_refuses_bad_arguments(hall: Any) -> None:
    base = ["export_case_records", "--center", "demo-county"]
    with pytest.raises(CommandError, match="日期格式应为 YYYY-MM-DD：2026-13-01"):
        call_command(*base, "--since", "2026-13-01", "--until", "2026-12-31")
    with pytest.raises(CommandError, match="截止日期早于起始日期。"):
        call_command(*base, "--since", "2026-12-01", "--until", "2026-11-30")
    with pytest.raises(CommandError, match="没有代码为 nowhere 的中心。"):
        call_command(
            "export_case_records", "--center", "nowhere", "--since", "2026-01-01", "--until", "2026-01-02"
        )
    assert not HistoryEntry.objects.filter(action="case_records_export").exists()
