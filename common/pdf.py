"""PDF rendering of the documents govhall prints (one-time notifications, case notices), cached by content hash.

WeasyPrint renders the same HTML template the browser shows. A Chinese page needs a CJK font installed with
the system: settings.PDF_FONT_FAMILY ("WenQuanYi Micro Hei", from fonts-wqy-microhei); without one, WeasyPrint
silently draws boxes (`common.checks` warns at start). Rendering is the slow part, so every PDF is stored under
settings.PDF_CACHE_DIR as `<sha256>.pdf`, the hash taken over the HTML, the font and the renderer's version: the
same content is rendered once. A case notice's body is set in a serif Chinese face where the system has one
(`pdf_serif_family`), falling back to the sans face. The documents themselves are their domains' (`catalog.onetime`,
`cases.notices`); see docs/pdf.md.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils import timezone

logger = logging.getLogger("govhall.pdf")


# Serif (Song/Ming style, 宋体/明体) Chinese faces a written notice's body is set in when the system has one, in
# order of preference: AR PL UMing (fonts-arphic-uming, what `make system-packages` installs: a notice renders
# in a fraction of a second), then Noto Serif CJK / Source Han Serif (fonts-noto-cjk: far slower to subset),
# FandolSong (TeX Live). docs/pdf.md.
SERIF_FAMILIES = (
    "AR PL UMing CN",
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "FandolSong",
)


def pdf_font_family() -> str:
    return str(getattr(settings, "PDF_FONT_FAMILY", "WenQuanYi Micro Hei"))


@lru_cache(maxsize=1)
def _installed_serif_family() -> str:
    from .checks import installed_font_families

    families = installed_font_families() or set()
    return next((family for family in SERIF_FAMILIES if family in families), "")


def pdf_serif_family() -> str:
    """The serif Chinese face installed here ("" when there is none: the notice falls back to
    `pdf_font_family`). `settings.PDF_SERIF_FONT_FAMILY` names one explicitly ("" turns serif off). Looked up
    once per process; the family is written into the document's HTML, so it is part of the PDF's cache key and
    installing a face later renders anew."""
    configured = getattr(settings, "PDF_SERIF_FONT_FAMILY", None)
    if configured is not None:
        return str(configured)
    return _installed_serif_family()


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
