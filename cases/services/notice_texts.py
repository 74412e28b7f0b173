"""Writes for the centre's own notice texts (issue 3, item 7): versioned, set by the office or the system
administrator, each change in the history. The documents themselves are built in `cases.notices`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import RuleViolation
from common.history import record, snapshot
from org.access import require_role
from org.models import Center, StaffProfile

from ..models import NoticeTemplate
from ..notices import (
    EDIT_ROLES,
    NOTICE_RULES,
    PLACEHOLDER_RE,
    PLACEHOLDERS,
    TEXT_FIELDS,
    TEXT_MAX,
    TITLE_MAX,
    notice_template_in_force,
)


def _clean(value: Any) -> str:
    return "" if value is None else str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _check_placeholders(rule: str, name: str, text: str) -> None:
    unknown = sorted({m for m in PLACEHOLDER_RE.findall(text) if m not in PLACEHOLDERS})
    if unknown:
        raise RuleViolation(
            rule,
            _("未知的占位符%(names)s；可用的有%(known)s。")
            % {
                "names": "、".join(f"{{{n}}}" for n in unknown),
                "known": "、".join(f"{{{n}}}" for n in PLACEHOLDERS),
            },
            field=name,
        )


def notice_template_set(
    *,
    actor: StaffProfile,
    center: Center,
    kind: str,
    title: str,
    opening: str,
    closing: str,
    footer: str,
    at: datetime | None = None,
) -> NoticeTemplate:
    """Set `center`'s texts for notices of `kind` (office or system administrator only).

    A blank text means the default. The texts apply to notices issued from `at` (now) on; notices issued
    earlier keep the texts they were issued with. Setting the same texts again changes nothing."""
    if kind not in NOTICE_RULES:
        raise RuleViolation("R-ORG-1", _("未知的文书类别“%(kind)s”。") % {"kind": kind}, field="kind")
    rule = NOTICE_RULES[kind]
    require_role(actor.user, center, EDIT_ROLES)
    texts = {
        "title": _clean(title),
        "opening": _clean(opening),
        "closing": _clean(closing),
        "footer": _clean(footer),
    }
    if "\n" in texts["title"]:
        raise RuleViolation(rule, _("标题只能写一行。"), field="title")
    if len(texts["title"]) > TITLE_MAX:
        raise RuleViolation(rule, _("标题最多%(n)s个字。") % {"n": TITLE_MAX}, field="title")
    for name in ("opening", "closing", "footer"):
        if len(texts[name]) > TEXT_MAX:
            raise RuleViolation(rule, _("每段文字最多%(n)s个字。") % {"n": TEXT_MAX}, field=name)
    for name in TEXT_FIELDS:
        _check_placeholders(rule, name, texts[name])
    moment = at or timezone.now()
    if timezone.is_naive(moment):
        raise ValueError("notice_template_set takes an aware datetime")

    with transaction.atomic():
        # One change at a time per centre and kind: lock the centre's row (the versions are appended).
        Center.objects.select_for_update().filter(pk=center.pk).first()
        current = notice_template_in_force(center, kind)
        before = snapshot(current, TEXT_FIELDS) if current is not None else dict.fromkeys(TEXT_FIELDS, "")
        if current is not None and before == texts:
            return current
        row = NoticeTemplate.objects.create(
            center=center, kind=kind, updated_at=moment, updated_by=actor, **texts
        )
        record(
            subject=row,
            action="notice_template_set",
            actor=actor.user,
            changes={
                "kind": kind,
                **{k: [before[k], texts[k]] for k in TEXT_FIELDS if before[k] != texts[k]},
            },
            rule=rule,
            center=center,
        )
    return row
