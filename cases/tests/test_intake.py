"""Receipt, material checks, the one-time correction notice, refusal, acceptance and deemed acceptance
(R-CASE-2, R-CASE-3, R-CASE-4, R-CASE-6, R-CAT-6, R-CLK-8)."""

from __future__ import annotations

import re
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from cases.models import Case, CaseEvent, CaseMaterial, CaseState, Notice, NoticeKind
from cases.selectors.intake import case_checklist, extra_correction_notices
from cases.services.events import chain_verify
from cases.services.intake import (
    MAX_UPLOAD_BYTES,
    case_accept,
    case_check_materials,
    case_issue_correction,
    case_receive,
    case_refuse,
    case_resubmit,
    cases_deem_accepted,
)
from cases.tests.factories import at, make_item_for
from catalog.models import CaseType, Item, ItemStatus, Material
from catalog.tests.factories import amending_published, set_policy
from common.errors import Conflict, PermissionDenied, RuleViolation
from common.tests import samples
from org.models import WindowKind
from org.tests import factories as f

RECEIVED = date(2026, 9, 30)
PDF = b"%PDF-1.4\n%test\n"
PNG = samples.PNG
JPG = samples.JPEG
APPLICANT = {"name": "示范外贸有限公司", "phone": "13800000001", "credit_code": "91420000MA0000000R"}


def _item(hall: Any, **kw: Any) -> Item:
    kw.setdefault("statutory_limit_days", 20)
    kw.setdefault("promised_limit_days", 5)
    return make_item_for(hall.window, hall.post, **kw)


def _materials(item: Item) -> list[Material]:
    assert item.current_version is not None
    return list(item.current_version.materials.order_by("order"))


def _receive(hall: Any, item: Item, day: date = RECEIVED, **kw: Any) -> Case:
    return case_receive(
        actor=hall.clerk, window=hall.window, item=item, applicant=APPLICANT, at=at(day, 9, 30), **kw
    )


def _check(
    hall: Any, case: Case, statuses: list[tuple[str, str]], day: date = RECEIVED, hh: int = 10
) -> Case:
    materials = _materials(case.item)
    results = {m.pk: s for m, s in zip(materials, statuses, strict=True)}
    return case_check_materials(actor=hall.clerk, case=case, results=results, at=at(day, hh))


def _snapshot(case: Case) -> tuple[Any, ...]:
    case.refresh_from_db()
    return (
        case.state,
        case.revision,
        case.number,
        case.query_code,
        case.accepted_on,
        case.closed_at,
        Notice.objects.filter(case=case).count(),
        CaseEvent.objects.filter(case=case).count(),
        sorted(CaseMaterial.objects.filter(case=case).values_list("material_id", "status", "note")),
    )


OK = ("present", "")


# --- receipt ------------------------------------------------------------------------------------------------


def test_r_case_2_receipt_against_the_current_published_version(hall: Any) -> None:
    item = _item(hall)

    case = _receive(hall, item, channel="web")

    assert (case.state, case.item, case.version, case.window, case.center) == (
        CaseState.RECEIVED,
        item,
        item.current_version,
        hall.window,
        hall.center,
    )
    assert (case.limit_days, case.case_type, case.channel, case.number, case.accepted_on) == (
        5,
        "promised",
        "web",
        "",
        None,
    )
    assert (case.applicant_name, case.applicant_phone, case.credit_code) == (
        "示范外贸有限公司",
        "13800000001",
        "91420000MA0000000R",
    )
    assert (case.received_by, case.received_at, case.revision) == (hall.clerk, at(RECEIVED, 9, 30), 1)
    events = list(case.events.all())
    assert [(e.action, e.actor, e.acting_as, e.to_state) for e in events] == [
        ("received", hall.clerk, "A", "received")
    ]


def test_r_cat_6_receipt_for_a_withdrawn_item_is_refused(hall: Any) -> None:
    item = _item(hall)
    Item.objects.filter(pk=item.pk).update(status=ItemStatus.WITHDRAWN)
    item.refresh_from_db()

    with pytest.raises(RuleViolation) as refused:
        _receive(hall, item)

    assert (refused.value.rule, refused.value.field) == ("R-CAT-6", "item")
    assert refused.value.message == f"事项“{item.code}”已取消或未发布，不再接受申请。"
    assert Case.objects.count() == 0


