"""The written notices (issue 3, item 7): correction (R-CASE-2), refusal (R-CASE-4), acceptance (R-CASE-6),
special procedure (R-CLK-4), extension (R-CLK-5) and decision (R-CASE-7) notices as A4 HTML and PDF, numbered,
with the facts in a fixed structure and the texts a centre may adjust."""

from __future__ import annotations

import html as htmllib
import io
import re
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.urls import reverse
from pypdf import PdfReader

from cases import notices
from cases.models import Case, Notice, NoticeKind, NoticeTemplate
from cases.services import notice_texts
from cases.services.clock import clock_start, extension_request, special_procedure_start
from cases.services.handling import REMEDIES_TEXT, case_decide
from cases.services.intake import (
    case_accept,
    case_check_materials,
    case_issue_correction,
    case_receive,
    case_refuse,
)
from catalog.models import Item
from common.errors import PermissionDenied, RuleViolation
from common.models import HistoryEntry, PersonalDataAccess
from common.pdf import pdf_serif_family

from .factories import at, check_in_order, make_case, make_item_for
from .handling_helpers import authorise

pytestmark = pytest.mark.usefixtures("national_calendar")

DAY = date(2026, 9, 30)  # a Wednesday; 5 working days later is 2026-10-13 (National Day holidays)
APPLICANT = {"name": "张三", "id_number": "330102199001011234", "organisation_name": "示范外贸有限公司"}
DEFAULT_CORRECTION_OPENING = notices.default_texts(NoticeKind.CORRECTION)["opening"]


@pytest.fixture(autouse=True)
def pdf_cache(settings: Any, tmp_path: Path) -> Path:
    settings.PDF_CACHE_DIR = tmp_path / "pdf-cache"
    return settings.PDF_CACHE_DIR


def _item(hall: Any, **fields: Any) -> Item:
    fields.setdefault("statutory_limit_days", 20)
    fields.setdefault("promised_limit_days", 5)
    fields.setdefault("special_procedures", ["expert_review"])
    fields.setdefault("extension_allowed", True)
    fields.setdefault("max_extension_days", 10)
    return make_item_for(hall.window, hall.post, **fields)


def _received(hall: Any, **fields: Any) -> Case:
    return case_receive(
        actor=hall.clerk,
        window=hall.window,
        item=_item(hall, **fields),
        applicant=APPLICANT,
        at=at(DAY, 9, 30),
    )


def _check(hall: Any, case: Case, *statuses: tuple[str, str]) -> None:
    check_in_order(hall.clerk, case, statuses, at=at(DAY, 10))


def _running(hall: Any) -> Case:
    """A case accepted on 2026-09-30 with a 5-day limit: deadline 2026-10-13."""
    case = make_case(window=hall.window, item=_item(hall), received_by=hall.clerk, accepted_on=DAY)
    clock_start(case=case)
    case.refresh_from_db()
    return case


def _decidable(hall: Any) -> Case:
    """A case the chief representative decides on the spot (R-ORG-5: no special procedure for the item)."""
    authorise(hall)
    item = _item(hall, on_spot_decision=True, special_procedures=[])
    return make_case(window=hall.window, item=item, received_by=hall.clerk, accepted_on=DAY)


