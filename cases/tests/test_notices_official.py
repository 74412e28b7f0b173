"""Notices that look official (issue 9, item 13): in the issuing department's name, numbered in the centre's
Chinese short name, set in a serif Chinese face where the system has one; the acceptance notice lists the
materials received and carries a QR code of the public progress lookup with the case number (never the query
code)."""

from __future__ import annotations

import base64
import io
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import segno
import time_machine
from django.test import Client
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from cases import notices
from cases.models import Case, Notice, NoticeKind
from cases.services.clock import extension_request, special_procedure_start
from cases.services.handling import case_decide
from cases.services.intake import case_accept, case_issue_correction, case_receive, case_refuse
from cases.services.numbering import document_short_name
from catalog.models import Item
from catalog.tests.factories import amending_published
from common.pdf import SERIF_FAMILIES, pdf_font_family, pdf_serif_family
from org.services import center_update

from .factories import at, check_in_order, make_case, make_item_for
from .handling_helpers import authorise

pytestmark = pytest.mark.usefixtures("national_calendar")

DAY = date(2026, 9, 30)
APPLICANT = {"name": "张三", "id_number": "330102199001011234", "organisation_name": "示范外贸有限公司"}
SHORT = "示县政务"


@pytest.fixture(autouse=True)
def pdf_cache(settings: Any, tmp_path: Path) -> Path:
    settings.PDF_CACHE_DIR = tmp_path / "pdf-cache"
    return settings.PDF_CACHE_DIR


@pytest.fixture
def short_named(hall: Any) -> Any:
    """The demo county centre with its Chinese short name set, as an administrator would."""
    center_update(actor=hall.sysadmin.user, center=hall.center, short_name_zh=SHORT)
    hall.center.refresh_from_db()
    return hall


def _item(hall: Any, **fields: Any) -> Item:
    fields.setdefault("promised_limit_days", 5)
    fields.setdefault("special_procedures", ["expert_review"])
    fields.setdefault("extension_allowed", True)
    fields.setdefault("max_extension_days", 10)
    return make_item_for(hall.window, hall.post, **fields)


def _received(hall: Any, materials: int = 2) -> Case:
    return case_receive(
        actor=hall.clerk,
        window=hall.window,
        item=_item(hall, materials=materials),
        applicant=APPLICANT,
        at=at(DAY, 9, 30),
    )


def _accepted_through_the_page(hall: Any, client: Client) -> tuple[Case, Notice]:
    """Three materials: 1 and 3 present, 2 (optional) not applicable; accepted on the case page."""
    case = _received(hall, materials=3)
    with amending_published():
        case.version.materials.filter(order=2).update(is_required=False, condition="外资企业提供")
    check_in_order(
        hall.clerk, case, [("present", ""), ("not_applicable", ""), ("present", "")], at=at(DAY, 10)
    )
    case.refresh_from_db()
    client.force_login(hall.clerk.user)
    with time_machine.travel(at(DAY, 10, 30), tick=False):
        response = client.post(reverse("cases:case_accept", args=[case.pk]), {"revision": case.revision})
    assert response.status_code == 302, response.content.decode()[:2000]
    case.refresh_from_db()
    return case, case.notices.get(kind=NoticeKind.ACCEPTANCE)


def _print(client: Client, notice: Notice) -> str:
    response = client.get(reverse("cases:notice_print", args=[notice.pk]))
    assert response.status_code == 200
    return str(response.content.decode())


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _modules(image: Image.Image) -> list[list[bool]]:
    """The dark modules of a QR code image drawn `QR_SCALE` pixels per module (quiet zone included)."""
    grey = image.convert("L")
    size = grey.size[0] // notices.QR_SCALE
    half = notices.QR_SCALE // 2
    return [
        [grey.getpixel((x * notices.QR_SCALE + half, y * notices.QR_SCALE + half)) < 128 for x in range(size)]  # type: ignore[operator]
        for y in range(size)
    ]


def _symbol_of(payload: str) -> list[list[bool]]:
    """The modules of the QR code that encodes `payload` with the notices' settings: an image with exactly these
    modules carries exactly this payload (a QR decoder would read it back)."""
    code = segno.make(payload, error=notices.QR_ERROR, micro=False)
    return [[bool(v) for v in row] for row in code.matrix_iter(scale=1, border=notices.QR_BORDER)]


def _qr_in_html(page: str) -> Image.Image:
    found = re.search(r'<img src="data:image/png;base64,([^"]+)" alt="办理进度查询二维码"', page)
    assert found is not None, "no QR code on the notice"
    return Image.open(io.BytesIO(base64.b64decode(found.group(1))))