def test_r_case_1_receipt_at_a_window_that_does_not_serve_the_item_is_refused(hall: Any) -> None:
    item = _item(hall)

    with pytest.raises(RuleViolation) as refused:
        case_receive(
            actor=hall.other_clerk, window=hall.other_window, item=item, applicant=APPLICANT, at=at(RECEIVED)
        )

    assert refused.value.rule == "R-CASE-1"
    assert refused.value.message == "该事项不由本窗口受理，请按首问负责转办至：A01 外经贸局窗口。"
    assert Case.objects.count() == 0


def test_r_case_2_comprehensive_window_receives_for_the_departments_it_serves(hall: Any) -> None:
    item = _item(hall)
    comprehensive = f.make_window(hall.center, number="Z01", kind=WindowKind.COMPREHENSIVE)
    comprehensive.served_departments.add(hall.department)
    clerk = f.make_staff(hall.center, window=comprehensive, name="综合窗口")

    case = case_receive(actor=clerk, window=comprehensive, item=item, applicant=APPLICANT, at=at(RECEIVED))

    assert (case.window, case.state) == (comprehensive, "received")


def test_r_case_2_only_the_window_staff_receive(hall: Any) -> None:
    item = _item(hall)
    with pytest.raises(PermissionDenied):
        case_receive(actor=hall.other_clerk, window=hall.window, item=item, applicant=APPLICANT)
    with pytest.raises(RuleViolation) as no_name:
        case_receive(actor=hall.clerk, window=hall.window, item=item, applicant={"name": " "})
    assert (no_name.value.rule, no_name.value.field) == ("R-CASE-2", "name")
    assert Case.objects.count() == 0


# --- uploads ------------------------------------------------------------------------------------------------


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def test_r_case_2_online_uploads_are_stored_with_the_case(hall: Any, media: Path) -> None:
    item = _item(hall)
    m1, m2 = _materials(item)

    case = _receive(
        hall,
        item,
        channel="web",
        uploads={
            m1.pk: SimpleUploadedFile("申请表.pdf", PDF),
            m2.pk: SimpleUploadedFile("执照.PNG", PNG),
        },
    )

    rows = list(CaseMaterial.objects.filter(case=case).order_by("material__order"))
    assert [(r.material, r.status, r.note) for r in rows] == [
        (m1, "present", "网上提交，待审查"),
        (m2, "present", "网上提交，待审查"),
    ]
    assert rows[0].upload.read() == PDF
    assert len(_files(media)) == 2
    assert case.events.get().data["uploads"] == [m1.pk, m2.pk]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "申请表.pdf",
            b"<html>not a pdf</html>",
            "材料“申请材料1”的文件“申请表.pdf”不是有效的PDF、JPG或PNG文件。",
        ),
        (
            "照片.png",
            b"\x89PNG\r\n\x1a\n" + b"\x00" * 16,
            "材料“申请材料1”的文件“照片.png”不是有效的PDF、JPG或PNG文件。",
        ),
        ("表格.docx", samples.DOCX, "材料“申请材料1”的文件“表格.docx”不是有效的PDF、JPG或PNG文件。"),
        ("空.pdf", b"", "材料“申请材料1”的文件“空.pdf”为空。"),
        ("大.pdf", PDF + b"0" * (MAX_UPLOAD_BYTES + 1 - len(PDF)), "材料“申请材料1”的文件“大.pdf”超过10MB。"),
    ],
)
def test_r_case_2_a_bad_file_refuses_the_whole_receipt(
    hall: Any, media: Path, name: str, content: bytes, message: str
) -> None:
    item = _item(hall)
    m1, m2 = _materials(item)

    with pytest.raises(RuleViolation) as refused:
        _receive(
            hall,
            item,
            uploads={m2.pk: SimpleUploadedFile("好.jpg", JPG), m1.pk: SimpleUploadedFile(name, content)},
        )

    assert (refused.value.rule, refused.value.message, refused.value.field) == (
        "R-CASE-2",
        message,
        "uploads",
    )
    assert (Case.objects.count(), CaseMaterial.objects.count(), CaseEvent.objects.count()) == (0, 0, 0)
    assert _files(media) == []


