"""A year of case history for the demo centre, made through the real case services.

`load_demo_cases` (run by `manage.py load_demo`, or alone) plays twelve months of work at the demo county
centre up to the moment it runs: applications received, checked, corrected, refused, accepted, handled step by
step (by B when A is away), suspended for special procedures, extended, decided, delivered, archived or
withdrawn; inquiries handled, referred or escalated; today's appointments. Every change goes through
`cases.services` with an explicit moment (`at=`), so every event, notice, number and hash chain is real; the
calls, and the reads of a case's clock, are in `demo.history_calls`, one function each. The parameters and
texts (volumes, mixes, seed, default scale, invented names, what the staff write, the year's absences) are
data: `demo/data/history.toml`.

How it works: each application (and each inquiry) is a small script, a generator that performs one action and
yields the moment of its next one. A scheduler runs all scripts in the order of their moments, so case and
notice numbers are issued in date order and the rules see the world as it was (who was on leave, which
authorisation was in force). Actions whose moment is after "now" are not performed: the cases received in the
last days are still open, as they would be. A few "showcase" applications are timed relative to today so that
every state and warning colour is present whatever the scale.

Reproducible: a fixed random seed and everything timed relative to today (the only anchor). Query codes are
random on purpose (R-PUB-2). The volume is `scale` × the seed's figures (the foreign-trade window handled
3,644 cases a year, about 15 a working day); the default scale keeps `load_demo` quick. `progress` is told how
far the year is each simulated day (`load_demo` draws its progress bar from it).

Who acts: whoever holds the post at that moment (A, or B while A is on leave: the year has some absences);
decisions by the representative whose authorisation is in force (none for agriculture this year: its cases wait
and turn red). Deliveries, archiving, payments, visits and withdrawals need a login with a role at the centre;
where no staff member of the window has one (only the foreign-trade window's staff have demo logins), the
window's head, chief representative or deputy director in charge records them. The other windows start with
the year of their chiefs' authorisations (1 January). Applicants are invented and give invented fixed-line
numbers and no email address, so the history enqueues no notification to anybody real.
"""

from __future__ import annotations

import heapq
import itertools
import os
import random
import time as monotonic_time
from collections import Counter
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cases.models import Case, CaseState, CaseStep, Channel, InquiryOutcome, MaterialStatus, ReferralMode
from catalog.models import Item, ItemStatus, ItemVersion, Material
from common.errors import RuleViolation
from common.identifiers import CREDIT_CHARS, credit_code_check_char, resident_id_check_char
from demo import history_calls as calls
from demo.data import Scenario, read
from demo.staffing_history import LEAVE_KINDS, PastLeave, play_past_leave
from hall import services as hall_services
from org.models import (
    Absence,
    AbsenceCover,
    AbsenceKind,
    Authorization,
    AuthorizationScope,
    Center,
    Post,
    StaffProfile,
    Window,
)
from org.services import absence_record, authorization_in_force, pick_holder
from workdays.selectors import calendar_for, working_hours_for
from workdays.timer import previous_working_day

# The parameters and texts of the year (volumes, mixes, seed, default scale, names, what the staff write) are
# in demo/data/history.toml (`demo.data.Scenario`).
SCALE_ENV = "DEMO_CASES_SCALE"

FTB_WINDOW = "A01"  # the seed's foreign-trade window, the busiest
INTAKE_POST = "受理岗"

OPINIONS_APPROVE = "经审查，申请符合法定条件，拟准予许可。"
OPINIONS_DENY = "经审查，申请不符合法定条件，拟不予许可。"


def step_opinion(name: str, approve: bool) -> str:
    """What the handler of a step writes (R-DATA-2)."""
    if "归档" in name:
        return "资料已核对，整理装订归档。"
    if "查验" in name:
        return "车辆查验合格，签注查验记录。"
    if "登簿" in name:
        return "已记载于登记簿，缮证完毕。"
    if name in {"受理", "一窗受理", "受理采集"}:
        return "申请材料齐全，符合法定形式，已受理，转下一环节。"
    if "审核" in name or "审查" in name:
        return OPINIONS_APPROVE if approve else OPINIONS_DENY
    if any(word in name for word in ("决定", "签批", "办结", "签发")):
        return "同意。" if approve else "同意不予许可的意见。"
    return "已办理，同意。"


# --- the plan of one application ---------------------------------------------------------------------------


@dataclass
class Firm:
    name: str
    credit_code: str
    contact: str
    contact_id: str
    phone: str
    in_zone: bool


@dataclass
class Plan:
    """How one application goes. Drawn at random (seeded), or set for a showcase case."""

    code: str
    received_at: datetime
    rng: random.Random
    applicant: dict[str, Any]
    channel: str = Channel.WINDOW
    corrections: int = 0  # correction notices before acceptance
    resubmit_after: int | None = None  # working days the applicant takes to bring the corrections
    abandon: bool = False  # never comes back after the last correction notice
    withdraw_abandoned: bool = False
    refuse: bool = False
    forget_check: bool = False  # nobody checks it: deemed accepted (R-CASE-3)
    approve: bool = True
    pace: str = "normal"  # normal: before the deadline; tight: on the deadline day; late: after it
    late_by: int = 0
    suspend: bool = False
    suspend_on: date | None = None
    extend: bool = False
    extend_on: date | None = None
    priority: bool = False
    withdraw: bool = False
    withdraw_on: date | None = None
    shuttle: bool = False
    via_inquiry: bool = False
    decide_on: date | None = None
    deliver_after: int | None = None
    archive_after: int | None = None
    stop: str = ""  # a showcase case stops at: received, correction, suspended, extension_requested, decided,
    # delivered
    target: date | None = field(default=None, repr=False)


@dataclass
class InquiryPlan:
    asked_at: datetime
    rng: random.Random
    window: str = FTB_WINDOW
    channel: str = Channel.WINDOW
    outcome: str = "answered"  # answered, notice, explained, referred, escalated, open
    refer_to: str = ""
    question: str = ""
    answer: str = ""
    acknowledge: bool = True


@dataclass(frozen=True)
class Tick:
    """How far the history is, for a progress bar: told whenever the scheduler reaches a new day."""

    day: int  # the day being played, 1 to `days`
    days: int
    started: int  # the applications and inquiries begun so far, of `planned`
    planned: int
    cases: int  # the cases received so far, of `planned_cases`
    planned_cases: int


@dataclass
class Summary:
    """What `load_demo_cases` did."""

    center: str
    scale: float
    seed: int
    first_day: date
    today: date
    skipped: bool = False
    created: Counter[str] = field(default_factory=Counter)
    states: dict[str, int] = field(default_factory=dict)
    warnings: dict[str, int] = field(default_factory=dict)
    refused: Counter[str] = field(default_factory=Counter)
    refusal_messages: list[str] = field(default_factory=list)
    lookups: list[tuple[str, str, str]] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def days(self) -> int:
        return (self.today - self.first_day).days + 1