# --- the acceptance notice ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_r_case_6_acceptance_notice_pdf_is_the_departments_with_short_name_number_materials_and_qr(
    short_named: Any, client: Client
) -> None:
    hall = short_named
    case, notice = _accepted_through_the_page(hall, client)
    assert notice.number == "示县政务受理〔2026〕1号"
    response = client.get(reverse("cases:notice_pdf", args=[notice.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    text = _flat(reader.pages[0].extract_text())
    # The issuing department heads the notice and signs it; the number is in the centre's Chinese short name.
    assert text.startswith("外经贸局受理通知书示县政务受理〔2026〕1号"), text[:80]
    assert "外经贸局（盖章）" in text
    assert "DEMO-COUNTY受理" not in text
    # The materials received, with what the checklist asked for; the one not applicable is not listed.
    received = text[text.index("收到的申请材料") :]
    assert "1申请材料1原件1份、复印件1份纸质" in received
    assert "2申请材料3原件1份、复印件1份纸质" in received
    assert "申请材料2" not in received
    # The case number and the query code are printed for the applicant to type.
    assert case.number in text and case.query_code in text
    # The QR code: an image on the page whose modules are those of the lookup address with the case number.
    images = reader.pages[0].images
    assert len(images) == 1
    qr = images[0].image
    assert qr is not None
    expected = f"http://testserver/demo-county/progress/?number={case.number}"
    assert _modules(qr) == _symbol_of(expected)
    assert _modules(qr) != _symbol_of(f"{expected}&code={case.query_code}")


def test_r_pub_2_the_qr_encodes_the_lookup_address_with_the_case_number_never_the_query_code(
    hall: Any, client: Client
) -> None:
    case, notice = _accepted_through_the_page(hall, client)
    page = _print(client, notice)
    url = notices.progress_lookup_url(
        base="http://testserver", center_code=hall.center.code, case_number=case.number
    )
    assert url == f"http://testserver/demo-county/progress/?number={case.number}"
    assert case.query_code not in url and "code" not in url
    assert _modules(_qr_in_html(page)) == _symbol_of(url)
    # The page says what the code is for, and that the query code is still needed.
    assert "扫码查询办理进度" in page and "另需输入查询码" in page
    # The address is the public site's when one is configured (a notice printed on the staff network must
    # not lead to an intranet address).
    assert (
        notices.progress_lookup_url(
            base="https://zwfw.example.gov.cn/", center_code="demo-county", case_number="DEMO-COUNTY-1"
        )
        == "https://zwfw.example.gov.cn/demo-county/progress/?number=DEMO-COUNTY-1"
    )
    assert notices.progress_lookup_url(base="", center_code="demo-county", case_number="X") == ""


def test_the_public_base_url_setting_leads_the_qr_to_the_public_site(
    hall: Any, client: Client, settings: Any
) -> None:
    settings.PUBLIC_BASE_URL = "https://zwfw.example.gov.cn"
    case, notice = _accepted_through_the_page(hall, client)
    expected = f"https://zwfw.example.gov.cn/demo-county/progress/?number={case.number}"
    assert _modules(_qr_in_html(_print(client, notice))) == _symbol_of(expected)


def test_r_case_6_only_the_acceptance_notice_carries_the_qr_and_the_materials_received(
    hall: Any, client: Client
) -> None:
    case, notice = _accepted_through_the_page(hall, client)
    assert [m["name"] for m in notice.body["received_materials"]] == ["申请材料1", "申请材料3"]
    page = _print(client, notice)
    assert "<h2>收到的申请材料</h2>" in page
    refused = case_refuse(
        actor=hall.clerk,
        case=_received(hall),
        reasons="不属于本部门职权范围",
        competent_authority="县市场监管局窗口",
        at=at(DAY, 11),
    )
    other = _print(client, refused)
    assert "data:image/png" not in other and "收到的申请材料" not in other


def test_r_case_6_an_acceptance_notice_issued_before_the_list_was_stored_lists_the_cases_materials(
    hall: Any, client: Client
) -> None:
    case, notice = _accepted_through_the_page(hall, client)
    body = dict(notice.body)
    del body["received_materials"]
    Notice.objects.filter(pk=notice.pk).update(body=body)
    page = _print(client, notice)
    table = page[page.index('<table class="received">') :]
    table = table[: table.index("</table>")]
    assert "申请材料1" in table and "申请材料3" in table and "申请材料2" not in table


# --- numbers, issuer and face -------------------------------------------------------------------------------


def test_notice_numbers_use_the_centres_chinese_short_name_never_its_latin_code(short_named: Any) -> None:
    hall = short_named
    authorise(hall)
    case = _received(hall)
    check_in_order(hall.clerk, case, [("present", ""), ("missing", "")], at=at(DAY, 10))
    correction = case_issue_correction(actor=hall.clerk, case=case, at=at(DAY, 10, 30))
    refusal = case_refuse(
        actor=hall.clerk,
        case=case,
        reasons="逾期未补正且不属本窗口",
        competent_authority="县窗口",
        at=at(DAY, 11),
    )
    accepted = _received(hall)
    check_in_order(hall.clerk, accepted, [("present", ""), ("present", "")], at=at(DAY, 11))
    acceptance = case_accept(actor=hall.clerk, case=accepted, at=at(DAY, 11, 30))
    accepted.refresh_from_db()
    procedure = special_procedure_start(
        actor=hall.clerk,
        case=accepted,
        kind="expert_review",
        reason="专家评审",
        expected_days=2,
        at=at(date(2026, 10, 9), 10),
    ).notice
    numbers = [correction.number, refusal.number, acceptance.number, procedure.number if procedure else ""]
    assert numbers == [
        "示县政务补正〔2026〕1号",
        "示县政务不受〔2026〕1号",
        "示县政务受理〔2026〕1号",
        "示县政务特程〔2026〕1号",
    ]
    assert all("DEMO" not in number for number in numbers)
    # The case number stays Latin and digits: it is typed into the lookup and carried in the QR address.
    assert accepted.number.startswith("DEMO-COUNTY-20260930-")
    # A centre without a short name numbers in its full Chinese name, never its code.
    center_update(actor=hall.sysadmin.user, center=hall.center, short_name_zh="")
    hall.center.refresh_from_db()
    assert document_short_name(hall.center) == "示范县政务服务中心"


def test_every_notice_is_in_the_issuing_departments_name(hall: Any, client: Client) -> None:
    authorise(hall)
    case = _received(hall)
    check_in_order(hall.clerk, case, [("present", ""), ("missing", "")], at=at(DAY, 10))
    correction = case_issue_correction(actor=hall.clerk, case=case, at=at(DAY, 10, 30))
    accepted = _received(hall)
    check_in_order(hall.clerk, accepted, [("present", ""), ("present", "")], at=at(DAY, 11))
    acceptance = case_accept(actor=hall.clerk, case=accepted, at=at(DAY, 11, 30))
    accepted.refresh_from_db()
    extension = extension_request(
        actor=hall.chief, case=accepted, days=2, reason="需现场核查", at=at(date(2026, 10, 12), 16)
    ).extension
    assert extension is not None and extension.notice is not None
    decided = make_item_for(hall.window, hall.post, on_spot_decision=True, special_procedures=[])
    decision = case_decide(
        actor=hall.chief,
        case=make_case(window=hall.window, item=decided, received_by=hall.clerk, accepted_on=DAY),
        approve=True,
        result_number="外经贸许〔2026〕1号",
        at=at(DAY, 15),
    )
    client.force_login(hall.clerk.user)
    for notice in (correction, acceptance, extension.notice, decision):
        page = _print(client, notice)
        assert '<p class="issuer">外经贸局</p>' in page, notice.kind
        assert "外经贸局<br>（盖章）" in page, notice.kind


def test_the_body_is_set_in_a_serif_face_where_installed_with_the_sans_face_behind_it(
    hall: Any, settings: Any
) -> None:
    document = notices.sample_document(hall.center, NoticeKind.ACCEPTANCE)
    sans = pdf_font_family()
    settings.PDF_SERIF_FONT_FAMILY = "AR PL UMing CN"
    assert f'body {{ font-family: "AR PL UMing CN", "{sans}",' in notices.document_html(
        document, for_pdf=True
    )
    # The page a browser prints also names the serif faces of the clerk's own system.
    page = notices.document_html(document, for_pdf=False)
    assert f'body {{ font-family: "AR PL UMing CN", "Songti SC", "SimSun", "{sans}",' in page
    # Without a serif face the sans face draws the text.
    settings.PDF_SERIF_FONT_FAMILY = ""
    assert f'body {{ font-family: "{sans}",' in notices.document_html(document, for_pdf=True)
    del settings.PDF_SERIF_FONT_FAMILY
    assert pdf_serif_family() in ("", *SERIF_FAMILIES)


@pytest.mark.slow
def test_without_a_serif_face_the_pdf_is_drawn_in_the_sans_face(
    hall: Any, client: Client, settings: Any
) -> None:
    settings.PDF_SERIF_FONT_FAMILY = ""
    _case, notice = _accepted_through_the_page(hall, client)
    reader = PdfReader(io.BytesIO(client.get(reverse("cases:notice_pdf", args=[notice.pk])).content))
    resources: Any = reader.pages[0]["/Resources"]
    fonts = {str(ref.get_object()["/BaseFont"]) for ref in resources["/Font"].values()}
    assert fonts and all("WenQuanYi" in name for name in fonts), fonts
    assert "受理通知书" in _flat(reader.pages[0].extract_text())


@pytest.mark.slow
def test_the_pdf_embeds_the_serif_face_when_the_system_has_one(hall: Any, client: Client) -> None:
    serif = pdf_serif_family()
    if not serif:
        pytest.skip("no serif Chinese face installed here (the notice falls back to the sans face)")
    _case, notice = _accepted_through_the_page(hall, client)
    data = client.get(reverse("cases:notice_pdf", args=[notice.pk])).content
    reader = PdfReader(io.BytesIO(data))
    resources: Any = reader.pages[0]["/Resources"]
    fonts = {str(ref.get_object()["/BaseFont"]) for ref in resources["/Font"].values()}
    assert any(serif.replace(" ", "-") in name for name in fonts), fonts