def test_r_case_2_a_file_at_exactly_the_size_limit_is_taken(hall: Any, media: Path) -> None:
    item = _item(hall)
    m1, _m2 = _materials(item)
    content = PDF + b"0" * (MAX_UPLOAD_BYTES - len(PDF))
    case = _receive(hall, item, uploads={m1.pk: SimpleUploadedFile("a.pdf", content)})
    assert CaseMaterial.objects.get(case=case).upload.size == MAX_UPLOAD_BYTES


def test_r_case_2_more_files_than_materials_or_a_foreign_material_is_refused(hall: Any, media: Path) -> None:
    item = _item(hall)
    m1, m2 = _materials(item)
    other = _materials(_item(hall))[0]

    with pytest.raises(RuleViolation) as too_many:
        _receive(
            hall,
            item,
            uploads={
                m1.pk: SimpleUploadedFile("1.pdf", PDF),
                m2.pk: SimpleUploadedFile("2.pdf", PDF),
                other.pk: SimpleUploadedFile("3.pdf", PDF),
            },
        )
    with pytest.raises(RuleViolation) as foreign:
        _receive(hall, item, uploads={other.pk: SimpleUploadedFile("3.pdf", PDF)})

    with pytest.raises(RuleViolation) as twice:
        _receive(
            hall,
            item,
            uploads={m1.pk: SimpleUploadedFile("1.pdf", PDF), str(m1.pk): SimpleUploadedFile("2.pdf", PDF)},  # type: ignore[dict-item]
        )

    assert twice.value.message == "材料“申请材料1”上传了多个文件。"
    assert too_many.value.message == "上传文件数（3）超过材料清单的份数（2）。"
    assert foreign.value.message == "上传的文件不对应本事项的申请材料。"
    assert (Case.objects.count(), _files(media)) == (0, [])


# --- material check -------------------------------------------------------------------------------------------


def test_r_case_2_every_checklist_material_is_recorded(hall: Any) -> None:
    item = _item(hall)
    version = item.current_version
    assert version is not None
    with amending_published():
        conditional = Material.objects.create(
            version=version,
            order=3,
            name="委托书",
            copy_count=0,
            is_required=False,
            condition="委托代理人办理的",
        )
    case = _receive(hall, item)
    m1, m2, _m3 = _materials(item)

    case_check_materials(
        actor=hall.clerk,
        case=case,
        results={m1.pk: ("present", ""), m2.pk: ("defective", "未加盖公章")},
        at=at(RECEIVED, 10),
    )

    rows = list(CaseMaterial.objects.filter(case=case).order_by("material__order"))
    assert [(r.material, r.status, r.note, r.checked_by, r.was_present_at_first_check) for r in rows] == [
        (m1, "present", "", hall.clerk, True),
        (m2, "defective", "未加盖公章", hall.clerk, False),
        (conditional, "not_applicable", "", hall.clerk, False),
    ]
    assert [(row.material, row.check.status if row.check else None) for row in case_checklist(case)] == [
        (m1, "present"),
        (m2, "defective"),
        (conditional, "not_applicable"),
    ]
    event = case.events.order_by("-seq").first()
    assert event is not None
    assert (event.action, event.data) == (
        "materials_checked",
        {"results": {str(m1.pk): "present", str(m2.pk): "defective", str(conditional.pk): "not_applicable"}},
    )


def test_r_case_2_check_refuses_an_incomplete_or_wrong_result(hall: Any) -> None:
    item = _item(hall)
    case = _receive(hall, item)
    m1, m2 = _materials(item)
    before = _snapshot(case)

    cases = [
        ({m1.pk: OK}, "必要材料“申请材料2”尚未审查。"),
        ({m1.pk: OK, m2.pk: ("not_applicable", "")}, "必要材料“申请材料2”不能标为不适用。"),
        ({m1.pk: OK, m2.pk: ("defective", " ")}, "材料“申请材料2”不符合要求的，须写明问题。"),
        ({m1.pk: OK, m2.pk: ("lost", "")}, "材料“申请材料2”的审查结果无效。"),
        ({m1.pk: OK, m2.pk: OK, 999999: OK}, "审查结果含有不属于本事项清单的材料。"),
    ]
    for results, message in cases:
        with pytest.raises(RuleViolation) as refused:
            case_check_materials(actor=hall.clerk, case=case, results=results)
        assert (refused.value.rule, refused.value.message) == ("R-CASE-2", message)
    assert _snapshot(case) == before


