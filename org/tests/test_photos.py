"""Staff photos (R-ORG-9, R-PUB-1) and scanned authorisations (R-ORG-4): checked by their content when
uploaded, stored under random names, and shown through views — a photo to the staff of the centres that see
the person and, for an active member, to the public of the staff board; a scan to those who may see the
authorisation — never by a storage path."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from api.tests.helpers import token_client
from cases.tests.factories import at
from common.files import FILE_CSP
from common.tests import samples
from org.models import Authorization, AuthorizationScope, StaffProfile


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _stored(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def _edit(client: Client, staff: StaffProfile, photo: Any) -> Any:
    return client.post(
        reverse("org:staff_edit", args=[staff.pk]),
        {
            "name": staff.name,
            "badge_number": staff.badge_number,
            "window": staff.window_id or "",
            "is_active": "on",
            "photo": photo,
        },
    )


def _with_photo(hall: Any, login: Any, staff: StaffProfile | None = None) -> StaffProfile:
    staff = staff or hall.clerk
    response = _edit(login(hall.office), staff, samples.upload("王受理.png", samples.PNG, "image/png"))
    assert response.status_code == 302, response.content.decode()[:2000]
    return StaffProfile.objects.get(pk=staff.pk)


def _public_photo(hall: Any, staff: StaffProfile) -> str:
    return reverse("portal:staff_photo", kwargs={"center_code": hall.center.code, "staff_id": staff.pk})


# --- photos ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("photo.svg", samples.SVG_ONLOAD, "请上传有效图片"),
        ("photo.jpg", samples.HTML, "请上传有效图片"),  # an HTML page renamed
        ("photo.gif", samples.image("GIF"), "照片“photo.gif”不是有效的JPG或PNG文件。（R-ORG-9）"),
    ],
)
def test_r_org_9_a_photo_that_is_not_a_jpg_or_png_is_refused(
    hall: Any, login: Any, media: Path, name: str, content: bytes, message: str
) -> None:
    response = _edit(login(hall.office), hall.clerk, samples.upload(name, content, "image/jpeg"))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not StaffProfile.objects.get(pk=hall.clerk.pk).photo
    assert _stored(media) == []


def test_r_org_9_a_photo_is_stored_under_a_random_name_and_shown_to_the_centres_staff(
    hall: Any, login: Any, media: Path, client: Client
) -> None:
    staff = _with_photo(hall, login)
    stored = Path(str(staff.photo.name))
    assert (stored.parts[0], stored.suffix, len(stored.stem)) == ("staff", ".png", 32)
    url = reverse("org:staff_photo", args=[staff.pk])
    page = login(hall.other_clerk).get(reverse("org:staff_detail", args=[staff.pk])).content.decode()
    assert f'src="{url}"' in page and "/media/" not in page

    response = login(hall.other_clerk).get(url)

    assert response.status_code == 200
    assert response.getvalue() == samples.PNG
    assert (response["Content-Type"], response["X-Content-Type-Options"]) == ("image/png", "nosniff")
    assert response["Content-Security-Policy"] == FILE_CSP
    assert login(hall.outsider).get(url).status_code == 404
    client.logout()
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("org:login"))
    assert client.get(f"/media/{staff.photo.name}").status_code == 404


@pytest.mark.usefixtures("national_calendar")
def test_r_pub_1_the_staff_board_shows_active_staffs_photos_through_the_public_view(
    hall: Any, login: Any, media: Path, client: Client
) -> None:
    staff = _with_photo(hall, login)
    client.logout()

    with time_machine.travel(at(date(2026, 9, 30), 10, 0), tick=False):  # open: the board lists the staff
        page = client.get(reverse("portal:staff_board", kwargs={"center_code": hall.center.code}))
    board = page.content.decode()
    assert f'src="{_public_photo(hall, staff)}"' in board and "/media/" not in board
    response = client.get(_public_photo(hall, staff))
    assert response.status_code == 200
    assert response.getvalue() == samples.PNG
    assert response["Content-Security-Policy"] == FILE_CSP
    # Not under another centre's code, not without a photo, not for a deactivated member.
    other = reverse("portal:staff_photo", kwargs={"center_code": "other-county", "staff_id": staff.pk})
    assert client.get(other).status_code == 404
    assert client.get(_public_photo(hall, hall.backup)).status_code == 404
    StaffProfile.objects.filter(pk=staff.pk).update(is_active=False)
    assert client.get(_public_photo(hall, staff)).status_code == 404
    assert login(hall.office).get(reverse("org:staff_photo", args=[staff.pk])).status_code == 200


def test_r_org_9_the_api_gives_a_photos_view_address_not_its_storage_path(
    hall: Any, login: Any, media: Path
) -> None:
    staff = _with_photo(hall, login)
    inactive = _with_photo(hall, login, hall.backup)
    StaffProfile.objects.filter(pk=inactive.pk).update(is_active=False)

    rows = (
        token_client(hall.office).get(reverse("api:staff_list", kwargs={"center": hall.center.code})).json()
    )
    photos = {row["id"]: row["photo"] for row in rows["results"]}

    assert photos[staff.pk] == _public_photo(hall, staff)
    assert photos[inactive.pk] == reverse("org:staff_photo", args=[inactive.pk])
    assert photos[hall.chief.pk] is None


# --- scanned authorisations -----------------------------------------------------------------------------------


def _grant(client: Client, hall: Any, document: Any) -> Any:
    return client.post(
        reverse("org:authorization_create"),
        {
            "department": hall.department.pk,
            "representative": hall.chief.pk,
            "document_number": "授〔2026〕3号",
            "signed_by": "钱局长",
            "scopes": [AuthorizationScope.DECIDE_GENERAL],
            "valid_from": "2026-01-01",
            "valid_until": "2026-12-31",
            "document": document,
        },
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [("授权书.html", samples.HTML), ("授权书.pdf", samples.HTML), ("授权书.svg", samples.SVG_ONLOAD)],
)
def test_r_org_4_a_scan_that_is_not_a_pdf_or_image_is_refused(
    hall: Any, login: Any, media: Path, name: str, content: bytes
) -> None:
    response = _grant(login(hall.office), hall, samples.upload(name, content))

    assert response.status_code == 200
    assert f"授权书扫描件“{name}”不是有效的PDF、JPG或PNG文件。（R-ORG-4）" in response.content.decode()
    assert (Authorization.objects.count(), _stored(media)) == (0, [])


def test_r_org_4_a_scan_is_opened_by_those_who_see_the_authorisation(
    hall: Any, login: Any, media: Path
) -> None:
    response = _grant(login(hall.office), hall, samples.upload("授权书.pdf", samples.PDF))
    assert response.status_code == 302
    authorization = Authorization.objects.get()
    assert Path(str(authorization.document.name)).parts[0] == "authorizations"
    url = reverse("org:authorization_document", args=[authorization.pk])
    page = (
        login(hall.office).get(reverse("org:authorization_detail", args=[authorization.pk])).content.decode()
    )
    assert f'href="{url}"' in page and "/media/" not in page

    opened = login(hall.chief).get(url)

    assert opened.status_code == 200
    assert (opened.getvalue(), opened["Content-Type"]) == (samples.PDF, "application/pdf")
    assert login(hall.clerk).get(url).status_code == 403
    assert login(hall.outsider).get(url).status_code == 404
