"""The organisation pages: sign-in, the staff workbench, the post board and the office's editing pages.

Thin: parse the input with a form, fetch through `org.access` (another centre's object is a 404, a wrong role a
403 — `common.middleware` turns the domain errors into those pages), call one service, render. A refusal is
shown on the form with its rule id, and nothing is saved.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from common import files
from common.errors import RuleViolation
from common.history import history_of

from . import selectors, services
from .access import (
    CAN_EDIT_ORGANISATION,
    CAN_GRANT_ROLES,
    CAN_RECORD_ABSENCE,
    CAN_RECORD_TRAINING,
    CAN_SEE_PHONE_CHANGES,
    CAN_VIEW_AUTHORIZATIONS,
    center_for,
    get_for_user,
    require_role,
    roles_at,
    scoped,
    visible_centers,
)
from .auth import address_refusal_message, refused_by_address
from .forms import (
    AbsenceForm,
    AuthorizationForm,
    DepartmentForm,
    PhoneChangeForm,
    PostForm,
    ReasonForm,
    RoleGrantForm,
    RoleRevokeForm,
    SectionForm,
    StaffCreateForm,
    StaffEditForm,
    StaffForm,
    TrainingForm,
    WindowForm,
    show_refusal,
)
from .models import Absence, Authorization, Center, Department, Post, RoleGrant, StaffProfile, Window

# --- helpers -------------------------------------------------------------------------------------------


def _page_center(request: HttpRequest) -> Center:
    """The centre a list page shows: `?center=CODE` if visible to the user (else 404), or their own."""
    return center_for(request.user, request.GET.get("center") or None)


def _can(request: HttpRequest, center: Center, allowed: frozenset[str]) -> bool:
    return bool(roles_at(request.user, center) & set(allowed))


def _fetch(request: HttpRequest, queryset: Any, **lookup: Any) -> Any:
    return get_for_user(request.user, queryset, **lookup)


def _form_page(
    request: HttpRequest,
    form: Any,
    *,
    title: str,
    back: str,
    rule: str = "",
    intro: str = "",
    submit: str = "",
    multipart: bool = False,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "org/form.html",
        {
            "form": form,
            "title": title,
            "back": back,
            "rule": rule,
            "intro": intro,
            "submit": submit or _("保存"),
            "multipart": multipart,
        },
        status=status,
    )


@contextmanager
def _refusal_on(form: Any, field_map: dict[str, str] | None = None) -> Iterator[None]:
    """Around a view's one service call: a refusal is put on the form with its rule id (nothing was saved),
    and the view goes on to show the form again."""
    try:
        yield
    except RuleViolation as violation:
        show_refusal(form, violation, field_map)


def _centers_context(request: HttpRequest, center: Center) -> dict[str, Any]:
    centers = list(visible_centers(request.user))
    return {"center": center, "centers": centers if len(centers) > 1 else []}


# --- sign-in -------------------------------------------------------------------------------------------


class StaffLoginView(auth_views.LoginView):
    """Django's login; its form calls `authenticate(request, ...)`, which django-axes needs to count failures.
    An address refused for password spraying (`org.auth`) is told so, with 429."""

    template_name = "org/login.html"
    redirect_authenticated_user = True

    def form_invalid(self, form: Any) -> HttpResponse:
        if not refused_by_address(self.request):
            return super().form_invalid(form)
        context = self.get_context_data(form=form, address_refusal=address_refusal_message())
        return self.render_to_response(context, status=429)


class StaffLogoutView(auth_views.LogoutView):
    """POST only (Django's logout refuses GET)."""


# --- post board and posts (R-ORG-6/7/8) ----------------------------------------------------------------


@login_required
def post_board(request: HttpRequest) -> HttpResponse:
    center = _page_center(request)
    rows = selectors.post_board(center, timezone.now(), with_training=True)
    only_gaps = request.GET.get("gaps") == "1"
    shown = [r for r in rows if r.gap] if only_gaps else rows
    return render(
        request,
        "org/post_board.html",
        {
            **_centers_context(request, center),
            "rows": shown,
            "gap_count": sum(1 for r in rows if r.gap),
            "stale_count": sum(1 for r in rows if r.stale_training),
            "only_gaps": only_gaps,
            "now": timezone.now(),
            "can_edit": _can(request, center, CAN_EDIT_ORGANISATION),
        },
    )


def _post(request: HttpRequest, pk: int) -> Post:
    post = _fetch(request, Post.objects.select_related("window", "window__center", "holder_a"), pk=pk)
    assert isinstance(post, Post)
    return post


@login_required
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post(request, pk)
    center = post.window.center
    backups = services.post_backups(post)
    holder = services.post_holder_at(post, timezone.now())
    return render(
        request,
        "org/post_detail.html",
        {
            "post": post,
            "backups": backups,
            "holder": holder,
            "holdings": selectors.post_holdings(post),
            "trainings": list(selectors.trainings_of(post)),
            "history": list(history_of(post).select_related("actor", "actor__staff_profile")[:30]),
            "can_edit": _can(request, center, CAN_EDIT_ORGANISATION),
            "can_train": _can(request, center, CAN_RECORD_TRAINING),
        },
    )


@login_required
def post_create(request: HttpRequest, pk: int) -> HttpResponse:
    window = _fetch(request, Window.objects.select_related("center"), pk=pk)
    require_role(request.user, window.center, CAN_EDIT_ORGANISATION)
    form = PostForm(request.POST or None, center=window.center)
    if request.method == "POST" and form.is_valid():
        with _refusal_on(form, PostForm.FIELD_MAP):
            post = services.post_create(
                actor=request.user,
                window=window,
                name=form.cleaned_data["name"],
                holder_a=form.cleaned_data["holder_a"],
                backups=form.backups,
                duties=form.cleaned_data["duties"],
            )
            messages.success(request, _("岗位“%(name)s”已设立。") % {"name": post.name})
            return redirect("org:window_detail", pk=window.pk)
    return _form_page(
        request,
        form,
        title=_("在窗口 %(window)s 设立岗位") % {"window": window},
        back=reverse("org:window_detail", args=[window.pk]),
        rule="R-ORG-6",
        intro=_("每个岗位须设A角和至少一名B角；窗口只有一个岗位时，也须从本部门指定固定的B角。"),
    )


@login_required
def post_assign(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post(request, pk)
    require_role(request.user, post.window.center, CAN_EDIT_ORGANISATION)
    backups = services.post_backups(post)
    form = PostForm(
        request.POST or None,
        center=post.window.center,
        assigning=True,
        initial=PostForm.initial_for(post, backups),
    )
    if request.method == "POST" and form.is_valid():
        with _refusal_on(form, PostForm.FIELD_MAP):
            services.post_assign(
                actor=request.user,
                post=post,
                holder_a=form.cleaned_data["holder_a"],
                backups=form.backups,
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("岗位“%(name)s”的AB角已调整。") % {"name": post.name})
            return redirect("org:post_detail", pk=post.pk)
    return _form_page(
        request,
        form,
        title=_("调整AB角：%(post)s") % {"post": post},
        back=reverse("org:post_detail", args=[post.pk]),
        rule="R-ORG-6",
    )


@login_required
def post_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post(request, pk)
    require_role(request.user, post.window.center, CAN_EDIT_ORGANISATION)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with _refusal_on(form):
            services.post_update(
                actor=request.user, post=post, is_active=False, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("岗位已停用。"))
            return redirect("org:window_detail", pk=post.window_id)
    return _form_page(
        request,
        form,
        title=_("停用岗位：%(post)s") % {"post": post},
        back=reverse("org:post_detail", args=[post.pk]),
        submit=_("停用"),
    )


@login_required
def training_create(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post(request, pk)
    require_role(request.user, post.window.center, CAN_RECORD_TRAINING)
    form = TrainingForm(request.POST or None, post=post, backups=services.post_backups(post))
    if request.method == "POST" and form.is_valid():
        with _refusal_on(form):
            services.backup_training_record(actor=request.user, post=post, **form.cleaned_data)
            messages.success(request, _("AB角培训交接已登记。"))
            return redirect("org:post_detail", pk=post.pk)
    return _form_page(
        request,
        form,
        title=_("登记AB角培训交接：%(post)s") % {"post": post},
        back=reverse("org:post_detail", args=[post.pk]),
        rule="R-ORG-8",
    )


# --- departments and windows (R-ORG-3) -----------------------------------------------------------------


@login_required
def department_list(request: HttpRequest) -> HttpResponse:
    center = _page_center(request)
    can_edit = _can(request, center, CAN_EDIT_ORGANISATION)
    return render(
        request,
        "org/department_list.html",
        {
            **_centers_context(request, center),
            "departments": list(selectors.departments_with_windows(center, include_inactive=can_edit)),
            "can_edit": can_edit,
        },
    )


def _department(request: HttpRequest, pk: int) -> Department:
    department = _fetch(request, Department.objects.select_related("center"), pk=pk)
    assert isinstance(department, Department)
    return department


@login_required
def department_detail(request: HttpRequest, pk: int) -> HttpResponse:
    department = _department(request, pk)
    center = department.center
    can_edit = _can(request, center, CAN_EDIT_ORGANISATION)
    windows = department.windows.select_related("head", "chief_representative", "deputy_in_charge")
    if not can_edit:
        windows = windows.filter(is_active=True)
    return render(
        request,
        "org/department_detail.html",
        {
            "department": department,
            "windows": list(windows.order_by("number")),
            "comprehensive_windows": list(department.comprehensive_windows.filter(is_active=True)),
            "can_edit": can_edit,
            "can_view_authorizations": _can(request, center, CAN_VIEW_AUTHORIZATIONS),
            "authorizations": list(selectors.authorizations(center).filter(department=department)),
            "now": timezone.now(),
        },
    )


@login_required
def department_create(request: HttpRequest) -> HttpResponse:
    center = _page_center(request)
    require_role(request.user, center, CAN_EDIT_ORGANISATION)
    form = DepartmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with _refusal_on(form):
            department = services.department_create(actor=request.user, center=center, **form.cleaned_data)
            messages.success(request, _("进驻部门“%(name)s”已登记。") % {"name": department.name})
            return redirect("org:department_detail", pk=department.pk)
    return _form_page(
        request, form, title=_("登记进驻部门"), back=reverse("org:department_list"), rule="R-ORG-3"
    )


@login_required
def department_edit(request: HttpRequest, pk: int) -> HttpResponse:
    department = _department(request, pk)
    require_role(request.user, department.center, CAN_EDIT_ORGANISATION)
    initial = {f: getattr(department, f) for f in services.DEPARTMENT_FIELDS}
    form = DepartmentForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        with _refusal_on(form):
            services.department_update(actor=request.user, department=department, **form.cleaned_data)
            messages.success(request, _("已保存。"))
            return redirect("org:department_detail", pk=department.pk)
    return _form_page(
        request,
        form,
        title=_("编辑进驻部门：%(name)s") % {"name": department.name},
        back=reverse("org:department_detail", args=[department.pk]),
        rule="R-ORG-3",
    )


def _window(request: HttpRequest, pk: int) -> Window:
    window = _fetch(
        request,
        Window.objects.select_related(
            "center", "department", "head", "chief_representative", "deputy_in_charge"
        ),
        pk=pk,
    )
    assert isinstance(window, Window)
    return window


@login_required
def window_detail(request: HttpRequest, pk: int) -> HttpResponse:
    window = _window(request, pk)
    return render(
        request,
        "org/window_detail.html",
        {
            "window": window,
            "rows": selectors.window_board(window, timezone.now()),
            "served": list(window.served_departments.order_by("code")),
            "staff": list(window.staff.filter(is_active=True).order_by("badge_number")),
            "can_edit": _can(request, window.center, CAN_EDIT_ORGANISATION),
        },
    )


def _window_values(form: WindowForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data["served_departments"] = list(data.get("served_departments") or [])
    return data


@login_required
def window_create(request: HttpRequest, pk: int) -> HttpResponse:
    department = _department(request, pk)
    center = department.center
    require_role(request.user, center, CAN_EDIT_ORGANISATION)
    form = WindowForm(request.POST or None, center=center, initial={"department": department.pk})
    if request.method == "POST" and form.is_valid():
        with _refusal_on(form):
            window = services.window_create(actor=request.user, center=center, **_window_values(form))
            messages.success(request, _("窗口“%(window)s”已设立。") % {"window": window})
            return redirect("org:window_detail", pk=window.pk)
    return _form_page(
        request,
        form,
        title=_("为%(name)s设立窗口") % {"name": department.name},
        back=reverse("org:department_detail", args=[department.pk]),
        rule="R-ORG-3",
    )


@login_required
def window_edit(request: HttpRequest, pk: int) -> HttpResponse:
    window = _window(request, pk)
    require_role(request.user, window.center, CAN_EDIT_ORGANISATION)
    initial: dict[str, Any] = {f: getattr(window, f) for f in services.WINDOW_FIELDS}
    for f in ("department", "head", "chief_representative", "deputy_in_charge"):
        initial[f] = getattr(window, f"{f}_id")
    initial["served_departments"] = list(window.served_departments.values_list("pk", flat=True))
    form = WindowForm(request.POST or None, center=window.center, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        with _refusal_on(form):
            services.window_update(actor=request.user, window=window, **_window_values(form))
            messages.success(request, _("已保存。"))
            return redirect("org:window_detail", pk=window.pk)
    return _form_page(
        request,
        form,
        title=_("编辑窗口：%(window)s") % {"window": window},
        back=reverse("org:window_detail", args=[window.pk]),
        rule="R-ORG-3",
    )


# --- centre sections and leaders (R-ORG-2) -------------------------------------------------------------


@login_required
def leadership(request: HttpRequest) -> HttpResponse:
    center = _page_center(request)
    return render(
        request,
        "org/leadership.html",
        {
            **_centers_context(request, center),
            "sections": list(selectors.sections(center)),
            "leaders": selectors.leadership(center),
            "can_edit": _can(request, center, CAN_EDIT_ORGANISATION),
        },
    )


@login_required
def section_create(request: HttpRequest) -> HttpResponse:
    center = _page_center(request)
    require_role(request.user, center, CAN_EDIT_ORGANISATION)
    form = SectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with _refusal_on(form):
            services.section_create(actor=request.user, center=center, **form.cleaned_data)
            messages.success(request, _("科室已登记。"))
            return redirect("org:leadership")
    return _form_page(request, form, title=_("登记中心科室"), back=reverse("org:leadership"), rule="R-ORG-2")


# --- staff (R-ORG-9) and absences (R-ORG-7) ------------------------------------------------------------


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    center = _page_center(request)
    can_edit = _can(request, center, CAN_EDIT_ORGANISATION)
    people = list(selectors.staff_list(center, include_inactive=can_edit))
    absent = services.absent_staff_ids([p.pk for p in people], timezone.now())
    return render(
        request,
        "org/staff_list.html",
        {**_centers_context(request, center), "people": people, "absent": absent, "can_edit": can_edit},
    )


def _staff(request: HttpRequest, pk: int) -> StaffProfile:
    staff = _fetch(
        request,
        StaffProfile.objects.select_related("center", "department", "window", "section", "user"),
        pk=pk,
    )
    assert isinstance(staff, StaffProfile)
    return staff


def _absence_context(request: HttpRequest, staff: StaffProfile, form: AbsenceForm | None = None) -> dict:
    return {
        "staff": staff,
        "absences": selectors.absences_of(staff),
        "absence_form": form or AbsenceForm(),
        "can_record_absence": _can(request, staff.center, CAN_RECORD_ABSENCE),
        "now": timezone.now(),
    }


@login_required
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    staff = _staff(request, pk)
    center = staff.center
    can_edit = _can(request, center, CAN_EDIT_ORGANISATION)
    can_see_changes = _can(request, center, CAN_SEE_PHONE_CHANGES)
    can_grant = _can(request, center, CAN_GRANT_ROLES)
    return render(
        request,
        "org/staff_detail.html",
        {
            **_absence_context(request, staff),
            "posts": selectors.posts_of(staff),
            "on_duty": services.on_duty(staff, timezone.now()),
            "phone_changes": list(selectors.phone_changes(staff)) if can_see_changes else None,
            "can_edit": can_edit,
            "can_change_phone": can_edit or staff.user_id == request.user.pk,
            "grants": list(_grants(request, staff)) if can_grant else None,
        },
    )


# --- roles (R-ORG-1) -----------------------------------------------------------------------------------


def _grants(request: HttpRequest, staff: StaffProfile) -> Any:
    """The staff member's roles in force, at the centres the user sees."""
    if staff.user_id is None:
        return RoleGrant.objects.none()
    grants = RoleGrant.objects.filter(user_id=staff.user_id, revoked_at=None)
    return (
        scoped(request.user, grants).select_related("center", "window").order_by("center__code", "role", "id")
    )


@login_required
def role_grant(request: HttpRequest, pk: int) -> HttpResponse:
    """Grant a staff member a role. The form is shown to the roles that grant; what is sent goes to
    `services.role_grant`, whose rule decides who may grant what where (another centre is refused, R-ORG-1)."""
    staff = _staff(request, pk)
    form = RoleGrantForm(request.POST or None, staff=staff, centers=visible_centers(request.user))
    if request.method == "POST" and form.is_valid():
        with _refusal_on(form):
            services.role_grant(actor=request.user, user=staff.user, **form.cleaned_data)
            messages.success(request, _("已授予%(name)s角色。") % {"name": staff.name})
            return redirect("org:staff_detail", pk=staff.pk)
    else:
        require_role(request.user, staff.center, CAN_GRANT_ROLES)
    return _form_page(
        request,
        form,
        title=_("授予角色：%(name)s") % {"name": staff.name},
        back=reverse("org:staff_detail", args=[staff.pk]),
        rule="R-ORG-1",
        intro=_("只能在您担任管理角色的中心授予角色，且不能给自己授予角色；上级中心的角色及于下级中心。"),
        submit=_("授予"),
    )


@login_required
def role_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one of a staff member's roles (`services.role_revoke` decides who may, R-ORG-1)."""
    staff = _staff(request, pk)
    form = RoleRevokeForm(request.POST or None, grants=_grants(request, staff))
    if request.method == "POST" and form.is_valid():
        with _refusal_on(form):
            services.role_revoke(
                actor=request.user, grant=form.cleaned_data["grant"], reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("角色已撤销。"))
            return redirect("org:staff_detail", pk=staff.pk)
    else:
        require_role(request.user, staff.center, CAN_GRANT_ROLES)
    return _form_page(
        request,
        form,
        title=_("撤销角色：%(name)s") % {"name": staff.name},
        back=reverse("org:staff_detail", args=[staff.pk]),
        rule="R-ORG-1",
        submit=_("撤销"),
    )


@login_required
def staff_photo(request: HttpRequest, pk: int) -> FileResponse:
    """A staff member's photo, for the staff of the centres that see them (the public sees active members'
    photos on the portal's staff board)."""
    staff = _staff(request, pk)
    return files.serve(staff.photo, download_name=staff.name)


def _staff_values(form: StaffForm) -> dict[str, Any]:
    """The form's values for the service: without the password confirmation, and the photo only if uploaded."""
    data = dict(form.cleaned_data)
    data.pop("password_confirm", None)
    if not data.get("photo"):
        data.pop("photo")
    return data


@login_required
def staff_create(request: HttpRequest) -> HttpResponse:
    center = _page_center(request)
    require_role(request.user, center, CAN_EDIT_ORGANISATION)
    form = StaffCreateForm(request.POST or None, request.FILES or None, center=center)
    if request.method == "POST" and form.is_valid():
        with _refusal_on(form):
            staff = services.staff_create(actor=request.user, center=center, **_staff_values(form))
            messages.success(request, _("工作人员“%(name)s”已登记。") % {"name": staff.name})
            return redirect("org:staff_detail", pk=staff.pk)
    return _form_page(
        request, form, title=_("登记工作人员"), back=reverse("org:staff_list"), rule="R-ORG-9", multipart=True
    )


@login_required
def staff_edit(request: HttpRequest, pk: int) -> HttpResponse:
    staff = _staff(request, pk)
    require_role(request.user, staff.center, CAN_EDIT_ORGANISATION)
    fields = ["name", "title", "badge_number", "duties", "is_active"]
    initial: dict[str, Any] = {f: getattr(staff, f) for f in fields}
    initial.update(department=staff.department_id, section=staff.section_id, window=staff.window_id)
    form = StaffEditForm(request.POST or None, request.FILES or None, center=staff.center, initial=initial)
    if request.method == "POST" and form.is_valid():
        with _refusal_on(form):
            services.staff_update(actor=request.user, staff=staff, **_staff_values(form))
            messages.success(request, _("已保存。"))
            return redirect("org:staff_detail", pk=staff.pk)
    return _form_page(
        request,
        form,
        title=_("编辑工作人员：%(name)s") % {"name": staff.name},
        back=reverse("org:staff_detail", args=[staff.pk]),
        rule="R-ORG-9",
        intro=_("工作电话的变更请通过“登记号码变更”办理，以便报中心办公室备查。"),
        multipart=True,
    )


@login_required
def staff_phone_change(request: HttpRequest, pk: int) -> HttpResponse:
    staff = _staff(request, pk)
    if staff.user_id != request.user.pk:
        require_role(request.user, staff.center, CAN_EDIT_ORGANISATION)
    form = PhoneChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with _refusal_on(form):
            services.staff_phone_change(actor=request.user, staff=staff, **form.cleaned_data)
            messages.success(request, _("号码变更已登记，报中心办公室备查。"))
            return redirect("org:staff_detail", pk=staff.pk)
    return _form_page(
        request,
        form,
        title=_("登记号码变更：%(name)s") % {"name": staff.name},
        back=reverse("org:staff_detail", args=[staff.pk]),
        rule="R-ORG-9",
        intro=_("原号码：%(phone)s") % {"phone": staff.work_phone or "—"},
    )


@login_required
def absence_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Record an absence; with HTMX the staff page's absence panel is swapped in place."""
    staff = _staff(request, pk)
    require_role(request.user, staff.center, CAN_RECORD_ABSENCE)
    form = AbsenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with _refusal_on(form):
            services.absence_record(actor=request.user, staff=staff, **form.cleaned_data)
            if request.htmx:  # type: ignore[attr-defined]
                context = _absence_context(request, staff)
                context["saved"] = True
                return render(request, "org/_absences.html", context)
            messages.success(request, _("离岗已登记；其岗位由B角顶岗。"))
            return redirect("org:staff_detail", pk=staff.pk)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "org/_absences.html", _absence_context(request, staff, form))
    return _form_page(
        request,
        form,
        title=_("登记离岗：%(name)s") % {"name": staff.name},
        back=reverse("org:staff_detail", args=[staff.pk]),
        rule="R-ORG-7",
        intro=_("离岗期间，其担任A角的岗位由B角顶岗。"),
    )


def _absence(request: HttpRequest, pk: int) -> Absence:
    absence = _fetch(request, Absence.objects.select_related("staff", "center"), pk=pk)
    assert isinstance(absence, Absence)
    require_role(request.user, absence.center, CAN_RECORD_ABSENCE)
    return absence


def _absence_label(absence: Absence) -> str:
    return _("%(name)s %(kind)s %(start)s 至 %(end)s") % {
        "name": absence.staff.name,
        "kind": absence.get_kind_display(),
        "start": timezone.localtime(absence.starts_at).strftime("%Y-%m-%d %H:%M"),
        "end": timezone.localtime(absence.ends_at).strftime("%Y-%m-%d %H:%M"),
    }


def _absence_change(
    request: HttpRequest, pk: int, *, service: Any, done: str, title: str, intro: str, submit: str
) -> HttpResponse:
    """The page of a change to an absence that takes only a reason (a return, a cancellation): the form, and
    on POST the service (`title` has an `%(absence)s` for the absence's label)."""
    absence = _absence(request, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with _refusal_on(form):
            service(actor=request.user, absence=absence, reason=form.cleaned_data["reason"])
            messages.success(request, done)
            return redirect("org:staff_detail", pk=absence.staff_id)
    return _form_page(
        request,
        form,
        title=title % {"absence": _absence_label(absence)},
        back=reverse("org:staff_detail", args=[absence.staff_id]),
        rule="R-ORG-7",
        intro=intro,
        submit=submit,
    )


@login_required
def absence_end(request: HttpRequest, pk: int) -> HttpResponse:
    """A return (销假): the running absence ends now; the time away stays recorded (R-ORG-7)."""
    return _absence_change(
        request,
        pk,
        service=services.absence_end,
        done=_("已登记返岗；自此由本人在岗。"),
        title=_("登记返岗（销假）：%(absence)s"),
        intro=_("离岗自现在起结束；此前的离岗及B角顶岗记录保持不变。"),
        submit=_("返岗"),
    )


@login_required
def absence_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel an absence that has not started (R-ORG-7); a started one is ended by a return instead."""
    return _absence_change(
        request,
        pk,
        service=services.absence_cancel,
        done=_("离岗记录已撤销。"),
        title=_("撤销离岗记录：%(absence)s"),
        intro=_("只能撤销尚未开始的离岗；已经开始的离岗请登记返岗。"),
        submit=_("撤销"),
    )


# --- authorisations (R-ORG-4) --------------------------------------------------------------------------


@login_required
def authorization_list(request: HttpRequest) -> HttpResponse:
    center = _page_center(request)
    now = timezone.now()
    rows = [
        (a, selectors.authorization_state(a, now))
        for a in selectors.authorizations_seen_by(request.user, center)
    ]
    return render(
        request,
        "org/authorization_list.html",
        {
            **_centers_context(request, center),
            "rows": rows,
            "can_edit": _can(request, center, CAN_EDIT_ORGANISATION),
        },
    )


def _authorization(request: HttpRequest, pk: int) -> Authorization:
    authorization = _fetch(
        request,
        Authorization.objects.select_related("center", "department", "representative", "replaces"),
        pk=pk,
    )
    assert isinstance(authorization, Authorization)
    require_role(request.user, authorization.center, CAN_VIEW_AUTHORIZATIONS)
    return authorization


@login_required
def authorization_document(request: HttpRequest, pk: int) -> FileResponse:
    """The scanned authorisation, for those who may see the authorisation (R-ORG-4)."""
    authorization = _authorization(request, pk)
    return files.serve(authorization.document, download_name=authorization.document_number)


@login_required
def authorization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    authorization = _authorization(request, pk)
    now = timezone.now()
    chain = selectors.authorization_chain(authorization)
    return render(
        request,
        "org/authorization_detail.html",
        {
            "authorization": authorization,
            "state": selectors.authorization_state(authorization, now),
            "chain": [(a, selectors.authorization_state(a, now)) for a in chain],
            "history": list(history_of(authorization).select_related("actor", "actor__staff_profile")),
            "can_edit": _can(request, authorization.center, CAN_EDIT_ORGANISATION),
        },
    )


@login_required
def authorization_create(request: HttpRequest) -> HttpResponse:
    center = _page_center(request)
    require_role(request.user, center, CAN_EDIT_ORGANISATION)
    initial: dict[str, Any] = {}
    replaces_pk = request.GET.get("replaces", "")
    if replaces_pk.isdigit():
        old = _fetch(request, Authorization.objects.filter(center=center), pk=int(replaces_pk))
        initial = {
            "replaces": old.pk,
            "department": old.department_id,
            "signed_by": old.signed_by,
            "scopes": old.scopes,
        }
    form = AuthorizationForm(request.POST or None, request.FILES or None, center=center, initial=initial)
    if request.method == "POST" and form.is_valid():
        with _refusal_on(form):
            authorization = services.authorization_grant(actor=request.user, **form.cleaned_data)
            messages.success(request, _("授权已登记。"))
            return redirect("org:authorization_detail", pk=authorization.pk)
    return _form_page(
        request,
        form,
        title=_("登记首席代表授权"),
        back=reverse("org:authorization_list"),
        rule="R-ORG-4",
        intro=_(
            "首席代表依据部门法定代表人的书面授权行使职权；选择“接替的授权”即为另行委派，原授权自动撤销。"
        ),
        multipart=True,
    )


@login_required
def authorization_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    authorization = _authorization(request, pk)
    require_role(request.user, authorization.center, CAN_EDIT_ORGANISATION)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with _refusal_on(form):
            services.authorization_revoke(
                actor=request.user, authorization=authorization, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("授权已撤销。"))
            return redirect("org:authorization_detail", pk=authorization.pk)
    return _form_page(
        request,
        form,
        title=_("撤销授权：%(doc)s") % {"doc": authorization},
        back=reverse("org:authorization_detail", args=[authorization.pk]),
        rule="R-ORG-4",
        submit=_("撤销"),
    )
