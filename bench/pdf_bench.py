"""Time to render the one-time notification as PDF against rendering the same notice's HTML."""

from __future__ import annotations

import tempfile
import time

from django.test import Client, override_settings
from django.urls import reverse


def _render_uncached(html: str) -> float:
    from common import pdf

    with tempfile.TemporaryDirectory() as empty_cache, override_settings(PDF_CACHE_DIR=empty_cache):
        start = time.perf_counter()
        pdf.render_pdf(html)
        return time.perf_counter() - start


def main() -> None:
    from catalog import onetime
    from catalog.models import Item, ItemStatus
    from common import pdf

    item = (
        Item.objects.filter(status=ItemStatus.PUBLISHED, center__code="demo-county").order_by("code").first()
    )
    if item is None:
        raise SystemExit("No published item: run `make demo` first.")
    client = Client(HTTP_HOST="127.0.0.1")
    url = reverse("portal:item_notice", kwargs={"center_code": "demo-county", "item_code": item.code})
    if client.get(url).status_code != 200:  # also warms the template caches
        raise SystemExit(f"{url} did not answer 200")
    runs = 20
    start = time.perf_counter()
    for _ in range(runs):
        client.get(url)
    html_s = (time.perf_counter() - start) / runs
    version = item.current_version
    assert version is not None
    html = onetime.notice_html_for(version)
    cold_s = _render_uncached(html)  # includes loading WeasyPrint and the font in this process
    warm_s = _render_uncached(html)
    pdf.render_pdf(html)
    start = time.perf_counter()
    for _ in range(runs):
        pdf.render_pdf(html)
    cached_s = (time.perf_counter() - start) / runs
    print(f"pdf.notice_html (GET the HTML notice): {html_s * 1000:.1f} ms (baseline)")
    print(
        f"pdf.notice_pdf first render in a process: {cold_s * 1000:.0f} ms = {cold_s / html_s:.0f}x the HTML"
    )
    print(f"pdf.notice_pdf render, uncached: {warm_s * 1000:.0f} ms = {warm_s / html_s:.0f}x the HTML")
    print(
        f"pdf.notice_pdf from the content cache: {cached_s * 1000:.3f} ms = {cached_s / html_s:.4f}x the HTML"
    )