# --- correction notice ---------------------------------------------------------------------------------------


def test_r_case_2_one_correction_notice_lists_every_missing_or_defective_material(hall: Any) -> None:
    item = _item(hall, materials=3)
    case = _receive(hall, item)
    m1, m2, m3 = _materials(item)
    _check(hall, case, [("missing", ""), OK, ("defective", "复印件不清晰")])

    notice = case_issue_correction(actor=hall.clerk, case=case, at=at(RECEIVED, 10, 30))

    case.refresh_from_db()
    assert case.state == CaseState.AWAITING_CORRECTION
    assert (notice.kind, notice.number, notice.issued_by, notice.issued_at) == (
        "correction",
        "示范县政务服务中心补正〔2026〕1号",
        hall.clerk,
        at(RECEIVED, 10, 30),
    )
    assert notice.body["title"] == "补正告知书"
    assert notice.body["sequence"] == 1
    assert notice.body["materials"] == [
        {"material_id": m1.pk, "name": "申请材料1", "status": "missing", "status_label": "缺少", "note": ""},
        {
            "material_id": m3.pk,
            "name": "申请材料3",
            "status": "defective",
            "status_label": "不符合要求",
            "note": "复印件不清晰",
        },
    ]
    assert (notice.body["received_on"], notice.body["issued_on"], notice.body["applicant"]) == (
        "2026-09-30",
        "2026-09-30",
        "示范外贸有限公司",
    )
    assert m2.pk not in [m["material_id"] for m in notice.body["materials"]]
    assert list(extra_correction_notices(hall.center)) == []


def test_r_case_2_correction_needs_a_check_and_something_to_correct(hall: Any) -> None:
    item = _item(hall)
    case = _receive(hall, item)
    with pytest.raises(RuleViolation) as unchecked:
        case_issue_correction(actor=hall.clerk, case=case, at=at(RECEIVED, 10))
    _check(hall, case, [OK, OK])
    before = _snapshot(case)
    with pytest.raises(RuleViolation) as complete:
        case_issue_correction(actor=hall.clerk, case=case, at=at(RECEIVED, 11))

    assert unchecked.value.message == "请先审查本次提交的全部材料，再出具补正告知书。"
    assert complete.value.message == "材料齐全，无需补正，请予受理。"
    assert _snapshot(case) == before


def test_r_case_2_later_notice_naming_a_material_present_earlier_is_refused(hall: Any) -> None:
    item = _item(hall, materials=3)
    case = _receive(hall, item)
    _check(hall, case, [("missing", ""), OK, OK])
    case_issue_correction(actor=hall.clerk, case=case, at=at(RECEIVED, 10, 30))
    case_resubmit(actor=hall.clerk, case=case, at=at(date(2026, 10, 9), 9))
    # The second material, present at the first check, is now called defective: not told at once.
    _check(hall, case, [OK, ("defective", "签字不全"), OK], day=date(2026, 10, 9))
    before = _snapshot(case)

    with pytest.raises(RuleViolation) as refused:
        case_issue_correction(actor=hall.clerk, case=case, at=at(date(2026, 10, 9), 11))

    assert refused.value.rule == "R-CASE-2"
    assert refused.value.message == (
        "未能一次性告知：“申请材料2”在此前审查时已提交，应在第一次补正告知书中一并告知，不得再次要求补正。"
    )
    assert _snapshot(case) == before
    assert Notice.objects.filter(kind="correction").count() == 1


def test_r_case_2_later_notice_for_a_newly_submitted_material_is_counted(hall: Any) -> None:
    item = _item(hall, materials=3)
    case = _receive(hall, item)
    m1, _m2, _m3 = _materials(item)
    _check(hall, case, [("missing", ""), OK, OK])
    first = case_issue_correction(actor=hall.clerk, case=case, at=at(RECEIVED, 10, 30))
    case_resubmit(actor=hall.clerk, case=case, at=at(date(2026, 10, 9), 9))
    # The newly brought first material is itself defective: that may be told in a second notice.
    _check(hall, case, [("defective", "营业执照已过期"), OK, OK], day=date(2026, 10, 9))

    second = case_issue_correction(actor=hall.clerk, case=case, at=at(date(2026, 10, 9), 11))

    assert (first.number, second.number) == (
        "示范县政务服务中心补正〔2026〕1号",
        "示范县政务服务中心补正〔2026〕2号",
    )
    assert second.body["sequence"] == 2
    assert [m["material_id"] for m in second.body["materials"]] == [m1.pk]
    listed = list(extra_correction_notices(hall.center))
    assert [(c, c.correction_notices, c.extra_notices) for c in listed] == [(case, 2, 1)]
    assert case.events.filter(action="correction_issued").count() == 2
    assert chain_verify(case).ok


