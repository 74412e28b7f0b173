from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("办件")

    def ready(self) -> None:
        # A case owns its working-day timer: when the calendar moves its deadline the case's history says so
        # (R-CLK-3), when it falls overdue the case records who answered for it (R-CLK-9), and when it turns yellow
        # or red the warning record names the case, its department and who answered (R-DATA-3). Explicit hooks,
        # not signals.
        from workdays import hooks
        from workdays.models import TimerKind

        from .services.clock import case_overdue_record, case_timer_recomputed, case_warning_responsible

        hooks.register_timer_owner(
            TimerKind.CASE,
            overdue=case_overdue_record,
            recomputed=case_timer_recomputed,
            responsible=case_warning_responsible,
        )
