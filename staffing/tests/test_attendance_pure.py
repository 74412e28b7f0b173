"""The day's attendance (R-ATT-2, R-CLK-7) against a naive minute-by-minute reference, and exact days. No
database."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from staffing import attendance as rules
from staffing.attendance import Away, Checkpoint, DayAttendance, Sitting, attendance_of_day
from workdays.clock import WorkingHours, working_hours_on

DAY = date(2026, 12, 7)  # a Monday
WINTER = WorkingHours(time(8), time(11, 30), time(14), time(17))


def at(hour: int, minute: int = 0, second: int = 0, day: date = DAY) -> datetime:
    return datetime.combine(day, time(hour, minute, second))


# --- the naive reference: one minute at a time -------------------------------------------------------------


def naive(
    day: date,
    hours: WorkingHours | None,
    clocks: list[datetime],
    aways: list[Away],
    duties: list[tuple[datetime, datetime]],
) -> DayAttendance:
    midnight = datetime.combine(day, time())

    def minute(m: int) -> datetime:
        return midnight + timedelta(minutes=m)

    def meets(start: datetime, end: datetime, m: int) -> bool:
        """Whether [start, end) meets the minute m, i.e. [minute(m), minute(m + 1))."""
        return start < minute(m + 1) and end > minute(m)

    if hours is not None:
        kind = rules.WORKING_DAY
        sittings = []
        for start, end in (
            (hours.morning_start, hours.morning_end),
            (hours.afternoon_start, hours.afternoon_end),
        ):
            first, last = start.hour * 60 + start.minute, end.hour * 60 + end.minute
            if last > first:
                sittings.append((first, last))
    else:
        on_duty = [any(meets(s, e, m) for s, e in duties) for m in range(rules.MINUTES_PER_DAY)]
        sittings, m = [], 0
        while m < rules.MINUTES_PER_DAY:
            if on_duty[m]:
                first = m
                while m < rules.MINUTES_PER_DAY and on_duty[m]:
                    m += 1
                sittings.append((first, m))
            else:
                m += 1
        kind = rules.DUTY_DAY if sittings else rules.REST_DAY

    def cover(m: int) -> str | None:
        kinds = {a.kind for a in aways if meets(a.start, a.end, m)}
        return next((k for k in (rules.ABSENT, rules.LEAVE, rules.OUTING) if k in kinds), None)

    totals = {rules.ABSENT: 0, rules.LEAVE: 0, rules.OUTING: 0}
    plans = []  # per sitting: (covered kind or None, expected in, expected out, required minutes)
    for first, last in sittings:
        counts = {rules.ABSENT: 0, rules.LEAVE: 0, rules.OUTING: 0}
        required = []
        for m in range(first, last):
            kind_here = cover(m)
            if kind_here is None:
                required.append(m)
            else:
                counts[kind_here] += 1
                totals[kind_here] += 1
        if required:
            plans.append((None, required[0], required[-1] + 1, len(required)))
        else:
            best = max(counts.values())
            state = next(k for k in (rules.ABSENT, rules.LEAVE, rules.OUTING) if counts[k] == best)
            plans.append((state, None, None, 0))

    checkpoints = []  # (minute, is_in, sitting index), in order
    for i, (state, expected_in, expected_out, _n) in enumerate(plans):
        if state is None:
            checkpoints += [(expected_in, True, i), (expected_out, False, i)]
    ins: dict[int, int] = {}
    outs: dict[int, int] = {}
    for clock in clocks:
        if clock.date() != day or not checkpoints:
            continue
        c = int((clock - midnight).total_seconds() // 60)
        nearest = min(abs(c - point[0]) for point in checkpoints)
        tied = [p for p, point in enumerate(checkpoints) if abs(c - point[0]) == nearest]
        # Halfway between two: the later. One checkpoint ending a sitting and starting the next: the end
        # for a clock before it, the start for one at or after it.
        after = [p for p in tied if checkpoints[p][0] >= c]
        before = tied[-1]
        position = (after[0] if checkpoints[after[0]][0] > c else after[-1]) if after else before
        _minute, is_in, i = checkpoints[position]
        if is_in:
            ins[i] = min(ins.get(i, c), c)
        else:
            outs[i] = max(outs.get(i, c), c)

    result_sittings = []
    late = early = no_in = no_out = late_minutes = early_minutes = 0
    absent = totals[rules.ABSENT]
    for i, ((first, last), (state, expected_in, expected_out, required)) in enumerate(
        zip(sittings, plans, strict=True)
    ):
        if state is not None:
            result_sittings.append(Sitting(first, last, state, None, None))
            continue
        if i not in ins and i not in outs:
            absent += required
            result_sittings.append(Sitting(first, last, rules.ABSENT, None, None))
            continue
        if i not in ins:
            point_in = Checkpoint(expected_in, None, rules.NO_CLOCK_IN, 0)
            no_in += 1
        elif ins[i] > expected_in:
            point_in = Checkpoint(expected_in, ins[i], rules.LATE, len(range(expected_in, ins[i])))
        else:
            point_in = Checkpoint(expected_in, ins[i], rules.ON_TIME, 0)
        if i not in outs:
            point_out = Checkpoint(expected_out, None, rules.NO_CLOCK_OUT, 0)
            no_out += 1
        elif outs[i] < expected_out:
            point_out = Checkpoint(expected_out, outs[i], rules.LEFT_EARLY, len(range(outs[i], expected_out)))
        else:
            point_out = Checkpoint(expected_out, outs[i], rules.ON_TIME, 0)
        late += point_in.mark != rules.ON_TIME
        early += point_out.mark != rules.ON_TIME
        late_minutes += point_in.minutes
        early_minutes += point_out.minutes
        result_sittings.append(Sitting(first, last, rules.WORKED, point_in, point_out))

    if not sittings:
        status = rules.REST
    elif absent:
        status = rules.ABSENT
    elif late:
        status = rules.LATE
    elif early:
        status = rules.LEFT_EARLY
    elif totals[rules.LEAVE]:
        status = rules.LEAVE
    elif totals[rules.OUTING]:
        status = rules.OUTING
    else:
        status = rules.ON_TIME
    return DayAttendance(
        kind=kind,
        status=status,
        sittings=tuple(result_sittings),
        late=late,
        early=early,
        no_clock_in=no_in,
        no_clock_out=no_out,
        late_minutes=late_minutes,
        early_minutes=early_minutes,
        expected_minutes=sum(last - first for first, last in sittings),
        leave_minutes=totals[rules.LEAVE],
        outing_minutes=totals[rules.OUTING],
        absent_minutes=absent,
    )


# --- strategies ------------------------------------------------------------------------------------------


@st.composite
def working_hours(draw: st.DrawFn) -> WorkingHours:
    marks = sorted(draw(st.lists(st.integers(5 * 60, 23 * 60), min_size=4, max_size=4, unique=True)))
    if draw(st.booleans()):  # lunch may be no break at all: the morning ends when the afternoon starts
        marks[2] = marks[1]
    as_time = [time(m // 60, m % 60) for m in marks]
    return WorkingHours(*as_time)


moments = st.builds(
    lambda minutes, seconds: datetime.combine(DAY, time()) + timedelta(minutes=minutes, seconds=seconds),
    st.integers(-90, 24 * 60 + 90),
    st.integers(0, 59),
)


@st.composite
def periods(draw: st.DrawFn) -> tuple[datetime, datetime]:
    start = draw(moments)
    return start, start + timedelta(minutes=draw(st.integers(0, 10 * 60)), seconds=draw(st.integers(0, 59)))


@st.composite
def away_periods(draw: st.DrawFn) -> Away:
    start, end = draw(periods())
    return Away(start, end, draw(st.sampled_from(rules.COVER_ORDER)))


# Clocks cluster around the hours, as people's do, and fall anywhere else too.
clocks = st.lists(moments, max_size=8)


@settings(max_examples=400, deadline=None)
@given(
    hours=st.one_of(st.none(), working_hours()),
    clocks=clocks,
    aways=st.lists(away_periods(), max_size=4),
    duties=st.lists(periods(), max_size=3),
)
def test_r_att_2_the_day_matches_the_minute_by_minute_reference(hours, clocks, aways, duties):
    assert attendance_of_day(DAY, hours=hours, clocks=clocks, aways=aways, duties=duties) == naive(
        DAY, hours, clocks, aways, duties
    )


@settings(max_examples=200, deadline=None)
@given(hours=working_hours(), clocks=clocks, aways=st.lists(away_periods(), max_size=3))
def test_r_att_2_the_order_clocks_arrive_in_does_not_matter(hours, clocks, aways):
    forward = attendance_of_day(DAY, hours=hours, clocks=clocks, aways=aways)
    assert attendance_of_day(DAY, hours=hours, clocks=list(reversed(clocks)), aways=aways) == forward
    assert attendance_of_day(DAY, hours=hours, clocks=clocks + clocks, aways=aways) == forward


@settings(max_examples=200, deadline=None)
@given(hours=working_hours(), clocks=clocks)
def test_r_att_2_every_sitting_to_work_counts_once_as_late_or_on_time_and_once_as_early_or_on_time(
    hours, clocks
):
    day = attendance_of_day(DAY, hours=hours, clocks=clocks)
    worked = [s for s in day.sittings if s.state == rules.WORKED]
    assert day.late == sum(s.clock_in.mark in (rules.LATE, rules.NO_CLOCK_IN) for s in worked)
    assert day.early == sum(s.clock_out.mark in (rules.LEFT_EARLY, rules.NO_CLOCK_OUT) for s in worked)
    assert day.late_minutes + day.early_minutes <= day.expected_minutes * 2


# --- exact days (the default hours: 08:00–11:30, 14:00–17:00) -------------------------------------------


def _marks(day: DayAttendance) -> list[tuple[str, str | None, str | None]]:
    return [
        (s.state, s.clock_in.mark if s.clock_in else None, s.clock_out.mark if s.clock_out else None)
        for s in day.sittings
    ]


def test_r_att_2_four_clocks_in_time_are_a_day_on_time():
    day = attendance_of_day(DAY, hours=WINTER, clocks=[at(7, 52), at(11, 30, 40), at(13, 58), at(17, 1)])

    assert day.status == rules.ON_TIME and day.kind == rules.WORKING_DAY
    assert _marks(day) == [(rules.WORKED, rules.ON_TIME, rules.ON_TIME)] * 2
    assert (day.late, day.early, day.expected_minutes) == (0, 0, 390)
    assert day.sittings[0].clock_in == Checkpoint(expected=480, clocked=472, mark=rules.ON_TIME, minutes=0)


def test_r_att_2_a_clock_is_read_to_the_minute_as_the_terminal_shows_it():
    on_time = attendance_of_day(DAY, hours=WINTER, clocks=[at(8, 0, 59), at(11, 30), at(14, 0), at(17, 0)])
    late = attendance_of_day(DAY, hours=WINTER, clocks=[at(8, 1, 0), at(11, 30), at(14, 0), at(17, 0)])

    assert on_time.status == rules.ON_TIME
    assert (late.status, late.late, late.late_minutes) == (rules.LATE, 1, 1)


def test_r_att_2_late_and_early_count_their_minutes():
    day = attendance_of_day(DAY, hours=WINTER, clocks=[at(8, 12), at(11, 30), at(14, 0), at(16, 45)])

    assert (day.status, day.late, day.late_minutes, day.early, day.early_minutes) == (
        rules.LATE,
        1,
        12,
        1,
        15,
    )
    assert day.sittings[1].clock_out == Checkpoint(
        expected=1020, clocked=1005, mark=rules.LEFT_EARLY, minutes=15
    )


def test_r_att_2_no_clock_in_counts_as_late_and_no_clock_out_as_early():
    # Morning: in at 07:58, no clock-out. Afternoon: no clock-in, out at 17:05.
    day = attendance_of_day(DAY, hours=WINTER, clocks=[at(7, 58), at(17, 5)])

    assert _marks(day) == [
        (rules.WORKED, rules.ON_TIME, rules.NO_CLOCK_OUT),
        (rules.WORKED, rules.NO_CLOCK_IN, rules.ON_TIME),
    ]
    assert (day.status, day.late, day.early, day.no_clock_in, day.no_clock_out) == (rules.LATE, 1, 1, 1, 1)
    assert (day.late_minutes, day.early_minutes) == (0, 0)


def test_r_att_2_a_clock_goes_to_the_nearest_checkpoint():
    # 09:44 is nearer 08:00 than 11:30 (a late arrival); 09:46 nearer 11:30 (an early departure).
    late = attendance_of_day(DAY, hours=WINTER, clocks=[at(9, 44), at(11, 30), at(14), at(17)])
    early = attendance_of_day(DAY, hours=WINTER, clocks=[at(8), at(9, 46), at(14), at(17)])

    assert (late.sittings[0].clock_in.mark, late.late_minutes) == (rules.LATE, 104)
    assert (early.sittings[0].clock_in.mark, early.sittings[0].clock_out.mark) == (
        rules.ON_TIME,
        rules.LEFT_EARLY,
    )
    assert early.early_minutes == 104


def test_r_att_2_a_day_without_any_clock_is_absent_without_leave():
    day = attendance_of_day(DAY, hours=WINTER, clocks=[])

    assert (day.status, day.absent_minutes, day.late, day.early) == (rules.ABSENT, 390, 0, 0)
    assert _marks(day) == [(rules.ABSENT, None, None)] * 2


def test_r_att_2_leave_covering_the_day_needs_no_clock():
    leave = Away(at(8), at(17), rules.LEAVE)
    day = attendance_of_day(DAY, hours=WINTER, clocks=[], aways=[leave])

    assert (day.status, day.leave_minutes, day.absent_minutes) == (rules.LEAVE, 390, 0)
    assert _marks(day) == [(rules.LEAVE, None, None)] * 2


def test_r_att_2_leave_until_half_past_nine_moves_the_expected_arrival():
    leave = Away(at(7), at(9, 30), rules.LEAVE)
    on_time = attendance_of_day(
        DAY, hours=WINTER, clocks=[at(9, 28), at(11, 30), at(14), at(17)], aways=[leave]
    )
    late = attendance_of_day(DAY, hours=WINTER, clocks=[at(9, 40), at(11, 30), at(14), at(17)], aways=[leave])

    assert (on_time.status, on_time.leave_minutes, on_time.sittings[0].clock_in.expected) == (
        rules.LEAVE,
        90,
        570,
    )
    assert (late.status, late.late_minutes) == (rules.LATE, 10)


def test_r_att_2_an_outing_in_the_middle_of_the_morning_changes_no_checkpoint():
    outing = Away(at(9), at(10, 15), rules.OUTING)
    day = attendance_of_day(DAY, hours=WINTER, clocks=[at(8), at(11, 30), at(14), at(17)], aways=[outing])

    assert (day.status, day.outing_minutes) == (rules.OUTING, 75)
    assert [(s.clock_in.expected, s.clock_out.expected) for s in day.sittings] == [(480, 690), (840, 1020)]


def test_r_att_2_a_morning_on_leave_and_an_afternoon_without_clocks_is_half_a_day_absent():
    leave = Away(at(8), at(11, 30), rules.LEAVE)
    day = attendance_of_day(DAY, hours=WINTER, clocks=[], aways=[leave])

    assert _marks(day) == [(rules.LEAVE, None, None), (rules.ABSENT, None, None)]
    assert (day.status, day.leave_minutes, day.absent_minutes) == (rules.ABSENT, 210, 180)


def test_r_att_2_a_recorded_absence_is_absent_without_leave_even_with_clocks():
    absence = Away(at(14), at(17), rules.ABSENT)
    day = attendance_of_day(DAY, hours=WINTER, clocks=[at(8), at(11, 30)], aways=[absence])

    assert (day.status, day.absent_minutes) == (rules.ABSENT, 180)


def test_r_att_2_a_rest_day_has_no_sittings_and_a_duty_day_has_the_duty():
    saturday = date(2026, 12, 5)
    rest = attendance_of_day(saturday, hours=None, clocks=[at(9, day=saturday)])
    duty = attendance_of_day(
        saturday,
        hours=None,
        clocks=[at(8, 50, day=saturday), at(12, 5, day=saturday)],
        duties=[(at(9, day=saturday), at(12, day=saturday))],
    )

    assert (rest.kind, rest.status, rest.sittings, rest.expected_minutes) == (
        rules.REST_DAY,
        rules.REST,
        (),
        0,
    )
    assert (duty.kind, duty.status, duty.expected_minutes) == (rules.DUTY_DAY, rules.ON_TIME, 180)


def test_r_att_2_clocks_of_another_day_are_ignored():
    day = attendance_of_day(
        DAY, hours=WINTER, clocks=[at(8, day=date(2026, 12, 6)), at(17, day=date(2026, 12, 8))]
    )

    assert day.status == rules.ABSENT


def test_r_clk_7_summer_hours_start_and_end_the_afternoon_thirty_minutes_later():
    summer_day = date(2026, 7, 6)
    summer = working_hours_on(
        summer_day,
        morning_start=time(8),
        morning_end=time(11, 30),
        afternoon_start=time(14),
        afternoon_end=time(17),
        summer_shift_minutes=30,
        summer_start=(5, 1),
        summer_end=(9, 30),
    )
    clocks = [
        at(8, day=summer_day),
        at(11, 30, day=summer_day),
        at(14, 20, day=summer_day),
        at(17, 25, day=summer_day),
    ]
    in_summer = attendance_of_day(summer_day, hours=summer, clocks=clocks)
    in_winter = attendance_of_day(DAY, hours=WINTER, clocks=[at(8), at(11, 30), at(14, 20), at(17, 25)])

    assert (summer.afternoon_start, summer.afternoon_end) == (time(14, 30), time(17, 30))
    assert (in_summer.status, in_summer.late, in_summer.early, in_summer.early_minutes) == (
        rules.LEFT_EARLY,
        0,
        1,
        5,
    )
    assert (in_winter.status, in_winter.late, in_winter.late_minutes, in_winter.early) == (
        rules.LATE,
        1,
        20,
        0,
    )


# --- R-ATT-5: absence without cover -------------------------------------------------------------------------

SITTINGS = (
    Sitting(start=8 * 60, end=11 * 60 + 30, state="leave", clock_in=None, clock_out=None),
    Sitting(start=14 * 60, end=17 * 60, state="worked", clock_in=None, clock_out=None),
)
MORNING_LEAVE = [Away(at(8), at(11, 30), rules.LEAVE)]


def test_r_att_5_a_post_without_b_leaves_the_whole_leave_uncovered() -> None:
    assert rules.uncovered_minutes(DAY, SITTINGS, MORNING_LEAVE, [[]]) == 210


def test_r_att_5_a_b_on_duty_covers_and_the_minutes_no_b_is_on_duty_do_not() -> None:
    b_out = [Away(at(10), at(11), rules.OUTING)]
    assert rules.uncovered_minutes(DAY, SITTINGS, MORNING_LEAVE, [[[]]]) == 0
    assert rules.uncovered_minutes(DAY, SITTINGS, MORNING_LEAVE, [[b_out]]) == 60
    # A second B on duty then covers that hour.
    assert rules.uncovered_minutes(DAY, SITTINGS, MORNING_LEAVE, [[b_out, []]]) == 0
    # Two posts uncovered at the same minutes count those minutes once.
    assert rules.uncovered_minutes(DAY, SITTINGS, MORNING_LEAVE, [[b_out], [b_out]]) == 60


def test_r_att_5_only_leave_and_outings_count_and_only_within_the_sittings() -> None:
    absent = [Away(at(8), at(11, 30), rules.ABSENT)]  # absent without leave is counted as absent, not here
    assert rules.uncovered_minutes(DAY, SITTINGS, absent, [[]]) == 0
    lunch = [Away(at(11), at(14, 30), rules.OUTING)]
    assert rules.uncovered_minutes(DAY, SITTINGS, lunch, [[]]) == 60
    assert rules.uncovered_minutes(DAY, SITTINGS, MORNING_LEAVE, []) == 0  # holds no post as A
