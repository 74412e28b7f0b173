"""An applicant's uploaded materials (R-CASE-2): checked by their content when received, through the window's
form and the API alike; stored under random names; opened from the case page only by the staff of the case's
window (every opening logged as a personal-data access); never served from a storage path."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from api.tests.helpers import token_client
from cases.models import Case, CaseMaterial
from cases.tests.factories import at, make_item_for
from catalog.models import Item
from common.files import FILE_CSP
from common.models import PersonalDataAccess
from common.tests import samples
from org.models import StaffProfile

pytestmark = pytest.mark.usefixtures("national_calendar")

NOW = at(date(2026, 9, 30), 10, 0)
RECEIVE = reverse("desk:case_receive")
NOT_A_DOCUMENT = "材料“申请材料1”的文件“%s”不是有效的PDF、JPG或PNG文件。"


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _stored(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def _item(hall: Any) -> Item:
    return make_item_for(hall.window, hall.post, promised_limit_days=5)


def _materials(item: Item) -> list[Any]:
    assert item.current_version is not None
    return list(item.current_version.materials.order_by("order"))


def _user(staff: StaffProfile) -> Any:
    assert staff.user is not None
    return staff.user


def _receive(client: Client, hall: Any, item: Item, uploads: dict[int, SimpleUploadedFile]) -> Any:
    """The window's receipt form, as the clerk sends it."""
    data: dict[str, Any] = {
        "window": hall.window.pk,
        "item": item.pk,
        "channel": "window",
        "name": "张三",
        "id_number": "420000199001011238",
        "phone": "13800000000",
    }
    data.update({f"upload_{pk}": upload for pk, upload in uploads.items()})
    client.force_login(_user(hall.clerk))
    with time_machine.travel(NOW, tick=False):
        return client.post(RECEIVE, data)


def _api_receive(hall: Any, item: Item, material: int, upload: SimpleUploadedFile) -> Any:
    with time_machine.travel(NOW, tick=False):
        return token_client(hall.clerk).post(
            reverse("api:case_list", kwargs={"center": hall.center.code}),
            {
                "window": hall.window.number,
                "item": item.code,
                "applicant": '{"name": "陈小明"}',
                f"upload_{material}": upload,
            },
            format="multipart",
        )


def _received_with_files(client: Client, hall: Any, media: Path) -> tuple[Case, Any, Any]:
    item = _item(hall)
    m1, m2 = _materials(item)
    response = _receive(
        client,
        hall,
        item,
        {m1.pk: samples.upload("营业执照.pdf", samples.PDF), m2.pk: samples.upload("照片.png", samples.PNG)},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Case.objects.get(), m1, m2


def _open(client: Client, staff: StaffProfile | None, case: Case, material: Any) -> Any:
    client.logout()
    if staff is not None:
        client.force_login(_user(staff))
    return client.get(reverse("cases:material_file", args=[case.pk, material.pk]))


# --- checked at upload --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("page.html", samples.HTML, "text/html"),
        ("image.svg", samples.SVG_ONLOAD, "image/svg+xml"),
        ("申请表.pdf", samples.HTML, "application/pdf"),  # an HTML page renamed, sent as a PDF
        ("run.sh", samples.SCRIPT, "application/pdf"),
    ],
)
def test_r_case_2_html_svg_and_scripts_are_refused_through_the_window_form(
    hall: Any, client: Client, media: Path, name: str, content: bytes, content_type: str
) -> None:
    item = _item(hall)
    m1, _m2 = _materials(item)

    response = _receive(client, hall, item, {m1.pk: samples.upload(name, content, content_type)})

    assert response.status_code == 422
    assert f"{NOT_A_DOCUMENT % name}（R-CASE-2）" in response.content.decode()
    assert (Case.objects.count(), CaseMaterial.objects.count(), _stored(media)) == (0, 0, [])


@pytest.mark.parametrize(
    ("name", "content"),
    [("page.html", samples.HTML), ("image.svg", samples.SVG_ONLOAD), ("licence.pdf", samples.HTML)],
)
def test_r_case_2_html_and_svg_are_refused_through_the_api(
    hall: Any, media: Path, name: str, content: bytes
) -> None:
    item = _item(hall)
    m1, _m2 = _materials(item)

    response = _api_receive(hall, item, m1.pk, samples.upload(name, content, "application/pdf"))

    assert response.status_code == 422
    assert response.json()["error"] == {
        "rule": "R-CASE-2",
        "message": NOT_A_DOCUMENT % name,
        "field": "uploads",
        "code": "rule_violation",
    }
    assert (Case.objects.count(), _stored(media)) == (0, [])


