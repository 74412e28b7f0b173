"""Finding any case (issue 9, item 9): "where is my case?" answered on the phone.

`search_cases` takes a `CaseFilter` (the case number, the applicant's name, ID number or credit code, the item,
the state, the window, date ranges, the warning colour) and returns one bounded page of `FoundCase` rows, plain
values read in one query; `export_cases` returns the same rows in the same order for a spreadsheet, at most
`EXPORT_LIMIT` of them.

Scoping is done here, not in the views: the cases of one centre that `cases.access.cases_for_user` lets the user
see (a centre-wide role sees the centre, window staff their windows). Searching by the applicant's ID number is
searching personal data: it finds only the cases whose applicant the user may see (`cases.access.
can_see_applicant`: the staff of the case's window, and the director), and every case it finds is written to
the personal-data access log (`log_id_number_search`), as the case page's display of the number is.

What a search costs (a centre of a million cases, PostgreSQL). A list costs what it shows, not what the centre
holds:

- every filter that names a case or a person is answered from an index: the number (exact, or its first
  characters) and the applicant's or organisation's name (its first characters) from pattern indexes
  (`varchar_pattern_ops`, which serve `LIKE 'prefix%'` in any collation), the ID number and the credit code
  (exact, as stored: upper case) from partial indexes of the rows that have one (migration
  `cases/0011_case_search_indexes`). A name is matched by its beginning, not anywhere inside it: a
  match inside a name has no index short of a trigram index, and would read every case of the centre;
- the default order, newest received first, is the centre's (or window's) `*_newest` index, which the date
  ranges of receipt narrow; the warning colours are ranges on the running timers' indexes;
- the count is bounded: exact up to `COUNT_LIMIT`, beyond it the page says "more than" (as the API's
  `BoundedCountPagination` does), and only a full page is counted at all; pages stop at `COUNT_LIMIT`
  rows (narrow the search to go further), so no request reads more than `COUNT_LIMIT + PAGE_SIZE` rows.

Days left and days overdue are working days (R-CLK-1/2) from the centre's calendar, never calendar days.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.models import Item
from common.i18n import stored
from common.models import PersonalDataAccess
from org.access import roles_at
from org.models import Center, Role, Window
from workdays.clock import WorkCalendar
from workdays.models import TimerState
from workdays.selectors import calendar_for
from workdays.timer import overdue_working_days

from ..access import cases_for_user, wide_center_ids, window_ids_of
from ..models import NOT_NUMBERED, OPEN_STATES, Case, CaseState, Warning
from .clock import TIMER, annotate_warning, with_warning
from .rows import _case_url

PAGE_SIZE = 50
COUNT_LIMIT = 1000  # counted exactly up to here; beyond, "more than"
MAX_PAGE = COUNT_LIMIT // PAGE_SIZE  # pages stop at COUNT_LIMIT rows: narrow the search to go further
EXPORT_LIMIT = 10_000  # rows in one spreadsheet

# States in groups, besides each state on its own.
OPEN = "open"
CLOSED = "closed"
CLOSED_STATES = frozenset(CaseState) - OPEN_STATES
STATE_GROUPS: dict[str, frozenset[str]] = {OPEN: frozenset(OPEN_STATES), CLOSED: CLOSED_STATES}

# Besides the colours of R-CLK-6 (green, yellow, red = overdue now, suspended): every case that was overdue at
# some time, closed late ones included (the timer's `red_since`, recorded once).
LATE = "late"
WARNINGS = (*(str(w) for w in Warning), LATE)

# The orders a list may be sorted in; each ends on the key, so that pages never overlap.
SORTS: dict[str, tuple[Any, ...]] = {
    "-received": (F("received_at").desc(), F("pk").desc()),
    "received": (F("received_at").asc(), F("pk").asc()),
    "-number": (F("number").desc(), F("pk").desc()),
    "number": (F("number").asc(), F("pk").asc()),
    "-accepted": (F("accepted_on").desc(nulls_last=True), F("pk").desc()),
    "accepted": (F("accepted_on").asc(nulls_last=True), F("pk").asc()),
    "-deadline": (F(f"{TIMER}deadline").desc(nulls_last=True), F("pk").desc()),
    "deadline": (F(f"{TIMER}deadline").asc(nulls_last=True), F("pk").asc()),
}
DEFAULT_SORT = "-received"

ID_SEARCH_PURPOSE = gettext_lazy("按证件号码查找办件")
ID_EXPORT_PURPOSE = gettext_lazy("导出按证件号码查找的办件")


def normalised(value: str) -> str:
    """A typed identifier or number as stored: no spaces, upper case (GB 11643's X, GB 32100's letters)."""
    return "".join(value.split()).upper()


@dataclass(frozen=True)
class CaseFilter:
    """What to look for; an empty value does not filter. Dates are the centre's local days, both ends
    included."""

    number: str = ""  # the whole number or its first characters; "#<id>" for a case not numbered yet
    applicant: str = ""  # the first characters of the applicant's or the organisation's name
    id_number: str = ""  # the applicant's ID number, whole
    credit_code: str = ""  # the organisation's unified social credit code, whole
    item: str = ""  # item code
    state: str = ""  # a CaseState, or OPEN / CLOSED
    window: str = ""  # window number
    warning: str = ""  # one of WARNINGS
    received_from: date | None = None
    received_to: date | None = None
    accepted_from: date | None = None
    accepted_to: date | None = None
    deadline_from: date | None = None
    deadline_to: date | None = None
    sort: str = DEFAULT_SORT


@dataclass(frozen=True, slots=True)
class FoundCase:
    """One case as the search lists it. `time_left` is what the clock says on the day of the search:
    "left" (`days` working days after today up to the deadline), "overdue" (`days` working days past it),
    "suspended", "finished" (on time), "finished_late" (`days` working days late), or "" (no clock yet)."""

    pk: int
    number: str
    is_priority: bool
    item_code: str
    item_name: str
    applicant: str  # the organisation when there is one, else the person
    window_number: str
    state: str
    received_on: date
    accepted_on: date | None
    deadline: date | None
    deadline_provisional: bool
    warning: str
    responsible_name: str
    time_left: str
    days: int | None

    @property
    def url(self) -> str:
        return _case_url(self.pk)

    @property
    def reference(self) -> str:
        """The number, or a label for a case not accepted yet: never an internal id."""
        return self.number or str(NOT_NUMBERED)

    @property
    def state_label(self) -> str:
        return str(CaseState(self.state).label)

    @property
    def warning_label(self) -> str:
        return str(Warning(self.warning).label) if self.warning else ""

    @property
    def days_left(self) -> int | None:
        return self.days if self.time_left == "left" else None

    @property
    def days_overdue(self) -> int | None:
        return self.days if self.time_left in ("overdue", "finished_late") else None

    @property
    def time_left_label(self) -> str:
        """E.g. 剩余3个工作日, 今日到期, 逾期2个工作日, 逾期1个工作日办结 (working days, R-CLK-1)."""
        n = self.days or 0
        if self.time_left == "left":
            return _("今日到期") if n == 0 else _("剩余%(n)d个工作日") % {"n": n}
        if self.time_left == "overdue":
            return _("逾期%(n)d个工作日") % {"n": n} if n else _("已过期限")
        if self.time_left == "finished_late":
            return _("逾期%(n)d个工作日办结") % {"n": n}
        if self.time_left == "finished":
            return _("按期办结")
        if self.time_left == "suspended":
            return _("暂停计时")
        return ""


@dataclass(frozen=True)
class SearchPage:
    rows: list[FoundCase]
    page: int
    count: int  # exact up to COUNT_LIMIT; COUNT_LIMIT + 1 means more
    restricted: bool = False  # an ID number search left out cases whose applicant the user may not see
    pages: list[int] = field(default_factory=list)

    @property
    def capped(self) -> bool:
        return self.count > COUNT_LIMIT

    @property
    def last_page(self) -> int:
        return max(1, min(-(-self.count // PAGE_SIZE), MAX_PAGE))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.last_page

    @property
    def first_index(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1 if self.rows else 0

    @property
    def last_index(self) -> int:
        return (self.page - 1) * PAGE_SIZE + len(self.rows)


# --- who may search by ID number -------------------------------------------------------------------------


def may_search_id_number(user: Any, center: Center) -> bool:
    """Whether the user may see the applicant of any case of `center` (`cases.access.can_see_applicant`)."""
    return Role.DIRECTOR in roles_at(user, center) or bool(window_ids_of(user))


def id_search_restricted(user: Any, center: Center) -> bool:
    """Whether an ID number search leaves out cases the user otherwise sees: a centre-wide role other than
    the director's sees every case of the centre but the applicants of their own windows' only."""
    return center.pk in wide_center_ids(user) and Role.DIRECTOR not in roles_at(user, center)


def _applicant_visible(user: Any, center: Center) -> Q:
    """The cases of `center` whose applicant the user may see: the director sees every one, the staff of a
    window its cases (`cases.access.can_see_applicant`, as a filter)."""
    if Role.DIRECTOR in roles_at(user, center):
        return Q()
    return Q(window__in=sorted(window_ids_of(user)))


# --- the query ---------------------------------------------------------------------------------------------


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _number_filter(text: str) -> Q:
    text = normalised(text)
    if text.startswith("#"):
        key = text[1:]
        return Q(pk=int(key)) if key.isdigit() and len(key) <= 18 else Q(pk__in=[])
    # Exact or by its first characters; the condition lets the database use the partial pattern index.
    return Q(number__startswith=text) & ~Q(number="")


def _applicant_filter(text: str) -> Q:
    text = " ".join(text.split())
    return Q(applicant_name__startswith=text) | (
        Q(organisation_name__startswith=text) & ~Q(organisation_name="")
    )


def _state_filter(state: str) -> Q:
    if state in STATE_GROUPS:
        return Q(state__in=sorted(STATE_GROUPS[state]))
    return Q(state=state)


def _warning_filter(queryset: QuerySet[Case], warning: str, today: date) -> QuerySet[Case]:
    if warning == LATE:
        late = Q(**{f"{TIMER}red_since__isnull": False}) | Q(
            **{f"{TIMER}state": TimerState.RUNNING, f"{TIMER}deadline__lt": today}
        )
        return queryset.filter(late)
    return with_warning(queryset, warning, today)


def cases_matching(user: Any, center: Center, criteria: CaseFilter, today: date) -> QuerySet[Case]:
    """The cases of `center` that `user` may see and that match `criteria`, unordered. An ID number search
    keeps only the cases whose applicant the user may see."""
    cases = cases_for_user(user).filter(center=center)
    if criteria.number.strip():
        cases = cases.filter(_number_filter(criteria.number))
    if criteria.applicant.strip():
        cases = cases.filter(_applicant_filter(criteria.applicant))
    if criteria.id_number.strip():
        value = criteria.id_number.strip()
        # Stored upper case when it is a resident identity number (lower case in rows from before that was
        # checked); another document is kept as written.
        forms = sorted({value, normalised(value), normalised(value).lower()})
        cases = cases.filter(Q(applicant_id_number__in=forms) & ~Q(applicant_id_number=""))
        cases = cases.filter(_applicant_visible(user, center))
    if criteria.credit_code.strip():
        cases = cases.filter(Q(credit_code=normalised(criteria.credit_code)) & ~Q(credit_code=""))
    if criteria.item:
        items = list(Item.objects.filter(center=center, code=criteria.item).values_list("pk", flat=True))
        cases = cases.filter(item__in=items)
    if criteria.window:
        windows = list(
            Window.objects.filter(center=center, number=criteria.window).values_list("pk", flat=True)
        )
        cases = cases.filter(window__in=windows)
    if criteria.state:
        cases = cases.filter(_state_filter(criteria.state))
    if criteria.warning:
        cases = _warning_filter(cases, criteria.warning, today)
    if criteria.received_from:
        cases = cases.filter(received_at__gte=_day_start(criteria.received_from))
    if criteria.received_to:
        cases = cases.filter(received_at__lt=_day_start(criteria.received_to + timedelta(days=1)))
    if criteria.accepted_from:
        cases = cases.filter(accepted_on__gte=criteria.accepted_from)
    if criteria.accepted_to:
        cases = cases.filter(accepted_on__lte=criteria.accepted_to)
    if criteria.deadline_from:
        cases = cases.filter(**{f"{TIMER}deadline__gte": criteria.deadline_from})
    if criteria.deadline_to:
        cases = cases.filter(**{f"{TIMER}deadline__lte": criteria.deadline_to})
    return cases


def ordered(cases: QuerySet[Case], sort: str) -> QuerySet[Case]:
    """`cases` in the order `sort` names (one of SORTS; anything else is the default, newest first)."""
    return cases.order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT]))


# --- rows --------------------------------------------------------------------------------------------------

_COLUMNS = (
    "pk",
    "number",
    "is_priority",
    "item__code",
    "version__name",
    "organisation_name",
    "applicant_name",
    "window__number",
    "state",
    "received_at",
    "accepted_on",
    f"{TIMER}state",
    f"{TIMER}deadline",
    f"{TIMER}provisional",
    f"{TIMER}finished_on",
    "warning",
    "responsible__name",
)


def _time_left(
    calendar: WorkCalendar,
    today: date,
    timer_state: str | None,
    deadline: date | None,
    finished_on: date | None,
) -> tuple[str, int | None]:
    if timer_state is None:
        return "", None
    if timer_state == TimerState.STOPPED:
        return "suspended", None
    if deadline is None:
        return "", None
    if timer_state == TimerState.FINISHED:
        if finished_on is not None and finished_on > deadline:
            return "finished_late", overdue_working_days(calendar, deadline, finished_on)
        return "finished", None
    if today > deadline:
        return "overdue", overdue_working_days(calendar, deadline, today)
    return "left", calendar.count_working_days(today, deadline)


def _rows(queryset: QuerySet[Any], center: Center, today: date) -> list[FoundCase]:
    calendar = calendar_for(center)
    local = timezone.get_current_timezone()
    found = []
    for (
        pk,
        number,
        is_priority,
        item_code,
        item_name,
        organisation,
        applicant,
        window_number,
        state,
        received_at,
        accepted_on,
        timer_state,
        deadline,
        provisional,
        finished_on,
        warning,
        responsible_name,
    ) in queryset.values_list(*_COLUMNS):
        time_left, days = _time_left(calendar, today, timer_state, deadline, finished_on)
        found.append(
            FoundCase(
                pk=pk,
                number=number,
                is_priority=is_priority,
                item_code=item_code,
                item_name=item_name,
                applicant=organisation or applicant,
                window_number=window_number,
                state=state,
                received_on=timezone.localtime(received_at, local).date(),
                accepted_on=accepted_on,
                deadline=deadline if timer_state != TimerState.STOPPED else None,
                deadline_provisional=bool(provisional),
                warning=warning,
                responsible_name=responsible_name or "",
                time_left=time_left,
                days=days,
            )
        )
    return found


def _bounded_count(cases: QuerySet[Case]) -> int:
    """How many, counted up to one past COUNT_LIMIT (a LIMIT inside the count)."""
    return int(cases.order_by()[: COUNT_LIMIT + 1].count())


def search_cases(
    user: Any, center: Center, criteria: CaseFilter, *, today: date, page: int = 1
) -> SearchPage:
    """One page (`PAGE_SIZE` rows) of the cases matching `criteria`, in its order. A page past the last one
    found, or past `MAX_PAGE`, is the last page."""
    cases = cases_matching(user, center, criteria, today)
    listed = annotate_warning(ordered(cases, criteria.sort), today)
    page = max(1, min(page, MAX_PAGE))
    offset = (page - 1) * PAGE_SIZE
    rows = _rows(listed[offset : offset + PAGE_SIZE], center, today)
    if rows and len(rows) < PAGE_SIZE:
        count = offset + len(rows)  # the last page: nothing more to count
    elif not rows and page == 1:
        count = 0
    else:
        count = _bounded_count(cases)
        last = max(1, min(-(-count // PAGE_SIZE), MAX_PAGE))
        if not rows and page > last:  # asked past the end: show the last page
            page, offset = last, (last - 1) * PAGE_SIZE
            rows = _rows(listed[offset : offset + PAGE_SIZE], center, today)
    restricted = bool(criteria.id_number.strip()) and id_search_restricted(user, center)
    return SearchPage(rows=rows, page=page, count=count, restricted=restricted, pages=_pages(page, count))


def _pages(page: int, count: int, around: int = 3) -> list[int]:
    last = max(1, min(-(-count // PAGE_SIZE), MAX_PAGE))
    return list(range(max(1, page - around), min(last, page + around) + 1))


def export_cases(
    user: Any, center: Center, criteria: CaseFilter, *, today: date
) -> tuple[list[FoundCase], bool]:
    """The rows of the search (all pages, the same order), at most EXPORT_LIMIT; and whether more were left
    out."""
    cases = cases_matching(user, center, criteria, today)
    listed = annotate_warning(ordered(cases, criteria.sort), today)
    rows = _rows(listed[: EXPORT_LIMIT + 1], center, today)
    return rows[:EXPORT_LIMIT], len(rows) > EXPORT_LIMIT


# --- the personal-data log ------------------------------------------------------------------------------------


def log_id_number_search(*, user: Any, center: Center, case_ids: Iterable[int], export: bool = False) -> int:
    """Write a personal-data access for each case an ID number search found and showed (or exported): who
    looked whose case up, and when. The number itself is not written to the log. Returns how many."""
    purpose = stored(ID_EXPORT_PURPOSE if export else ID_SEARCH_PURPOSE)
    entries = [
        PersonalDataAccess(
            center=center, user=user, subject_type="cases.case", subject_id=str(pk), purpose=purpose
        )
        for pk in case_ids
    ]
    PersonalDataAccess.objects.bulk_create(entries, batch_size=1000)
    return len(entries)


# --- what the filters offer ----------------------------------------------------------------------------------


def searchable_windows(user: Any, center: Center) -> list[Window]:
    """The windows of `center` whose cases the user may see: every one for a centre-wide role, else their
    own."""
    windows = Window.objects.filter(center=center).order_by("number", "pk")
    if center.pk not in wide_center_ids(user):
        windows = windows.filter(pk__in=sorted(window_ids_of(user)))
    return list(windows)


def searchable_items(center: Center) -> list[Item]:
    """Every item of `center`, withdrawn ones included (their cases are in the archive), by code."""
    return list(Item.objects.filter(center=center).select_related("current_version").order_by("code", "pk"))
