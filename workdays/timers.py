"""Working-day timers in the database: start, stop, resume, change the budget, finish, follow the calendar, and
the daily sweep that records when a timer became overdue (R-CLK-2..9).

A timer belongs to a subject (`Timer.kind`, `Timer.subject_id`): a case today, later a joint case's department,
a complaint, a bad review, an action item. The subject's own services call these functions inside their own
transaction, holding the subject's lock, after they have checked who may act: these functions are the engine,
not a door (they check no role). Each rewrites the stored `deadline`, `warn_from`, `provisional` and `state`
from the budget and the ledger (`workdays.timer.derive`), never by editing a date.

What only the subject knows — who answered for an overdue timer, how a recomputed deadline is written into its
history — is asked of the subject's owner through `workdays.hooks` (`register_timer_owner`), so that `workdays`
imports no subject.

Many timers at once are read in SQL from the stored fields: `colour_expression` colours them on a day, and
`timers_in_warning` lists the yellow and red timers of a centre across every kind in one query.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Case as SqlCase
from django.db.models import CharField, Q, QuerySet, Value, When
from django.utils import timezone

from common import sql
from org.models import Center

from . import hooks
from .clock import WorkCalendar
from .models import Timer, TimerSpan, TimerState, TimerWarning, WarningColour, WarningResult
from .selectors import calendar_for
from .timer import Span, TimerView, derive

STORED_FIELDS = ("state", "deadline", "warn_from", "provisional")
RED = "red"
YELLOW = "yellow"
GREEN = "green"
SUSPENDED = "suspended"  # the colour of a stopped timer


# --- one timer ----------------------------------------------------------------------------------------


LEDGER = "_govhall_ledger"  # the ledger as spans, kept on a timer whose reader already knows it (`no_spans`)


def spans_of(timer: Timer) -> list[Span]:
    """The timer's ledger: as already known (`no_spans`), else the prefetched `spans` when there, else read by a
    statement written once per process (the case page derives its clock on every request)."""
    known = timer.__dict__.get(LEDGER)
    if known is not None:
        return list(known)
    if "spans" in getattr(timer, "_prefetched_objects_cache", {}):
        rows = list(timer.spans.all())
    else:
        rows = sql.select_where(TimerSpan, order_by=("stopped_on", "id"), timer_id=timer.pk)
    return [(span.stopped_on, span.resumed_on) for span in rows]


def no_spans(timer: Timer) -> None:
    """Record on `timer` that its ledger is empty, known from a read that asked, so that `spans_of` does not ask
    again: a page that already probes for rows in one statement (`cases.selectors.page.page_lists`) saves the
    clock its own read when the timer never stopped."""
    timer.__dict__[LEDGER] = ()


def view_of(
    timer: Timer, *, spans: list[Span] | None = None, calendar: WorkCalendar | None = None
) -> TimerView:
    """The timer derived from its budget and ledger (read from the database unless given)."""
    return derive(
        calendar or calendar_for_timer(timer),
        started_on=timer.started_on,
        budget_days=timer.budget_days,
        spans=spans_of(timer) if spans is None else spans,
        yellow_days=timer.yellow_days,
    )


def calendar_for_timer(timer: Timer) -> WorkCalendar:
    center = timer.center if "center" in timer._state.fields_cache else Center(pk=timer.center_id)
    return calendar_for(center)


def _stored(timer: Timer, view: TimerView) -> dict[str, Any]:
    if timer.state == TimerState.FINISHED:
        state = TimerState.FINISHED
    else:
        state = TimerState.STOPPED if view.stopped else TimerState.RUNNING
    return {
        "state": state,
        "deadline": view.deadline,
        "warn_from": view.warn_from,
        "provisional": view.provisional,
    }


def _apply(timer: Timer, view: TimerView, *extra: str) -> list[str]:
    """Set the stored fields from `view`; save the ones that changed (with `extra`). Returns their names."""
    changed = [name for name, value in _stored(timer, view).items() if getattr(timer, name) != value]
    for name in changed:
        setattr(timer, name, _stored(timer, view)[name])
    fields = [*changed, *extra]
    if fields and timer.pk is not None:
        sql.update(timer, fields)
    return changed


def timer_start(
    *,
    center: Center,
    kind: str,
    subject_id: int,
    started_on: date,
    budget_days: int,
    yellow_days: int,
    calendar: WorkCalendar | None = None,
) -> Timer:
    """Start the timer of a subject (one INSERT). Call inside the subject's transaction."""
    timer = Timer(
        center=center,
        kind=kind,
        subject_id=subject_id,
        started_on=started_on,
        budget_days=budget_days,
        yellow_days=yellow_days,
    )
    view = derive(
        calendar or calendar_for(center),
        started_on=started_on,
        budget_days=budget_days,
        spans=[],
        yellow_days=yellow_days,
    )
    _apply(timer, view)
    sql.insert(timer, now=True)  # its subject links it by key
    return timer


