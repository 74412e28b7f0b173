"""Uploaded files: what may be stored, under what name, and how a stored file is answered.

What a file is comes from its bytes, never from its name or the content type the browser sent: a PDF starts
with `%PDF-`, a JPEG or PNG must open and verify with Pillow, a Word or Excel file (DOCX, XLSX) is a zip whose
`[Content_Types].xml` declares the main part of that kind and that holds no macros. Anything else — HTML, SVG,
scripts, executables, macro-enabled Office files — is refused, and so is a file over the size limit. Each
domain picks the kinds it takes and the rule id a refusal cites (`check_upload`).

A stored file gets a random name (`UploadTo`), so that its path says nothing and cannot be guessed; the
uploader's name, where it matters, is kept in a field of its own for the download. Stored files are never
served from `MEDIA_ROOT` by a URL: a view fetches the row through the domain's access check and answers with
`serve`, which names the content type from the bytes again (a file stored before these checks is a download
of unknown type), makes everything but images and PDF a download, forbids content sniffing and sandboxes the
answer with its own Content-Security-Policy.
"""

from __future__ import annotations

import posixpath
import re
import secrets
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.core.files.base import File
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

from .errors import NotFound, RuleViolation


@dataclass(frozen=True)
class FileKind:
    code: str
    label: str  # as named to the user: "PDF", "JPG"
    extension: str
    content_type: str
    inline: bool  # shown in the browser; every other kind is a download


PDF = FileKind("pdf", "PDF", ".pdf", "application/pdf", inline=True)
JPEG = FileKind("jpeg", "JPG", ".jpg", "image/jpeg", inline=True)
PNG = FileKind("png", "PNG", ".png", "image/png", inline=True)
DOCX = FileKind(
    "docx",
    "DOCX",
    ".docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    inline=False,
)
XLSX = FileKind(
    "xlsx", "XLSX", ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", inline=False
)
ALL_KINDS = (PDF, JPEG, PNG, DOCX, XLSX)

# What each kind of upload may be.
DOCUMENTS = (PDF, JPEG, PNG)  # an applicant's materials, a scanned authorisation
FORMS = (PDF, JPEG, PNG, DOCX, XLSX)  # a blank form or a filled-in sample of the catalogue
PHOTOS = (JPEG, PNG)  # a staff member's photo

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PHOTO_BYTES = 5 * 1024 * 1024
# An image may not decode to more pixels than this (a small file that unpacks to gigabytes is refused).
MAX_IMAGE_PIXELS = 40_000_000
# A zip's members may not unpack to more than this, nor number more (zip bombs).
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ZIP_MEMBERS = 5_000
MAX_CONTENT_TYPES_BYTES = 256 * 1024

# The answer's own policy: no script, no plugin, no request anywhere, and a sandbox, so that even a file that
# a browser took for a page could do nothing (inline styles only for the browser's own PDF and image views).
FILE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"

_OOXML_MAIN = {
    DOCX: (
        "word/document.xml",
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ),
    XLSX: ("xl/workbook.xml", b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
}
_MACRO_MARKERS = (b"macroenabled", b"vbaproject")
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


# --- what a file is -------------------------------------------------------------------------------------------


def _head(fp: IO[bytes], size: int = 16) -> bytes:
    fp.seek(0)
    head = fp.read(size)
    fp.seek(0)
    return head


def _image_kind(fp: IO[bytes], expected: FileKind) -> FileKind | None:
    from PIL import Image  # imported when an image is checked: most requests never need it

    try:
        with Image.open(fp) as image:
            if image.format != {JPEG: "JPEG", PNG: "PNG"}[expected]:
                return None
            width, height = image.size
            if width <= 0 or height <= 0 or width * height > MAX_IMAGE_PIXELS:
                return None
            image.verify()
    except Exception:  # noqa: BLE001 - Pillow raises many kinds of error for a broken image
        return None
    finally:
        fp.seek(0)
    return expected


def _ooxml_kind(fp: IO[bytes]) -> FileKind | None:
    try:
        with zipfile.ZipFile(fp) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
                return None
            names = {m.filename for m in members}
            if "[Content_Types].xml" not in names:
                return None
            if any(marker in name.lower().encode() for name in names for marker in _MACRO_MARKERS):
                return None
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > MAX_CONTENT_TYPES_BYTES:
                return None
            types = archive.read(info).lower()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, KeyError, EOFError, RuntimeError):
        return None
    finally:
        fp.seek(0)
    if any(marker in types for marker in _MACRO_MARKERS):
        return None
    for kind, (main_part, content_type) in _OOXML_MAIN.items():
        if main_part in names and content_type in types:
            return kind
    return None


