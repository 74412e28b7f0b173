"""Every call the demo history makes into the case services, and every read of a case's clock: one function
per kind of call, so that a change in the case services (a new signature, a timer instead of fields on the
case, a flow of two steps instead of one) is adapted here and nowhere else in `demo/cases_history.py`.

Each function does what a member of staff does at a moment (`at`), through the service that any page or the
API calls, with every rule checked; a refusal is the service's `RuleViolation`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import Count, QuerySet

from cases.models import (
    OPEN_STATES,
    Case,
    CaseState,
    CaseStep,
    Extension,
    ExtensionRequest,
    Inquiry,
    Suspension,
    Warning,
)
from cases.selectors.clock import annotate_warning
from cases.services import clock, handling, intake
from cases.services.events import carry_related
from catalog.models import Fee, Item
from org.models import Center, StaffProfile, Window
from workdays.clock import WorkCalendar
from workdays.timer import previous_working_day as _previous_working_day
from workdays.timers import timers_sweep

# --- reads of a case's clock --------------------------------------------------------------------------------


def deadline_of(case: Case) -> date | None:
    """The case's deadline as its timer stands (None before acceptance, or while the clock is stopped)."""
    return Case.objects.filter(pk=case.pk).values_list("timer__deadline", flat=True).get()


def limit_of(case: Case) -> int:
    """The case's promised limit in working days (set at acceptance)."""
    return Case.objects.filter(pk=case.pk).values_list("limit_days", flat=True).get()


def extension_room(case: Case) -> int:
    """The working days of extension still grantable (R-CLK-5)."""
    return clock.extension_room(refreshed(case))


def deemed_acceptance_due(case: Case) -> date:
    """The last day a correction notice could be issued before the case is deemed accepted (R-CASE-3)."""
    return intake.deemed_acceptance_due(case)


def previous_working_day(calendar: WorkCalendar, day: date) -> date:
    return _previous_working_day(calendar, day)


# --- reads of a case ----------------------------------------------------------------------------------------


def refreshed(case: Case) -> Case:
    """The case as stored now, still holding the rows a request's case holds (`cases.access.case_for_user`
    reads its centre, item, window and responsible person with it) where they are still its own.
    `refresh_from_db` forgets every related row; a service handed a case without them fetches each again, and
    without its window cannot send the actor's facts at the window with the case's lock
    (`cases.services.events.lock_case_with`)."""
    held = dict(case._state.fields_cache)
    case.refresh_from_db()
    carry_related(case, held)
    return case


def steps_of(case: Case) -> list[CaseStep]:
    """The case's steps in order (planned at acceptance)."""
    return list(case.steps.order_by("order"))


def who_handles(case: Case) -> StaffProfile | None:
    """Who is responsible for the case now, else who received it."""
    case.refresh_from_db(fields=["responsible", "received_by"])
    return case.responsible or case.received_by


# --- the morning runs ---------------------------------------------------------------------------------------


def overdue_sweep(*, today: date) -> int:
    """What cron runs each morning before work (`sweep_timers`): every case that fell overdue is recorded with
    who answered for it that day (R-CLK-9). Returns how many it recorded."""
    return timers_sweep(today=today)


def morning_runs(*, today: date, at: datetime) -> int:
    """What cron runs each working day at 07:00: the deemed acceptance (R-CASE-3). Returns the cases it
    accepted."""
    return len(intake.cases_deem_accepted(today=today, at=at))


# --- inquiries (R-CASE-1) -----------------------------------------------------------------------------------


def inquiry_log(
    *,
    actor: StaffProfile,
    window: Window,
    channel: str,
    question: str,
    asker_name: str,
    at: datetime,
    asker_phone: str = "",
    item: Item | None = None,
) -> Inquiry:
    return intake.inquiry_log(
        actor=actor,
        window=window,
        channel=channel,
        question=question,
        asker_name=asker_name,
        asker_phone=asker_phone,
        item=item,
        at=at,
    )


