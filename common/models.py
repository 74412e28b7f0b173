"""Shared building blocks: the base models (choice labels read from a table, the centre-owned row) and the
append-only history."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC
from functools import cache
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Field
from django.utils import timezone
from django.utils.choices import CallableChoiceIterator
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

from . import seal as seals


@cache
def _choice_labels(field: Field) -> dict[Any, Any]:
    """The labels of a field's fixed choices by value (lazy: translated when shown), built once per process."""
    return dict(make_hashable(field.flatchoices))


class Labelled(models.Model):
    """`get_<field>_display()` from a table of the field's labels built once, instead of Django's, which builds
    it anew on every call (about 25 µs: every label is translated to be hashed), and a page shows a dozen of
    them. A field whose choices are computed (a callable) is read Django's way."""

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field: Field) -> Any:  # noqa: N802 - Django's name
        if isinstance(field.choices, CallableChoiceIterator):
            return super()._get_FIELD_display(field)  # type: ignore[misc]
        value = getattr(self, field.attname)
        return force_str(_choice_labels(field).get(make_hashable(value), value), strings_only=True)


def center_key(*, indexed: bool = True) -> models.ForeignKey:
    """The key of a row's centre (R-ORG-1). `indexed=False` for a table with a composite index or unique
    constraint that leads with the centre: that index serves every lookup by centre (and the check before a
    centre is deleted), and one of the key alone would only cost every write (`common/tests/test_indexes.py`)."""
    return models.ForeignKey(
        "org.Center", on_delete=models.PROTECT, related_name="+", verbose_name="中心", db_index=indexed
    )


class CenterOwned(Labelled):
    """Every domain row belongs to exactly one centre (R-ORG-1); queries are scoped by it."""

    center = center_key()

    class Meta:
        abstract = True


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("History is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("History is append-only.")


# The columns of a history entry that its digest covers (and its seal, through it).
DIGESTED = (
    "center_id",
    "at",
    "actor_id",
    "subject_type",
    "subject_id",
    "subject_label",
    "action",
    "changes",
    "reason",
    "rule",
)


def entry_digest(row: dict[str, Any]) -> str:
    """The SHA-256 of a history entry's `DIGESTED` values (a row as `.values(*DIGESTED)` reads it)."""
    values = [row[name] for name in DIGESTED]
    values[1] = values[1].astimezone(UTC).isoformat()
    body = json.dumps(values, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(body.encode()).hexdigest()


class HistoryEntry(models.Model):
    """One change to organisation, authorisations, calendar, policy or catalogue: who, when, what, why.

    Written only by services (`common.history.record`). Rows are never updated or deleted; on PostgreSQL a
    trigger refuses it at the database as well. Each row is sealed when written (`seal`: an HMAC of `digest()`
    under the history key kept outside the database, `common.seal`), so that a row changed in the database by
    someone without the key no longer verifies (`common.history.history_verify`). The rows are not chained:
    a removed row is not found this way (docs/history-integrity.md).
    """

    center = models.ForeignKey(
        "org.Center", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="中心"
    )
    # Set when the entry is made (not by the database), so that its seal covers it.
    at = models.DateTimeField(default=timezone.now, editable=False, db_index=True, verbose_name="时间")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="操作人",
    )
    subject_type = models.CharField(max_length=60, verbose_name="对象类型")
    subject_id = models.CharField(max_length=40, verbose_name="对象编号")
    subject_label = models.CharField(max_length=200, blank=True, verbose_name="对象")
    action = models.CharField(max_length=40, verbose_name="动作")
    changes = models.JSONField(default=dict, blank=True, verbose_name="变更内容")
    reason = models.TextField(blank=True, verbose_name="原因")
    rule = models.CharField(max_length=20, blank=True, verbose_name="规则")
    seal = models.CharField(max_length=64, blank=True, editable=False)
    seal_key_id = models.CharField(max_length=16, blank=True, editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]
        verbose_name = "变更历史"
        verbose_name_plural = "变更历史"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.subject_label} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # An invariant, not a side effect: history rows are written once and never changed.
        if self.pk is not None:
            raise TypeError("History is append-only.")
        self.seal_key_id, self.seal = seals.seal(seals.HISTORY_ENTRY, self.digest())
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("History is append-only.")

    def digest(self) -> str:
        """The SHA-256 of everything the entry says: the seal is made over it."""
        return entry_digest({name: getattr(self, name) for name in DIGESTED})


class PersonalDataAccess(models.Model):
    """Every view of personal data (ID numbers, private phones, complainants) is logged here."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    center = models.ForeignKey("org.Center", on_delete=models.PROTECT, null=True, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    subject_type = models.CharField(max_length=60)
    subject_id = models.CharField(max_length=40)
    purpose = models.CharField(max_length=200)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        verbose_name = "个人信息访问记录"
        verbose_name_plural = "个人信息访问记录"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.subject_type}#{self.subject_id}"