def test_r_case_2_resubmission_returns_the_case_for_a_new_check(hall: Any) -> None:
    item = _item(hall)
    case = _receive(hall, item)
    _check(hall, case, [("missing", ""), OK])
    case_issue_correction(actor=hall.clerk, case=case, at=at(RECEIVED, 10, 30))
    with pytest.raises(RuleViolation):
        case_accept(actor=hall.clerk, case=case)

    case_resubmit(actor=hall.clerk, case=case, at=at(date(2026, 10, 8), 9))

    case.refresh_from_db()
    assert case.state == CaseState.RECEIVED
    with pytest.raises(RuleViolation) as unchecked:  # the resubmitted materials are checked first
        case_accept(actor=hall.clerk, case=case, at=at(date(2026, 10, 8), 10))
    assert unchecked.value.message == "请先审查本次提交的全部材料，再予受理。"


# --- refusal --------------------------------------------------------------------------------------------------


def test_r_case_4_refusal_notice_gives_reasons_and_where_to_go(hall: Any) -> None:
    item = _item(hall)
    case = _receive(hall, item)

    notice = case_refuse(
        actor=hall.clerk,
        case=case,
        reasons="申请事项属于市场监督管理部门职权范围",
        competent_authority="县市场监督管理局窗口（B02）",
        at=at(RECEIVED, 11),
    )

    case.refresh_from_db()
    assert (case.state, case.closed_at, case.number) == (CaseState.NOT_ACCEPTED, at(RECEIVED, 11), "")
    assert (notice.kind, notice.number) == ("refusal", "示范县政务服务中心不受〔2026〕1号")
    assert (notice.body["title"], notice.body["reasons"], notice.body["competent_authority"]) == (
        "不予受理告知书",
        "申请事项属于市场监督管理部门职权范围",
        "县市场监督管理局窗口（B02）",
    )
    event = case.events.order_by("-seq").first()
    assert event is not None
    assert (event.action, event.from_state, event.to_state, event.reason) == (
        "refused",
        "received",
        "not_accepted",
        "申请事项属于市场监督管理部门职权范围",
    )


def test_r_case_4_refusal_needs_reasons_and_authority_and_changes_nothing_when_refused(hall: Any) -> None:
    item = _item(hall)
    case = _receive(hall, item)
    before = _snapshot(case)

    for reasons, authority, field in [
        ("", "县市场监督管理局", "reasons"),
        ("不归我管", "县市场监督管理局", "reasons"),
        ("不属本部门职权", " ", "competent_authority"),
    ]:
        with pytest.raises(RuleViolation) as refused:
            case_refuse(actor=hall.clerk, case=case, reasons=reasons, competent_authority=authority)
        assert (refused.value.rule, refused.value.field) == ("R-CASE-4", field)
    assert _snapshot(case) == before


def test_r_case_4_an_accepted_case_cannot_be_refused(hall: Any, national_calendar: Any) -> None:
    item = _item(hall)
    case = _receive(hall, item)
    _check(hall, case, [OK, OK])
    case_accept(actor=hall.clerk, case=case, at=at(RECEIVED, 11))
    before = _snapshot(case)

    with pytest.raises(RuleViolation) as refused:
        case_refuse(
            actor=hall.clerk, case=case, reasons="不属本部门职权", competent_authority="县市场监督管理局"
        )

    assert refused.value.message == "办件当前状态为“已受理办理中”，不能出具不予受理告知书。"
    assert _snapshot(case) == before


# --- acceptance -------------------------------------------------------------------------------------------------


