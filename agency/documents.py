"""The printed documents of full agency: the hand-over register (R-AGT-5) as a PDF, for the staff page and the
API alike. The recipient's identity number is printed masked, as everywhere."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from common.pdf import pdf_font_family, render_pdf

from .selectors import ProjectPage


def hand_over_html(page: ProjectPage) -> str:
    """The hand-over register as a self-contained A4 document for WeasyPrint."""
    return render_to_string(
        "agency/hand_over_pdf.html",
        {
            "project": page.project,
            "hand_over": page.hand_over,
            "rows": page.hand_over_rows,
            "font_family": pdf_font_family(),
        },
    )


def hand_over_document(page: ProjectPage) -> tuple[bytes, str]:
    """The signed hand-over register of `page`'s project as PDF bytes, and its file name."""
    return render_pdf(hand_over_html(page)), _("代办证照交接登记-%(name)s.pdf") % {"name": page.project.name}