def timer_stop(*, timer: Timer, on: date, reason: str) -> TimerView:
    """Stop the timer from `on` (R-CLK-4): a new open span in its ledger. A timer whose time has already run
    out (`on` after its deadline) records the span but stays running, and red: stopping cannot give back time
    that is gone. Returns the view after the stop."""
    spans = [*spans_of(timer), (on, None)]
    TimerSpan.objects.create(timer=timer, stopped_on=on, reason=reason[:30])
    view = view_of(timer, spans=spans)
    _apply(timer, view)
    return view


def timer_resume(*, timer: Timer, on: date) -> tuple[TimerView, int]:
    """Close the running span on `on` (that day counts again, R-CLK-4). Returns the view and the working days
    the span moved the deadline by."""
    open_span = next((span for span in timer.spans.all() if span.resumed_on is None), None)
    if open_span is None:
        raise ValueError("the timer has no running span")
    before = view_of(timer)
    open_span.resumed_on = on
    open_span.save(update_fields=["resumed_on"])
    spans = [(s.stopped_on, on if s.pk == open_span.pk else s.resumed_on) for s in timer.spans.all()]
    view = view_of(timer, spans=spans)
    _apply(timer, view)
    return view, view.stopped_working_days - before.stopped_working_days


def timer_set_budget(*, timer: Timer, budget_days: int) -> TimerView:
    """Change the budget (an extension, R-CLK-5; a green-channel target, R-CASE-11) and rederive."""
    timer.budget_days = budget_days
    view = view_of(timer)
    _apply(timer, view, "budget_days")
    return view


def timer_finish(*, timer: Timer, on: date, open_span: bool | None = None) -> None:
    """The subject is done on `on`: the timer stops counting for good (its deadline is kept, for the record; a
    running span ends on `on`, so that a timer finished while stopped has the deadline it stood at;
    `open_span=False` says there is none, without reading the ledger). A timer finished after its deadline
    was overdue: if the sweep has not recorded it yet, it is recorded now, with the subject's owner telling
    who answered for it (`hooks.timer_overdue`)."""
    running = None
    if open_span is not False:
        running = next((span for span in timer.spans.all() if span.resumed_on is None), None)
    if running is not None:  # finished while stopped: the span ends with it, and the deadline as it stood
        timer_resume(timer=timer, on=max(on, running.stopped_on))
    timer.state = TimerState.FINISHED
    timer.finished_on = on
    fields = ["state", "finished_on"]
    late = timer.deadline is not None and on > timer.deadline and timer.red_since is None
    if late:
        assert timer.deadline is not None
        timer.red_since = timer.deadline + timedelta(days=1)
        fields.append("red_since")
    sql.update(timer, fields)
    if late:
        hooks.timer_overdue(timer)
    # The warnings recorded for it get their result. A timer never warned (`warned` empty, most of them) has
    # none to close, and no statement is spent on it; should the morning sweep record a warning between this
    # instance's read and this finish, the next sweep closes it (`_close_finished_warnings`).
    if timer.warned:
        _close_warnings(timer, _finished_result(timer, on), on)


def _finished_result(timer: Timer, on: date) -> str:
    in_time = timer.deadline is None or on <= timer.deadline
    return WarningResult.FINISHED_IN_TIME if in_time else WarningResult.FINISHED_LATE


