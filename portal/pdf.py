"""PDF rendering of public documents (R-CAT-5 one-time notification), cached by content hash.

WeasyPrint renders the same HTML template the browser shows. A Chinese page needs a CJK font installed with
the system: settings.PDF_FONT_FAMILY ("WenQuanYi Micro Hei", from fonts-wqy-microhei); without one, WeasyPrint
silently draws boxes. Rendering is the slow part, so every PDF is stored under settings.PDF_CACHE_DIR as
`<sha256>.pdf`, the hash taken over the HTML, the font and the renderer's version: the same content is
rendered once. `notice_prerender` renders a new version's notice in a background thread after the publishing
transaction commits, and the `render_notices` command renders every current one (docs/pdf.md).
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from catalog.models import Item, ItemVersion

logger = logging.getLogger("govhall.pdf")

NOTICE_TEMPLATE = "portal/item_notice.html"
PRERENDER_THREAD_NAME = "notice-pdf"


def pdf_font_family() -> str:
    return str(getattr(settings, "PDF_FONT_FAMILY", "WenQuanYi Micro Hei"))


def cache_dir() -> Path:
    return Path(settings.PDF_CACHE_DIR)


def _renderer_version() -> str:
    import weasyprint

    return str(weasyprint.__version__)


def content_key(html: str, *, base_url: str | None = None) -> str:
    """The cache key of a rendering: sha256 over the HTML, the font setting, the base URL and WeasyPrint's
    version (a new renderer may lay the page out differently)."""
    digest = hashlib.sha256()
    for part in (pdf_font_family(), _renderer_version(), base_url or "", html):
        digest.update(part.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


def cache_path(key: str) -> Path:
    return cache_dir() / f"{key}.pdf"


def cached_pdf(html: str, *, base_url: str | None = None) -> bytes | None:
    """The cached PDF of this HTML, or None when it has not been rendered yet."""
    path = cache_path(content_key(html, base_url=base_url))
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename: a reader never sees half a PDF, and two
    processes rendering the same content at once both leave a whole file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def render_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """The PDF of `html`: from the cache when this content was rendered before, else rendered and stored."""
    key = content_key(html, base_url=base_url)
    path = cache_path(key)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    from weasyprint import HTML  # imported here: loading WeasyPrint and its fonts is not free

    started = timezone.now()
    data: bytes = HTML(string=html, base_url=base_url).write_pdf()
    _write_atomically(path, data)
    logger.info(
        "Rendered PDF %s (%d bytes) in %.2fs", key[:12], len(data), (timezone.now() - started).total_seconds()
    )
    return data


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