def inquiry_handle(
    *,
    actor: StaffProfile,
    inquiry: Inquiry,
    outcome: str,
    answer: str,
    at: datetime,
    case: Case | None = None,
) -> None:
    intake.inquiry_handle(actor=actor, inquiry=inquiry, outcome=outcome, answer=answer, case=case, at=at)


def inquiry_escalate(
    *, actor: StaffProfile, inquiry: Inquiry, leader: StaffProfile, reason: str, at: datetime
) -> None:
    intake.inquiry_escalate(actor=actor, inquiry=inquiry, leader=leader, reason=reason, at=at)


def inquiry_refer(
    *, actor: StaffProfile, inquiry: Inquiry, to_window: Window, mode: str, note: str, at: datetime
) -> None:
    intake.inquiry_refer(actor=actor, inquiry=inquiry, to_window=to_window, mode=mode, note=note, at=at)


def inquiry_acknowledge(*, actor: StaffProfile, inquiry: Inquiry, at: datetime) -> None:
    intake.inquiry_acknowledge(actor=actor, inquiry=inquiry, at=at)


# --- receiving, checking, accepting (R-CASE-2, R-CASE-3, R-CASE-4) ----------------------------------------


def receive(
    *, actor: StaffProfile, window: Window, item: Item, applicant: dict[str, Any], channel: str, at: datetime
) -> Case:
    return intake.case_receive(
        actor=actor, window=window, item=item, applicant=applicant, channel=channel, at=at
    )


def check_materials(
    *, actor: StaffProfile, case: Case, results: dict[int, tuple[str, str]], at: datetime
) -> None:
    intake.case_check_materials(actor=actor, case=case, results=results, at=at)


def issue_correction(*, actor: StaffProfile, case: Case, at: datetime) -> None:
    intake.case_issue_correction(actor=actor, case=case, at=at)


def resubmit(*, actor: StaffProfile, case: Case, at: datetime) -> None:
    intake.case_resubmit(actor=actor, case=case, at=at)


def refuse(*, actor: StaffProfile, case: Case, reasons: str, competent_authority: str, at: datetime) -> None:
    intake.case_refuse(
        actor=actor, case=case, reasons=reasons, competent_authority=competent_authority, at=at
    )


def accept(*, actor: StaffProfile, case: Case, at: datetime) -> Case:
    """Accept the case; returns it as stored then (with its number)."""
    intake.case_accept(actor=actor, case=case, at=at)
    return refreshed(case)


# --- handling (R-ORG-5, R-ORG-7, R-CASE-11, R-CASE-12) ------------------------------------------------------


def set_priority(*, actor: StaffProfile, case: Case, reason: str, target_days: int, at: datetime) -> None:
    handling.case_set_priority(actor=actor, case=case, reason=reason, target_days=target_days, at=at)


def pay(*, actor: StaffProfile, case: Case, fee: Fee, receipt_number: str, at: datetime) -> None:
    handling.payment_record(actor=actor, case=case, fee=fee, receipt_number=receipt_number, at=at)


def complete_step(*, actor: StaffProfile, case: Case, opinion: str, at: datetime) -> None:
    handling.step_complete(actor=actor, case=case, opinion=opinion, at=at)


def visit(
    *, actor: StaffProfile, case: Case, purpose: str, caused_by_administration: bool, at: datetime
) -> None:
    handling.visit_record(
        actor=actor, case=case, purpose=purpose, caused_by_administration=caused_by_administration, at=at
    )


def withdraw(*, actor: StaffProfile, case: Case, reason: str, at: datetime) -> None:
    handling.case_withdraw(actor=actor, case=case, reason=reason, at=at)


# --- the clock: special procedures and extensions (R-CLK-4, R-CLK-5) ----------------------------------------


def special_procedure_start(
    *, actor: StaffProfile, case: Case, kind: str, reason: str, expected_days: int, at: datetime
) -> Suspension:
    return clock.special_procedure_start(
        actor=actor, case=case, kind=kind, reason=reason, expected_days=expected_days, at=at
    )


