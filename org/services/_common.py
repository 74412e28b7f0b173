"""What the organisation's services share: who may act, the acting user, text clean-up, field checks as
refusals."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _

from common import files
from common.errors import RuleViolation

from ..access import may_act as _may_act  # noqa: F401 - the services import it from here
from ..models import Center


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _full_clean(obj: Any, *, rule: str, exclude: Sequence[str] = ()) -> None:
    """The model's field checks (lengths, choices, formats) as a refusal instead of a database error."""
    try:
        obj.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        label = obj._meta.get_field(field).verbose_name if field != "__all__" else ""
        raise RuleViolation(rule, f"{label}：{'；'.join(messages)}".lstrip("："), field=field) from None


def _check_fields(fields: dict[str, Any], allowed: Sequence[str]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")


def _in_center(obj: Any, center: Center, *, rule: str, field: str, label: str) -> None:
    if obj is not None and obj.center_id != center.pk:
        raise RuleViolation(
            rule, _("%(label)s须属于%(center)s。") % {"label": label, "center": center.name}, field=field
        )


def _checked_file(
    upload: Any, *, kinds: Sequence[files.FileKind], rule: str, field: str, label: str, max_bytes: int
) -> Any:
    """A new upload checked by its content (common.files) and renamed for storage; a stored file or none
    passes unchanged."""
    if not upload or isinstance(upload, FieldFile):
        return upload
    what = _("%(what)s“%(file)s”") % {"what": label, "file": getattr(upload, "name", "")}
    kind = files.check_upload(upload, kinds=kinds, rule=rule, field=field, what=what, max_bytes=max_bytes)
    return files.prepare(upload, kind)


def _checked_photo(upload: Any) -> Any:
    """A staff photo (R-ORG-9): a JPG or PNG image that opens, at most 5 MB."""
    return _checked_file(
        upload,
        kinds=files.PHOTOS,
        rule="R-ORG-9",
        field="photo",
        label=_("照片"),
        max_bytes=files.MAX_PHOTO_BYTES,
    )


def _checked_authorization_scan(upload: Any) -> Any:
    """The scanned authorisation (R-ORG-4): a PDF, JPG or PNG, at most 10 MB."""
    return _checked_file(
        upload,
        kinds=files.DOCUMENTS,
        rule="R-ORG-4",
        field="document",
        label=_("授权书扫描件"),
        max_bytes=files.MAX_UPLOAD_BYTES,
    )
