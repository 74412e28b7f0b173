"""The day's attendance of one person (R-ATT-2, R-CLK-7): pure arithmetic, no ORM.

Input: the day, its hours (`workdays.clock.WorkingHours`, summer already applied; None on a day that is not a
working day), the person's clock events, the periods they were away (leave, outing, absence without leave, from
`org.Absence`) and, on a rest day, the duty periods of the roster (R-ATT-1). Everything is local wall-clock
time (naive datetimes in the centre's time zone), read to the minute: a clock at 08:00:59 is a clock at 08:00,
as the terminal shows it.

The rules, in the order they apply:

- **Sittings.** A working day has two sittings, morning and afternoon (R-CLK-7). A rest day has none, unless
  the roster puts the person on duty: then each duty period is a sitting (touching ones merged).
- **Cover.** A minute of a sitting may be covered by a period away. A minute covered by two kinds counts as the
  first of absent, leave, outing (`COVER_ORDER`). A sitting covered entirely takes the kind that covers most of
  its minutes (ties in the same order) and needs no clock. Otherwise the person is expected from the first
  minute not covered (`expected in`) to the end of the last one (`expected out`): leave until 09:30 moves the
  morning's expected arrival to 09:30; an outing in the middle of the morning changes neither.
- **Clocks to checkpoints.** The expected ins and outs of the sittings to be worked, in order, are the day's
  checkpoints. Each clock belongs to the nearest checkpoint (halfway between two: the later one; where one
  sitting ends as the next starts, a clock before that minute ends the first, one at or after it starts the
  next). The clock-in of a sitting is the earliest clock of its in-checkpoint, the clock-out the latest of its
  out-checkpoint.
- **Marks (R-ATT-2).** A clock-in after the expected in is late by the difference in minutes; none is a
  missing clock-in, which counts as late. A clock-out before the expected out is early; none is a missing
  clock-out, which counts as early. A sitting to be worked with no clock at all is absent without leave.
- **The day's status** is the first that applies of: rest (no sitting), absent (any minute absent without
  leave), late, left early, leave, outing, on time.
- **Uncovered (R-ATT-5).** `uncovered_minutes` counts the minutes of the sittings a person spent on leave or an
  outing while a post they hold as A had no B on duty; the services store them and a day with any is off post
  (脱岗), after absent and before the rest.

Proven against a minute-by-minute reference in `staffing/tests/test_attendance_pure.py`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Final

from workdays.clock import WorkingHours

MINUTES_PER_DAY: Final = 24 * 60

# Kinds of a period away (the values of `org.models.AbsenceKind`), in the order a doubly covered minute counts.
ABSENT: Final = "absent"
LEAVE: Final = "leave"
OUTING: Final = "outing"
COVER_ORDER: Final = (ABSENT, LEAVE, OUTING)

# The state of a sitting: worked (clocks are checked), covered by a kind, or absent without leave.
WORKED: Final = "worked"

# Marks of a checkpoint (R-ATT-2).
ON_TIME: Final = "on_time"
LATE: Final = "late"
NO_CLOCK_IN: Final = "no_clock_in"
LEFT_EARLY: Final = "left_early"
NO_CLOCK_OUT: Final = "no_clock_out"

# Kinds of day.
WORKING_DAY: Final = "working"
REST_DAY: Final = "rest"
DUTY_DAY: Final = "duty"

# The day's status (also ON_TIME, LATE, LEFT_EARLY, ABSENT, LEAVE, OUTING).
REST: Final = "rest"
OFF_POST: Final = (
    "off_post"  # away on leave or an outing with nobody covering a post (R-ATT-5), set by the services
)


@dataclass(frozen=True)
class Away:
    """A period the person is away: `kind` is one of `COVER_ORDER`. Local wall-clock times, end excluded."""

    start: datetime
    end: datetime
    kind: str


@dataclass(frozen=True)
class Checkpoint:
    """An expected clock: the minute of the day it is expected at, the minute clocked (None: missing), the
    mark and the minutes late or early (0 when on time or missing)."""

    expected: int
    clocked: int | None
    mark: str
    minutes: int


@dataclass(frozen=True)
class Sitting:
    """A sitting (start and end as minutes of the day), its state, and its checkpoints when it was worked."""

    start: int
    end: int
    state: str
    clock_in: Checkpoint | None
    clock_out: Checkpoint | None


@dataclass(frozen=True)
class DayAttendance:
    kind: str
    status: str
    sittings: tuple[Sitting, ...]
    late: int  # late clock-ins, missing ones included (R-ATT-2)
    early: int  # early clock-outs, missing ones included
    no_clock_in: int
    no_clock_out: int
    late_minutes: int
    early_minutes: int
    expected_minutes: int  # the minutes of the day's sittings
    leave_minutes: int
    outing_minutes: int
    absent_minutes: int  # covered by an absence without leave, or of a sitting with no clock at all


def minute_of(day: date, moment: datetime, *, up: bool = False) -> int:
    """`moment` as a minute of `day` in [0, 1440]: rounded down (a clock, a start), or up (an end); a moment
    before the day is 0, after it 1440."""
    seconds = (moment - datetime.combine(day, time())).total_seconds()
    minutes = -(-seconds // 60) if up else seconds // 60
    return int(min(max(minutes, 0), MINUTES_PER_DAY))


def _hhmm(t: time) -> int:
    return t.hour * 60 + t.minute


def _merged(spans: Iterable[tuple[int, int]], *, touching: bool) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if merged and (start < merged[-1][1] or (touching and start == merged[-1][1])):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def sittings_of(
    day: date, hours: WorkingHours | None, duties: Iterable[tuple[datetime, datetime]] = ()
) -> tuple[str, list[tuple[int, int]]]:
    """The kind of day and its sittings as minutes of the day: the hours on a working day (R-CLK-7), else the
    duty periods (R-ATT-1)."""
    if hours is not None:
        spans = [
            (_hhmm(hours.morning_start), _hhmm(hours.morning_end)),
            (_hhmm(hours.afternoon_start), _hhmm(hours.afternoon_end)),
        ]
        return WORKING_DAY, _merged(spans, touching=False)
    spans = [(minute_of(day, start), minute_of(day, end, up=True)) for start, end in duties]
    merged = _merged(spans, touching=True)
    return (DUTY_DAY if merged else REST_DAY), merged


@dataclass
class _Cover:
    """How the periods away cover one sitting: minutes per kind, and the minutes not covered."""

    minutes: dict[str, int]
    required: list[tuple[int, int]]


def _cover(start: int, end: int, aways: Sequence[tuple[int, int, str]]) -> _Cover:
    inside = [(max(a, start), min(b, end), kind) for a, b, kind in aways if a < end and b > start]
    cuts = sorted({start, end, *(a for a, _b, _k in inside), *(b for _a, b, _k in inside)})
    minutes = dict.fromkeys(COVER_ORDER, 0)
    required: list[tuple[int, int]] = []
    for low, high in zip(cuts, cuts[1:], strict=False):
        kinds = {kind for a, b, kind in inside if a <= low and b >= high}
        first = next((kind for kind in COVER_ORDER if kind in kinds), None)
        if first is None:
            required.append((low, high))
        else:
            minutes[first] += high - low
    return _Cover(minutes, required)


def _checkpoint_of(clock: int, spans: Sequence[tuple[int, int]]) -> tuple[int, bool]:
    """(sitting index, is an in) of the nearest checkpoint to `clock`, halfway going to the later one: the
    boundaries are the midpoints between consecutive checkpoints."""
    for index, (expected_in, expected_out) in enumerate(spans):
        if 2 * clock < expected_in + expected_out:
            return index, True
        if index + 1 == len(spans) or 2 * clock < expected_out + spans[index + 1][0]:
            return index, False
    raise AssertionError("unreachable: the last sitting's out takes every later clock")


def attendance_of_day(
    day: date,
    *,
    hours: WorkingHours | None,
    clocks: Iterable[datetime],
    aways: Iterable[Away] = (),
    duties: Iterable[tuple[datetime, datetime]] = (),
) -> DayAttendance:
    """The attendance of one person on `day` (R-ATT-2, R-CLK-7): see the module's docstring for the rules.

    `hours` None means the day is not a working day (then `duties`, if any, are its sittings). Clocks and
    periods are local wall-clock datetimes; clocks on another day are ignored.
    """
    kind, spans = sittings_of(day, hours, duties)
    away_minutes = [
        (minute_of(day, a.start), minute_of(day, a.end, up=True), a.kind)
        for a in aways
        if a.kind in COVER_ORDER
    ]
    covers = [_cover(start, end, away_minutes) for start, end in spans]
    totals = dict.fromkeys(COVER_ORDER, 0)
    for cover in covers:
        for cover_kind, minutes in cover.minutes.items():
            totals[cover_kind] += minutes

    # The sittings to be worked and their expected in and out.
    to_work = [i for i, cover in enumerate(covers) if cover.required]
    expected = [(covers[i].required[0][0], covers[i].required[-1][1]) for i in to_work]
    ins: dict[int, int] = {}
    outs: dict[int, int] = {}
    if expected:
        for moment in clocks:
            if moment.date() != day:
                continue
            clock = minute_of(day, moment)
            index, is_in = _checkpoint_of(clock, expected)
            if is_in:
                ins[index] = min(ins.get(index, clock), clock)
            else:
                outs[index] = max(outs.get(index, clock), clock)

    sittings: list[Sitting] = []
    late = early = no_in = no_out = late_minutes = early_minutes = 0
    absent_minutes = totals[ABSENT]
    for i, (start, end) in enumerate(spans):
        cover = covers[i]
        if not cover.required:
            state = max(COVER_ORDER, key=cover.minutes.__getitem__)  # ties: the first in COVER_ORDER
            sittings.append(Sitting(start, end, state, None, None))
            continue
        position = to_work.index(i)
        expected_in, expected_out = expected[position]
        clock_in, clock_out = ins.get(position), outs.get(position)
        if clock_in is None and clock_out is None:
            absent_minutes += sum(b - a for a, b in cover.required)
            sittings.append(Sitting(start, end, ABSENT, None, None))
            continue
        if clock_in is None:
            checkpoint_in = Checkpoint(expected_in, None, NO_CLOCK_IN, 0)
            no_in += 1
        elif clock_in > expected_in:
            checkpoint_in = Checkpoint(expected_in, clock_in, LATE, clock_in - expected_in)
            late_minutes += clock_in - expected_in
        else:
            checkpoint_in = Checkpoint(expected_in, clock_in, ON_TIME, 0)
        if clock_out is None:
            checkpoint_out = Checkpoint(expected_out, None, NO_CLOCK_OUT, 0)
            no_out += 1
        elif clock_out < expected_out:
            checkpoint_out = Checkpoint(expected_out, clock_out, LEFT_EARLY, expected_out - clock_out)
            early_minutes += expected_out - clock_out
        else:
            checkpoint_out = Checkpoint(expected_out, clock_out, ON_TIME, 0)
        late += checkpoint_in.mark != ON_TIME
        early += checkpoint_out.mark != ON_TIME
        sittings.append(Sitting(start, end, WORKED, checkpoint_in, checkpoint_out))

    if not spans:
        status = REST
    elif absent_minutes:
        status = ABSENT
    elif late:
        status = LATE
    elif early:
        status = LEFT_EARLY
    elif totals[LEAVE]:
        status = LEAVE
    elif totals[OUTING]:
        status = OUTING
    else:
        status = ON_TIME
    return DayAttendance(
        kind=kind,
        status=status,
        sittings=tuple(sittings),
        late=late,
        early=early,
        no_clock_in=no_in,
        no_clock_out=no_out,
        late_minutes=late_minutes,
        early_minutes=early_minutes,
        expected_minutes=sum(end - start for start, end in spans),
        leave_minutes=totals[LEAVE],
        outing_minutes=totals[OUTING],
        absent_minutes=absent_minutes,
    )


def uncovered_minutes(
    day: date,
    sittings: Iterable[Sitting],
    aways: Iterable[Away],
    backups_away: Iterable[Sequence[Sequence[Away]]],
) -> int:
    """The minutes of the day's sittings the person spent on leave or an outing while a post they hold as A had
    no B on duty (R-ATT-5: 无人顶岗，一律按个人脱岗处理 — absence without cover counts as leaving the post).

    `backups_away` has one entry per post the person holds as A that day: for each of the post's Bs, the periods
    that B was away (any kind; a B not active that day is given the whole day). A post with no B is uncovered
    whenever its A is away. A minute counts once however many posts are uncovered then."""
    away_minutes = [
        (minute_of(day, a.start), minute_of(day, a.end, up=True)) for a in aways if a.kind in (LEAVE, OUTING)
    ]
    posts = [
        [[(minute_of(day, a.start), minute_of(day, a.end, up=True)) for a in periods] for periods in backups]
        for backups in backups_away
    ]
    if not away_minutes or not posts:
        return 0

    def inside(minute: int, spans: Iterable[tuple[int, int]]) -> bool:
        return any(start <= minute < end for start, end in spans)

    total = 0
    for sitting in sittings:
        for minute in range(sitting.start, sitting.end):
            if not inside(minute, away_minutes):
                continue
            if any(all(inside(minute, b) for b in backups) for backups in posts):
                total += 1
    return total


def local_midnight(day: date) -> datetime:
    """The naive start of `day`."""
    return datetime.combine(day, time())


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The naive start of `day` and of the next day."""
    start = local_midnight(day)
    return start, start + timedelta(days=1)


def hhmm(minute: int | None) -> str:
    """A minute of the day as 'HH:MM' (1440 is '24:00'); '' for None."""
    if minute is None:
        return ""
    return f"{minute // 60:02d}:{minute % 60:02d}"
