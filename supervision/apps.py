from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = "稽查督办"

    def ready(self) -> None:
        # A complaint owns its working-day timer (R-CMP-5): the day it fell overdue and a deadline moved by the
        # calendar are written into its history. Explicit hooks, not signals.
        from workdays import hooks
        from workdays.models import TimerKind

        from .services.complaints import (
            complaint_overdue_record,
            complaint_timer_recomputed,
            complaint_warning_responsible,
        )

        hooks.register_timer_owner(
            TimerKind.COMPLAINT,
            overdue=complaint_overdue_record,
            recomputed=complaint_timer_recomputed,
            responsible=complaint_warning_responsible,
        )
        # An action item of the monthly meeting (R-MTG-3): its owner answers for it in the warning records.
        from .services.meetings import action_item_overdue_record, action_item_responsible

        hooks.register_timer_owner(
            TimerKind.ACTION_ITEM, overdue=action_item_overdue_record, responsible=action_item_responsible
        )
