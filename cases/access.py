"""Who may see a case or an inquiry, and who may see personal data (R-ORG-1, and "security by
default").

Every case page and API call fetches through `case_for_user`. The applicant's ID number, phone and e-mail are
shown only to the staff of the case's window (and the window's head and chief representative, and the
director): masked on the case page, in full when one of them asks (`applicant_contacts`); every time they are
shown in full, `log_applicant_access` writes a `PersonalDataAccess` row. The centre-wide roles see the case
without them.

Inquiries are seen by the staff of the windows where they work (`work_window_ids`), the
first receiver and the leader an inquiry went to, and the centre-wide roles. The web pages and the API fetch
through the same functions here, so that they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext, gettext_lazy

from catalog.selectors import published_version
from common import sql
from common.errors import NotFound, PermissionDenied
from common.i18n import stored
from common.masking import mask_email, mask_id_number, mask_phone
from common.models import PersonalDataAccess
from org.access import CENTER_WIDE_ROLES, grants_of, post_windows_of, roles_at, visible_center_ids
from org.models import Center, Role, StaffProfile, Window
from org.selectors import windows_worked_by

from .models import Case, CaseMaterial, Inquiry
from .selectors.rows import RowQuery

WINDOW_ROLES = frozenset({Role.WINDOW_STAFF, Role.WINDOW_HEAD, Role.CHIEF_REPRESENTATIVE})


def _granted_window_ids(user: Any) -> set[int]:
    return {
        window_id
        for _center, window_id, role in grants_of(user)
        if window_id is not None and role in WINDOW_ROLES
    }


def window_ids_of(user: Any) -> set[int]:
    """The windows whose cases the user works on: the profile's window, window-scoped role grants, and the
    windows of posts where the user is a B (R-ORG-7: B acts for A)."""
    cached = getattr(user, "_govhall_case_windows", None)
    if cached is not None:  # asked several times per request; the answer does not change within one
        return set(cached)
    ids: set[int] = _granted_window_ids(user)
    profile = getattr(user, "staff_profile", None)
    if profile is not None:  # read with the grants (`post_windows_of`)
        ids |= post_windows_of(user)
        if profile.window_id is not None:
            ids.add(profile.window_id)
    user._govhall_case_windows = frozenset(ids)
    return ids


def wide_center_ids(user: Any) -> set[int]:
    """The centres where the user sees every case: those where they hold a centre-wide role, and the centres
    right below them (R-ORG-1). Kept on `user` for the request."""
    cached = getattr(user, "_govhall_wide_centers", None)
    if cached is not None:
        return set(cached)
    granted = {center_id for center_id, _window, role in grants_of(user) if role in CENTER_WIDE_ROLES}
    ids: set[int] = set()
    if granted:
        children = set(Center.objects.filter(parent_id__in=granted).values_list("id", flat=True))
        ids = (granted | children) & visible_center_ids(user)
    user._govhall_wide_centers = frozenset(ids)
    return ids


def cases_for_user(user: Any) -> QuerySet[Case]:
    """The cases the user may see: every case of a centre where they hold a centre-wide role (or of a centre
    below it), and the cases of their own windows elsewhere in the centres they see.

    The filter names the centres and windows by their ids, so that the database reads the index of a list's
    filter and order (`case_center_newest`, `case_window_newest`, the open queues) instead of the whole centre.
    """
    wide = wide_center_ids(user)
    windows = window_ids_of(user)
    where = Q(center__in=sorted(wide)) if wide else Q(pk__in=[])
    if windows:
        where |= Q(window__in=sorted(windows), center__in=sorted(visible_center_ids(user)))
    return Case.objects.filter(where)


def case_scope_sql(user: Any, where: RowQuery) -> str:
    """`cases_for_user(user)`'s filter as SQL over the cases aliased `c`, with its values bound in `where`
    (for the statements written out, `cases.selectors.rows`): the same ids, the same rule."""
    wide = wide_center_ids(user)
    windows = window_ids_of(user)
    scope = where.in_("center_id", sorted(wide)) if wide else "1 = 0"
    if windows:
        mine = where.all_(
            where.in_("window_id", sorted(windows)), where.in_("center_id", sorted(visible_center_ids(user)))
        )
        scope = where.any_(scope, mine)
    return scope


def may_see_case(user: Any, case: Case) -> bool:
    """Whether `case` is one of `cases_for_user(user)`, asked of a case already read (the same rule in
    Python: a centre where the user sees every case, or one of their windows in a centre they see)."""
    if case.center_id in wide_center_ids(user):
        return True
    return case.window_id in window_ids_of(user) and case.center_id in visible_center_ids(user)


_CASE_PAGE_RELATED = ("center", "item", "window", "responsible")


def case_for_user(user: Any, pk: int, *, with_timer: bool = False) -> Case:
    """The case `pk` with its centre, item, version, window and responsible person (and its timer, for a page
    that only reads it), when the user may see it (`may_see_case`); NotFound otherwise, the same as a missing
    case. The row is read by its key with a statement written once per process (`common.sql.select_one`),
    then its scope is checked. Its version, immutable once published (R-CAT-3), comes with its materials,
    fees and steps from the process's store (`catalog.selectors.published_version`), as the services take it."""
    related = (*_CASE_PAGE_RELATED, "timer") if with_timer else _CASE_PAGE_RELATED
    case, _answers = _visible_case(user, pk, related, ())
    return case


