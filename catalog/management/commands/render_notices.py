"""Render the one-time notification PDF of every current published version into the PDF cache (R-CAT-5).

Run after deploying (a new template or renderer changes every hash) and whenever convenient; a notice already
in the cache costs only the HTML rendering and a file check.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from catalog import onetime
from catalog.models import ItemStatus, ItemVersion, VersionState
from common import pdf


class Command(BaseCommand):
    help = "Pre-render the one-time notification PDFs of all current published item versions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--center", help="only this centre's items (centre code)")

    def handle(self, *args: Any, **options: Any) -> None:
        versions = (
            ItemVersion.objects.filter(
                state=VersionState.PUBLISHED, item__status=ItemStatus.PUBLISHED, item__center__is_active=True
            )
            .select_related("item__center", "item__department")
            .prefetch_related("materials", "fees", "steps__post__window")
            .order_by("item__center__code", "item__code")
        )
        if options.get("center"):
            versions = versions.filter(item__center__code=options["center"])
        rendered = cached = 0
        started = time.monotonic()
        for version in versions:
            html = onetime.notice_html_for(version)
            if pdf.cached_pdf(html) is not None:
                cached += 1
                continue
            t0 = time.monotonic()
            pdf.render_pdf(html)
            rendered += 1
            self.stdout.write(f"{version.item.center.code} {version.item.code}: {time.monotonic() - t0:.2f}s")
        self.stdout.write(
            self.style.SUCCESS(
                f"rendered {rendered}, already cached {cached}, {time.monotonic() - started:.1f}s in all"
            )
        )
