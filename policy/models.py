"""Per-centre policy values with effective dates (RULES.md: every number is a default of a centre's policy)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from common.models import CenterOwned, center_key


class PolicyValue(CenterOwned):
    """The value of one policy key at a centre from `effective_from` on (R-ASM-17).

    The keys, their defaults, types and rule ids are in `policy.registry`.
    """

    center = center_key(indexed=False)

    key = models.CharField(max_length=60, verbose_name="参数")
    value = models.JSONField(verbose_name="取值")
    effective_from = models.DateField(verbose_name="生效日期")
    rule = models.CharField(max_length=20, verbose_name="规则")
    note = models.CharField(max_length=300, blank=True, verbose_name="说明")
    set_at = models.DateTimeField(auto_now_add=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["center", "key", "-effective_from"]
        verbose_name = "制度参数"
        verbose_name_plural = "制度参数"
        constraints = [
            models.UniqueConstraint(fields=["center", "key", "effective_from"], name="policyvalue_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.key}={self.value} ({self.effective_from})"