def sniff(fp: IO[bytes], *, thorough: bool = True) -> FileKind | None:
    """The kind of the file open in `fp`, from its bytes; None for anything else. `thorough` verifies images
    with Pillow (at upload); serving only reads the signature."""
    head = _head(fp)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return _image_kind(fp, PNG) if thorough else PNG
    if head.startswith(b"\xff\xd8\xff"):
        return _image_kind(fp, JPEG) if thorough else JPEG
    if head.startswith(b"PK\x03\x04"):
        return _ooxml_kind(fp)
    return None


# --- checking an upload ---------------------------------------------------------------------------------------


def kinds_label(kinds: Sequence[FileKind]) -> str:
    """ "PDF、JPG或PNG"."""
    labels = [kind.label for kind in kinds]
    if len(labels) == 1:
        return labels[0]
    return _("%(first)s或%(last)s") % {"first": "、".join(labels[:-1]), "last": labels[-1]}


def check_upload(
    upload: Any,
    *,
    kinds: Sequence[FileKind],
    rule: str,
    field: str,
    what: str,
    max_bytes: int = MAX_UPLOAD_BYTES,
) -> FileKind:
    """The kind of `upload` if it is one of `kinds` and within `max_bytes`; otherwise a refusal citing `rule`
    and naming `what` (e.g. 材料“营业执照”的文件“执照.pdf”). The file is left at its start."""
    if not isinstance(upload, File) or not getattr(upload, "name", ""):
        raise RuleViolation(rule, _("%(what)s无效。") % {"what": what}, field=field)
    size = upload.size or 0
    if size <= 0:
        raise RuleViolation(rule, _("%(what)s为空。") % {"what": what}, field=field)
    if size > max_bytes:
        raise RuleViolation(
            rule, _("%(what)s超过%(mb)sMB。") % {"what": what, "mb": max_bytes // (1024 * 1024)}, field=field
        )
    try:
        kind = sniff(upload)
    except (OSError, ValueError):
        kind = None
    if kind is None or kind not in kinds:
        raise RuleViolation(
            rule,
            _("%(what)s不是有效的%(kinds)s文件。") % {"what": what, "kinds": kinds_label(kinds)},
            field=field,
        )
    return kind


def original_name(upload: Any, kind: FileKind) -> str:
    """The uploader's file name, for the download: without any path or control characters, at most 120
    characters, with the extension of what the file really is."""
    name = posixpath.basename(str(getattr(upload, "name", "")).replace("\\", "/"))
    stem = _UNSAFE_NAME.sub("_", posixpath.splitext(name)[0]).strip(" ._") or kind.code
    return f"{stem[:100]}{kind.extension}"


def prepare(upload: Any, kind: FileKind) -> Any:
    """`upload`, renamed to a neutral name with the extension of its kind, before it is assigned to a field
    (the field's `UploadTo` then gives it its random stored name)."""
    upload.name = f"upload{kind.extension}"
    return upload


@deconstructible
class UploadTo:
    """A field's `upload_to`: `<prefix><year>/<month>/<random><extension>`, the extension kept only when it is
    one of the accepted kinds'. The name says nothing of the file and cannot be guessed."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def __call__(self, instance: Any, filename: str) -> str:
        extension = posixpath.splitext(filename)[1].lower()
        if extension not in {kind.extension for kind in ALL_KINDS}:
            extension = ""
        return f"{self.prefix}{timezone.now():%Y/%m}/{secrets.token_hex(16)}{extension}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UploadTo) and other.prefix == self.prefix

    def __hash__(self) -> int:
        return hash(self.prefix)


# --- serving a stored file ------------------------------------------------------------------------------------


def serve(stored: FieldFile, *, download_name: str, private: bool = True) -> FileResponse:
    """Answer with the stored file. Call only after the caller's access check has passed.

    The content type comes from the file's bytes; images and PDF open in the browser, anything else is a
    download (`application/octet-stream` for a file of no known kind). `private` answers are never cached."""
    if not stored or not stored.name:
        raise NotFound()
    try:
        fp = stored.storage.open(stored.name, "rb")
    except (OSError, ValueError):
        raise NotFound() from None
    try:
        kind = sniff(fp, thorough=False)
    except (OSError, ValueError):
        kind = None
    stem, extension = posixpath.splitext(download_name)
    if extension.lower() not in {kind.extension for kind in ALL_KINDS} | {".jpeg", ".bin"}:
        stem = download_name
    stem = _UNSAFE_NAME.sub("_", stem).strip(" ._") or "file"
    if kind is None:
        content_type, inline, filename = "application/octet-stream", False, f"{stem}.bin"
    else:
        content_type, inline, filename = kind.content_type, kind.inline, f"{stem}{kind.extension}"
    response = FileResponse(fp, content_type=content_type, as_attachment=not inline, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    if private:
        response["Cache-Control"] = "no-store, private"
    return response
