"""Numbered notices print as A4 HTML and as a PDF with the Chinese text embedded (issue 3, item 7)."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.urls import reverse
from pypdf import PdfReader

from cases.models import CaseState, MaterialStatus
from cases.services import intake
from cases.tests.factories import at, make_case, make_item_for

DAY = date(2026, 9, 30)


@pytest.fixture
def correction(hall: Any, national_calendar: Any, tmp_path: Any, settings: Any) -> Any:
    settings.PDF_CACHE_DIR = tmp_path
    item = make_item_for(hall.window, hall.post, statutory_limit_days=10, promised_limit_days=5)
    case = make_case(
        window=hall.window, item=item, received_by=hall.clerk, state=CaseState.RECEIVED, received_on=DAY
    )
    version = item.current_version
    assert version is not None
    first, second = version.materials.order_by("order")
    intake.case_check_materials(
        actor=hall.clerk,
        case=case,
        at=at(DAY, 10),
        results={first.pk: (MaterialStatus.PRESENT, ""), second.pk: (MaterialStatus.MISSING, "")},
    )
    return intake.case_issue_correction(actor=hall.clerk, case=case, at=at(DAY, 11))


def test_r_case_2_correction_notice_prints_its_number_and_every_missing_material(
    hall: Any, login: Any, correction: Any
) -> None:
    response = login(hall.clerk).get(reverse("cases:notice_print", args=[correction.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "补正告知书" in html
    assert correction.number in html
    assert "申请材料2" in html


@pytest.mark.slow
def test_r_case_2_correction_notice_pdf_has_the_chinese_text(hall: Any, login: Any, correction: Any) -> None:
    response = login(hall.clerk).get(reverse("cases:notice_pdf", args=[correction.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "补正告知书" in text
    assert correction.number in text.replace(" ", "")


def test_notice_of_another_centres_case_is_not_found(hall: Any, login: Any, correction: Any) -> None:
    response = login(hall.outsider).get(reverse("cases:notice_print", args=[correction.pk]))
    assert response.status_code == 404