def case_page_for_user(user: Any, pk: int) -> tuple[Case, list[bool]]:
    """`case_for_user` with its timer, as the case page reads it, and in the same statement the answers to
    `cases.selectors.page.PAGE_PROBES` (which of the page's lists have rows, whether the clock ever stopped),
    for `page_lists`."""
    from .selectors.page import PAGE_PROBES

    return _visible_case(user, pk, (*_CASE_PAGE_RELATED, "timer"), PAGE_PROBES)


def _visible_case(
    user: Any, pk: int, related: tuple[str, ...], probes: tuple[sql.Probe, ...]
) -> tuple[Case, list[bool]]:
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    low, high = connection.ops.integer_field_range(Case._meta.pk.get_internal_type())
    if (low is not None and key < low) or (high is not None and key > high):
        raise NotFound()
    case, answers = sql.select_one_probed(Case, key, related=related, probes=probes)
    if case is None or not may_see_case(user, case):
        raise NotFound()
    case._state.fields_cache["version"] = published_version(case.version_id)
    return case, answers


def can_see_applicant(user: Any, case: Case) -> bool:
    """Only the staff of the case's window need the applicant's ID number and phone."""
    return case.window_id in window_ids_of(user) or Role.DIRECTOR in roles_at(user, case.center)


@dataclass(frozen=True)
class ApplicantContacts:
    """The applicant's ID number, phone and e-mail as a page shows them: masked, or in `full`."""

    id_number: str
    phone: str
    email: str
    full: bool


def applicant_contacts(user: Any, case: Case, *, full: bool = False) -> ApplicantContacts | None:
    """The applicant's contacts as `user` sees them: None for those who do not see the applicant
    (`can_see_applicant`); masked (`common.masking`), as the case page shows them; in `full` when asked for,
    and then the display is logged (`log_applicant_access`). Most visits to a case do not need the full
    numbers: the log then lists the times someone needed them, not every visit."""
    if not can_see_applicant(user, case):
        return None
    if full:
        log_applicant_access(
            user=user, case=case, purpose=stored(gettext_lazy("查看申请人证件号码和联系方式"))
        )
        return ApplicantContacts(
            case.applicant_id_number, case.applicant_phone, case.applicant_email, full=True
        )
    return ApplicantContacts(
        mask_id_number(case.applicant_id_number),
        mask_phone(case.applicant_phone),
        mask_email(case.applicant_email) if case.applicant_email else "",
        full=False,
    )


def log_applicant_access(*, user: Any, case: Case, purpose: str) -> None:
    """One `PersonalDataAccess` row per display of the applicant's personal data in full (its INSERT is
    written once per process, `common.sql.insert`)."""
    access = PersonalDataAccess(
        center_id=case.center_id,
        user_id=user.pk,
        subject_type="cases.case",
        subject_id=str(case.pk),
        purpose=purpose,
    )
    sql.insert(access, now=True)


