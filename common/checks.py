"""System checks: the PDF font must be installed, or WeasyPrint silently draws boxes instead of Chinese; the
client-address settings must be addresses; and, in production (`check --deploy`), the cache must be shared by
every process, or each process would keep its own throttle counts."""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

from django.conf import settings
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Error as CheckError
from django.core.checks import Warning as CheckWarning
from django.utils.module_loading import import_string

from .net import parse_networks

# Caches that each process keeps for itself (a file cache is one host's, and is culled at random).
PER_PROCESS_CACHES = (LocMemCache, DummyCache, FileBasedCache)


def installed_font_families() -> set[str] | None:
    """The font families fontconfig knows, or None when fontconfig's `fc-list` is not available."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    result = subprocess.run([fc_list, ":", "family"], capture_output=True, text=True, timeout=30, check=False)  # noqa: S603
    families: set[str] = set()
    for line in result.stdout.splitlines():
        families.update(name.strip() for name in line.split(","))
    return families


@register(Tags.compatibility)
def pdf_font_installed(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    family = getattr(settings, "PDF_FONT_FAMILY", "")
    families = installed_font_families()
    if families is None:
        return [
            CheckWarning(
                "fontconfig (fc-list) is not installed; PDFs cannot find the CJK font.",
                hint="apt-get install fontconfig fonts-wqy-microhei",
                id="common.W002",
            )
        ]
    if family not in families:
        return [
            CheckWarning(
                f"The PDF font {family!r} (settings.PDF_FONT_FAMILY) is not installed; "
                "Chinese text in PDFs would be drawn as boxes.",
                hint="apt-get install fonts-wqy-microhei (see docs/pdf.md)",
                id="common.W001",
            )
        ]
    return []


@register(Tags.caches, deploy=True)
def shared_cache_in_production(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The default cache holds the throttles' counts (common/throttle.py): a cache of one process would let
    each worker count on its own, and an address would get the allowance once per worker."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    try:
        per_process = issubclass(import_string(backend), PER_PROCESS_CACHES)
    except ImportError:
        per_process = False  # Django's own cache check names a backend that cannot be imported
    if not per_process:
        return []
    return [
        CheckError(
            f"The default cache ({backend}) is kept by each process: throttles would count per process.",
            hint="Set REDIS_URL, or keep the production settings' database cache (its table is made by migrate).",
            id="common.E001",
        )
    ]


@register(Tags.security)
def client_address_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """TRUSTED_PROXIES and KIOSK_ADDRESSES (common/net.py) must be addresses or networks."""
    messages: list[CheckMessage] = []
    for name in ("TRUSTED_PROXIES", "KIOSK_ADDRESSES"):
        try:
            parse_networks(getattr(settings, name, ()))
        except ValueError as error:
            messages.append(
                CheckError(f"{name}: {error}.", hint="e.g. 127.0.0.1, 10.1.0.0/24", id="common.E002")
            )
    return messages
