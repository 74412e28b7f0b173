"""Fixtures of the portal's tests: a private PDF cache per test, and a published item with a full guide."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from catalog.models import Fee, Item, Material, Step
from catalog.tests.factories import amending_published, make_published_item


@pytest.fixture(autouse=True)
def pdf_cache(settings: Any, tmp_path: Path) -> Path:
    """Every test renders into its own empty PDF cache."""
    settings.PDF_CACHE_DIR = tmp_path / "pdf-cache"
    return settings.PDF_CACHE_DIR


@pytest.fixture
def guide_item(hall: Any) -> Item:
    """A published item of the hall's department whose guide fills every field of R-CAT-1."""
    item = make_published_item(
        hall.center,
        hall.department,
        post=hall.post,
        code="FTB-001",
        name="对外贸易经营者备案登记",
        basic_code="000117001000",
        implementation_code="11330000002482345A4000117001000",
        item_type="20",
        handling_forms="窗口办理、网上办理",
        visits_required=1,
        legal_basis="《中华人民共和国对外贸易法》第九条",
        content="对从事货物进出口或者技术进出口的对外贸易经营者进行备案登记。",
        conditions="依法办理工商登记或者其他执业手续的法人、其他组织或者个人。",
        statutory_limit_days=20,
        promised_limit_days=5,
        result_name="对外贸易经营者备案登记表",
        special_procedures=["expert_review", "site_survey"],
        on_spot_decision=True,
        consultation_phone="0571-86001001",
        supervision_phone="0571-86001002",
        place="中心二楼A01窗口",
        hours="工作日 08:00–11:30，14:00–17:00",
    )
    version = item.current_version
    with amending_published():
        Material.objects.create(
            version=version,
            order=3,
            name="委托书",
            original_count=1,
            copy_count=0,
            is_required=False,
            condition="委托他人办理的",
        )
        Fee.objects.create(
            version=version,
            order=2,
            name="证书费",
            amount=Decimal("25.50"),
            unit="本",
            legal_basis="浙价费〔2019〕88号",
        )
        Step.objects.create(
            version=version,
            order=2,
            name="审核发证",
            post=hall.post,
            description="核对材料并发证",
            limit_days=3,
        )
    return item
