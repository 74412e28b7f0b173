"""Django's admin belongs to the platform operator, and nothing done there escapes the history.

- Who enters: the platform operator only (`org.access.is_platform_operator`: an active superuser who holds no
  role at any centre and has no staff profile). `has_permission` refuses everyone else on every admin page, and
  the admin's sign-in form refuses them too. A centre's people, its system administrator included, work through
  the staff pages, which never reach another centre (R-ORG-1).
- What is recorded: every model admin registered here is given `RecordedAdmin`, so that each add, change and
  delete made in the admin appends a history entry (`common.history.record`) naming the operator, in the same
  transaction as the change (every POST to the admin runs in one transaction). An admin whose saves call the
  services (`history_by_service`) leaves the entry to them: they check who may act and record it themselves.
  The operator's own password change is recorded as well. Passwords are never written into an entry.
- What is not shown: the users' API tokens (`authtoken`), with which whoever reads one acts as its user.

Reading personal data in the admin is logged by the model admins that show it (`cases/admin.py`), as the staff
pages log it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.files import File
from django.db import models, transaction
from django.db.models.base import ModelBase
from django.http import HttpRequest, HttpResponseBase
from django.utils.translation import gettext_lazy

from common.history import record
from common.i18n import stored

from .access import is_platform_operator
from .models import Center

# Models the admin does not show, whoever registers them (see the module's docstring).
HIDDEN_MODELS = frozenset({"authtoken.token", "authtoken.tokenproxy"})
MASK = "******"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def _reason() -> str:
    return stored(gettext_lazy("平台运维后台"))


def _value(value: Any) -> Any:
    """A form's or a row's value as a history entry keeps it (`common.history` turns rows and dates to text)."""
    if isinstance(value, models.Manager):  # the many-to-many of a stored row
        value = value.all()
    if isinstance(value, models.QuerySet):
        return sorted(str(v) for v in value)
    if isinstance(value, File):
        return value.name or ""
    if isinstance(value, list | tuple | set | frozenset):
        return [_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _value(v) for k, v in value.items()}
    if value is None or isinstance(
        value, str | int | float | bool | date | datetime | Decimal | models.Model
    ):
        return value
    return str(value)


def _center_of(obj: Any) -> Center | None:
    if isinstance(obj, Center):
        return obj
    center = getattr(obj, "center", None)
    return center if isinstance(center, Center) else None


def record_admin_change(request: HttpRequest, obj: Any, action: str, changes: dict[str, Any]) -> None:
    """One history entry for a change made in the admin, by the signed-in operator."""
    record(
        subject=obj,
        center=_center_of(obj),
        action=action,
        actor=request.user,
        changes=changes,
        reason=_reason(),
    )


class RecordedAdmin(admin.ModelAdmin):
    """Each add, change and delete made through this admin is a history entry (see the module's docstring).

    The changed fields are read from the form before the save: their stored and their new values (a field
    named after a password only as changed), then the admin's own message (which lists the inline rows added,
    changed or deleted) is added when the entry is written."""

    history_by_service = False
    # A web address typed without a scheme is taken as https (Django 6.0's default; Django 5.2 warns otherwise).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def _form_changes(self, obj: Any, form: Any, change: bool) -> dict[str, Any]:
        stored_row = self.model._default_manager.filter(pk=obj.pk).first() if change else None
        changes: dict[str, Any] = {}
        for name in form.changed_data:
            if "password" in name:
                changes[name] = MASK
                continue
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                field = None
            old: Any = None
            if field is not None and field.many_to_many:
                new = form.cleaned_data.get(name)
                old = getattr(stored_row, name) if stored_row is not None else None
            elif field is not None and field.concrete:
                new = getattr(obj, field.name)
                old = getattr(stored_row, field.name) if stored_row is not None else None
            else:
                new = form.cleaned_data.get(name)
            changes[name] = [_value(old), _value(new)] if change else _value(new)
        return changes

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not self.history_by_service:
            obj._admin_changes = self._form_changes(obj, form, change)
        super().save_model(request, obj, form, change)

    def _entry(self, obj: Any, message: Any) -> dict[str, Any]:
        changes = dict(getattr(obj, "_admin_changes", {}))
        if message:
            changes["admin"] = message
        return changes

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        if not self.history_by_service:
            record_admin_change(request, obj, "admin_add", self._entry(obj, message))
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        if not self.history_by_service:
            record_admin_change(request, obj, "admin_change", self._entry(obj, message))
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        for obj in queryset:
            record_admin_change(request, obj, "admin_delete", {"object": str(obj)})
        return super().log_deletions(request, queryset)


class PlatformAuthenticationForm(AdminAuthenticationForm):
    """The admin's sign-in: the platform operator only; anyone else is told what a wrong password is told."""

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not is_platform_operator(user):
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class PlatformAdminSite(admin.AdminSite):
    site_header = gettext_lazy("govhall 平台运维后台")
    site_title = gettext_lazy("平台运维后台")
    index_title = gettext_lazy("平台运维")
    login_form = PlatformAuthenticationForm

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and is_platform_operator(request.user)

    def register(
        self, model_or_iterable: ModelBase | Iterable[ModelBase], admin_class: Any = None, **options: Any
    ) -> None:
        chosen = [model_or_iterable] if isinstance(model_or_iterable, ModelBase) else list(model_or_iterable)
        shown = [model for model in chosen if cast(Any, model)._meta.label_lower not in HIDDEN_MODELS]
        if not shown:
            return
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, RecordedAdmin):
            admin_class = type(
                admin_class.__name__,
                (RecordedAdmin, admin_class),
                {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
            )
        super().register(shown, admin_class, **options)

    def admin_view(self, view: View, cacheable: bool = False) -> View:
        """Every admin page, a change and its history entry written together: a POST runs in one transaction."""

        @wraps(view)
        def in_one_transaction(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.method in SAFE_METHODS:
                return view(request, *args, **kwargs)
            with transaction.atomic():
                return view(request, *args, **kwargs)

        return super().admin_view(cast(View, in_one_transaction), cacheable)

    def password_change(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        response = super().password_change(request, extra_context)
        if request.method == "POST" and response.status_code == 302:
            record_admin_change(request, request.user, "admin_password_change", {"password": MASK})
        return response