def _print(client: Any, notice: Notice) -> str:
    response = client.get(reverse("cases:notice_print", args=[notice.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _text(page: str) -> str:
    """The page's visible text with tags dropped and whitespace collapsed."""
    body = page.split("<body", 1)[1]
    return re.sub(r"\s+", " ", htmllib.unescape(re.sub(r"<[^>]+>", " ", body))).strip()


def _facts(page: str) -> list[tuple[str, str]]:
    table = re.search(r'<table class="facts">(.*?)</table>', page, re.S)
    assert table is not None
    rows = re.findall(r"<tr><th>(.*?)</th><td>(.*?)</td></tr>", table.group(1), re.S)
    return [(htmllib.unescape(k), htmllib.unescape(re.sub(r"<br>", "\n", v))) for k, v in rows]


def _material_rows(page: str) -> list[list[str]]:
    table = re.search(r'<table class="materials">.*?<tbody>(.*?)</tbody>', page, re.S)
    assert table is not None
    return [
        [htmllib.unescape(cell) for cell in re.findall(r"<td>(.*?)</td>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)
    ]


def _embedded_chinese_fonts(fonts: set[str]) -> bool:
    """Every embedded font is the sans face (WenQuanYi) or the serif face installed here (docs/pdf.md)."""
    serif = pdf_serif_family().replace(" ", "-")
    return bool(fonts) and all("WenQuanYi" in name or (serif and serif in name) for name in fonts)


def _pdf_text_and_fonts(data: bytes) -> tuple[str, set[str], int]:
    reader = PdfReader(io.BytesIO(data))
    text = "".join(page.extract_text() for page in reader.pages)
    fonts = set()
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for ref in resources["/Font"].values():
            fonts.add(str(ref.get_object()["/BaseFont"]))
    return text, fonts, len(reader.pages)


@pytest.fixture
def correction(hall: Any) -> Notice:
    """Materials 2 missing and 3 defective out of three: the notice names both, and only them."""
    case = _received(hall, materials=3)
    _check(hall, case, ("present", ""), ("missing", ""), ("defective", "复印件不清晰"))
    return case_issue_correction(actor=hall.clerk, case=case, at=at(DAY, 11))


# --- each kind with its facts -----------------------------------------------------------------------------


def test_r_case_2_correction_notice_lists_every_missing_material(
    hall: Any, login: Any, correction: Notice
) -> None:
    page = _print(login(hall.clerk), correction)
    assert correction.number == "示范县政务服务中心补正〔2026〕1号"
    assert '<p class="number">示范县政务服务中心补正〔2026〕1号</p>' in page
    assert "<h1>补正告知书</h1>" in page
    assert _material_rows(page) == [
        ["1", "申请材料2", "缺少", ""],
        ["2", "申请材料3", "不符合要求", "复印件不清晰"],
    ]
    assert "申请材料1" not in page  # present: not asked for again
    assert _facts(page) == [("申请事项", correction.case.version.name), ("收件日期", "2026年9月30日")]
    text = _text(page)
    assert "外经贸局 补正告知书" in text  # the issuing department heads the notice
    assert "申请人：张三 申请单位：示范外贸有限公司" in text
    assert "示范外贸有限公司： " + DEFAULT_CORRECTION_OPENING in text
    assert "补正材料请送至A01 外经贸局窗口。" in text
    assert "外经贸局 （盖章） 2026年9月30日" in text
    # Printable on A4, the toolbar hidden on paper.
    assert "@page { size: A4;" in page
    assert 'class="toolbar noprint"' in page
    assert reverse("cases:notice_pdf", args=[correction.pk]) in page


def test_r_case_2_a_second_correction_notice_says_it_is_the_second(hall: Any, login: Any) -> None:
    from cases.services.intake import case_resubmit

    case = _received(hall, materials=2)
    _check(hall, case, ("present", ""), ("missing", ""))
    case_issue_correction(actor=hall.clerk, case=case, at=at(DAY, 11))
    case_resubmit(actor=hall.clerk, case=case, at=at(DAY, 14))
    case.refresh_from_db()
    case_check_materials(
        actor=hall.clerk,
        case=case,
        results={
            m.pk: ("present", "") if m.order == 1 else ("defective", "缺少签章")
            for m in case.version.materials.all()
        },
        at=at(DAY, 15),
    )
    second = case_issue_correction(actor=hall.clerk, case=case, at=at(DAY, 16))
    page = _print(login(hall.clerk), second)
    assert second.number == "示范县政务服务中心补正〔2026〕2号"
    assert "（本申请第 2 次补正告知）" in page
    assert _material_rows(page) == [["1", "申请材料2", "不符合要求", "缺少签章"]]


def test_r_case_4_refusal_notice_gives_the_reasons_and_the_competent_authority(hall: Any, login: Any) -> None:
    case = _received(hall)
    notice = case_refuse(
        actor=hall.clerk,
        case=case,
        reasons="该事项属市级审批权限，本窗口无权受理",
        competent_authority="市政务服务中心商务局窗口（市民中心二楼）",
        at=at(DAY, 10),
    )
    page = _print(login(hall.clerk), notice)
    assert notice.number == "示范县政务服务中心不受〔2026〕1号"
    assert '<p class="number">示范县政务服务中心不受〔2026〕1号</p>' in page
    assert "<h1>不予受理告知书</h1>" in page
    assert _facts(page) == [
        ("申请事项", case.version.name),
        ("收件日期", "2026年9月30日"),
        ("不予受理的理由", "该事项属市级审批权限，本窗口无权受理"),
        ("有权受理的机关或窗口", "市政务服务中心商务局窗口（市民中心二楼）"),
    ]


def test_r_case_6_acceptance_notice_gives_the_number_promised_date_and_query_code(
    hall: Any, login: Any
) -> None:
    case = _received(hall)
    _check(hall, case, ("present", ""), ("present", ""))
    notice = case_accept(actor=hall.clerk, case=case, at=at(DAY, 11))
    case.refresh_from_db()
    page = _print(login(hall.clerk), notice)
    assert notice.number == "示范县政务服务中心受理〔2026〕1号"
    assert "<h1>受理通知书</h1>" in page
    assert case.number == "DEMO-COUNTY-20260930-00001"
    assert re.fullmatch(r"\d{6}", case.query_code)
    assert _facts(page) == [
        ("办件编号", "DEMO-COUNTY-20260930-00001"),
        ("申请事项", case.version.name),
        ("受理日期", "2026年9月30日"),
        ("办件类型", "承诺件"),
        ("承诺时限", "5个工作日（受理当日不计入）"),
        ("承诺办结日期", "2026年10月13日"),
        ("查询码", case.query_code),
    ]


def test_r_clk_4_special_procedure_notice_states_the_procedure_and_its_expected_duration(
    hall: Any, login: Any
) -> None:
    case = _running(hall)
    suspension = special_procedure_start(
        actor=hall.clerk,
        case=case,
        kind="expert_review",
        reason="需组织专家对技术方案进行评审",
        expected_days=3,
        at=at(date(2026, 10, 9), 10),
    )
    notice = suspension.notice
    assert notice is not None
    page = _print(login(hall.clerk), notice)
    assert notice.number == "示范县政务服务中心特程〔2026〕1号"
    assert '<p class="number">示范县政务服务中心特程〔2026〕1号</p>' in page
    assert "<h1>特别程序告知书</h1>" in page
    assert _facts(page) == [
        ("办件编号", case.number),
        ("申请事项", case.version.name),
        ("特别程序", "专家评审"),
        ("事由", "需组织专家对技术方案进行评审"),
        ("开始日期", "2026年10月9日"),
        ("预计所需时间", "3个工作日（不计入办理期限）"),
        ("剩余办理期限", "4个工作日，自特别程序结束后继续计算"),
    ]
    assert "2026年10月9日</p>" in page  # the issue date under the seal line
    assert "第四十五条" in page  # the default opening cites the law


def test_r_clk_5_extension_notice_gives_the_reason_and_the_new_deadline(hall: Any, login: Any) -> None:
    case = _running(hall)
    extension = extension_request(
        actor=hall.chief,
        case=case,
        days=3,
        reason="需现场核查经营场所",
        at=at(date(2026, 10, 12), 16),
    ).extension
    assert extension is not None
    notice = extension.notice
    assert notice is not None
    page = _print(login(hall.clerk), notice)
    assert notice.number == "示范县政务服务中心延期〔2026〕1号"
    assert "<h1>延期告知书</h1>" in page
    assert _facts(page) == [
        ("办件编号", case.number),
        ("申请事项", case.version.name),
        ("延长期限", "3个工作日"),
        ("延期理由", "需现场核查经营场所"),
        ("原办结期限", "2026年10月13日"),
        ("延长后的办结期限", "2026年10月16日"),
        ("批准人", "赵首席"),
    ]
    assert "2026年10月12日</p>" in page


def test_r_case_7_approval_notice_gives_the_result(hall: Any, login: Any) -> None:
    case = _decidable(hall)
    notice = case_decide(
        actor=hall.chief,
        case=case,
        approve=True,
        result_number="外经贸许〔2026〕88号",
        result_valid_until=date(2031, 9, 29),
        at=at(DAY, 11),
    )
    page = _print(login(hall.clerk), notice)
    assert notice.number == "示范县政务服务中心准予〔2026〕1号"
    assert "<h1>准予许可决定书</h1>" in page
    assert _facts(page) == [
        ("办件编号", case.number),
        ("申请事项", case.version.name),
        ("受理日期", "2026年9月30日"),
        ("决定日期", "2026年9月30日"),
        ("决定", "准予许可"),
        ("办理结果", "许可证"),
        ("证照编号", "外经贸许〔2026〕88号"),
        ("有效期至", "2031年9月29日"),
        ("发证机关", "外经贸局"),
    ]
    assert "申请人的权利" not in page
    # A decision is the department's: its name heads the notice and stands over the seal.
    assert '<p class="issuer">外经贸局</p>' in page
    assert "外经贸局<br>（盖章）" in page


def test_r_case_7_denial_notice_gives_the_reasons_and_the_remedies(hall: Any, login: Any) -> None:
    case = _decidable(hall)
    notice = case_decide(
        actor=hall.chief, case=case, approve=False, reasons="经营场所与登记地址不一致", at=at(DAY, 11)
    )
    page = _print(login(hall.clerk), notice)
    assert notice.number == "示范县政务服务中心不准〔2026〕1号"
    assert "<h1>不予许可决定书</h1>" in page
    assert _facts(page) == [
        ("办件编号", case.number),
        ("申请事项", case.version.name),
        ("受理日期", "2026年9月30日"),
        ("决定日期", "2026年9月30日"),
        ("决定", "不予许可"),
        ("不予许可的理由", "经营场所与登记地址不一致"),
    ]
    assert f'<h2>申请人的权利</h2>\n    <p class="opening">{REMEDIES_TEXT}</p>' in page
    assert "60日内" in REMEDIES_TEXT and "6个月内" in REMEDIES_TEXT


def test_a_notice_with_a_sparse_body_still_prints(hall: Any, login: Any) -> None:
    """Notices written by older code may lack facts: the page shows what there is and never fails."""
    case = _running(hall)
    client = login(hall.clerk)
    for n, kind in enumerate(NoticeKind.values, start=1):
        notice = Notice.objects.create(
            center=hall.center,
            case=case,
            kind=kind,
            number=f"旧-{n}",
            issued_at=at(DAY, 12),
            issued_by=hall.clerk,
        )
        page = _print(client, notice)
        assert f"<h1>{NoticeKind(kind).label}</h1>" in page
        assert f"({case.applicant_name}" not in page and f"{case.applicant_name}：" in page


# --- personal data and access -----------------------------------------------------------------------------


def test_the_id_number_is_printed_for_the_window_staff_only_and_each_showing_is_logged(
    hall: Any, login: Any, correction: Notice, client: Any
) -> None:
    page = _print(login(hall.clerk), correction)
    assert "证件号码：330102199001011234" in _text(page)
    logged = list(PersonalDataAccess.objects.values_list("user", "subject_type", "subject_id", "purpose"))
    assert logged == [
        (
            hall.clerk.user.pk,
            "cases.case",
            str(correction.case_id),
            "打印文书 示范县政务服务中心补正〔2026〕1号",
        )
    ]

    page = _print(login(hall.supervision), correction)  # sees the case, not the applicant's ID
    assert "张三" in page and "330102199001011234" not in page
    assert PersonalDataAccess.objects.count() == 1


def test_another_centres_user_gets_404(hall: Any, login: Any, correction: Notice) -> None:
    for staff in (hall.outsider, hall.other_clerk):
        client = login(staff)
        assert client.get(reverse("cases:notice_print", args=[correction.pk])).status_code == 404
        assert client.get(reverse("cases:notice_pdf", args=[correction.pk])).status_code == 404
    assert login(hall.clerk).get(reverse("cases:notice_print", args=[999999])).status_code == 404


def test_the_public_is_sent_to_the_login(client: Any, correction: Notice) -> None:
    response = client.get(reverse("cases:notice_print", args=[correction.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


# --- the centre's texts -----------------------------------------------------------------------------------


def _set(
    hall: Any, actor: Any = None, *, kind: str = NoticeKind.CORRECTION, moment: Any = None, **texts: str
) -> NoticeTemplate:
    values = {"title": "", "opening": "", "closing": "", "footer": ""} | texts
    return notice_texts.notice_template_set(
        actor=actor or hall.office, center=hall.center, kind=kind, at=moment or at(DAY, 8), **values
    )


def test_r_case_2_a_centres_adjusted_opening_text_appears_on_its_notices(hall: Any, login: Any) -> None:
    _set(
        hall,
        opening="{申请人}：本中心特别提示，请于10个工作日内一次性补正下列材料。",
        footer="{中心}行政审批专用章",
    )
    case = _received(hall, materials=2)
    _check(hall, case, ("present", ""), ("missing", ""))
    notice = case_issue_correction(actor=hall.clerk, case=case, at=at(DAY, 11))
    page = _print(login(hall.clerk), notice)
    text = _text(page)
    assert "示范外贸有限公司：本中心特别提示，请于10个工作日内一次性补正下列材料。" in text
    assert DEFAULT_CORRECTION_OPENING not in text
    assert "示范县政务服务中心行政审批专用章 2026年9月30日" in text
    assert "<h1>补正告知书</h1>" in page  # the parts left blank keep the default
    assert "补正材料请送至A01 外经贸局窗口。" in text
    assert _material_rows(page) == [["1", "申请材料2", "缺少", ""]]  # the facts stay as they are

    # A later change applies to later notices; this one reprints as issued.
    _set(hall, opening="新的开头。", moment=at(DAY, 12))
    assert "本中心特别提示" in _print(login(hall.clerk), notice)

    # Another centre's notices are untouched by this centre's texts.
    assert (
        notices.notice_texts(hall.outsider.center, NoticeKind.CORRECTION).opening
        == DEFAULT_CORRECTION_OPENING
    )


def test_setting_texts_is_recorded_and_the_same_texts_again_change_nothing(hall: Any) -> None:
    row = _set(hall, title="补正材料通知书", closing="联系电话：{咨询电话}")
    assert (row.center, row.kind, row.updated_by, row.updated_at) == (
        hall.center,
        "correction",
        hall.office,
        at(DAY, 8),
    )
    entry = HistoryEntry.objects.get(subject_type="cases.noticetemplate")
    assert (entry.actor, entry.action, entry.rule, entry.center) == (
        hall.office.user,
        "notice_template_set",
        "R-CASE-2",
        hall.center,
    )
    assert entry.changes == {
        "kind": "correction",
        "title": ["", "补正材料通知书"],
        "closing": ["", "联系电话：{咨询电话}"],
    }
    assert _set(hall, title="补正材料通知书", closing="联系电话：{咨询电话}", moment=at(DAY, 9)) == row
    assert (
        NoticeTemplate.objects.count() == 1
        and HistoryEntry.objects.filter(action="notice_template_set").count() == 1
    )
    assert notices.notice_texts(hall.center, NoticeKind.CORRECTION).title == "补正材料通知书"

    _set(hall, actor=hall.sysadmin, kind=NoticeKind.DENIAL, footer="外经贸局", moment=at(DAY, 10))
    assert NoticeTemplate.objects.count() == 2
    latest = HistoryEntry.objects.filter(action="notice_template_set").first()
    assert latest is not None and latest.rule == "R-CASE-7"


def test_only_the_office_and_the_system_administrator_set_texts(hall: Any) -> None:
    for staff in (hall.clerk, hall.chief, hall.supervision, hall.director, hall.outsider):
        with pytest.raises(PermissionDenied):
            _set(hall, actor=staff, opening="甲")
    assert NoticeTemplate.objects.count() == 0


def test_unknown_placeholders_and_overlong_texts_are_refused(hall: Any) -> None:
    with pytest.raises(RuleViolation) as refusal:
        _set(hall, closing="请致电{电话}或{咨询电话}")
    assert (refusal.value.rule, refusal.value.field) == ("R-CASE-2", "closing")
    assert refusal.value.message.startswith("未知的占位符{电话}；可用的有{中心}、{中心地址}、{窗口}")
    with pytest.raises(RuleViolation) as refusal:
        _set(hall, kind=NoticeKind.ACCEPTANCE, opening="字" * 2001)
    assert (refusal.value.rule, refusal.value.message) == ("R-CASE-6", "每段文字最多2000个字。")
    with pytest.raises(RuleViolation) as refusal:
        _set(hall, kind="receipt", opening="甲")
    assert refusal.value.field == "kind"
    assert NoticeTemplate.objects.count() == 0


def test_the_templates_page_edits_and_previews_the_texts(hall: Any, login: Any) -> None:
    url = reverse("cases:notice_templates")
    client = login(hall.office)
    page = client.get(url, {"kind": "acceptance"}).content.decode()
    assert "文书模板" in page and "受理通知书" in page and 'name="opening"' in page
    response = client.post(
        f"{url}?center=demo-county&kind=acceptance",
        {"kind": "acceptance", "title": "", "opening": "欢迎您来{中心}办事。", "closing": "", "footer": ""},
    )
    assert response.status_code == 302
    row = NoticeTemplate.objects.get()
    assert (row.kind, row.opening, row.updated_by) == ("acceptance", "欢迎您来{中心}办事。", hall.office)

    preview = client.get(url, {"preview": "acceptance"}).content.decode()
    assert "样张" in preview and "欢迎您来示范县政务服务中心办事。" in preview
    for kind in NoticeKind.values:
        assert client.get(url, {"preview": kind}).status_code == 200

    refused = client.post(
        url, {"kind": "acceptance", "title": "", "opening": "{未知}", "closing": "", "footer": ""}
    )
    assert refused.status_code == 200
    assert 'class="refusal"' in refused.content.decode() and "R-CASE-6" in refused.content.decode()
    assert NoticeTemplate.objects.count() == 1

    clerk = login(hall.clerk)
    assert clerk.get(url, {"kind": "acceptance"}).status_code == 200
    assert clerk.post(url, {"kind": "acceptance", "opening": "甲"}).status_code == 403
    assert clerk.post(url, {"kind": "nonsense"}).status_code == 400
    assert login(hall.outsider).get(url, {"center": "demo-county"}).status_code == 404
    assert NoticeTemplate.objects.count() == 1


# --- PDF ------------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_r_case_2_correction_notice_pdf_has_the_chinese_text_in_embedded_chinese_fonts(
    hall: Any, login: Any, correction: Notice, pdf_cache: Path
) -> None:
    response = login(hall.clerk).get(reverse("cases:notice_pdf", args=[correction.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "inline; filename*=utf-8''" + quote("示范县政务服务中心补正〔2026〕1号-补正告知书.pdf")
    )
    text, fonts, pages = _pdf_text_and_fonts(response.content)
    flat = text.replace(" ", "").replace("\n", "")
    assert "补正告知书" in flat
    assert "示范县政务服务中心补正〔2026〕1号" in flat
    assert "申请材料2" in flat and "申请材料3" in flat and "复印件不清晰" in flat
    assert "示范外贸有限公司" in flat
    assert _embedded_chinese_fonts(fonts), fonts
    assert pages == 1
    assert len(list(pdf_cache.glob("*.pdf"))) == 1  # rendered once, through common.pdf's cache


@pytest.mark.slow
def test_r_case_7_denial_notice_pdf_carries_the_remedies(hall: Any, login: Any) -> None:
    case = _decidable(hall)
    notice = case_decide(
        actor=hall.chief, case=case, approve=False, reasons="经营场所与登记地址不一致", at=at(DAY, 11)
    )
    response = login(hall.supervision).get(reverse("cases:notice_pdf", args=[notice.pk]))
    assert response.status_code == 200
    text, fonts, _pages = _pdf_text_and_fonts(response.content)
    flat = text.replace(" ", "").replace("\n", "")
    assert "不予许可决定书" in flat and "示范县政务服务中心不准〔2026〕1号" in flat
    assert "经营场所与登记地址不一致" in flat
    assert "60日内" in flat and "6个月内" in flat
    assert "420000199001011238" not in flat  # the supervision section does not see the ID number
    assert _embedded_chinese_fonts(fonts), fonts
