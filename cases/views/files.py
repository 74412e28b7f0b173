"""An applicant's uploaded material (R-CASE-2), opened from the case page's checklist.

The file is answered only to those who see the case (`case_for_user`: anyone else gets 404, the same as a
missing case) and, among them, only to those who see the applicant's personal data (`applicant_file`: the
staff of the case's window and the director; the centre-wide roles get 403). Every opening is logged as a
personal-data access, as the case page logs its display. The URL names the case and the checklist material by
their ids; the stored file's path is never shown.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from common import files

from ..access import applicant_file, case_for_user


@login_required
@require_GET
def material_file(request: HttpRequest, pk: int, material_id: int) -> FileResponse:
    stored, name = applicant_file(request.user, case_for_user(request.user, pk), material_id)
    return files.serve(stored, download_name=name)


urlpatterns: list[URLPattern] = [
    path("case/<int:pk>/materials/<int:material_id>/file/", material_file, name="material_file"),
]
