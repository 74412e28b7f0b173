"""Time to render the one-time notification as PDF (cache bypassed) against rendering its HTML."""

from __future__ import annotations

import time

from django.test import Client
from django.urls import reverse


def main() -> None:
    from catalog.models import Item, ItemStatus
    from portal import pdf

    item = (
        Item.objects.filter(status=ItemStatus.PUBLISHED, center__code="demo-county").order_by("code").first()
    )
    if item is None:
        raise SystemExit("No published item: run `make demo` first.")
    client = Client()
    url = reverse("portal:item_notice", kwargs={"center_code": "demo-county", "item_code": item.code})
    client.get(url)  # warm template caches
    runs = 20
    start = time.perf_counter()
    for _ in range(runs):
        html = client.get(url).content.decode()
    html_s = (time.perf_counter() - start) / runs
    start = time.perf_counter()
    pdf.render_pdf(html, use_cache=False)
    pdf_s = time.perf_counter() - start
    start = time.perf_counter()
    pdf.render_pdf(html)
    pdf.render_pdf(html)
    cached_s = (time.perf_counter() - start) / 2
    print(f"pdf.notice_html: {html_s * 1000:.1f} ms per page (baseline)")
    print(f"pdf.notice_pdf (uncached): {pdf_s * 1000:.0f} ms = {pdf_s / html_s:.0f}x the HTML")
    print(f"pdf.notice_pdf (cached): {cached_s * 1000:.2f} ms = {cached_s / html_s:.2f}x the HTML")
