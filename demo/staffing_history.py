"""A year of clocking, leave and duty rosters for the demo centre, made through the staffing services.

`load_demo` runs it after the year of cases (whose absences the days then read). Its parameters are data
(`demo/data/staffing.toml`): the terminal, the PIN scheme, the shares of late arrivals, early departures and
missed clocks, the duty rotation, the spot check and the leaves. What it does, all as the system (`actor=None`)
unless a person must act:

- registers the hall's terminal(s) and maps a PIN to each active staff member (`terminal_register`, `pin_map`);
- assigns the duty roster of the months it covers (`roster_assign`): a duty leader for each working day, one
  person on duty each rest day;
- plays the clocks of the working days up to yesterday (the last `days` of them; the setting or environment
  variable `DEMO_STAFFING_DAYS` overrides it, tests use a few) through the shared ingest, one batch per day
  (`clock_events_ingest`), and closes each day (`attendance_close_day`): mostly on time, some late or leaving
  early, a few clocks missed; nobody clocks while a recorded absence covers them, and the people on rest-day
  duty clock on that day;
- records a spot check on the last working day that finds one person off post without leave
  (`spot_check_record`, R-ATT-7): the unexplained absence, with its request for an explanation;
- has the staff with a login ask for the leaves of staffing.toml (`leave_request`) and the right tier approve
  them (`leave_decide`). Leave cannot be asked for a period that has passed, so they lie in the coming days;
  a leave approved and never returned (`leave_return` is not called for any) is flagged as unreturned once its
  end has passed (`staffing.selectors_leave.leaves_unreturned`).

Idempotent: a terminal, a PIN, a roster entry, a closed day, a spot check, leave requests that exist are left as
they are, so a second run adds nothing.
"""

from __future__ import annotations

import os
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from common.errors import RuleViolation
from demo.data import Staffing, read
from org.models import Absence, Center, StaffProfile, Window
from staffing import iclock
from staffing.models import (
    AttendanceClose,
    DutyEntry,
    DutyKind,
    HalfDay,
    LeaveRequest,
    LeaveState,
    PinMapping,
    SpotCheck,
    Terminal,
)
from staffing.services import duty, leave, pins, spot_checks, terminals
from staffing.services.days import attendance_close_day
from staffing.services.ingest import clock_events_ingest
from workdays.selectors import calendar_for, working_hours_for

DAYS_ENV = "DEMO_STAFFING_DAYS"
STATUS_IN, STATUS_OUT = 0, 1
VERIFY_FACE = 15
DAYS_PER_TRANSACTION = 21


@dataclass
class StaffingSummary:
    first_day: date | None = None
    last_day: date | None = None
    created: Counter[str] = field(default_factory=Counter)
    refused: list[str] = field(default_factory=list)


def days_setting(staffing: Staffing) -> int:
    """The working days of clocking: the setting, else the environment variable, else staffing.toml."""
    value = getattr(settings, DAYS_ENV, None)
    if value is None:
        value = os.environ.get(DAYS_ENV)
    return staffing.days if value is None else max(0, int(value))


def working_days_back(center: Center, today: date, count: int) -> list[date]:
    """The last `count` working days before `today`, oldest first."""
    work = calendar_for(center)
    found: list[date] = []
    day = today - timedelta(days=1)
    while len(found) < count and day > today - timedelta(days=400):
        if work.is_working_day(day):
            found.append(day)
        day -= timedelta(days=1)
    return found[::-1]


def working_days_ahead(center: Center, today: date, after: int, count: int) -> list[date]:
    """`count` working days starting `after` working days after `today`."""
    work = calendar_for(center)
    found: list[date] = []
    day = today
    while len(found) < after + count - 1:
        day += timedelta(days=1)
        if work.is_working_day(day):
            found.append(day)
    return found[after - 1 :]


def local(day: date, moment: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, moment))