def test_r_case_2_a_pdf_and_a_png_are_stored_under_random_names_with_the_applicants_names_kept(
    hall: Any, client: Client, media: Path
) -> None:
    case, m1, m2 = _received_with_files(client, hall, media)

    rows = {row.material_id: row for row in CaseMaterial.objects.filter(case=case)}
    assert (rows[m1.pk].upload_name, rows[m2.pk].upload_name) == ("营业执照.pdf", "照片.png")
    assert (rows[m1.pk].upload.read(), rows[m2.pk].upload.read()) == (samples.PDF, samples.PNG)
    for row, extension in ((rows[m1.pk], ".pdf"), (rows[m2.pk], ".png")):
        stored = Path(str(row.upload.name))
        assert stored.parts[0] == "case-materials" and stored.suffix == extension
        assert len(stored.stem) == 32 and "营业执照" not in str(row.upload.name)
    assert len(_stored(media)) == 2


def test_r_case_2_a_file_is_taken_for_what_it_is_not_for_its_name(
    hall: Any, client: Client, media: Path
) -> None:
    """A PNG sent with a .pdf name is a PNG: stored and served as one."""
    item = _item(hall)
    m1, _m2 = _materials(item)

    response = _receive(client, hall, item, {m1.pk: samples.upload("scan.pdf", samples.PNG)})

    assert response.status_code == 302
    row = CaseMaterial.objects.get()
    assert (row.upload_name, Path(str(row.upload.name)).suffix) == ("scan.png", ".png")
    opened = _open(client, hall.clerk, row.case, m1)
    assert (opened["Content-Type"], opened["Content-Disposition"]) == (
        "image/png",
        'inline; filename="scan.png"',
    )


# --- opened from the case page ------------------------------------------------------------------------------


def test_r_case_2_the_clerk_of_the_window_opens_an_uploaded_file_and_the_opening_is_logged(
    hall: Any, client: Client, media: Path
) -> None:
    case, m1, _m2 = _received_with_files(client, hall, media)
    client.force_login(_user(hall.clerk))
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    url = reverse("cases:material_file", args=[case.pk, m1.pk])
    assert f'href="{url}"' in page and "/media/" not in page
    logged = PersonalDataAccess.objects.filter(subject_type="cases.case", subject_id=str(case.pk)).count()

    response = _open(client, hall.clerk, case, m1)

    assert response.status_code == 200
    assert response.getvalue() == samples.PDF
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"] == "inline; filename*=utf-8''%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == FILE_CSP
    assert "no-store" in response["Cache-Control"]
    access = PersonalDataAccess.objects.order_by("-id").first()
    assert access is not None
    assert (access.user, access.subject_id, access.purpose) == (
        _user(hall.clerk),
        str(case.pk),
        "查看申请材料“申请材料1”",
    )
    assert PersonalDataAccess.objects.filter(subject_id=str(case.pk)).count() == logged + 1


def test_r_case_2_others_do_not_open_an_applicants_file(hall: Any, client: Client, media: Path) -> None:
    case, m1, _m2 = _received_with_files(client, hall, media)
    logged = PersonalDataAccess.objects.count()

    # Another centre's staff and a clerk of another window do not see the case at all.
    assert _open(client, hall.outsider, case, m1).status_code == 404
    assert _open(client, hall.other_clerk, case, m1).status_code == 404
    # The supervision section sees the case, not the applicant's personal data.
    assert _open(client, hall.supervision, case, m1).status_code == 403
    anonymous = _open(client, None, case, m1)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("org:login"))
    # A material without an upload, and one not on the case's checklist, are not found.
    other_material = _materials(_item(hall))[0]
    assert _open(client, hall.clerk, case, other_material).status_code == 404
    assert PersonalDataAccess.objects.count() == logged


def test_r_case_2_the_api_returns_the_files_address_and_answers_the_file(
    hall: Any, client: Client, media: Path
) -> None:
    case, m1, m2 = _received_with_files(client, hall, media)

    detail = token_client(hall.clerk).get(reverse("api:case_detail", kwargs={"case_id": case.pk})).json()
    files = {row["material"]: row["file"] for row in detail["checklist"]}
    assert files == {
        m1.pk: reverse("api:case_material_file", args=[case.pk, m1.pk]),
        m2.pk: reverse("api:case_material_file", args=[case.pk, m2.pk]),
    }
    logged = PersonalDataAccess.objects.count()

    response = token_client(hall.clerk).get(files[m2.pk])

    assert response.status_code == 200
    assert response.getvalue() == samples.PNG
    assert (response["Content-Type"], response["Content-Security-Policy"]) == ("image/png", FILE_CSP)
    assert PersonalDataAccess.objects.count() == logged + 1
    assert token_client(hall.outsider).get(files[m2.pk]).status_code == 404
    assert token_client(hall.supervision).get(files[m2.pk]).status_code == 403
    shown = token_client(hall.supervision).get(reverse("api:case_detail", kwargs={"case_id": case.pk})).json()
    assert [row["file"] for row in shown["checklist"]] == [None, None]


def test_stored_files_are_not_served_by_their_path(hall: Any, client: Client, media: Path) -> None:
    case, _m1, _m2 = _received_with_files(client, hall, media)
    row = CaseMaterial.objects.filter(case=case).first()
    assert row is not None
    client.force_login(_user(hall.clerk))
    assert client.get(f"/media/{row.upload.name}").status_code == 404
    assert client.get(f"/{row.upload.name}").status_code == 404
