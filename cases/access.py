"""Who may see a case, and who may see its applicant's personal data (R-ORG-1, and "security by default").

Every case page and API call fetches through `case_for_user`. The applicant's ID number, phone and e-mail are
shown only to the staff of the case's window (and the window's head and chief representative); every time they
are shown, `log_applicant_access` writes a `PersonalDataAccess` row. The centre-wide roles see the case without
them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from common.errors import NotFound
from common.models import PersonalDataAccess
from org.access import CENTER_WIDE_ROLES, active_grants, roles_at, visible_center_ids
from org.models import PostBackup, Role

from .models import Case

WINDOW_ROLES = frozenset({Role.WINDOW_STAFF, Role.WINDOW_HEAD, Role.CHIEF_REPRESENTATIVE})


def window_ids_of(user: Any) -> set[int]:
    """The windows whose cases the user works on: the profile's window, window-scoped role grants, and the
    windows of posts where the user is a B (R-ORG-7: B acts for A)."""
    cached = getattr(user, "_govhall_case_windows", None)
    if cached is not None:  # asked several times per request; the answer does not change within one
        return set(cached)
    ids: set[int] = set(
        active_grants(user)
        .filter(window__isnull=False, role__in=WINDOW_ROLES)
        .values_list("window_id", flat=True)
    )
    profile = getattr(user, "staff_profile", None)
    if profile is not None:
        if profile.window_id is not None:
            ids.add(profile.window_id)
        ids |= set(PostBackup.objects.filter(staff=profile).values_list("post__window_id", flat=True))
        ids |= set(profile.posts_as_a.values_list("window_id", flat=True))
    user._govhall_case_windows = frozenset(ids)
    return ids


def cases_for_user(user: Any) -> QuerySet[Case]:
    """The cases the user may see: every case of a centre where they hold a centre-wide role, and the cases of
    their own windows elsewhere in the centres they see."""
    centers = visible_center_ids(user)
    wide_centers = set(
        active_grants(user).filter(role__in=CENTER_WIDE_ROLES).values_list("center_id", flat=True)
    )
    return Case.objects.filter(center__in=centers).filter(
        Q(center__in=wide_centers) | Q(center__parent__in=wide_centers) | Q(window__in=window_ids_of(user))
    )


def case_for_user(user: Any, pk: int) -> Case:
    case = (
        cases_for_user(user)
        .select_related("center", "item", "version", "window", "responsible")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise NotFound()
    return case


def can_see_applicant(user: Any, case: Case) -> bool:
    """Only the staff of the case's window need the applicant's ID number and phone."""
    return case.window_id in window_ids_of(user) or Role.DIRECTOR in roles_at(user, case.center)


def log_applicant_access(*, user: Any, case: Case, purpose: str) -> None:
    PersonalDataAccess.objects.create(
        center=case.center, user=user, subject_type="cases.case", subject_id=str(case.pk), purpose=purpose
    )
