"""The one-time notification (一次性告知书, R-CAT-5) of an item version: its context, HTML and PDF.

One self-contained A4 document from the catalogue (materials, conditions, procedure, limits, fees, basis). The
portal shows it and serves its PDF; publishing pre-renders the PDF (`notice_prerender`), and the
`render_notices` command renders every current one. Rendering and its cache are `common.pdf`'s.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string

from common.pdf import cache_path, content_key, pdf_font_family, render_pdf

from .models import Item, ItemVersion

logger = logging.getLogger("govhall.pdf")

NOTICE_TEMPLATE = "catalog/onetime_notice.html"
PRERENDER_THREAD_NAME = "notice-pdf"


def notice_context(version: ItemVersion) -> dict[str, Any]:
    """What the one-time notification shows: the version with its materials, steps and fees (R-CAT-5)."""
    item: Item = version.item
    return {
        "item": item,
        "version": version,
        "center": item.center,
        "department": item.department,
        "materials": list(version.materials.all()),
        "fees": list(version.fees.all()),
        "steps": list(version.steps.all()),
        "pdf_font": pdf_font_family(),
    }


def notice_html_for(version: ItemVersion, *, for_pdf: bool = True, **extra: Any) -> str:
    """The notice's HTML. For the PDF it is rendered without a request, so it depends only on the version:
    the same version always gives the same HTML and so the same cache entry."""
    context = notice_context(version)
    context.update(extra, for_pdf=for_pdf)
    return render_to_string(NOTICE_TEMPLATE, context)


def notice_pdf_for(version: ItemVersion) -> bytes:
    """The one-time notification of `version` as PDF (cached; rendered now if it is not yet)."""
    return render_pdf(notice_html_for(version))


def notice_pdf_is_cached(version: ItemVersion) -> bool:
    return cache_path(content_key(notice_html_for(version))).exists()


def _render_quietly(html: str, label: str) -> None:
    try:
        render_pdf(html)
    except Exception:  # a background render must never take the process down; the view renders on demand
        logger.exception("Pre-rendering the notice PDF of %s failed", label)


def notice_prerender(version: ItemVersion, *, background: bool = True) -> None:
    """Render `version`'s notice PDF once the current transaction commits, off the request path.

    The HTML is built in the committing thread (it reads the database); only WeasyPrint runs in the
    background thread (named "notice-pdf"), which touches no database connection. Call it from the code
    that publishes a version. With `background=False` it renders in place (the management command, tests).
    """
    version_id = version.pk

    def _after_commit() -> None:
        fresh = (
            ItemVersion.objects.select_related("item__center", "item__department")
            .prefetch_related("materials", "fees", "steps__post__window")
            .get(pk=version_id)
        )
        html = notice_html_for(fresh)
        if not background:
            render_pdf(html)
            return
        threading.Thread(
            target=_render_quietly, args=(html, str(fresh)), name=PRERENDER_THREAD_NAME, daemon=True
        ).start()

    transaction.on_commit(_after_commit)