def applicant_file(user: Any, case: Case, material_id: int) -> tuple[FieldFile, str]:
    """The file the applicant uploaded for the checklist material `material_id` of `case` (fetched through
    `case_for_user`), and the name it is downloaded under. An applicant's material is personal data: only
    those who see the applicant (`can_see_applicant`) open it (PermissionDenied for the others), and every
    opening is logged like the case page's display. NotFound when nothing was uploaded."""
    row = CaseMaterial.objects.filter(case=case, material_id=material_id).select_related("material").first()
    if row is None or not row.upload:
        raise NotFound()
    if not can_see_applicant(user, case):
        raise PermissionDenied(gettext("申请人上传的材料仅本窗口工作人员可查看。"))
    log_applicant_access(
        user=user,
        case=case,
        purpose=stored(gettext_lazy("查看申请材料“%(name)s”")) % {"name": row.material.name},
    )
    return row.upload, row.upload_name or row.material.name


def work_windows(user: Any, staff: StaffProfile, *, as_backup: bool) -> list[Window]:
    """The active windows of the staff member's centre where they work: their own window, windows of their
    window roles, windows they head, represent or are in charge of, windows of posts they hold as A — and,
    with `as_backup`, windows of posts where they are a B (R-ORG-7). Cached on `user` for the request; one
    query answers both questions (`org.selectors.windows_worked_by`)."""
    cache: dict[bool, list[Window]] | None = getattr(user, "_govhall_work_windows", None)
    if cache is None:  # set through the attribute: request.user is a lazy proxy
        cache = {}
        user._govhall_work_windows = cache
    if as_backup not in cache:
        windows = windows_worked_by(staff, _granted_window_ids(user))
        cache[True] = windows
        cache[False] = [window for window in windows if getattr(window, "works_as_a", False)]
    return list(cache[as_backup])


def work_window_ids(user: Any, staff: StaffProfile) -> set[int]:
    """The ids of `work_windows(as_backup=True)`: where `staff` may log inquiries, receive and serve."""
    return {window.pk for window in work_windows(user, staff, as_backup=True)}


def inquiry_for_user(user: Any, pk: int) -> Inquiry:
    """An inquiry the user may see: its first receiver, the leader it was escalated to, staff of its window or
    of the window it was referred to, and the centre-wide roles. Anything else is 404."""
    inquiry = (
        Inquiry.objects.filter(pk=pk, center__in=visible_center_ids(user))
        .select_related("center", "window", "referred_to", "item", "item__current_version", "first_receiver")
        .select_related("case", "escalated_to", "referral_acknowledged_by")
        .first()
    )
    if inquiry is None:
        raise NotFound()
    if roles_at(user, inquiry.center) & CENTER_WIDE_ROLES:
        return inquiry
    staff = getattr(user, "staff_profile", None)
    if staff is not None and staff.is_active:
        if staff.pk in {inquiry.first_receiver_id, inquiry.escalated_to_id}:
            return inquiry
        windows = work_window_ids(user, staff)
        if inquiry.window_id in windows or inquiry.referred_to_id in windows:
            return inquiry
    raise NotFound()


def log_inquiry_access(*, user: Any, inquiry: Inquiry, purpose: str) -> None:
    """The asker's phone is personal data: every display of it in full is logged."""
    PersonalDataAccess.objects.create(
        center=inquiry.center,
        user=user if getattr(user, "is_authenticated", False) else None,
        subject_type="cases.inquiry",
        subject_id=str(inquiry.pk),
        purpose=purpose,
    )


def case_by_reference(user: Any, text: str) -> Case | None:
    """A case the user may see, by its number, or by "#<id>" for a case not numbered yet."""
    text = (text or "").strip()
    if not text:
        return None
    cases = cases_for_user(user)
    if text.startswith("#") and text[1:].isdigit():
        return cases.filter(pk=int(text[1:])).first()
    return cases.filter(number=text).first()
