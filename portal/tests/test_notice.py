"""The one-time notification (一次性告知书, R-CAT-5): HTML page and PDF, rendered from the catalogue."""

from __future__ import annotations

import io
import threading
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from catalog import onetime
from catalog.models import Item
from common import pdf


def _notice_url(item: Item, name: str = "item_notice") -> str:
    return reverse(f"portal:{name}", kwargs={"center_code": item.center.code, "item_code": item.code})


def _pdf_text_and_fonts(data: bytes) -> tuple[str, set[str]]:
    reader = PdfReader(io.BytesIO(data))
    text = "".join(page.extract_text() for page in reader.pages)
    fonts = set()
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            fonts.add(str(ref.get_object()["/BaseFont"]))
    return text, fonts


def test_r_cat_5_notice_lists_all_materials_conditions_steps_limits_fees_and_basis(
    client: Any, guide_item: Item
) -> None:
    response = client.get(_notice_url(guide_item))
    assert response.status_code == 200
    page = response.content.decode()
    version = guide_item.current_version
    assert "一次性告知书" in page and version.name in page
    for material in version.materials.all():
        assert material.name in page
    assert [m.name for m in version.materials.all()] == ["申请材料1", "申请材料2", "委托书"]
    assert "视情形：委托他人办理的" in page
    assert version.conditions in page
    for step in version.steps.all():
        assert step.name in page
    assert "法定时限：20个工作日；承诺时限：5个工作日（承诺件，受理当日不计入）" in page
    for fee in version.fees.all():
        assert fee.name in page and fee.legal_basis in page
    assert "25.50 元/本" in page
    assert version.legal_basis in page
    assert "0571-86001001" in page and "0571-86001002" in page
    # Printable: an A4 page rule and the toolbar hidden in print.
    assert "@page { size: A4;" in page
    assert 'class="toolbar noprint"' in page
    assert _notice_url(guide_item, "item_notice_pdf") in page


@pytest.mark.slow
def test_r_cat_5_notice_pdf_has_the_chinese_text_in_an_embedded_wenquanyi_font(
    client: Any, guide_item: Item, pdf_cache: Path
) -> None:
    response = client.get(_notice_url(guide_item, "item_notice_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline; filename*=utf-8''FTB-001-")
    text, fonts = _pdf_text_and_fonts(response.content)
    assert "一次性告知书" in text
    assert "对外贸易经营者备案登记" in text
    assert "委托书" in text and "浙价费〔2019〕88号" in text
    assert fonts and all("WenQuanYi" in name for name in fonts), fonts
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 1  # one printable page
    # Stored under its content hash; the second request is served from the cache.
    stored = list(pdf_cache.glob("*.pdf"))
    assert [p.name for p in stored] == [
        f"{pdf.content_key(onetime.notice_html_for(guide_item.current_version))}.pdf"
    ]
    assert stored[0].read_bytes() == response.content
    assert client.get(_notice_url(guide_item, "item_notice_pdf")).content == response.content


def test_render_pdf_returns_the_cached_file_without_rendering(pdf_cache: Path, monkeypatch: Any) -> None:
    html = "<p>缓存</p>"
    pdf_cache.mkdir(parents=True)
    pdf.cache_path(pdf.content_key(html)).write_bytes(b"%PDF-cached")

    def fail(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("rendered although cached")

    monkeypatch.setattr("weasyprint.HTML", fail)
    assert pdf.render_pdf(html) == b"%PDF-cached"
    assert pdf.cached_pdf(html) == b"%PDF-cached"
    assert pdf.cached_pdf("<p>别的内容</p>") is None


def test_cache_key_depends_on_content_and_font(settings: Any) -> None:
    key = pdf.content_key("<p>甲</p>")
    assert len(key) == 64
    assert pdf.content_key("<p>甲</p>") == key
    assert pdf.content_key("<p>乙</p>") != key
    settings.PDF_FONT_FAMILY = "Noto Sans CJK SC"
    assert pdf.content_key("<p>甲</p>") != key


def test_notice_html_for_the_pdf_depends_only_on_the_version(client: Any, guide_item: Item) -> None:
    version = guide_item.current_version
    html = onetime.notice_html_for(version)
    assert html == onetime.notice_html_for(version)
    assert 'font-family: "WenQuanYi Micro Hei"' in html
    assert "toolbar" not in html.split("<body", 1)[1]  # no links or buttons on paper


@pytest.mark.slow
def test_notice_prerender_renders_after_commit_in_a_background_thread(
    guide_item: Item, pdf_cache: Path, django_capture_on_commit_callbacks: Any
) -> None:
    version = guide_item.current_version
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        onetime.notice_prerender(version)
    assert not pdf_cache.exists() or not list(pdf_cache.glob("*.pdf"))  # nothing before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    for thread in threading.enumerate():
        if thread.name == onetime.PRERENDER_THREAD_NAME:
            thread.join()
    assert onetime.notice_pdf_is_cached(version)
    text, _ = _pdf_text_and_fonts(pdf.cached_pdf(onetime.notice_html_for(version)) or b"")
    assert "对外贸易经营者备案登记" in text


@pytest.mark.slow
def test_render_notices_command_renders_every_current_version_once(
    hall: Any, guide_item: Item, pdf_cache: Path
) -> None:
    out = io.StringIO()
    call_command("render_notices", stdout=out)
    assert "rendered 1, already cached 0" in out.getvalue()
    assert onetime.notice_pdf_is_cached(guide_item.current_version)
    out = io.StringIO()
    call_command("render_notices", "--center", hall.center.code, stdout=out)
    assert "rendered 0, already cached 1" in out.getvalue()


def test_system_check_warns_when_the_pdf_font_is_missing(settings: Any) -> None:
    from common.checks import pdf_font_installed

    assert pdf_font_installed() == []
    settings.PDF_FONT_FAMILY = "No Such Font"
    assert [m.id for m in pdf_font_installed()] == ["common.W001"]