def test_r_case_6_acceptance_gives_number_receipt_promised_date_and_query_code(
    hall: Any, national_calendar: Any
) -> None:
    item = _item(hall)  # promised limit 5 working days
    case = _receive(hall, item)
    _check(hall, case, [OK, OK])

    notice = case_accept(actor=hall.clerk, case=case, at=at(RECEIVED, 11), expected_revision=2)

    case.refresh_from_db()
    assert (case.state, case.number, case.accepted_on, case.accepted_by, case.deemed_accepted) == (
        CaseState.ACCEPTED,
        "DEMO-COUNTY-20260930-00001",
        RECEIVED,
        hall.clerk,
        False,
    )
    assert (case.responsible, case.responsible_acting_as) == (hall.clerk, "A")
    assert re.fullmatch(r"\d{6}", case.query_code)
    assert (notice.kind, notice.number, notice.issued_by) == (
        "acceptance",
        "示范县政务服务中心受理〔2026〕1号",
        hall.clerk,
    )
    body = notice.body
    assert (body["title"], body["case_number"], body["query_code"], body["accepted_on"]) == (
        "受理通知书",
        "DEMO-COUNTY-20260930-00001",
        case.query_code,
        "2026-09-30",
    )
    # 5 working days after 2026-09-30: 10-08, 10-09, 10-10 (adjusted Saturday), 10-12, 10-13.
    assert (body["promised_on"], body["promised_provisional"], body["limit_days"]) == ("2026-10-13", False, 5)
    assert case.deadline == date(2026, 10, 13)
    event = case.events.filter(action="accepted").get()
    assert (event.data["deadline"], event.data["notice"]) == (
        "2026-10-13",
        "示范县政务服务中心受理〔2026〕1号",
    )
    assert (event.from_state, event.to_state, event.actor, event.acting_as) == (
        "received",
        "accepted",
        hall.clerk,
        "A",
    )
    assert chain_verify(case).ok


def test_r_case_6_acceptance_with_missing_materials_is_refused(hall: Any, national_calendar: Any) -> None:
    item = _item(hall, materials=3)
    case = _receive(hall, item)
    _check(hall, case, [("missing", ""), OK, ("defective", "未签字")])
    before = _snapshot(case)

    with pytest.raises(RuleViolation) as refused:
        case_accept(actor=hall.clerk, case=case, at=at(RECEIVED, 11))

    assert refused.value.rule == "R-CASE-2"
    assert refused.value.message == "材料不齐全，不能受理，请一次性告知补正：“申请材料1”、“申请材料3”。"
    assert _snapshot(case) == before


def test_r_case_6_acceptance_from_a_stale_page_is_a_conflict(hall: Any, national_calendar: Any) -> None:
    item = _item(hall)
    case = _receive(hall, item)
    _check(hall, case, [OK, OK])
    before = _snapshot(case)
    with pytest.raises(Conflict):
        case_accept(actor=hall.clerk, case=case, expected_revision=1)
    with pytest.raises(PermissionDenied):
        case_accept(actor=hall.other_clerk, case=case)
    assert _snapshot(case) == before


def test_r_cat_6_no_acceptance_once_the_item_is_withdrawn(hall: Any, national_calendar: Any) -> None:
    item = _item(hall)
    case = _receive(hall, item)
    _check(hall, case, [OK, OK])
    Item.objects.filter(pk=item.pk).update(status=ItemStatus.WITHDRAWN)
    before = _snapshot(case)
    with pytest.raises(RuleViolation) as refused:
        case_accept(actor=hall.clerk, case=case, at=at(RECEIVED, 11))
    assert refused.value.rule == "R-CAT-6"
    assert _snapshot(case) == before


def test_r_clk_8_immediate_item_is_promised_the_same_day(hall: Any, national_calendar: Any) -> None:
    item = _item(hall, case_type=CaseType.IMMEDIATE, promised_limit_days=0, statutory_limit_days=5)
    case = _receive(hall, item)
    _check(hall, case, [OK, OK])

    notice = case_accept(actor=hall.clerk, case=case, at=at(RECEIVED, 11))

    assert (notice.body["case_type"], notice.body["promised_on"], notice.body["limit_days"]) == (
        "immediate",
        "2026-09-30",
        0,
    )


def test_r_case_6_numbers_follow_each_other(hall: Any, national_calendar: Any) -> None:
    item = _item(hall)
    numbers = []
    for _i in range(2):
        case = _receive(hall, item)
        _check(hall, case, [OK, OK])
        case_accept(actor=hall.clerk, case=case, at=at(RECEIVED, 11))
        case.refresh_from_db()
        numbers.append(case.number)
    assert numbers == ["DEMO-COUNTY-20260930-00001", "DEMO-COUNTY-20260930-00002"]