def special_procedure_notice_delivered(
    *, actor: StaffProfile, suspension: Suspension, method: str, at: datetime
) -> None:
    assert suspension.notice is not None
    clock.special_procedure_notice_delivered(actor=actor, notice=suspension.notice, method=method, at=at)


def special_procedure_end(*, actor: StaffProfile, case: Case, result: str, at: datetime) -> None:
    clock.special_procedure_end(actor=actor, case=case, result=result, at=at)


def extension_request(
    *, actor: StaffProfile, case: Case, days: int, reason: str, at: datetime
) -> ExtensionRequest:
    """The window asks for `days` more working days (R-CLK-5); asked by the head, it is approved at once."""
    return clock.extension_request(actor=actor, case=case, days=days, reason=reason, at=at)


def extension_approve(*, actor: StaffProfile, request: ExtensionRequest, at: datetime) -> Extension:
    """The head of the window's department approves the request in their own login; the applicant is told."""
    return clock.extension_approve(actor=actor, extension_request=request, at=at)


def file_extension(*, actor: StaffProfile, extension: Extension, at: datetime) -> None:
    """The coordination section files the extension (R-CLK-5)."""
    clock.extension_file(actor=actor, extension=extension, at=at)


# --- decision, delivery, archive (R-CASE-7, R-CASE-8) -------------------------------------------------------


def approve(*, actor: StaffProfile, case: Case, result_number: str, result_issuer: str, at: datetime) -> None:
    handling.case_decide(
        actor=actor, case=case, approve=True, result_number=result_number, result_issuer=result_issuer, at=at
    )


def deny(*, actor: StaffProfile, case: Case, reasons: str, at: datetime) -> None:
    handling.case_decide(actor=actor, case=case, approve=False, reasons=reasons, at=at)


def deliver(*, actor: StaffProfile, case: Case, method: str, at: datetime) -> None:
    handling.case_deliver(actor=actor, case=case, method=method, at=at)


def archive(*, actor: StaffProfile, case: Case, at: datetime) -> None:
    handling.case_archive(actor=actor, case=case, at=at)


# --- the summary --------------------------------------------------------------------------------------------


def has_cases(center: Center) -> bool:
    return Case.objects.filter(center=center).exists()


def state_counts(center: Center) -> dict[str, int]:
    counts = dict(Case.objects.filter(center=center).order_by().values_list("state").annotate(n=Count("pk")))
    return {state: counts.get(state, 0) for state in CaseState.values}


def warning_counts(center: Center, today: date) -> dict[str, int]:
    """The open cases by warning colour on `today` (R-CLK-6)."""
    rows = (
        annotate_warning(Case.objects.filter(center=center, state__in=OPEN_STATES), today)
        .order_by()
        .values_list("warning")
        .annotate(n=Count("pk"))
    )
    counts = dict(rows)
    return {colour: counts.get(colour, 0) for colour in Warning.values}


def lookup_pairs(center: Center, window: str) -> list[tuple[str, str, str]]:
    """Two (case number, query code, state) pairs for trying the public progress lookup (R-PUB-2): a case
    suspended for a special procedure and the latest decided one, both of `window`."""
    pairs: list[tuple[str, str, str]] = []
    cases = Case.objects.filter(center=center, window__number=window).exclude(number="")
    latest: list[QuerySet[Case]] = [
        cases.filter(state=CaseState.SUSPENDED).order_by("-accepted_on", "-pk"),
        cases.filter(state__in=[CaseState.APPROVED, CaseState.DELIVERED, CaseState.ARCHIVED]).order_by(
            "-decided_at", "-pk"
        ),
    ]
    for queryset in latest:
        case = queryset.first()
        if case is not None:
            pairs.append((case.number, case.query_code, str(CaseState(case.state).label)))
    return pairs
