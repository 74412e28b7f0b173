"""Django's admin app with the platform's own site (`org.admin_site.PlatformAdminSite`) as its default site, so
that every `admin.register` lands there. Kept apart from `org.admin_site`, which reads the models: this module is
read while the app registry is being filled."""

from __future__ import annotations

from django.contrib.admin.apps import AdminConfig


class PlatformAdminConfig(AdminConfig):
    default_site = "org.admin_site.PlatformAdminSite"
