"""A system check: the PDF font must be installed, or WeasyPrint silently draws boxes instead of Chinese."""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Warning as CheckWarning


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
