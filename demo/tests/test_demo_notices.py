"""The one-time notification of the demo's fullest items fits one A4 page (R-CAT-5: "on one printable page")."""

from __future__ import annotations

import io
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import F
from pypdf import PdfReader

from catalog import onetime
from catalog.models import ItemVersion

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

A4_POINTS = (595.3, 841.9)  # 210 × 297 mm


@pytest.fixture(autouse=True)
def pdf_cache(settings: Any, tmp_path: Path) -> Path:
    settings.PDF_CACHE_DIR = tmp_path / "pdf-cache"
    return settings.PDF_CACHE_DIR


def _size(version: ItemVersion) -> tuple[int, int, int]:
    """How much a notice has to print: its materials, then all its rows, then the length of their text."""
    materials, fees, steps = (
        list(version.materials.all()),
        list(version.fees.all()),
        list(version.steps.all()),
    )
    text = sum(len(m.name) + len(m.condition) for m in materials) + len(
        version.conditions + version.legal_basis
    )
    return len(materials), len(materials) + len(fees) + len(steps), text


def test_r_cat_5_the_notices_of_the_demo_items_with_the_most_to_say_fit_one_a4_page() -> None:
    call_command("load_demo", stdout=StringIO())
    current = (
        ItemVersion.objects.filter(item__center__code="demo-county", item__current_version=F("pk"))
        .select_related("item__center", "item__department")
        .prefetch_related("materials", "fees", "steps__post__window")
    )
    fullest = sorted(current, key=_size, reverse=True)[:3]
    assert len(current) == 83
    for version in fullest:
        reader = PdfReader(io.BytesIO(onetime.notice_pdf_for(version)))
        assert len(reader.pages) == 1, (version.item.code, version.name, len(reader.pages))
        box = reader.pages[0].mediabox
        assert (round(float(box.width), 1), round(float(box.height), 1)) == A4_POINTS
        text = reader.pages[0].extract_text().replace("\n", "")
        assert "一次性告知书" in text and version.name in text
        for material in version.materials.all():
            assert material.name in text, (version.item.code, material.name)
