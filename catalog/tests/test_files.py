"""A material's blank form and filled-in sample (R-CAT-1): checked by their content when uploaded (no HTML,
SVG or script, whatever its name), stored under random names, linked from the catalogue's pages and the
public guide through views that check what the visitor may see — never by a storage path (R-CAT-3: a
published version's files are public documents; a draft's are not)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from catalog.models import Item, Material, VersionState
from catalog.tests.factories import make_published_item
from common.files import FILE_CSP
from common.tests import samples

HX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}
NOT_A_FORM = "%s“%s”不是有效的PDF、JPG、PNG、DOCX或XLSX文件。"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def item(hall: Any) -> Item:
    return make_published_item(
        hall.center, hall.department, post=hall.post, code="FTB-001", name="对外贸易经营者备案登记"
    )


def _stored(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def _add_material(client: Client, item: Item, **files: Any) -> Any:
    client.get(reverse("catalog:item_edit", args=[item.pk]))  # opens the draft
    data = {
        "material-name": "申请表",
        "material-original_count": 1,
        "material-copy_count": 0,
        "material-is_required": "on",
        **{f"material-{key}": upload for key, upload in files.items()},
    }
    return client.post(reverse("catalog:material_add", args=[item.pk]), data, **HX)


def _published_with_files(client: Client, item: Item) -> Material:
    response = _add_material(
        client,
        item,
        blank_form=samples.upload("申请表.docx", samples.DOCX, DOCX_TYPE),
        sample=samples.upload("样本.pdf", samples.PDF),
    )
    assert response.status_code == 200 and "refusal" not in response.content.decode()
    published = client.post(reverse("catalog:item_publish", args=[item.pk]), {"change_note": "增加申请表"})
    assert published.status_code == 302
    item.refresh_from_db()
    assert item.current_version is not None and item.current_version.number == 2
    return item.current_version.materials.get(name="申请表")


def _public_url(item: Item, material: Material, slot: str) -> str:
    return reverse(
        f"portal:material_{slot}",
        kwargs={
            "center_code": item.center.code,
            "item_code": item.code,
            "material_id": material.pk,
        },
    )


# --- checked at upload --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "label", "name", "content", "content_type"),
    [
        ("blank_form", "空白表格", "申请表.html", samples.HTML, "text/html"),
        ("sample", "填写样本", "样本.svg", samples.SVG_ONLOAD, "image/svg+xml"),
        ("blank_form", "空白表格", "申请表.pdf", samples.HTML, "application/pdf"),  # renamed HTML
        ("blank_form", "空白表格", "申请表.docm", samples.DOCM, DOCX_TYPE),  # a Word file with macros
        ("sample", "填写样本", "样本.zip", samples.ZIP, "application/zip"),
    ],
)
def test_r_cat_1_a_blank_form_or_sample_that_is_not_a_document_is_refused(
    hall: Any,
    item: Item,
    login: Any,
    media: Path,
    field: str,
    label: str,
    name: str,
    content: bytes,
    content_type: str,
) -> None:
    response = _add_material(
        login(hall.coordination), item, **{field: samples.upload(name, content, content_type)}
    )

    body = response.content.decode()
    assert 'class="refusal"' in body
    assert f"{NOT_A_FORM % (label, name)}（R-CAT-1）" in body
    assert not Material.objects.filter(name="申请表").exists()
    assert _stored(media) == []


def test_r_cat_1_a_docx_form_and_a_pdf_sample_are_stored_under_random_names(
    hall: Any, item: Item, login: Any, media: Path
) -> None:
    response = _add_material(
        login(hall.coordination),
        item,
        blank_form=samples.upload("申请表.docx", samples.DOCX, DOCX_TYPE),
        sample=samples.upload("样本.pdf", samples.PDF),
    )

    assert response.status_code == 200 and 'class="refusal"' not in response.content.decode()
    material = Material.objects.get(name="申请表")
    form, sample = Path(str(material.blank_form.name)), Path(str(material.sample.name))
    assert (form.parts[0], form.suffix, len(form.stem)) == ("forms", ".docx", 32)
    assert (sample.parts[0], sample.suffix, len(sample.stem)) == ("samples", ".pdf", 32)
    assert material.sample.read() == samples.PDF
    url = reverse("catalog:material_form", args=[item.pk, material.pk])
    assert f'href="{url}"' in response.content.decode() and "/media/" not in response.content.decode()


# --- served through views -----------------------------------------------------------------------------------


def test_r_cat_3_a_published_items_form_and_sample_are_public_through_the_guide(
    hall: Any, item: Item, login: Any, media: Path, client: Client
) -> None:
    material = _published_with_files(login(hall.coordination), item)
    client.logout()

    guide = client.get(
        reverse("portal:item_guide", kwargs={"center_code": "demo-county", "item_code": item.code})
    )
    body = guide.content.decode()
    assert f'href="{_public_url(item, material, "form")}"' in body
    assert f'href="{_public_url(item, material, "sample")}"' in body
    assert "/media/" not in body

    form = client.get(_public_url(item, material, "form"))
    assert form.status_code == 200
    assert form.getvalue() == samples.DOCX
    assert form["Content-Type"] == DOCX_TYPE
    assert form["Content-Disposition"].startswith("attachment; filename*=utf-8''FTB-001-")
    assert form["Content-Disposition"].endswith(".docx")
    assert (form["X-Content-Type-Options"], form["Content-Security-Policy"]) == ("nosniff", FILE_CSP)
    sample = client.get(_public_url(item, material, "sample"))
    assert (sample.status_code, sample["Content-Type"]) == (200, "application/pdf")
    assert sample["Content-Disposition"].startswith("inline;")
    # Anything but the two files of the current version's materials is not found.
    without = Material.objects.filter(version=material.version).exclude(pk=material.pk)[0]
    assert client.get(_public_url(item, without, "form")).status_code == 404


def test_r_cat_3_a_drafts_files_are_not_public_but_open_to_the_centres_staff(
    hall: Any, item: Item, login: Any, media: Path, client: Client
) -> None:
    _add_material(login(hall.coordination), item, blank_form=samples.upload("申请表.pdf", samples.PDF))
    material = Material.objects.get(name="申请表")
    assert material.version.state == VersionState.DRAFT
    staff_url = reverse("catalog:material_form", args=[item.pk, material.pk])

    client.logout()
    assert client.get(_public_url(item, material, "form")).status_code == 404
    anonymous = client.get(staff_url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("org:login"))
    assert login(hall.outsider).get(staff_url).status_code == 404
    response = login(hall.clerk).get(staff_url)
    assert response.status_code == 200 and response.getvalue() == samples.PDF
    preview = login(hall.coordination).get(reverse("catalog:item_preview", args=[item.pk])).content.decode()
    assert f'href="{staff_url}"' in preview


def test_the_admin_links_a_published_materials_files_through_the_public_view(
    hall: Any, item: Item, login: Any, media: Path, admin_client: Client
) -> None:
    material = _published_with_files(login(hall.coordination), item)

    page = admin_client.get(reverse("admin:catalog_itemversion_change", args=[material.version_id]))

    body = page.content.decode()
    assert page.status_code == 200
    assert f'href="{_public_url(item, material, "form")}"' in body
    assert "/media/" not in body and str(material.blank_form.name) not in body


def test_stored_forms_are_not_served_by_their_path(hall: Any, item: Item, login: Any, media: Path) -> None:
    material = _published_with_files(login(hall.coordination), item)
    assert login(hall.coordination).get(f"/media/{material.blank_form.name}").status_code == 404
