"""The legal representative's written authorisations of chief representatives (R-ORG-4), and what they let a
chief representative decide at the window (R-ORG-5)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common import sql
from common.errors import RuleViolation
from common.history import record, snapshot

from ..access import CAN_EDIT_ORGANISATION
from ..models import Authorization, AuthorizationScope, Department, StaffProfile
from ._common import _checked_authorization_scan, _full_clean, _in_center, _may_act, _text, _user

if TYPE_CHECKING:
    from catalog.models import ItemVersion

REPLACEMENT_REASON = "另行委派"


def _revoke(authorization: Authorization, *, actor: Any, reason: str) -> None:
    authorization.revoked_at = timezone.now()
    authorization.revoke_reason = reason
    authorization.save(update_fields=["revoked_at", "revoke_reason"])
    record(
        subject=authorization,
        action="revoke",
        actor=_user(actor),
        changes={"revoked_at": authorization.revoked_at},
        reason=reason,
        rule="R-ORG-4",
    )


@transaction.atomic
def authorization_grant(
    *,
    actor: Any,
    department: Department,
    representative: StaffProfile,
    document_number: str,
    signed_by: str,
    scopes: Iterable[str],
    valid_from: date,
    valid_until: date,
    document: Any = None,
    replaces: Authorization | None = None,
) -> Authorization:
    """Record the legal representative's written authorisation of a chief representative (R-ORG-4).

    With `replaces`, the new one is the centre's replacement (另行委派) and the old one is revoked.
    """
    center = department.center
    _may_act(actor, center, CAN_EDIT_ORGANISATION)
    scopes = list(dict.fromkeys(scopes))
    if not scopes:
        raise RuleViolation("R-ORG-4", _("请至少选择一项授权范围。"), field="scopes")
    for scope in scopes:
        if scope not in AuthorizationScope.values:
            raise RuleViolation("R-ORG-4", _("授权范围“%(scope)s”无效。") % {"scope": scope}, field="scopes")
    if not _text(document_number):
        raise RuleViolation("R-ORG-4", _("请填写授权书文号。"), field="document_number")
    if not _text(signed_by):
        raise RuleViolation("R-ORG-4", _("请填写签署授权的法定代表人。"), field="signed_by")
    if not isinstance(valid_from, date) or not isinstance(valid_until, date):
        raise RuleViolation("R-ORG-4", _("请填写有效期。"), field="valid_from")
    if valid_until < valid_from:
        raise RuleViolation("R-ORG-4", _("截止日期不能早于生效日期。"), field="valid_until")
    _in_center(representative, center, rule="R-ORG-4", field="representative", label=_("首席代表"))
    if not representative.is_active:
        raise RuleViolation(
            "R-ORG-4",
            _("%(representative)s已停用，不能受托。") % {"representative": representative.name},
            field="representative",
        )
    if replaces is not None:
        replaces = Authorization.objects.select_for_update().get(pk=replaces.pk)
        if replaces.department_id != department.pk:
            raise RuleViolation("R-ORG-4", _("只能接替本部门的授权。"), field="replaces")
        if replaces.replaced_by.exists():
            raise RuleViolation("R-ORG-4", _("该授权已由另一份授权接替。"), field="replaces")
    authorization = Authorization(
        center=center,
        department=department,
        representative=representative,
        document_number=_text(document_number),
        signed_by=_text(signed_by),
        scopes=scopes,
        valid_from=valid_from,
        valid_until=valid_until,
        replaces=replaces,
    )
    if document:
        authorization.document = _checked_authorization_scan(document)
    _full_clean(
        authorization,
        rule="R-ORG-4",
        exclude=["center", "department", "representative", "replaces", "scopes"],
    )
    authorization.save()
    record(
        subject=authorization,
        action="grant",
        actor=_user(actor),
        changes={
            **snapshot(
                authorization,
                [
                    "department",
                    "representative",
                    "document_number",
                    "signed_by",
                    "scopes",
                    "valid_from",
                    "valid_until",
                ],
            ),
            "replaces": str(replaces) if replaces else "",
        },
        rule="R-ORG-4",
    )
    if replaces is not None and replaces.revoked_at is None:
        _revoke(replaces, actor=actor, reason=REPLACEMENT_REASON)
    return authorization


@transaction.atomic
def authorization_revoke(*, actor: Any, authorization: Authorization, reason: str) -> Authorization:
    authorization = (
        Authorization.objects.select_for_update(of=("self",))
        .select_related("center")
        .get(pk=authorization.pk)
    )
    _may_act(actor, authorization.center, CAN_EDIT_ORGANISATION)
    if authorization.revoked_at is not None:
        raise RuleViolation("R-ORG-4", _("该授权已撤销。"))
    if not _text(reason):
        raise RuleViolation("R-ORG-4", _("请填写撤销原因。"), field="reason")
    _revoke(authorization, actor=actor, reason=_text(reason))
    return authorization


def authorization_in_force(
    *, representative: StaffProfile, scope: str, moment: datetime, department_id: int | None = None
) -> Authorization | None:
    """The authorisation that gives `representative` the power `scope` at `moment` (R-ORG-4), if any (for the
    department `department_id`, when given).

    In force: valid on the local date of `moment` and not revoked at or before `moment`. An expired or revoked
    authorisation decides nothing.
    """
    day = timezone.localdate(moment)
    # Asked on every decision: written out once (common.sql) rather than built by the ORM each time.
    where = "representative_id = %s AND valid_from <= %s AND valid_until >= %s AND (revoked_at IS NULL OR revoked_at > %s)"
    params = [representative.pk, sql.adapt(day), sql.adapt(day), sql.adapt(moment)]
    if department_id is not None:
        where += " AND department_id = %s"
        params.append(department_id)
    candidates = sql.select_rows(Authorization, where + " ORDER BY valid_from DESC, id DESC", params)
    for authorization in candidates:  # JSON containment is not portable to SQLite: check in Python.
        if scope in (authorization.scopes or []):
            return authorization
    return None


def can_decide_on_spot(
    *, staff: StaffProfile, version: ItemVersion, moment: datetime, department_id: int | None = None
) -> bool:
    """R-ORG-5: the chief representative decides at the window only for an item marked for it, with no
    special procedure (hearing, bidding, testing, quarantine, appraisal, expert review, site survey,
    collective deliberation), under an authorisation in force for deciding general applications of the
    item's department (`department_id`, when the caller has it at hand)."""
    if not version.on_spot_decision or version.special_procedures:
        return False
    if not staff.is_active:
        return False
    return (
        authorization_in_force(
            representative=staff,
            scope=AuthorizationScope.DECIDE_GENERAL,
            moment=moment,
            department_id=version.item.department_id if department_id is None else department_id,
        )
        is not None
    )