def seeded(key: str) -> random.Random:
    """A random generator of its own for each part of the history, seeded from a string (reproducible across
    runs and processes). Not for anything secret: query codes come from `secrets` in the services."""
    return random.Random(key)  # noqa: S311 - demo data, reproducible on purpose


Script = Iterator[datetime]
# A part of a script that hands back the moment it finished at.
Part = Generator[datetime, None, datetime]


class History:
    """Plays the year. Use `load_demo_cases`."""

    def __init__(
        self,
        *,
        center: Center,
        scale: float,
        seed: int,
        now: datetime,
        scenario: Scenario,
        progress: Callable[[Tick], None] | None = None,
    ) -> None:
        self.center = center
        self.scenario = scenario
        self.texts = scenario.texts
        self.progress = progress
        self._started = 0
        self._planned = self._planned_cases = 0
        self.scale = scale
        self.seed = seed
        self.now = now
        self.today = timezone.localdate(now)
        self.first_day = self.today - timedelta(days=365)
        self.calendar = calendar_for(center)
        self.summary = Summary(center.code, scale, seed, self.first_day, self.today)
        # (moment, order, script, whether it is a planned application or inquiry not yet begun)
        self._queue: list[tuple[datetime, int, Script, bool]] = []
        self._order = itertools.count()
        self.windows = {
            w.number: w
            for w in Window.objects.filter(center=center).select_related(
                "head__user", "chief_representative__user", "deputy_in_charge__user"
            )
        }
        self.windows_by_pk = {w.pk: w for w in self.windows.values()}
        self.staff = {
            s.badge_number: s for s in StaffProfile.objects.filter(center=center).select_related("user")
        }
        self.items = {
            i.code: i
            for i in Item.objects.filter(center=center, status=ItemStatus.PUBLISHED).select_related(
                "department", "current_version"
            )
        }
        self.posts: dict[int, list[Post]] = {}
        for post in Post.objects.filter(window__center=center, is_active=True).select_related(
            "holder_a__user"
        ):
            self.posts.setdefault(post.window_id, []).append(post)
        for posts in self.posts.values():
            posts.sort(key=lambda p: (p.name != INTAKE_POST, p.pk))
        self._posts_by_pk = {p.pk: p for posts in self.posts.values() for p in posts}
        self._steps: dict[int, list[Post | None]] = {}
        self._materials: dict[int, list[Material]] = {}
        self._fees: dict[int, list[Any]] = {}
        self._roles: dict[int, bool] = {}
        self._backups: dict[int, list[StaffProfile]] = {}
        self._authorizations = list(
            Authorization.objects.filter(department__center=center).select_related("representative")
        )
        self._result_numbers: Counter[tuple[str, int]] = Counter()
        self._receipts: Counter[int] = Counter()

    # --- time ------------------------------------------------------------------------------------------

    def working(self, day: date) -> bool:
        return self.calendar.is_working_day(day)

    def add(self, day: date, n: int) -> date:
        """The n-th working day after `day` (the next working day from `day` when n is 0)."""
        return self.calendar.add_working_days(day, max(0, n)).date

    def back(self, n: int) -> date:
        """The n-th working day before today (n >= 1)."""
        day = self.today
        for _ in range(n):
            day = previous_working_day(self.calendar, day)
        return day

    def gap(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`."""
        return self.calendar.count_working_days(start, end)

    @staticmethod
    def at(day: date, hh: int, mm: int = 0) -> datetime:
        return timezone.make_aware(datetime.combine(day, time(hh, mm)))

    def office_time(self, rng: random.Random, day: date) -> datetime:
        """A moment within the sittings of any season (08:15–11:20, 14:40–16:50)."""
        minute = rng.randrange(185 + 130)
        if minute < 185:
            return self.at(day, 8, 15) + timedelta(minutes=minute)
        return self.at(day, 14, 40) + timedelta(minutes=minute - 185)

    def when(self, rng: random.Random, day: date, after: datetime) -> datetime:
        """A moment on `day` after `after`: a few minutes later on the same day, else office hours."""
        if day <= timezone.localdate(after):
            return after + timedelta(minutes=rng.randint(5, 40))
        return max(self.office_time(rng, day), after + timedelta(minutes=1))

    def next_morning(self, rng: random.Random, after: datetime) -> datetime:
        day = self.add(timezone.localdate(after), 1)
        return self.at(day, 8, 30) + timedelta(minutes=rng.randrange(90))

    def day_of(self, moment: datetime) -> date:
        return timezone.localdate(moment)

    # --- the scheduler -----------------------------------------------------------------------------------

    def spawn(self, moment: datetime, script: Script, *, planned: bool = False) -> None:
        heapq.heappush(self._queue, (moment, next(self._order), script, planned))

    def play(self) -> None:
        last_day = None
        while self._queue:
            moment, _order, script, planned = heapq.heappop(self._queue)
            if moment > self.now:
                continue  # not yet: the case stays where it is today
            day = self.day_of(moment)
            if day != last_day:
                self.tell(day)
                last_day = day
            self._started += planned
            try:
                following = next(script)
            except StopIteration:
                continue
            except RuleViolation as exc:  # a planned action the rules refused: the script ends there
                self.summary.refused[exc.rule] += 1
                if len(self.summary.refusal_messages) < 20:
                    self.summary.refusal_messages.append(f"{exc.rule} {exc.message}")
                continue
            self.spawn(max(following, moment), script)
        self.tell(self.today)

    def tell(self, day: date) -> None:
        if self.progress is not None:
            self.progress(
                Tick(
                    day=(day - self.first_day).days + 1,
                    days=self.summary.days,
                    started=self._started,
                    planned=self._planned,
                    cases=self.summary.created["cases"],
                    planned_cases=self._planned_cases,
                )
            )

    # --- people ------------------------------------------------------------------------------------------

    def steps_of(self, version: ItemVersion) -> list[Post | None]:
        if version.pk not in self._steps:
            self._steps[version.pk] = [s.post for s in version.steps.select_related("post").order_by("order")]
        return self._steps[version.pk]

    def materials_of(self, version: ItemVersion) -> list[Material]:
        if version.pk not in self._materials:
            self._materials[version.pk] = list(version.materials.order_by("order", "id"))
        return self._materials[version.pk]

    def fees_of(self, version: ItemVersion) -> list[Any]:
        if version.pk not in self._fees:
            self._fees[version.pk] = list(version.fees.order_by("id"))
        return self._fees[version.pk]

    def post(self, step: CaseStep) -> Post:
        """The post of a case's step, as read at the start (with its A)."""
        assert step.post_id is not None
        return self._posts_by_pk[step.post_id]

    def window_of(self, item: Item) -> Window:
        """Where the item is received: the window of its first step's post."""
        assert item.current_version is not None
        first = self.steps_of(item.current_version)[0]
        assert first is not None
        return self.windows_by_pk[first.window_id]

    def load_absences(self) -> None:
        """Who is away when, read once: `holder` and `on_duty` are asked thousands of times. The services
        still decide for themselves (`post_holder_at`), so a wrong guess here would show as a refusal."""
        self._away: dict[int, list[tuple[datetime, datetime]]] = {}
        for absence in Absence.objects.filter(center=self.center, cancelled_at=None):
            self._away.setdefault(absence.staff_id, []).append((absence.starts_at, absence.ends_at))
        self._named: dict[int, list[tuple[datetime, datetime, int]]] = {}
        for cover in AbsenceCover.objects.filter(
            absence__center=self.center, absence__cancelled_at=None
        ).select_related("absence"):
            span = (cover.absence.starts_at, cover.absence.ends_at, cover.backup_id)
            self._named.setdefault(cover.post_id, []).append(span)

    def away(self, staff: StaffProfile, moment: datetime) -> bool:
        spans = self._away.get(staff.pk, ())
        return not staff.is_active or any(start <= moment < end for start, end in spans)

    def holder(self, post: Post, moment: datetime) -> StaffProfile | None:
        """Who holds `post` at `moment` (R-ORG-7, `org.services.pick_holder`)."""
        people = [post.holder_a, *self.backups(post)]
        named = {b for start, end, b in self._named.get(post.pk, ()) if start <= moment < end}
        found = pick_holder(
            people[0], people[1:], {p.pk for p in people if self.away(p, moment)}, named=named
        )
        return found.staff if found else None

    def intake_staff(self, window: Window, moment: datetime) -> StaffProfile:
        """Who serves at `window` at `moment` (receives, checks, records payments, visits, deliveries and
        withdrawals): the holder of its first post (A, or B while A is away), else its head or chief
        representative when on duty. Nobody acts while away (R-ORG-7)."""
        for post in self.posts.get(window.pk, []):
            staff = self.holder(post, moment)
            if staff is not None:
                return staff
        leader = self.on_duty_of(moment, window.head, window.chief_representative)
        assert leader is not None
        return leader

    def on_duty_of(self, moment: datetime, *people: StaffProfile | None) -> StaffProfile | None:
        """The first of `people` at work at `moment`."""
        return next((p for p in people if p is not None and not self.away(p, moment)), None)

    def backups(self, post: Post) -> list[StaffProfile]:
        if post.pk not in self._backups:
            self._backups[post.pk] = [link.staff for link in post.backup_links.select_related("staff__user")]
        return self._backups[post.pk]

    def decider(self, item: Item, moment: datetime) -> StaffProfile | None:
        """A representative whose authorisation to decide general applications of the item's department is in
        force at `moment` (R-ORG-4); None when there is none (the case waits)."""
        seen: set[int] = set()
        for authorization in self._authorizations:
            person = authorization.representative
            if authorization.department_id != item.department_id or person.pk in seen:
                continue
            seen.add(person.pk)
            if authorization_in_force(
                representative=person,
                scope=AuthorizationScope.DECIDE_GENERAL,
                moment=moment,
                department_id=item.department_id,
            ):
                return person
        return None

    # --- invented applicants -----------------------------------------------------------------------------

    def person_name(self, rng: random.Random) -> str:
        return rng.choice(self.scenario.names.surnames) + rng.choice(self.scenario.names.given)

    @staticmethod
    def phone(rng: random.Random) -> str:
        """An invented fixed-line number of the county: never a mobile number or an address, so that the demo
        history enqueues no SMS or email to anybody real (the milestone notifications go to mobiles and
        addresses only)."""
        return f"0713-6{rng.randrange(10**6):06d}"

    @staticmethod
    def id_number(rng: random.Random) -> str:
        born = date(1962, 1, 1) + timedelta(days=rng.randrange(365 * 40))
        body = f"420999{born:%Y%m%d}{rng.randrange(1000):03d}"
        return body + resident_id_check_char(body)

    @staticmethod
    def credit_code(rng: random.Random) -> str:
        body = "91420999" + "".join(rng.choice(CREDIT_CHARS) for _ in range(9))
        return body + credit_code_check_char(body)

    def firms(self, rng: random.Random, count: int, zone_share: float) -> list[Firm]:
        words = self.scenario.names
        names: set[str] = set()
        firms: list[Firm] = []
        while len(firms) < count:
            firm = (rng.choice(words.firm_names), rng.choice(words.firm_trades), rng.choice(words.firm_forms))
            name = "示范县" + "".join(firm)
            if name in names:
                continue
            names.add(name)
            firms.append(
                Firm(
                    name,
                    self.credit_code(rng),
                    self.person_name(rng),
                    self.id_number(rng),
                    self.phone(rng),
                    rng.random() < zone_share,
                )
            )
        return firms

    def applicant_for(self, rng: random.Random, code: str, firms: list[Firm]) -> dict[str, Any]:
        if code in self.scenario.person_items:
            return {"name": self.person_name(rng), "id_number": self.id_number(rng), "phone": self.phone(rng)}
        firm = rng.choices(firms, weights=[1 / (i + 1) ** 0.7 for i in range(len(firms))])[0]
        return {
            "name": firm.contact,
            "id_number": firm.contact_id,
            "phone": firm.phone,
            "organisation_name": firm.name,
            "credit_code": firm.credit_code,
            "in_development_zone": firm.in_zone,
        }

    # --- plans -------------------------------------------------------------------------------------------

    def spread(
        self, rng: random.Random, count: int, first: date, weight: Callable[[date], float]
    ) -> list[date]:
        days = [first + timedelta(days=n) for n in range((self.today - first).days + 1)]
        days = [d for d in days if self.working(d)]
        if not days or count <= 0:
            return []
        return sorted(rng.choices(days, weights=[weight(d) for d in days], k=count))

    def draw(
        self, rng: random.Random, code: str, received_at: datetime, firms: list[Firm], ftb: bool
    ) -> Plan:
        item = self.items[code]
        version = item.current_version
        assert version is not None
        applicant = self.applicant_for(rng, code, firms)
        plan = Plan(code=code, received_at=received_at, rng=rng, applicant=applicant)
        if rng.random() < (0.2 if ftb else 0.1) and version.promised_limit_days > 0:
            plan.channel = Channel.WEB
            plan.received_at = self.at(self.day_of(received_at), 7) + timedelta(
                minutes=rng.randrange(16 * 60)
            )
        roll = rng.random()
        plan.corrections = 2 if roll < 0.03 else 1 if roll < (0.2 if ftb else 0.12) else 0
        if plan.corrections:
            plan.abandon = rng.random() < 0.08
            plan.withdraw_abandoned = plan.abandon and rng.random() < 0.5
        plan.refuse = rng.random() < (0.03 if ftb else 0.02)
        plan.forget_check = plan.channel == Channel.WINDOW and not plan.corrections and rng.random() < 0.005
        plan.approve = rng.random() >= (0.05 if ftb else 0.03)
        pace = rng.random()
        plan.pace = "late" if pace < 0.05 else "tight" if pace < 0.18 else "normal"
        plan.suspend = bool(version.clock_stopping_procedures) and rng.random() < 0.45
        plan.extend = version.extension_allowed and not plan.suspend and rng.random() < 0.25
        plan.priority = ftb and version.promised_limit_days >= 1 and rng.random() < 0.02
        plan.withdraw = rng.random() < 0.015
        plan.shuttle = bool(applicant.get("in_development_zone")) and rng.random() < 0.08
        plan.via_inquiry = ftb and rng.random() < 0.08
        return plan

    def plans(self) -> list[Plan]:
        rng = seeded(f"{self.seed}:plans")
        span = (self.today - self.first_day).days / 365
        ftb_firms = self.firms(rng, 320, 0.35)
        other_firms = self.firms(rng, 160, 0.2)
        plans: list[Plan] = []
        ftb_days = self.spread(
            rng,
            round(self.scenario.volumes.ftb_cases * self.scale * span),
            self.first_day,
            lambda d: self.scenario.month_weights[d.month - 1],
        )
        for n, day in enumerate(ftb_days):
            own = seeded(f"{self.seed}:ftb:{n}")
            season, mix = self.scenario.inspection_season, self.scenario.ftb_mix
            weights = [season.get(day.month, w) if c == "FTB-007" else w for c, w in mix]
            code = own.choices([c for c, _w in mix], weights=weights)[0]
            plans.append(self.draw(own, code, self.office_time(own, day), ftb_firms, ftb=True))
        # The other windows use the system from the first working day of the year their chiefs' current
        # authorisations start.
        other_first = max(self.first_day, date(self.today.year, 1, 1))
        other_days = self.spread(
            rng, round(self.scenario.volumes.other_cases * self.scale * span), other_first, lambda d: 1.0
        )
        for n, day in enumerate(other_days):
            own = seeded(f"{self.seed}:other:{n}")
            mix = self.scenario.other_mix
            code = own.choices([c for c, _w in mix], weights=[w for _c, w in mix])[0]
            if code in self.items:
                plans.append(self.draw(own, code, self.office_time(own, day), other_firms, ftb=False))
        plans.extend(self.showcase(ftb_firms))
        return plans

    def showcase(self, firms: list[Firm]) -> list[Plan]:
        """Cases timed relative to today so that every state and colour shows whatever the scale."""
        rng = seeded(f"{self.seed}:showcase")
        today, back, now = self.today, self.back, self.now
        next_day = self.add(today, 1)

        def plan(code: str, received: date | datetime, **kw: Any) -> Plan:
            own = seeded(f"{self.seed}:showcase:{code}:{received}:{sorted(kw)}")
            at = received if isinstance(received, datetime) else self.at(received, 9, 10 + rng.randrange(40))
            return Plan(
                code=code, received_at=at, rng=own, applicant=self.applicant_for(own, code, firms), **kw
            )

        def accepted_for_deadline(limit: int, deadline: date) -> date:
            day = deadline
            for _ in range(limit):
                day = previous_working_day(self.calendar, day)
            return day

        wanted = [
            # Received online, not yet checked.
            plan("FTB-005", now - timedelta(minutes=75), channel=Channel.WEB, stop="received"),
            plan("FTB-003", self.at(back(1), 21, 5), channel=Channel.WEB, stop="received"),
            # Awaiting correction; one after a second correction notice (counted for the supervision section).
            plan("FTB-004", back(3), corrections=1, abandon=True, stop="correction"),
            plan("FTB-005", back(9), corrections=2, resubmit_after=3, abandon=True, stop="correction"),
            # Refused.
            plan("FTB-003", back(2), refuse=True),
            # Accepted and running: green, yellow (deadline the next working day), red (overdue).
            plan("FTB-006", back(1), decide_on=self.add(today, 5)),
            plan("FTB-004", accepted_for_deadline(8, next_day), pace="tight"),
            plan("FTB-003", back(7), pace="late", late_by=10),
            plan("RER-003", back(8), pace="late", late_by=10),
            # The chief of agriculture's authorisation ran out: decided by nobody, overdue.
            plan("ARA-001", back(14)),
            # Suspended for a special procedure (an expert review), the written notice delivered.
            plan("FTB-006", back(5), suspend=True, suspend_on=back(2), stop="suspended"),
            plan("HSA-005", back(4), suspend=True, suspend_on=back(1), stop="suspended"),
            # Extended, filed with the coordination section, still running; another extension asked for
            # yesterday, awaiting the chief representative's approval (R-CLK-5).
            plan("FTB-004", back(7), extend=True, extend_on=back(2), decide_on=self.add(today, 6)),
            plan("FTB-004", back(6), extend=True, extend_on=back(1), stop="extension_requested"),
            # Green channel.
            plan("FTB-006", back(2), priority=True, decide_on=self.add(today, 2)),
            # Decided, not yet delivered; delivered, not yet archived.
            plan("FTB-002", back(2), decide_on=back(1), stop="decided"),
            plan("FTB-005", back(2), approve=False, decide_on=back(1), stop="decided"),
            plan("FTB-003", back(5), decide_on=back(3), deliver_after=2, stop="delivered"),
            # Withdrawn; deemed accepted (nobody checked within 5 working days); a development-zone shuttle.
            plan("FTB-006", back(6), withdraw=True, withdraw_on=back(2)),
            plan("FTB-007", back(12), forget_check=True),
            plan("FTB-005", back(10), shuttle=True),
        ]
        for item in wanted:
            if item.shuttle:
                item.applicant = {**item.applicant, "in_development_zone": True}
        return [p for p in wanted if p.code in self.items and p.received_at <= now]

    # --- one application ---------------------------------------------------------------------------------

    def check(
        self, case: Case, actor: StaffProfile, at: datetime, rng: random.Random, problems: dict[int, str]
    ) -> None:
        results: dict[int, tuple[str, str]] = {}
        for material in self.materials_of(case.version):
            if material.pk in problems:
                note = problems[material.pk]
                results[material.pk] = (MaterialStatus.DEFECTIVE if note else MaterialStatus.MISSING, note)
            elif material.is_required or rng.random() < 0.3:
                results[material.pk] = (MaterialStatus.PRESENT, "")
        calls.check_materials(actor=actor, case=case, results=results, at=at)

    def visit(self, case: Case, window: Window, at: datetime, purpose: str, by_administration: bool) -> None:
        staff = self.intake_staff(window, at)
        calls.visit(
            actor=staff, case=case, purpose=purpose, caused_by_administration=by_administration, at=at
        )
        self.summary.created["visits"] += 1

    def application(self, plan: Plan) -> Script:  # noqa: C901 - one application's whole life, in order
        rng = plan.rng
        item = self.items[plan.code]
        version = item.current_version
        assert version is not None
        window = self.window_of(item)
        at = plan.received_at
        receiver = self.intake_staff(window, at)
        inquiry = None
        if plan.via_inquiry:
            question = rng.choice(self.scenario.questions).question
            inquiry = calls.inquiry_log(
                actor=receiver,
                window=window,
                channel=Channel.WINDOW,
                question=question,
                asker_name=plan.applicant["name"],
                item=item,
                at=at - timedelta(minutes=rng.randint(3, 10)),
            )
            self.summary.created["inquiries"] += 1
        case = calls.receive(
            actor=receiver, window=window, item=item, applicant=plan.applicant, channel=plan.channel, at=at
        )
        self.summary.created["cases"] += 1
        zone = bool(plan.applicant.get("in_development_zone"))
        if zone and plan.channel == Channel.WINDOW:
            self.visit(case, window, at + timedelta(minutes=1), "提交申请材料", False)
        if plan.stop == "received":
            return

        # --- the material check (R-CASE-2), corrections, refusal, acceptance ------------------------------
        if plan.forget_check:
            due = calls.deemed_acceptance_due(case)
            yield self.at(self.add(due, 1), 9, rng.randrange(60))  # the daily run at 07:00 has deemed it
            case = calls.refreshed(case)
            if case.state != CaseState.ACCEPTED:
                return
            at = self.at(self.add(due, 1), 9, 30)
        else:
            at = (
                self.next_morning(rng, at)
                if plan.channel == Channel.WEB
                else at + timedelta(minutes=rng.randint(5, 25))
            )
            yield at
            checker = self.intake_staff(window, at)
            required = [m for m in self.materials_of(version) if m.is_required]
            wrong = (
                rng.sample(required, k=min(len(required), rng.choice([1, 1, 2]))) if plan.corrections else []
            )
            if not wrong:
                plan.corrections = 0
            problems = {m.pk: (rng.choice(self.texts.defects) if rng.random() < 0.5 else "") for m in wrong}
            self.check(case, checker, at, rng, problems)
            for round_ in range(1, plan.corrections + 1):
                calls.issue_correction(actor=checker, case=case, at=at + timedelta(minutes=3))
                self.summary.created["correction notices"] += 1
                if plan.abandon and round_ == plan.corrections:
                    if plan.withdraw_abandoned and not plan.stop:
                        at = self.office_time(rng, self.add(self.day_of(at), rng.randint(10, 20)))
                        yield at
                        actor = self.intake_staff(window, at)
                        calls.withdraw(
                            actor=actor, case=case, reason=rng.choice(self.texts.withdrawals), at=at
                        )
                    return
                days = plan.resubmit_after or rng.choice([1, 1, 2, 2, 3, 4, 5])
                at = self.office_time(rng, self.add(self.day_of(at), days))
                yield at
                checker = self.intake_staff(window, at)
                calls.resubmit(actor=checker, case=case, at=at)
                if zone:
                    self.visit(case, window, at + timedelta(minutes=1), "提交补正材料", False)
                still = {} if round_ == plan.corrections else {wrong[0].pk: self.texts.still_defective}
                at += timedelta(minutes=rng.randint(5, 20))
                self.check(case, checker, at, rng, still)
            at += timedelta(minutes=rng.randint(2, 8))
            if plan.refuse:
                refusal = rng.choice(self.scenario.refusals)
                reasons, competent = refusal.reasons, refusal.authority
                calls.refuse(actor=checker, case=case, reasons=reasons, competent_authority=competent, at=at)
                self.summary.created["refusal notices"] += 1
                if inquiry is not None:
                    calls.inquiry_handle(
                        actor=receiver,
                        inquiry=inquiry,
                        outcome=InquiryOutcome.EXPLAINED,
                        answer=reasons,
                        at=at,
                    )
                return
            case = calls.accept(actor=checker, case=case, at=at)
        if inquiry is not None:
            calls.inquiry_handle(
                actor=receiver,
                inquiry=inquiry,
                outcome=InquiryOutcome.ACCEPTED,
                answer="材料齐全，已受理。",
                case=case,
                at=max(at, inquiry.asked_at) + timedelta(minutes=1),
            )

        # --- green channel, fees -------------------------------------------------------------------------
        if plan.priority and (limit := calls.limit_of(case)) >= 1:
            at += timedelta(minutes=rng.randint(10, 30))
            setter = self.on_duty_of(at, window.head, window.chief_representative, window.deputy_in_charge)
            assert setter is not None
            calls.set_priority(
                actor=setter,
                case=case,
                reason=rng.choice(self.texts.priority_reasons),
                target_days=limit // 2,
                at=at,
            )
        fees = self.fees_of(version)
        if fees:
            at += timedelta(minutes=rng.randint(10, 30))
            # Paid at the unified payment window; the case's window records the receipt (R-CAT-7).
            cashier = self.intake_staff(window, at)
            if any("非住宅" in f.name for f in fees):  # real estate: one registration fee, home or not
                fees = [
                    f for f in fees if ("非住宅" in f.name) == (rng.random() < 0.3) and "工本费" not in f.name
                ]
            for fee in fees:
                self._receipts[at.year] += 1
                calls.pay(
                    actor=cashier,
                    case=case,
                    fee=fee,
                    receipt_number=f"示财非税〔{at.year}〕{self._receipts[at.year]:06d}",
                    at=at,
                )
                self.summary.created["payments"] += 1

        # --- the steps (R-ORG-5, R-ORG-7), with a special procedure or an extension on the way ------------
        suspended = extended = False
        steps = calls.steps_of(case)
        done = 0  # the steps completed: each is completed here, by `calls.complete_step`
        while done < len(steps):
            step = steps[done]
            day = self.day_of(at)
            target = self.target_day(plan, case, day)
            pending = 1 + len(steps) - done  # the steps left and the decision
            if step.order == 1:
                step_day = day
            else:
                step_day = self.add(day, round(self.gap(day, target) / pending)) if target > day else day
            if plan.withdraw and step.order >= 2:
                withdraw_day = plan.withdraw_on or self.add(
                    day, rng.randint(1, max(1, self.gap(day, target)))
                )
                at = self.when(rng, withdraw_day, at)
                yield at
                actor = self.intake_staff(window, at)
                calls.withdraw(actor=actor, case=case, reason=rng.choice(self.texts.withdrawals), at=at)
                return
            if plan.suspend and not suspended and step.order >= 2:
                suspended = True
                at = yield from self.special_procedure(plan, case, window, at)
                if plan.stop == "suspended":
                    return
                plan.target = None
                continue
            if plan.extend and not extended and step.order >= 2 and (deadline := calls.deadline_of(case)):
                extended = True
                extend_day = plan.extend_on or previous_working_day(
                    self.calendar, previous_working_day(self.calendar, deadline)
                )
                if extend_day >= day:
                    at = self.when(rng, extend_day, at)
                    yield at
                    at = yield from self.extension(plan, case, window, at)
                    if plan.stop == "extension_requested":
                        return
                    plan.target = None
                    continue
            at = self.when(rng, step_day, at)
            yield at
            post = self.post(step)
            handler = self.holder(post, at)
            if handler is None:  # nobody holds the post today: tomorrow
                at = self.next_morning(rng, at)
                continue
            if plan.shuttle and step.order == 2:
                self.visit(case, window, at, self.texts.shuttle_visit, True)
                at += timedelta(minutes=rng.randint(5, 15))
            calls.complete_step(
                actor=handler, case=case, opinion=step_opinion(step.name, plan.approve), at=at
            )
            done += 1

        # --- the decision (R-CASE-7, R-ORG-4) ----------------------------------------------------------------
        day = self.day_of(at)
        decide_day = plan.decide_on or self.target_day(plan, case, day)
        at = self.when(rng, max(decide_day, day), at)
        while True:
            yield at
            decider = self.decider(item, at)
            if decider is None:
                return  # no authorisation in force: the case waits (and turns red)
            if not self.away(decider, at):
                break
            at = self.next_morning(rng, at)
        self.decide(plan, case, item, decider, at)
        if plan.stop == "decided":
            return

        # --- delivery (R-CASE-8) and archive -----------------------------------------------------------------
        delay = plan.deliver_after
        if delay is None:
            delay = 0 if version.promised_limit_days == 0 else rng.choice([0, 0, 1, 1, 1, 2, 3])
            if rng.random() < 0.01:
                delay = rng.randint(11, 13)  # picked up late: recorded, flagged late
        at = self.when(rng, self.add(self.day_of(at), delay) if delay else self.day_of(at), at)
        yield at
        methods = self.texts.delivery_methods
        method = rng.choices([m for m, _w in methods], weights=[w for _m, w in methods])[0]
        clerk = self.intake_staff(window, at)
        calls.deliver(actor=clerk, case=case, method=method, at=at)
        if zone and method == "pickup":
            self.visit(case, window, at + timedelta(minutes=1), "领取决定文书和证照", False)
        if plan.stop == "delivered":
            return
        at = self.office_time(rng, self.add(self.day_of(at), plan.archive_after or rng.randint(2, 10)))
        yield at
        archivist = self.intake_staff(window, at)
        calls.archive(actor=archivist, case=case, at=at)

    def target_day(self, plan: Plan, case: Case, day: date) -> date:
        """The day the decision is aimed at, from the case's stored deadline and the plan's pace."""
        if plan.decide_on is not None:
            return max(plan.decide_on, day)
        if plan.target is None or plan.target < day:
            deadline = calls.deadline_of(case) or day
            room = self.gap(day, deadline)
            if plan.pace == "late":
                k = room + (plan.late_by or plan.rng.randint(1, 4))
            elif plan.pace == "tight":
                k = room
            elif room > 1:  # before the deadline, mostly in the second half of the time allowed
                k = plan.rng.randint((room + 1) // 2, room - 1)
            else:
                k = plan.rng.choice([0, room])
            plan.target = self.add(day, k) if k else day
        return plan.target

    def special_procedure(self, plan: Plan, case: Case, window: Window, after: datetime) -> Part:
        """A special procedure started, its notice delivered and the procedure ended by whoever serves at the
        case's window at each moment (R-CLK-4)."""
        rng = plan.rng
        day = self.day_of(after)
        start_day = plan.suspend_on or self.add(day, rng.randint(1, 2))
        at = self.when(rng, start_day, after)
        yield at
        kind = case.version.clock_stopping_procedures[0]
        reason, result = self.texts.suspensions.get(kind, ("需履行特别程序", "特别程序结束"))
        expected = rng.randint(5, 15)
        suspension = calls.special_procedure_start(
            actor=self.intake_staff(window, at),
            case=case,
            kind=kind,
            reason=reason,
            expected_days=expected,
            at=at,
        )
        self.summary.created["special procedures"] += 1
        at += timedelta(minutes=rng.randint(30, 120))
        if plan.stop != "suspended":
            at = self.when(rng, self.add(start_day, rng.choice([0, 1, 1])), at)
        yield at
        calls.special_procedure_notice_delivered(
            actor=self.intake_staff(window, at),
            suspension=suspension,
            method=rng.choice(self.texts.notice_delivery),
            at=at,
        )
        if plan.stop == "suspended":
            return at
        at = self.office_time(rng, self.add(start_day, max(1, expected + rng.randint(-2, 3))))
        yield at
        calls.special_procedure_end(actor=self.intake_staff(window, at), case=case, result=result, at=at)
        return at

    def extension(self, plan: Plan, case: Case, window: Window, at: datetime) -> Part:
        """The window asks for an extension and the chief representative (or the head) approves it in their
        own login a little later (R-CLK-5)."""
        rng = plan.rng
        room = calls.extension_room(case)
        approving = at + timedelta(minutes=rng.randint(10, 40))
        approver = self.on_duty_of(at, window.chief_representative, window.head)
        if room < 1 or approver is None or self.away(approver, approving):
            return at
        request = calls.extension_request(
            actor=self.intake_staff(window, at),
            case=case,
            days=rng.randint(min(3, room), min(10, room)),
            reason=self.texts.extension_reason,
            at=at,
        )
        if plan.stop == "extension_requested" and request.extension is None:
            self.summary.created["extension requests awaiting approval"] += 1
            return at
        at = approving
        if request.extension is None:
            yield at
            calls.extension_approve(actor=approver, request=request, at=at)
            request.refresh_from_db()
        extension = request.extension
        assert extension is not None
        self.summary.created["extensions"] += 1
        delay = 1 if plan.extend_on else rng.randint(1, 2)  # a showcase extension is filed by now
        filed = self.office_time(rng, self.add(self.day_of(at), delay))
        self.spawn(filed, self.filing(extension, filed))
        at += timedelta(minutes=1)
        yield at
        return at

    def filing(self, extension: Any, at: datetime) -> Script:
        """The coordination section files the extension (R-CLK-5)."""
        yield at
        calls.file_extension(actor=self.staff[self.scenario.coordination], extension=extension, at=at)

    def decide(self, plan: Plan, case: Case, item: Item, decider: StaffProfile, at: datetime) -> None:
        rng = plan.rng
        if plan.approve:
            year = self.day_of(at).year
            self._result_numbers[(item.department.code, year)] += 1
            prefix = self.scenario.result_prefixes.get(item.department.code, "示许")
            calls.approve(
                actor=decider,
                case=case,
                result_number=f"{prefix}〔{year}〕{self._result_numbers[(item.department.code, year)]:04d}号",
                result_issuer=item.department.name,
                at=at,
            )
            self.summary.created["approvals"] += 1
        else:
            calls.deny(actor=decider, case=case, reasons=rng.choice(self.texts.denials), at=at)
            self.summary.created["denials"] += 1

    # --- inquiries (R-CASE-1) ---------------------------------------------------------------------------------

    def inquiry_plans(self) -> list[InquiryPlan]:
        rng = seeded(f"{self.seed}:inquiries")
        span = (self.today - self.first_day).days / 365
        recent = self.back(2)
        plans: list[InquiryPlan] = []
        days = self.spread(
            rng, round(self.scenario.volumes.ftb_inquiries * self.scale * span), self.first_day, lambda d: 1.0
        )
        for n, day in enumerate(days):
            own = seeded(f"{self.seed}:inquiry:{n}")
            channel = own.choices([Channel.WINDOW, Channel.PHONE, Channel.WEB], weights=[6, 3, 1])[0]
            outcome = own.choices(
                ["answered", "notice", "explained", "referred", "escalated"], weights=[50, 22, 6, 18, 4]
            )[0]
            plan = InquiryPlan(asked_at=self.office_time(own, day), rng=own, channel=channel, outcome=outcome)
            if day >= recent and outcome in {"answered", "notice"} and own.random() < 0.3:
                plan.outcome = "open"
            if outcome == "referred":
                plan.acknowledge = day < recent or own.random() < 0.5
            plans.append(plan)
        for n, day in enumerate(
            self.spread(
                rng,
                round(self.scenario.volumes.referrals_to_ftb * self.scale * span),
                self.first_day,
                lambda d: 1.0,
            )
        ):
            own = seeded(f"{self.seed}:incoming:{n}")
            incoming = own.choice(self.scenario.referrals_in)
            origin, question = incoming.window, incoming.question
            plans.append(
                InquiryPlan(
                    asked_at=self.office_time(own, day),
                    rng=own,
                    window=origin,
                    outcome="referred",
                    refer_to=FTB_WINDOW,
                    question=question,
                    acknowledge=day < recent,
                )
            )
        # Showcase: open inquiries and referrals awaiting acknowledgement on the workbenches.
        for n, (outcome, window, refer_to, ack) in enumerate(
            [
                ("open", FTB_WINDOW, "", True),
                ("open", FTB_WINDOW, "", True),
                ("referred", FTB_WINDOW, "D01", False),
                ("referred", "Z01", FTB_WINDOW, False),
                ("escalated", FTB_WINDOW, "", True),
            ]
        ):
            own = seeded(f"{self.seed}:inquiry-showcase:{n}")
            question = ""
            if window != FTB_WINDOW:
                question = {r.window: r.question for r in self.scenario.referrals_in}[window]
            day = self.back(1)
            plans.append(
                InquiryPlan(
                    asked_at=self.office_time(own, day),
                    rng=own,
                    window=window,
                    outcome=outcome,
                    refer_to=refer_to,
                    question=question,
                    acknowledge=ack,
                )
            )
        return plans

    def inquiry(self, plan: InquiryPlan) -> Script:
        rng = plan.rng
        window = self.windows[plan.window]
        at = plan.asked_at
        receiver = self.intake_staff(window, at)
        asked = rng.choice(self.scenario.questions)
        question, answer = asked.question, asked.answer
        if plan.outcome == "referred":
            if not plan.refer_to:
                plan.refer_to = rng.choice(self.scenario.referrals_out).window
            question = {r.window: r.question for r in self.scenario.referrals_out}.get(
                plan.refer_to, question
            )
        name = self.person_name(rng)
        inquiry = calls.inquiry_log(
            actor=receiver,
            window=window,
            channel=plan.channel,
            question=plan.question or question,
            asker_name=name,
            asker_phone=self.phone(rng) if plan.channel == Channel.PHONE else "",
            at=at,
        )
        self.summary.created["inquiries"] += 1
        if plan.outcome == "open":
            return
        at += timedelta(minutes=rng.randint(3, 15))
        yield at
        if plan.outcome in {"answered", "notice", "explained"}:
            outcome = {
                "answered": (InquiryOutcome.ANSWERED, answer),
                "notice": (InquiryOutcome.ONE_TIME_NOTICE, self.texts.notice_answer),
                "explained": (InquiryOutcome.EXPLAINED, self.texts.explained_answer),
            }[plan.outcome]
            calls.inquiry_handle(
                actor=receiver, inquiry=inquiry, outcome=outcome[0], answer=outcome[1], at=at
            )
        elif plan.outcome == "escalated":
            calls.inquiry_escalate(
                actor=receiver,
                inquiry=inquiry,
                leader=self.staff[self.scenario.leader],
                reason=rng.choice(self.texts.escalations),
                at=at,
            )
        else:
            target = self.windows[plan.refer_to]
            mode = ReferralMode.ESCORTED if plan.channel == Channel.WINDOW else ReferralMode.PHONE_GIVEN
            note = f"已{'引导前往' if mode == ReferralMode.ESCORTED else '告知联系电话'}{target}（{target.phone}）。"
            calls.inquiry_refer(
                actor=receiver, inquiry=inquiry, to_window=target, mode=mode, note=note, at=at
            )
            if not plan.acknowledge:
                return
            at += timedelta(minutes=rng.randint(5, 90))
            yield at
            calls.inquiry_acknowledge(actor=self.intake_staff(target, at), inquiry=inquiry, at=at)

    # --- the daily deemed acceptance, absences, appointments -----------------------------------------------

    def deemed_acceptance_runs(self) -> Script:
        """The daily jobs as cron runs them, each working day: `manage.py sweep_timers` at 06:30 records the
        cases that fell overdue (R-CLK-9), `manage.py deem_accepted` at 07:00 accepts the applications left
        without a correction notice (R-CASE-3)."""
        day = self.add(self.first_day, 0)
        while day <= self.today:
            yield self.at(day, 6, 30)
            self.summary.created["overdue recorded"] += calls.overdue_sweep(today=day)
            at = self.at(day, 7)
            yield at
            self.summary.created["deemed accepted"] += calls.morning_runs(today=day, at=at)
            day = self.add(day, 1)

    def absences(self) -> None:
        """The year's leave and outings, asked for, approved by their tier, taken and returned through the leave
        services at their own moments (R-ATT-3 … R-ATT-6, R-ATT-9), so that each absence names the B who covers
        (the case history then routes the posts' work to that B). A leave the services refuse is not taken (the
        refusal is listed in the summary); someone without a login has their absence recorded by the office."""
        approvers = list(
            get_user_model().objects.filter(staff_profile__center=self.center).select_related("staff_profile")
        )
        for absence in self.scenario.absences:
            kind, days_back, length, reason = absence.kind, absence.before, absence.days, absence.reason
            staff = self.staff.get(absence.badge)
            first = self.back(days_back)
            if staff is None or first < self.first_day:
                continue
            last = self.add(first, length - 1) if length > 1 else first
            if last >= self.today:
                continue
            if staff.user_id is None:
                if kind == AbsenceKind.OUTING and length == 1:
                    starts, ends = self.at(first, 8), self.at(first, 17, 30)
                else:
                    starts, ends = self.at(first, 0), self.at(last + timedelta(days=1), 0)
                absence_record(
                    actor=None, staff=staff, kind=kind, starts_at=starts, ends_at=ends, reason=reason
                )
                self.summary.created["absences"] += 1
                continue
            leave_kind = "outing" if kind == AbsenceKind.OUTING else absence.leave_kind
            spec = PastLeave(
                staff=staff,
                kind=leave_kind or LEAVE_KINDS.get(reason, "personal"),
                first=first,
                last=last,
                reason=reason,
                asked_at=self.at(self.back(days_back + 2), 9),
                returned_at=self.at(self.add(last, 1), 8, 40) if absence.returned else None,
            )
            try:
                taken = play_past_leave(spec, approvers)
            except RuleViolation as exc:
                self.summary.refused[exc.rule] += 1
                continue
            self.summary.created["leaves"] += 1
            if absence.uncovered and taken.absence is not None:
                self.call_backups_away(taken, self.at(first, 14), self.at(first, 17, 30))

    def call_backups_away(self, taken: Any, starts: datetime, ends: datetime) -> None:
        """Every B of the posts of `taken`'s person is called to a county inspection for an afternoon of the
        leave, recorded by the office as an outing: nobody covers those posts then, and the person's day counts
        as off post (R-ATT-5)."""
        backups = {
            link.staff
            for cover in taken.covers.select_related("post")
            for link in cover.post.backup_links.select_related("staff")
        }
        for backup in sorted(backups, key=lambda b: b.pk):
            absence_record(
                actor=None,
                staff=backup,
                kind=AbsenceKind.OUTING,
                starts_at=starts,
                ends_at=ends,
                reason="被抽调参加县政务服务管理局专项检查",
                at=starts - timedelta(hours=5),
            )
            self.summary.created["absences"] += 1

    def appointments(self) -> None:
        """Appointments at the foreign-trade and vehicle windows (R-CASE-13) on the next two working days of the
        centre's calendar that still have a slot ahead — the day of loading when it is one — at half-hour slots
        inside that day's sittings (R-CLK-7, summer hours included): never on a rest day, never after closing."""
        rng = seeded(f"{self.seed}:appointments")
        soon = timezone.now() + timedelta(minutes=10)
        days: list[date] = []
        day = self.calendar.next_working_day(self.today)
        while len(days) < 2:
            if any(moment > soon for moment in self.slots(day)):
                days.append(day)
            day = self.add(day, 1)
        for number, codes in (("A01", ["FTB-002", "FTB-005", "FTB-003"]), ("B01", ["VMO-001"])):
            window = self.windows.get(number)
            if window is None:
                continue
            for day in days:
                chosen = [moment for moment in self.slots(day) if moment > soon]
                limit = 6 if day == self.today else 3
                for starts_at in sorted(rng.sample(chosen, k=min(limit, len(chosen)))):
                    code = rng.choice(codes)
                    hall_services.appointment_book(
                        window=window,
                        item=self.items.get(code),
                        applicant_name=self.person_name(rng),
                        applicant_phone=self.phone(rng),
                        starts_at=starts_at,
                    )
                    self.summary.created["appointments"] += 1

    def slots(self, day: date) -> list[datetime]:
        """The half-hour appointment slots of `day`: each starts in a sitting and ends by its close."""
        hours = working_hours_for(self.center, day)
        found = []
        for start, end in (
            (hours.morning_start, hours.morning_end),
            (hours.afternoon_start, hours.afternoon_end),
        ):
            moment, close = self.at(day, start.hour, start.minute), self.at(day, end.hour, end.minute)
            while moment + timedelta(minutes=30) <= close:
                found.append(moment)
                moment += timedelta(minutes=30)
        return found

    # --- all -----------------------------------------------------------------------------------------------

    def run(self) -> Summary:
        self.absences()
        self.load_absences()
        self.spawn(self.at(self.add(self.first_day, 0), 7), self.deemed_acceptance_runs())
        plans, inquiries = self.plans(), self.inquiry_plans()
        self._planned_cases = sum(plan.received_at <= self.now for plan in plans)
        self._planned = self._planned_cases + sum(inquiry.asked_at <= self.now for inquiry in inquiries)
        for plan in plans:
            self.spawn(plan.received_at, self.application(plan), planned=True)
        for inquiry in inquiries:
            self.spawn(inquiry.asked_at, self.inquiry(inquiry), planned=True)
        self.play()
        self.appointments()
        return self.summary


def default_scale() -> float:
    """The scale from the `DEMO_CASES_SCALE` setting or environment variable, else history.toml's."""
    from django.conf import settings

    value = getattr(settings, "DEMO_CASES_SCALE", None)
    if value is None:
        value = os.environ.get(SCALE_ENV) or read().history.scale
    return float(value)


def default_seed() -> int:
    return read().history.seed


def load_demo_cases(
    *,
    center: Center,
    scale: float | None = None,
    seed: int | None = None,
    now: datetime | None = None,
    progress: Callable[[Tick], None] | None = None,
) -> Summary:
    """Play a year of case history at `center` up to `now` (the moment it runs), in one transaction;
    `progress` is told how far it is each simulated day.

    Idempotent: a centre that has any case already is left alone (`skipped`), and so is every centre at
    scale 0 (for tests of the rest of the demo)."""
    started = monotonic_time.monotonic()
    now = now or timezone.now()
    scale = default_scale() if scale is None else scale
    seed = default_seed() if seed is None else seed
    if scale < 0:
        raise ValueError("the scale must not be negative")
    if scale == 0 or calls.has_cases(center):
        today = timezone.localdate(now)
        summary = Summary(center.code, scale, seed, today - timedelta(days=365), today, skipped=True)
    else:
        with transaction.atomic():
            summary = History(
                center=center, scale=scale, seed=seed, now=now, scenario=read().history, progress=progress
            ).run()
    summary.states = calls.state_counts(center)
    summary.warnings = calls.warning_counts(center, timezone.localdate(now))
    summary.lookups = lookup_pairs(center)
    summary.elapsed = monotonic_time.monotonic() - started
    return summary


def lookup_pairs(center: Center) -> list[tuple[str, str, str]]:
    """Two (case number, query code, state) pairs of the foreign-trade window for trying the public progress
    lookup (R-PUB-2): a case suspended for a special procedure and the latest decided one."""
    return calls.lookup_pairs(center, FTB_WINDOW)
