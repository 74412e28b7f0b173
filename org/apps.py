from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "org"
    verbose_name = _("组织机构")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .middleware import start_idle_time

        # Django's own signal for a sign-in, whichever way it happens (the login page, force_login).
        user_logged_in.connect(start_idle_time, dispatch_uid="org.start_idle_time")
