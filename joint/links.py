"""The case page's link to joint approval (`cases.hooks.register_case_link`), registered in `JointConfig.ready`:
kept apart from the views so that starting a process (a command, the daily sweep) does not load the pages."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from cases.hooks import CaseLink
from catalog.models import CaseType

from . import selectors, services
from .models import JointCase


def case_link(case: Any, user: Any) -> CaseLink | None:
    """The case page's link to joint approval (`cases.hooks`): the departments' progress once the joint case is
    opened (for those who may read it), or, for the lead of an accepted joint case not opened yet, the page that
    opens it (R-PAR-3). No query for a case of another type."""
    if case.case_type != CaseType.JOINT:
        return None
    joint_case = JointCase.objects.filter(case=case).first()
    if joint_case is not None:
        if not selectors.may_read(user, joint_case):
            return None
        return CaseLink(_("并联审批：各部门进度"), reverse("joint:detail", args=[joint_case.pk]), "joint")
    if case.accepted_on is None or not services.acts_for(user, case.center, case.window.department_id):
        return None
    return CaseLink(_("启动并联审批"), reverse("joint:open", args=[case.pk]), "joint_open")
