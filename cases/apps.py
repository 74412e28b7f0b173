from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("办件")

    def ready(self) -> None:
        # The deadlines of open cases follow the calendar (R-CLK-3): an explicit listener, not a signal.
        from workdays import hooks

        from .services.clock import clocks_recompute_for_center

        hooks.register(clocks_recompute_for_center)
