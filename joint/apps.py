from django.apps import AppConfig


class JointConfig(AppConfig):
    name = "joint"
    verbose_name = "并联审批"

    def ready(self) -> None:
        # Each co-department's part owns a working-day timer (R-PAR-4): when it runs out the department is recorded
        # for accountability (R-PAR-10), and its warnings name the department. A joint case is decided only after
        # the lead's final inspection (R-PAR-11): asked by the case's decision. Explicit hooks, not signals.
        from cases import hooks as case_hooks
        from workdays import hooks
        from workdays.models import TimerKind

        from .services import joint_decision_guard, lane_overdue_record, lane_responsible

        hooks.register_timer_owner(
            TimerKind.JOINT_LANE, overdue=lane_overdue_record, responsible=lane_responsible
        )
        case_hooks.register_decision_guard(joint_decision_guard)
        # The case page links to the joint case, or, for the lead, to opening it (R-PAR-3).
        from .links import case_link

        case_hooks.register_case_link(case_link)
