"""The one content check of every upload and the one way a stored file is answered (common/files.py)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from common import files
from common.errors import NotFound, RuleViolation
from common.tests import samples


def _check(
    name: str, content: bytes, kinds: tuple[files.FileKind, ...] = files.FORMS, **kw: Any
) -> files.FileKind:
    return files.check_upload(
        samples.upload(name, content), kinds=kinds, rule="R-TEST-1", field="f", what=f"文件“{name}”", **kw
    )


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (samples.PDF, files.PDF),
        (samples.PNG, files.PNG),
        (samples.JPEG, files.JPEG),
        (samples.DOCX, files.DOCX),
        (samples.XLSX, files.XLSX),
    ],
)
def test_a_file_is_known_by_its_bytes_whatever_its_name(content: bytes, kind: files.FileKind) -> None:
    assert _check("anything.txt", content) == kind


@pytest.mark.parametrize(
    "content",
    [
        samples.HTML,
        samples.SVG_ONLOAD,
        samples.SCRIPT,
        samples.DOCM,  # macros
        samples.ZIP,  # a zip that is no Office document
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,  # a PNG signature on no image
        b"\xff\xd8\xff\xe0" + b"<script>alert(1)</script>",
        samples.image("GIF"),
        b"MZ\x90\x00",
    ],
)
def test_anything_else_is_refused_naming_the_rule_and_the_kinds(content: bytes) -> None:
    with pytest.raises(RuleViolation) as refused:
        _check("申请表.pdf", content)
    assert (refused.value.rule, refused.value.field, refused.value.message) == (
        "R-TEST-1",
        "f",
        "文件“申请表.pdf”不是有效的PDF、JPG、PNG、DOCX或XLSX文件。",
    )


def test_each_upload_takes_only_its_own_kinds_and_size() -> None:
    with pytest.raises(RuleViolation) as docx_as_photo:
        _check("a.docx", samples.DOCX, files.PHOTOS)
    assert docx_as_photo.value.message == "文件“a.docx”不是有效的JPG或PNG文件。"
    with pytest.raises(RuleViolation) as large:
        _check("a.pdf", samples.PDF + b"0" * 1024 * 1024, max_bytes=1024 * 1024)
    assert large.value.message == "文件“a.pdf”超过1MB。"
    with pytest.raises(RuleViolation) as empty:
        _check("a.pdf", b"")
    assert empty.value.message == "文件“a.pdf”为空。"
    with pytest.raises(RuleViolation) as huge:
        _check("big.png", samples.image("PNG", (8000, 6000)))
    assert "不是有效的" in huge.value.message  # 48 million pixels: refused before it is decoded


def test_stored_names_are_random_and_keep_only_a_known_extension() -> None:
    upload_to = files.UploadTo("forms/")
    first, second = upload_to(None, "upload.docx"), upload_to(None, "upload.docx")
    assert re.fullmatch(r"forms/\d{4}/\d{2}/[0-9a-f]{32}\.docx", first) and first != second
    assert re.fullmatch(r"forms/\d{4}/\d{2}/[0-9a-f]{32}", upload_to(None, "x.html"))
    assert files.original_name(samples.upload("../../营业执照.PDF", samples.PDF), files.PDF) == "营业执照.pdf"
    assert files.original_name(samples.upload("scan.pdf", samples.PNG), files.PNG) == "scan.png"


def test_a_stored_file_is_answered_as_what_its_bytes_are(db: Any, settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    # A file stored before the checks, named as a PDF but holding a page: a download of no known type.
    legacy = default_storage.save("forms/old.pdf", ContentFile(samples.HTML))
    field = type("Stored", (), {"name": legacy, "storage": default_storage, "__bool__": lambda self: True})()

    response = files.serve(field, download_name="申请表.pdf")  # type: ignore[arg-type]

    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''%E7%94%B3%E8%AF%B7%E8%A1%A8.bin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == files.FILE_CSP
    assert "sandbox" in files.FILE_CSP and "script-src" not in files.FILE_CSP
    response.getvalue()
    response.close()
    missing = type(
        "Stored", (), {"name": "forms/none.pdf", "storage": default_storage, "__bool__": lambda s: True}
    )()
    with pytest.raises(NotFound):
        files.serve(missing, download_name="x")  # type: ignore[arg-type]


def test_nothing_is_served_under_media(client: Any, db: Any, settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    stored = default_storage.save("staff/photo.png", ContentFile(samples.PNG))
    assert client.get(f"/{settings.MEDIA_URL}{stored}").status_code == 404