# --- deemed acceptance -------------------------------------------------------------------------------------------


def test_r_case_3_deemed_accepted_after_five_working_days_without_a_correction_notice(
    hall: Any, national_calendar: Any
) -> None:
    item = _item(hall, promised_limit_days=10)
    case = _receive(hall, item, day=date(2026, 9, 24))
    # Five working days after Thursday 2026-09-24: 09-28, 09-29, 09-30, 10-08, 10-09 (Mid-Autumn 09-25..27 and
    # National Day 10-01..07 are off), so a correction notice could still be issued on 10-09.
    assert cases_deem_accepted(today=date(2026, 10, 9)) == []
    case.refresh_from_db()
    assert case.state == CaseState.RECEIVED

    deemed = cases_deem_accepted(today=date(2026, 10, 10), at=at(date(2026, 10, 10), 0, 30))

    assert deemed == [case]
    case.refresh_from_db()
    assert (case.state, case.accepted_on, case.deemed_accepted, case.number) == (
        CaseState.ACCEPTED,
        date(2026, 9, 24),
        True,
        "DEMO-COUNTY-20260924-00001",
    )
    assert (case.responsible, case.accepted_by) == (hall.clerk, hall.clerk)
    event = case.events.filter(action="deemed_accepted").get()
    assert (event.actor, event.from_state, event.to_state, event.at) == (
        None,
        "received",
        "accepted",
        at(date(2026, 10, 10), 0, 30),
    )
    assert event.reason == (
        "收到申请材料之日起5个工作日内未告知补正，依照《中华人民共和国行政许可法》第三十二条自收到申请材料之日起即为受理。"
    )
    notice = case.notices.get(kind=NoticeKind.ACCEPTANCE)
    # The clock runs from the day of receipt: 10 working days after 09-24 end on 2026-10-15.
    assert (notice.body["accepted_on"], notice.body["promised_on"], notice.body["deemed"]) == (
        "2026-09-24",
        "2026-10-15",
        True,
    )
    assert case.deadline == date(2026, 10, 15)
    assert cases_deem_accepted(today=date(2026, 10, 12)) == []  # done once
    assert chain_verify(case).ok


def test_r_case_3_a_correction_notice_in_time_prevents_deemed_acceptance(
    hall: Any, national_calendar: Any
) -> None:
    item = _item(hall)
    corrected = _receive(hall, item, day=date(2026, 9, 24))
    _check(hall, corrected, [("missing", ""), OK], day=date(2026, 10, 9))
    case_issue_correction(actor=hall.clerk, case=corrected, at=at(date(2026, 10, 9), 11))
    case_resubmit(actor=hall.clerk, case=corrected, at=at(date(2026, 10, 12), 9))
    later = _receive(hall, item, day=date(2026, 10, 9))

    assert cases_deem_accepted(today=date(2026, 10, 15)) == []
    assert [c.state for c in Case.objects.order_by("id")] == ["received", "received"]
    # `later`: 5 working days after 10-09 are 10-10, 12, 13, 14, 15 — deemed on 10-16.
    assert cases_deem_accepted(today=date(2026, 10, 16)) == [later]


def test_r_case_3_days_come_from_the_centre_policy(hall: Any, national_calendar: Any) -> None:
    set_policy(hall.center, "deemed_acceptance_days", 3)
    item = _item(hall)
    case = _receive(hall, item, day=date(2026, 9, 24))
    # Three working days after 09-24: 09-28, 09-29, 09-30.
    assert cases_deem_accepted(today=date(2026, 9, 30)) == []
    assert cases_deem_accepted(today=date(2026, 10, 1)) == [case]


def test_r_case_3_deem_accepted_command(hall: Any, national_calendar: Any) -> None:
    item = _item(hall)
    _receive(hall, item, day=date(2026, 9, 24))
    out = StringIO()

    call_command("deem_accepted", "--date", "2026-10-10", stdout=out)

    assert out.getvalue().splitlines() == [
        "demo-county DEMO-COUNTY-20260924-00001: 视为受理，受理日期 2026-09-24",
        "2026-10-10: 视为受理 1 件。",
    ]