def timer_recompute(
    *, timer: Timer, calendar: WorkCalendar | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Rederive a timer after its calendar changed; (old, new) stored values, equal when nothing moved."""
    old = {name: getattr(timer, name) for name in STORED_FIELDS}
    _apply(timer, view_of(timer, calendar=calendar))
    return old, {name: getattr(timer, name) for name in STORED_FIELDS}


# --- many timers ---------------------------------------------------------------------------------------


def timers_recompute_for_center(*, center: Center | None, reason: str) -> int:
    """Rederive every unfinished timer of `center` (None: every centre) after the calendar changed (R-CLK-3);
    each timer that moved is saved and its owner told (`hooks.timer_recomputed`), in the calendar write's
    transaction. Returns the number of timers that moved.

    The timers are first derived from one read with their ledgers; only those whose stored values differ are
    then locked and rewritten.
    """
    timers = (
        Timer.objects.exclude(state=TimerState.FINISHED)
        .select_related("center")
        .prefetch_related("spans")
        .order_by("pk")
    )
    if center is not None:
        timers = timers.filter(center=center)
    stale: list[int] = []
    for timer in timers:
        view = view_of(timer, calendar=calendar_for(timer.center))
        if _stored(timer, view) != {name: getattr(timer, name) for name in STORED_FIELDS}:
            stale.append(timer.pk)
    moved = 0
    with transaction.atomic():
        for timer in Timer.objects.filter(pk__in=stale).select_for_update().order_by("pk"):
            old, new = timer_recompute(timer=timer)
            if old != new:
                moved += 1
                hooks.timer_recomputed(timer, old=old, reason=reason)
    return moved


def timers_sweep(*, today: date) -> int:
    """Record, once, every running timer that is overdue on `today` (R-CLK-9): `red_since` is set to the day
    after its deadline and its owner stores who answered for it then (`hooks.timer_overdue`). Run daily (the
    `sweep_timers` command); running it again changes nothing. Returns the number recorded.

    Each timer is recorded in its own transaction, so one failing owner does not hold back the others.
    """
    due = list(
        Timer.objects.filter(state=TimerState.RUNNING, red_since=None, deadline__lt=today)
        .order_by("deadline", "pk")
        .values_list("pk", flat=True)
    )
    recorded = 0
    for pk in due:
        with transaction.atomic():
            timer = (
                Timer.objects.select_for_update()
                .filter(pk=pk, state=TimerState.RUNNING, red_since=None, deadline__lt=today)
                .first()
            )
            if timer is None:
                continue
            assert timer.deadline is not None
            timer.red_since = timer.deadline + timedelta(days=1)
            timer.save(update_fields=["red_since"])
            hooks.timer_overdue(timer)
            recorded += 1
    timers_record_warnings(today=today)
    return recorded


# --- warnings as supervision records (R-DATA-3) ---------------------------------------------------------------

# The rule a warning record cites: the yellow and red of R-CLK-6, the overdue of R-CLK-9.
WARNING_RULES = {WarningColour.YELLOW: "R-CLK-6", WarningColour.RED: "R-CLK-9"}


def _colour_due(colour: str, today: date) -> Q:
    """Running timers whose colour on `today` is `colour` and whose last recorded warning is not."""
    return colour_filter(colour, today) & ~Q(warned=colour)


def timers_record_warnings(*, today: date) -> int:
    """Record each timer that has turned yellow or red since its last record (R-DATA-3), as the daily sweep
    sees it on `today`: a `TimerWarning` with the rule, the colour, the day it turned (its first yellow day, or
    the day after its deadline), the deadline, and who answered for the subject that day (`hooks.
    timer_responsible`). A timer back to green or stopped (an extension, a special procedure, a calendar change)
    has its open warnings closed as cleared, so that turning yellow again is a new record. Each timer in its own
    transaction, like the overdue sweep; running it again the same day changes nothing. Returns the number
    recorded."""
    recorded = 0
    for colour in (WarningColour.YELLOW, WarningColour.RED):
        due = list(
            Timer.objects.filter(_colour_due(colour, today)).order_by("pk").values_list("pk", flat=True)
        )
        for pk in due:
            with transaction.atomic():
                timer = Timer.objects.select_for_update().filter(_colour_due(colour, today), pk=pk).first()
                if timer is None:
                    continue
                assert timer.deadline is not None and timer.warn_from is not None
                turned_on = (
                    timer.warn_from if colour == WarningColour.YELLOW else timer.deadline + timedelta(days=1)
                )
                who = hooks.timer_responsible(timer, on=turned_on)
                TimerWarning.objects.create(
                    center_id=timer.center_id,
                    timer=timer,
                    kind=timer.kind,
                    subject_id=timer.subject_id,
                    subject_label=who.label[:120],
                    colour=colour,
                    rule=WARNING_RULES[colour],
                    turned_on=turned_on,
                    deadline=timer.deadline,
                    recorded_at=timezone.now(),
                    department_id=who.department_id,
                    responsible_id=who.staff_id,
                )
                timer.warned = colour
                sql.update(timer, ["warned"])
                recorded += 1
    cleared = Q(state=TimerState.STOPPED) | Q(state=TimerState.RUNNING, warn_from__gt=today)
    for pk in Timer.objects.filter(cleared).exclude(warned="").values_list("pk", flat=True):
        with transaction.atomic():
            timer = Timer.objects.select_for_update().filter(cleared, pk=pk).exclude(warned="").first()
            if timer is None:
                continue
            _close_warnings(timer, WarningResult.CLEARED, today)
            timer.warned = ""
            sql.update(timer, ["warned"])
    _close_finished_warnings()
    return recorded


def _close_finished_warnings() -> None:
    """Give their result to the open warnings of finished timers: those a finish did not see because the sweep
    recorded them while the subject was being finished (see `timer_finish`). Rare; one statement when none."""
    finished = Timer.objects.filter(state=TimerState.FINISHED, finished_on__isnull=False)
    for timer in finished.filter(pk__in=TimerWarning.objects.filter(result="").values("timer_id")):
        assert timer.finished_on is not None
        with transaction.atomic():
            _close_warnings(timer, _finished_result(timer, timer.finished_on), timer.finished_on)


def _close_warnings(timer: Timer, result: str, on: date) -> None:
    """Fill in the result of `timer`'s warnings that have none yet (once; never rewritten after)."""
    TimerWarning.objects.filter(timer=timer, result="").update(result=result, result_on=on)


# --- colours in SQL (R-CLK-6) ------------------------------------------------------------------------------


def colour_expression(today: date, *, prefix: str = "") -> SqlCase:
    """SQL for the colour of a timer on `today`: "suspended" (stopped), "red", "yellow", "green", or "" for a finished
    timer (or none). `prefix` reaches the timer through a relation (e.g. "timer__" from a case)."""
    state, deadline, warn_from = f"{prefix}state", f"{prefix}deadline", f"{prefix}warn_from"
    return SqlCase(
        When(**{state: TimerState.STOPPED}, then=Value(SUSPENDED)),
        When(**{state: TimerState.RUNNING, f"{deadline}__lt": today}, then=Value(RED)),
        When(**{state: TimerState.RUNNING, f"{warn_from}__lte": today}, then=Value(YELLOW)),
        When(**{state: TimerState.RUNNING}, then=Value(GREEN)),
        default=Value(""),
        output_field=CharField(),
    )


def colour_filter(colour: str, today: date, *, prefix: str = "") -> Q:
    """The same colours as `colour_expression`, as a filter the database can answer from the timers' indexes."""
    state, deadline, warn_from = f"{prefix}state", f"{prefix}deadline", f"{prefix}warn_from"
    running = Q(**{state: TimerState.RUNNING})
    if colour == SUSPENDED:
        return Q(**{state: TimerState.STOPPED})
    if colour == RED:
        return running & Q(**{f"{deadline}__lt": today})
    if colour == YELLOW:
        return running & Q(**{f"{warn_from}__lte": today, f"{deadline}__gte": today})
    if colour == GREEN:
        return running & Q(**{f"{warn_from}__gt": today})
    return Q(pk__in=[])


def timers_in_warning(center: Center, today: date) -> QuerySet[Timer]:
    """The yellow and red timers of `center` on `today`, of every kind, most overdue first, each annotated with
    its `colour` (R-CLK-6). One query, answered from the running timers' deadline index."""
    return (
        Timer.objects.filter(center=center, state=TimerState.RUNNING)
        .filter(Q(warn_from__lte=today))
        .annotate(colour=colour_expression(today))
        .order_by("deadline", "kind", "subject_id")
    )