class StaffingPlayer:
    def __init__(self, center: Center, staffing: Staffing, today: date, days: int) -> None:
        self.center = center
        self.data = staffing
        self.today = today
        self.days = working_days_back(center, today, days)
        self.rng = random.Random(staffing.seed)  # noqa: S311 - demo data, reproducible on purpose
        self.summary = StaffingSummary(
            first_day=self.days[0] if self.days else None, last_day=self.days[-1] if self.days else None
        )
        self.staff = {
            s.badge_number: s
            for s in StaffProfile.objects.filter(center=center, is_active=True).order_by("pk")
        }

    # --- terminals and PINs ---------------------------------------------------------------------------

    def terminals(self) -> Terminal:
        known = {t.serial: t for t in Terminal.objects.filter(serial__in=self.data.terminals)}
        for n, serial in enumerate(self.data.terminals, start=1):
            if serial not in known:
                name = self.data.terminal_name + (f"（{n}）" if len(self.data.terminals) > 1 else "")
                known[serial] = terminals.terminal_register(
                    actor=None,
                    center=self.center,
                    serial=serial,
                    name=name,
                    location=self.data.terminal_location,
                )
                self.summary.created["terminals"] += 1
        return known[self.data.terminals[0]]

    def pins(self) -> dict[str, StaffProfile]:
        """PIN -> person, mapping those without a current PIN from the first day played."""
        mapped = {m.staff_id: m.pin for m in PinMapping.objects.filter(center=self.center, valid_until=None)}
        start = local(self.days[0] if self.days else self.today, time(0, 0))
        order = [s.badge for s in read().staff]
        by_pin: dict[str, StaffProfile] = {}
        for n, badge in enumerate(order):
            staff = self.staff.get(badge)
            if staff is None:
                continue
            pin = mapped.get(staff.pk)
            if pin is None:
                pin = str(self.data.pin_start + n)
                try:
                    pins.pin_map(actor=None, staff=staff, pin=pin, valid_from=start)
                except RuleViolation as exc:
                    self.summary.refused.append(f"{exc.rule} {staff.name}：{exc.message}")
                    continue
                self.summary.created["PINs"] += 1
            by_pin[pin] = staff
        return by_pin

    # --- the roster ------------------------------------------------------------------------------------

    def roster(self) -> None:
        """A duty leader for each working day and one person on each rest day, of the months played through
        the end of this month."""
        if not self.days:
            return
        first = self.days[0].replace(day=1)
        last = (self.today.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        taken = set(
            DutyEntry.objects.filter(
                center=self.center, day__gte=first, day__lte=last, superseded_at=None
            ).values_list("day", "kind")
        )
        work = calendar_for(self.center)
        leaders = [self.staff[b] for b in self.data.duty_leaders if b in self.staff]
        rest = [self.staff[b] for b in self.data.rest_day_staff if b in self.staff]
        day = first
        while day <= last:
            working = work.is_working_day(day)
            kind, people = (DutyKind.LEADER, leaders) if working else (DutyKind.REST_DAY, rest)
            if people and (day, kind) not in taken:
                person = people[day.toordinal() % len(people)]
                duty.roster_assign(actor=None, center=self.center, day=day, kind=kind, staff=person)
                self.summary.created["roster entries"] += 1
            day += timedelta(days=1)

    # --- the clocks ------------------------------------------------------------------------------------

    def clocks(
        self, terminal: Terminal, by_pin: dict[str, StaffProfile], tick: Callable[[int], None]
    ) -> None:
        if not self.days:
            return
        closed = set(
            AttendanceClose.objects.filter(
                center=self.center, day__gte=self.days[0], day__lte=self.days[-1]
            ).values_list("day", flat=True)
        )
        first, last = self.days[0], self.days[-1]
        aways: dict[int, list[tuple[datetime, datetime]]] = {}
        for absence in Absence.objects.filter(
            staff__center=self.center,
            cancelled_at=None,
            starts_at__lt=local(last + timedelta(days=1), time(0, 0)),
            ends_at__gt=local(first, time(0, 0)),
        ):
            aways.setdefault(absence.staff_id, []).append((absence.starts_at, absence.ends_at))
        rest_duty = {
            (e.day, e.staff_id)
            for e in DutyEntry.objects.filter(
                center=self.center,
                kind=DutyKind.REST_DAY,
                superseded_at=None,
                day__gte=first,
                day__lt=self.today,
            )
        }
        absent = self.staff.get(self.data.spot_check_absent)
        # A month of days per transaction: one commit each instead of two per day (much faster on SQLite).
        for chunk in range(0, len(self.days), DAYS_PER_TRANSACTION):
            with transaction.atomic():
                for n, day in enumerate(self.days[chunk : chunk + DAYS_PER_TRANSACTION], start=chunk + 1):
                    self.play_day(day, n, closed, terminal, by_pin, aways, rest_duty, absent, tick)

    def play_day(
        self,
        day: date,
        n: int,
        closed: set[date],
        terminal: Terminal,
        by_pin: dict[str, StaffProfile],
        aways: dict[int, list[tuple[datetime, datetime]]],
        rest_duty: set[tuple[date, int]],
        absent: StaffProfile | None,
        tick: Callable[[int], None],
    ) -> None:
        """One working day: its clocks (and those of the rest days before it) in one batch, then its close."""
        if day not in closed:
            records = self.day_records(day, by_pin, aways, absent if day == self.days[-1] else None)
            # The rest days before it: the people on duty clock in and out.
            rest_days = []
            before = day - timedelta(days=1)
            while before >= self.days[0] and not calendar_for(self.center).is_working_day(before):
                records += self.duty_records(before, by_pin, rest_duty)
                rest_days.append(before)
                before -= timedelta(days=1)
            numbered = [
                iclock.Record(number, r.pin, r.time, r.status, r.verify)
                for number, r in enumerate(records, 1)
            ]
            result = clock_events_ingest(terminal=terminal, records=numbered, address="10.0.0.21")
            self.summary.created["clock events"] += result.stored
            for closing in [*sorted(rest_days), day]:  # the rest days too: a duty is checked on its day
                attendance_close_day(actor=None, center=self.center, day=closing)
                self.summary.created["closed days"] += 1
        tick(n)

    def day_records(
        self,
        day: date,
        by_pin: dict[str, StaffProfile],
        aways: dict[int, list[tuple[datetime, datetime]]],
        absent: StaffProfile | None,
    ) -> list[iclock.Record]:
        hours = working_hours_for(self.center, day)
        sittings = ((hours.morning_start, hours.morning_end), (hours.afternoon_start, hours.afternoon_end))
        rng, data = self.rng, self.data
        records: list[iclock.Record] = []
        for pin, staff in by_pin.items():
            for index, (start, end) in enumerate(sittings):
                begins, ends = local(day, start), local(day, end)
                if any(a < ends and b > begins for a, b in aways.get(staff.pk, ())):
                    continue  # away (leave, outing): no clocks for the sitting
                if absent is not None and staff.pk == absent.pk and index == 0:
                    continue  # off post without leave this morning: the spot check finds it
                roll = rng.random()
                if roll < data.late_share:
                    arrive = begins + timedelta(minutes=rng.randint(2, data.late_minutes))
                else:
                    arrive = begins - timedelta(minutes=rng.randint(1, 25), seconds=rng.randint(0, 59))
                roll = rng.random()
                if roll < data.early_share:
                    leave_at = ends - timedelta(minutes=rng.randint(5, data.early_minutes))
                else:
                    leave_at = ends + timedelta(minutes=rng.randint(0, 20), seconds=rng.randint(0, 59))
                if rng.random() >= data.missed_share:
                    records.append(self.record(pin, arrive, STATUS_IN))
                if rng.random() >= data.missed_share:
                    records.append(self.record(pin, leave_at, STATUS_OUT))
        return records

    def duty_records(
        self, day: date, by_pin: dict[str, StaffProfile], rest_duty: set[tuple[date, int]]
    ) -> list[iclock.Record]:
        records = []
        for pin, staff in by_pin.items():
            if (day, staff.pk) in rest_duty:
                records.append(self.record(pin, local(day, time(8, 52)), STATUS_IN))
                records.append(self.record(pin, local(day, time(17, 6)), STATUS_OUT))
        return records

    @staticmethod
    def record(pin: str, moment: datetime, status: int) -> iclock.Record:
        wall = timezone.localtime(moment).replace(tzinfo=None, microsecond=0)
        return iclock.Record(0, pin, wall, status, VERIFY_FACE)

    # --- the spot check --------------------------------------------------------------------------------

    def spot_check(self) -> None:
        if not self.days or SpotCheck.objects.filter(center=self.center).exists():
            return
        checker = self.staff.get(self.data.spot_checker)
        window = Window.objects.filter(center=self.center, number=self.data.spot_check_window).first()
        if checker is None or window is None:
            return
        hour, minute = (int(part) for part in self.data.spot_check_time.split(":"))
        people = StaffProfile.objects.filter(center=self.center, is_active=True, window=window).order_by("pk")
        seen = [
            spot_checks.Seen(staff=s, present=s.badge_number != self.data.spot_check_absent) for s in people
        ]
        if not seen:
            return
        spot_checks.spot_check_record(
            actor=None,
            center=self.center,
            by=checker,
            at=local(self.days[-1], time(hour, minute)),
            seen=seen,
            windows=[window],
            note="例行巡查。",
        )
        self.summary.created["spot checks"] += 1

    # --- leave -----------------------------------------------------------------------------------------

    def leaves(self) -> None:
        # The leaves ahead of the day of loading (the past year's are the case history's): asked while none lies
        # ahead, so that a second run adds nothing.
        if LeaveRequest.objects.filter(center=self.center, ends_at__gt=timezone.now()).exists():
            return
        users = (
            get_user_model().objects.filter(staff_profile__center=self.center).select_related("staff_profile")
        )
        approvers = list(users)  # whoever the step names (never the person asking: `may_decide`)
        for spec in self.data.leaves:
            staff = self.staff.get(spec.badge)
            if staff is None or staff.user_id is None:
                continue
            days = working_days_ahead(self.center, self.today, spec.after, spec.days)
            ahead = PastLeave(
                staff=staff,
                kind=spec.kind,
                first=days[0],
                last=days[-1],
                reason=spec.reason,
                asked_at=timezone.now(),
                returned_at=None,
                approve=spec.approve,
            )
            try:
                request = play_past_leave(ahead, approvers)
                self.summary.created["leave requests"] += 1
                if request.state == LeaveState.APPROVED:
                    self.summary.created["leaves approved"] += 1
            except RuleViolation as exc:
                self.summary.refused.append(f"{exc.rule} {staff.name}：{exc.message}")


# A hospital certificate for the demo's sick leave (R-ATT-3): a minimal PDF, checked by its bytes like any upload.
CERTIFICATE_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LEAVE_KINDS = {"年休假": "annual", "病假": "sick", "事假": "personal"}


@dataclass(frozen=True)
class PastLeave:
    """A leave played through the leave services at its own moments (`at=`): the past year's, or one ahead."""

    staff: StaffProfile
    kind: str  # a LeaveKind value
    first: date
    last: date
    reason: str
    asked_at: datetime
    returned_at: datetime | None  # None: never returned (flagged, R-ATT-6)
    approve: bool = True  # False: it waits for its first approver


def play_past_leave(spec: PastLeave, approvers: list[Any]) -> LeaveRequest:
    """Ask for `spec` as its person at `asked_at`, naming the first B of each post they hold as A who is free
    then; the approvers each tier names approve it half an hour apart (R-ATT-4); the supervision section records
    the return at `returned_at` (R-ATT-6). Refusals propagate (`RuleViolation`)."""
    staff, asked_at = spec.staff, spec.asked_at
    period = leave.leave_period(staff.center, spec.first, HalfDay.MORNING, spec.last, HalfDay.AFTERNOON)
    covers = {}
    for post in leave.posts_held_as_a(staff, asked_at):
        free = [
            b
            for b in leave.backups_of(post, asked_at)
            if b.pk != staff.pk and leave.away_conflict(b, period.starts_at, period.ends_at) is None
        ]
        if free:
            covers[post.pk] = free[0].pk
    attachment = None
    if spec.kind == "sick":
        attachment = SimpleUploadedFile("诊断证明.pdf", CERTIFICATE_PDF, content_type="application/pdf")
    request = leave.leave_request(
        actor=staff.user,
        kind=spec.kind,
        start_date=spec.first,
        start_half=HalfDay.MORNING,
        end_date=spec.last,
        end_half=HalfDay.AFTERNOON,
        reason=spec.reason,
        covers=covers,
        attachment=attachment,
        outing_entry=spec.reason if spec.kind == "outing" else "",
        at=asked_at,
    )
    moment = asked_at
    while spec.approve and request.state == LeaveState.PENDING:
        step = leave.current_step(request)
        approver = next(
            (u for u in approvers if step and leave.may_decide(u, request, step.approver_kind)), None
        )
        if approver is None:
            return request  # nobody holds the tier's role: it waits
        moment = min(moment + timedelta(minutes=30), timezone.now())  # a leave asked now is decided now
        request = leave.leave_decide(actor=approver, leave=request, approve=True, at=moment)
    if spec.returned_at is not None and request.state == LeaveState.APPROVED:
        recorder = next((u for u in approvers if leave.may_record_return(u, request)), None)
        if recorder is not None:
            request = leave.leave_return(
                actor=recorder,
                leave=request,
                how="in_person",
                note="本人到稽查督办科销假",
                at=spec.returned_at,
            )
    return request


def load_demo_staffing(
    *, center: Center, days: int | None = None, progress: Callable[[int, int], None] | None = None
) -> StaffingSummary:
    """Play the demo centre's clocking, rosters, spot check and leaves (see the module's docstring)."""
    data = read().staffing
    player = StaffingPlayer(center, data, timezone.localdate(), days_setting(data) if days is None else days)
    terminal = player.terminals()
    by_pin = player.pins()
    player.roster()
    total = len(player.days)
    player.clocks(terminal, by_pin, lambda n: progress(n, total) if progress else None)
    player.spot_check()
    player.leaves()
    return player.summary
