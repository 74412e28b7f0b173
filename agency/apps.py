from django.apps import AppConfig


class AgencyConfig(AppConfig):
    name = "agency"
    verbose_name = "全程代办"

    def ready(self) -> None:
        # A task the team assigns runs on a working-day timer (R-AGT-3): overdue, it is recorded as its window's
        # delay (R-AGT-6); the window's head or chief representative answers for it in the warning records; a
        # deadline the calendar moves is its `due_on`. Explicit hooks, not signals.
        from workdays import hooks
        from workdays.models import TimerKind

        from .services import (
            agency_task_overdue_record,
            agency_task_responsible,
            agency_task_timer_recomputed,
        )

        hooks.register_timer_owner(
            TimerKind.AGENCY_TASK,
            overdue=agency_task_overdue_record,
            recomputed=agency_task_timer_recomputed,
            responsible=agency_task_responsible,
        )
