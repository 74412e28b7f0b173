"""The demo centre as data: the TOML files in this folder, read into typed records.

The files say what the demo county centre is made of (README.md describes them); `manage.py load_demo` builds
it through the services. `read()` checks the files as it reads them, so that an edit that would build
something else than intended is refused before anything is written: an unknown or missing field, a value of
the wrong type, a key used twice, or a reference to a department, window, post, staff member or procedure that
does not exist is a `DemoDataError` naming the file and the entry.
"""

from __future__ import annotations

import functools
import tomllib
import types
import typing
from collections.abc import Callable
from dataclasses import MISSING, dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

FOLDER = Path(__file__).resolve().parent


class DemoDataError(ValueError):
    """A demo data file says something the loader cannot build."""


# --- the records --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    kind: str  # office, supervision, coordination
    name: str
    phone: str


@dataclass(frozen=True)
class Centre:
    code: str
    name: str
    address: str
    consultation_phone: str
    complaint_phone: str
    website: str
    sections: tuple[Section, ...] = ()
    short_name_zh: str = ""  # in the numbers of its notices (示县政务受理〔2026〕1号)

    def fields(self) -> dict[str, str]:
        """What `center_create` takes besides code, name and parent."""
        return {
            "short_name_zh": self.short_name_zh,
            "address": self.address,
            "consultation_phone": self.consultation_phone,
            "complaint_phone": self.complaint_phone,
            "website": self.website,
        }


@dataclass(frozen=True)
class Department:
    code: str
    name: str
    short_name: str
    legal_representative: str
    phone: str
    credit_code: str  # the implementation code of each of its items starts with it (R-DATA-1)


@dataclass(frozen=True)
class Post:
    name: str
    a: str  # badge number of the A
    b: tuple[str, ...]  # badge numbers of the Bs, in order of precedence
    duties: str


@dataclass(frozen=True)
class Window:
    number: str
    name: str
    department: str
    phone: str
    kind: str = "standing"
    served: tuple[str, ...] = ()  # department codes a comprehensive window also serves
    head: str | None = None
    chief_representative: str | None = None
    deputy_in_charge: str | None = None
    posts: tuple[Post, ...] = ()


@dataclass(frozen=True)
class Staff:
    badge: str
    name: str
    title: str
    phone: str
    duties: str
    username: str | None = None
    roles: tuple[str, ...] = ()
    section: str | None = None  # a section kind of the county centre
    department: str | None = None
    window: str | None = None


@dataclass(frozen=True)
class Authorization:
    department: str
    representative: str  # badge number
    document_number: str  # with {this} and {last} for the years
    year: str  # "this" or "last": the calendar year it is valid for, relative to the year of loading
    scopes: tuple[str, ...]
    replaces: str | None = None  # the document number of the authorisation it replaces


@dataclass(frozen=True)
class Grant:
    """An authorisation resolved for the year the demo is loaded in."""

    department: str
    representative: str
    document_number: str
    scopes: tuple[str, ...]
    valid_from: date
    valid_until: date
    replaces: str | None


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    to_try: str  # `try` in logins.toml


@dataclass(frozen=True)
class Guides:
    hours: str
    handling_forms: str
    publish_note: str


@dataclass(frozen=True)
class Step:
    name: str
    window: str
    post: str
    description: str
    limit_days: int | None = None


@dataclass(frozen=True)
class Material:
    name: str
    originals: int
    copies: int
    condition: str = ""  # required unless it applies only in the stated case

    @property
    def is_required(self) -> bool:
        return not self.condition


@dataclass(frozen=True)
class Fee:
    name: str
    amount: str  # a decimal, written as text so that it is exact
    unit: str
    legal_basis: str


@dataclass(frozen=True)
class Item:
    department: str
    code: str
    name: str
    basic_code: str
    item_type: str
    statutory_limit_days: int
    promised_limit_days: int
    legal_basis: str
    conditions: str
    content: str
    result_name: str
    procedure: str
    materials: tuple[Material, ...]
    fees: tuple[Fee, ...] = ()
    case_type: str = "promised"
    on_spot_decision: bool = False
    extension_allowed: bool = False
    special_procedures: tuple[str, ...] = ()
    visits_required: int = 1
    handling_forms: str | None = None  # the guides' default when None


# --- the year of case history (history.toml) ---------------------------------------------------------------


@dataclass(frozen=True)
class Volumes:
    """A year at scale 1."""

    ftb_cases: int
    other_cases: int
    ftb_inquiries: int
    referrals_to_ftb: int


@dataclass(frozen=True)
class Names:
    surnames: str  # one character each
    given: tuple[str, ...]
    firm_names: tuple[str, ...]
    firm_trades: tuple[str, ...]
    firm_forms: tuple[str, ...]


@dataclass(frozen=True)
class Texts:
    """What the staff write."""

    defects: tuple[str, ...]
    still_defective: str
    denials: tuple[str, ...]
    withdrawals: tuple[str, ...]
    priority_reasons: tuple[str, ...]
    extension_reason: str
    notice_delivery: tuple[str, ...]
    shuttle_visit: str
    notice_answer: str
    explained_answer: str
    escalations: tuple[str, ...]
    delivery_methods: tuple[tuple[str, int], ...]  # (method, weight)
    suspensions: dict[str, tuple[str, str]]  # kind -> (reason, result)


@dataclass(frozen=True)
class Refusal:
    reasons: str
    authority: str


@dataclass(frozen=True)
class Question:
    question: str
    answer: str


@dataclass(frozen=True)
class Referral:
    window: str
    question: str


@dataclass(frozen=True)
class Absence:
    badge: str
    kind: str  # leave, outing
    before: int  # working days before the day of loading it starts
    days: int  # working days
    reason: str
    leave_kind: str = (
        ""  # the leave type asked for (staffing LeaveKind); "" = personal, an outing's is outing
    )
    returned: bool = True  # the return (销假) is recorded the next working morning; false: left unreturned
    uncovered: bool = False  # the Bs are called away on its first afternoon: nobody covers (R-ATT-5)


@dataclass(frozen=True)
class Scenario:
    """The parameters and texts of the year of case history (`demo.cases_history`)."""

    seed: int
    scale: float
    leader: str
    coordination: str
    month_weights: tuple[float, ...]  # January first
    person_items: tuple[str, ...]
    volumes: Volumes
    ftb_mix: tuple[tuple[str, int], ...]  # (item code, weight)
    inspection_season: dict[int, int]  # month -> FTB-007's weight
    other_mix: tuple[tuple[str, int], ...]
    result_prefixes: dict[str, str]  # department code -> prefix
    names: Names
    texts: Texts
    refusals: tuple[Refusal, ...]
    questions: tuple[Question, ...]
    referrals_out: tuple[Referral, ...]
    referrals_in: tuple[Referral, ...]
    absences: tuple[Absence, ...]


# --- clocking, leave and rosters (staffing.toml) -----------------------------------------------------------


@dataclass(frozen=True)
class StaffingLeave:
    badge: str
    kind: str  # a staffing.models.LeaveKind value
    after: int  # working days after the day of loading it starts
    days: int  # whole working days
    reason: str
    approve: bool


@dataclass(frozen=True)
class Staffing:
    """The parameters of the year of clocking, leave and rosters (`demo.staffing_history`)."""

    seed: int
    days: int  # working days of clocking back from yesterday
    terminals: tuple[str, ...]
    terminal_name: str
    terminal_location: str
    pin_start: int
    late_share: float
    early_share: float
    missed_share: float
    late_minutes: int
    early_minutes: int
    duty_leaders: tuple[str, ...]
    rest_day_staff: tuple[str, ...]
    spot_checker: str
    spot_check_time: str  # HH:MM
    spot_check_window: str
    spot_check_absent: str
    leaves: tuple[StaffingLeave, ...]


LEAVE_KINDS = {"sick", "personal", "annual", "family_visit", "marriage", "maternity", "bereavement"}


def read_staffing(path: Path) -> Staffing:
    """The parameters of the year of clocking, leave and rosters."""
    data = _load(path)
    where = _name(path)
    leaves = tuple(
        record(StaffingLeave, t, f"{where}, leaves[{n}] ({_label(t, 'badge')})")
        for n, t in enumerate(_list(data, "leaves", path))
    )
    staffing = record(Staffing, data, where, leaves=leaves)
    for name in ("late_share", "early_share", "missed_share"):
        if not 0 <= getattr(staffing, name) <= 0.5:
            raise DemoDataError(f"{where}: {name} must be between 0 and 0.5")
    if staffing.days < 0 or not staffing.terminals or staffing.pin_start < 1:
        raise DemoDataError(f"{where}: days must be 0 or more, terminals not empty, pin_start 1 or more")
    hour, _colon, minute = staffing.spot_check_time.partition(":")
    if not (hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60):
        raise DemoDataError(f"{where}: spot_check_time must be HH:MM")
    for leave in leaves:
        if leave.after < 1 or leave.days < 1:
            raise DemoDataError(f"{where}, leave of {leave.badge}: after and days must be 1 or more")
    return staffing


# --- complaints, assessments and meetings (supervision.toml) ------------------------------------------------


@dataclass(frozen=True)
class Deduction:
    """A deduction the supervision section enters with its evidence (R-ASM-1, R-ASM-9, R-ASM-12)."""

    badge: str
    months_back: int  # 1: the last month
    code: str  # a supervision.scoring deduction code that is not automatic
    note: str
    quantity: int = 1


@dataclass(frozen=True)
class Correction:
    """A correction of a closed month with its reason (R-ASM-16): an entry of `code` taken back."""

    badge: str
    months_back: int
    code: str
    reason: str


@dataclass(frozen=True)
class DemoComplaint:
    """A complaint of the year, registered, answered and closed through the complaint services."""

    months_back: int
    channel: str
    ground: str
    window: str
    badge: str  # the person complained about; "" for the window
    matter: str
    named: bool
    answer_after: int  # working days after registration
    substantiated: bool
    finding: str
    involves_departments: bool = False


@dataclass(frozen=True)
class Supervision:
    """The parameters of the year of assessments (`demo.supervision_history`)."""

    assessor: str  # the badge of the supervision officer who enters, closes and corrects
    meeting_chair: str  # the badge of who chairs the monthly meetings (the director)
    meeting_recorder: str  # the badge of who records them (the office)
    meeting_place: str
    meeting_owner: str  # the badge of who owns each meeting's action item
    open_months: (
        int  # the last completed months left open (1: last month, for the supervision section to close)
    )
    deductions: tuple[Deduction, ...]
    corrections: tuple[Correction, ...]
    complaints: tuple[DemoComplaint, ...]


def read_supervision(path: Path) -> Supervision:
    data = _load(path)
    where = _name(path)
    deductions = tuple(
        record(Deduction, t, f"{where}, deductions[{n}] ({_label(t, 'badge')})")
        for n, t in enumerate(_list(data, "deductions", path))
    )
    corrections = tuple(
        record(Correction, t, f"{where}, corrections[{n}] ({_label(t, 'badge')})")
        for n, t in enumerate(_list(data, "corrections", path))
    )
    complaints = tuple(
        record(DemoComplaint, t, f"{where}, complaints[{n}] ({_label(t, 'window')})")
        for n, t in enumerate(_list(data, "complaints", path))
    )
    supervision = record(
        Supervision, data, where, deductions=deductions, corrections=corrections, complaints=complaints
    )
    if (
        supervision.open_months < 0
        or any(d.months_back < 1 for d in deductions)
        or any(c.months_back < 1 for c in corrections)
    ):
        raise DemoDataError(f"{where}: open_months must be 0 or more, months_back 1 or more")
    return supervision


@dataclass(frozen=True)
class DemoCentre:
    city: Centre
    county: Centre
    departments: tuple[Department, ...]
    windows: tuple[Window, ...]
    staff: tuple[Staff, ...]
    authorizations: tuple[Authorization, ...]
    password: str
    logins: tuple[Login, ...]
    guides: Guides
    procedures: dict[str, tuple[Step, ...]]
    items: tuple[Item, ...]
    history: Scenario
    staffing: Staffing
    supervision: Supervision
    by_badge: dict[str, Staff] = field(init=False, repr=False, compare=False)
    by_department: dict[str, Department] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_badge", {s.badge: s for s in self.staff})
        object.__setattr__(self, "by_department", {d.code: d for d in self.departments})

    @property
    def posts(self) -> list[tuple[Window, Post]]:
        return [(window, post) for window in self.windows for post in window.posts]

    def login_staff(self, login: Login) -> Staff:
        return next(s for s in self.staff if s.username == login.username)

    def is_demo_login(self, staff: Staff) -> bool:
        return staff.username is not None and any(login.username == staff.username for login in self.logins)

    def steps_of(self, item: Item) -> tuple[Step, ...]:
        return self.procedures[item.procedure]

    def grants_for(self, year: int) -> list[Grant]:
        """The authorisations with `year` as "this" year: their document numbers, and a validity of the whole
        calendar year each."""
        years = {"this": year, "last": year - 1}
        return [
            Grant(
                department=a.department,
                representative=a.representative,
                document_number=a.document_number.format(**years),
                scopes=a.scopes,
                valid_from=date(years[a.year], 1, 1),
                valid_until=date(years[a.year], 12, 31),
                replaces=a.replaces.format(**years) if a.replaces else None,
            )
            for a in self.authorizations
        ]


# --- reading ------------------------------------------------------------------------------------------------

R = TypeVar("R")


_hints = functools.cache(typing.get_type_hints)


def _checked(kind: Any, value: Any) -> bool:
    """Whether a TOML value fits a field's type (str, int, bool, optional, or a tuple of str)."""
    if kind is bool:
        return isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is str:
        return isinstance(value, str)
    if kind is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if isinstance(kind, types.UnionType):
        return any(_checked(k, value) for k in typing.get_args(kind) if k is not type(None))
    if typing.get_origin(kind) is tuple:
        return isinstance(value, list) and all(_checked(typing.get_args(kind)[0], v) for v in value)
    raise TypeError(f"no check for {kind}")  # pragma: no cover - a record field of a new type


def _described(kind: Any) -> str:
    """A field's type in words, for messages."""
    words = {
        str: "text",
        int: "a whole number",
        float: "a number",
        bool: "true or false",
        type(None): "left out",
    }
    if typing.get_origin(kind) is tuple:
        return "a list of " + _described(typing.get_args(kind)[0])
    if isinstance(kind, types.UnionType):
        return " or ".join(_described(k) for k in typing.get_args(kind))
    return words[kind]


def record(cls: type[R], table: Any, where: str, **nested: Any) -> R:
    """A record from a TOML table, refusing unknown and missing fields and values of the wrong type. `nested`
    gives the fields already built from sub-tables (posts of a window, materials of an item…)."""
    if not isinstance(table, dict):
        raise DemoDataError(f"{where}: expected a table, found {table!r}")
    dataclass_: Any = cls
    hints = _hints(dataclass_)
    known = {f.name: f for f in fields(dataclass_) if f.init}
    unknown = sorted(set(table) - set(known))
    if unknown:
        raise DemoDataError(f"{where}: unknown field {', '.join(unknown)} (known: {', '.join(known)})")
    values: dict[str, Any] = {}
    for name, spec in known.items():
        if name in nested:
            values[name] = nested[name]
        elif name in table:
            value = table[name]
            if not _checked(hints[name], value):
                raise DemoDataError(f"{where}: {name} = {value!r} is not {_described(hints[name])}")
            values[name] = tuple(value) if isinstance(value, list) else value
        elif spec.default is MISSING:
            raise DemoDataError(f"{where}: missing field {name}")
    return cls(**values)


def _load(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise DemoDataError(f"{_name(path)}: {exc}") from exc


def _name(path: Path) -> str:
    """How messages name a data file."""
    return "demo/data/" + (f"items/{path.name}" if path.parent.name == "items" else path.name)


def _list(data: dict[str, Any], key: str, path: Path) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise DemoDataError(f"{_name(path)}: {key} must be a list of tables")
    return value


def _label(table: Any, key: str) -> str:
    return str(table.get(key, "?")) if isinstance(table, dict) else "?"


def read_folder(folder: Path = FOLDER) -> DemoCentre:
    """Read and check every file of the demo centre in `folder`."""

    def file(name: str) -> tuple[dict[str, Any], Path]:
        path = folder / name
        return _load(path), path

    def many(cls: type[R], name: str, key: str, label: str) -> tuple[R, ...]:
        data, path = file(name)
        return tuple(
            record(cls, t, f"{_name(path)}, {key}[{n}] ({_label(t, label)})")
            for n, t in enumerate(_list(data, key, path))
        )

    centres, path = file("centres.toml")
    city, county = (
        record(
            Centre,
            centres.get(key),
            f"{_name(path)}, [{key}]",
            sections=tuple(
                record(Section, s, f"{_name(path)}, [{key}] sections[{n}]")
                for n, s in enumerate(_list(centres.get(key) or {}, "sections", path))
            ),
        )
        for key in ("city", "county")
    )
    windows_data, path = file("windows.toml")
    windows = tuple(
        record(
            Window,
            t,
            f"{_name(path)}, windows[{n}] ({_label(t, 'number')})",
            posts=tuple(
                record(
                    Post, p, f"{_name(path)}, window {_label(t, 'number')} posts[{m}] ({_label(p, 'name')})"
                )
                for m, p in enumerate(_list(t, "posts", path))
            ),
        )
        for n, t in enumerate(_list(windows_data, "windows", path))
    )
    logins_data, path = file("logins.toml")
    if not isinstance(logins_data.get("password"), str):
        raise DemoDataError(f"{_name(path)}: password must be text")
    logins = tuple(
        record(
            Login,
            # `try` is a Python keyword: the record calls it `to_try`
            {("to_try" if k == "try" else k): v for k, v in t.items()} if isinstance(t, dict) else t,
            f"{_name(path)}, logins[{n}] ({_label(t, 'username')})",
        )
        for n, t in enumerate(_list(logins_data, "logins", path))
    )
    catalogue, path = file("catalogue.toml")
    guides = record(Guides, catalogue.get("guides"), f"{_name(path)}, [guides]")
    procedures_data = catalogue.get("procedures")
    if not isinstance(procedures_data, dict):
        raise DemoDataError(f"{_name(path)}: [procedures] is missing")
    procedures = {
        name: tuple(
            record(Step, s, f"{_name(path)}, procedure {name} step {n + 1}") for n, s in enumerate(steps)
        )
        for name, steps in procedures_data.items()
    }
    departments = many(Department, "departments.toml", "departments", "code")
    # Each department's items in items/<code>.toml, read in the order of departments.toml.
    files = {path.stem: path for path in (folder / "items").glob("*.toml")}
    strays = sorted(set(files) - {d.code for d in departments})
    if strays:
        raise DemoDataError(
            f"demo/data/items/{strays[0]}.toml: no department {strays[0]} in departments.toml"
        )
    items: list[Item] = []
    for path in [files[d.code] for d in departments if d.code in files]:
        data = _load(path)
        department = data.get("department")
        if department != path.stem:
            raise DemoDataError(f"{_name(path)}: department = {department!r}, expected {path.stem!r}")
        for n, t in enumerate(_list(data, "items", path)):
            where = f"{_name(path)}, items[{n}] ({_label(t, 'code')})"
            if not isinstance(t, dict):
                raise DemoDataError(f"{where}: expected a table")
            rest = {k: v for k, v in t.items() if k not in ("materials", "fees")}
            materials = tuple(
                record(Material, m, f"{where} materials[{k}]")
                for k, m in enumerate(_list(t, "materials", path))
            )
            fees = tuple(record(Fee, f, f"{where} fees[{k}]") for k, f in enumerate(_list(t, "fees", path)))
            items.append(
                record(Item, {**rest, "department": department}, where, materials=materials, fees=fees)
            )
    centre = DemoCentre(
        city=city,
        county=county,
        departments=departments,
        windows=windows,
        staff=many(Staff, "staff.toml", "staff", "badge"),
        authorizations=many(Authorization, "authorizations.toml", "authorizations", "document_number"),
        password=logins_data["password"],
        logins=logins,
        guides=guides,
        procedures=procedures,
        items=tuple(items),
        history=read_scenario(folder / "history.toml"),
        staffing=read_staffing(folder / "staffing.toml"),
        supervision=read_supervision(folder / "supervision.toml"),
    )
    check_references(centre)
    return centre


def _weights(table: Any, where: str, key: Callable[[str], Any] = str) -> list[tuple[Any, int]]:
    """A table of weights (`FTB-001 = 24`) as (key, weight) pairs, in the file's order."""
    if not isinstance(table, dict):
        raise DemoDataError(f"{where}: expected a table of weights")
    pairs = []
    for name, weight in table.items():
        if not _checked(int, weight) or weight < 0:
            raise DemoDataError(f"{where}: {name} = {weight!r} is not a weight (a whole number, 0 or more)")
        try:
            pairs.append((key(name), weight))
        except ValueError:
            raise DemoDataError(f"{where}: {name} is not a month number") from None
    return pairs


def read_scenario(path: Path) -> Scenario:
    """The parameters and texts of the year of case history."""
    data = _load(path)
    where = _name(path)

    def table(key: str) -> Any:
        value = data.get(key)
        if not isinstance(value, dict):
            raise DemoDataError(f"{where}: [{key}] is missing")
        return value

    def many(cls: type[R], key: str) -> tuple[R, ...]:
        return tuple(record(cls, t, f"{where}, {key}[{n}]") for n, t in enumerate(_list(data, key, path)))

    texts = dict(table("texts"))
    delivery = _weights(texts.pop("delivery_methods", None), f"{where}, [texts.delivery_methods]")
    suspensions_data = texts.pop("suspensions", None)
    if not isinstance(suspensions_data, dict):
        raise DemoDataError(f"{where}: [texts.suspensions] is missing")
    suspensions = {
        kind: (s.reason, s.result)
        for kind, t in suspensions_data.items()
        for s in [record(Suspension, t, f"{where}, [texts.suspensions] {kind}")]
    }
    nested = {
        "volumes": record(Volumes, table("volumes"), f"{where}, [volumes]"),
        "ftb_mix": tuple(_weights(table("ftb_mix"), f"{where}, [ftb_mix]")),
        "inspection_season": dict(_weights(table("inspection_season"), f"{where}, [inspection_season]", int)),
        "other_mix": tuple(_weights(table("other_mix"), f"{where}, [other_mix]")),
        "result_prefixes": _texts(table("result_prefixes"), f"{where}, [result_prefixes]"),
        "names": record(Names, table("names"), f"{where}, [names]"),
        "texts": record(
            Texts, texts, f"{where}, [texts]", delivery_methods=tuple(delivery), suspensions=suspensions
        ),
        "refusals": many(Refusal, "refusals"),
        "questions": many(Question, "questions"),
        "referrals_out": many(Referral, "referrals_out"),
        "referrals_in": many(Referral, "referrals_in"),
        "absences": many(Absence, "absences"),
    }
    scenario = record(Scenario, data, where, **nested)
    if len(scenario.month_weights) != 12:
        raise DemoDataError(f"{where}: month_weights needs 12 numbers, January first")
    return scenario


def _texts(table: dict[str, Any], where: str) -> dict[str, str]:
    for key, value in table.items():
        if not isinstance(value, str):
            raise DemoDataError(f"{where}: {key} must be text")
    return dict(table)


@dataclass(frozen=True)
class Suspension:
    reason: str
    result: str


@functools.cache
def read() -> DemoCentre:
    """The demo centre of this folder (read once per process)."""
    return read_folder(FOLDER)


# --- references between the files ---------------------------------------------------------------------------


def _unique(keys: list[str], what: str) -> set[str]:
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise DemoDataError(f"{what} {key} appears twice")
        seen.add(key)
    return seen


def check_references(c: DemoCentre) -> None:  # noqa: C901 - one check per reference, in file order
    """Every reference between the files names something that exists, and every key is unique."""
    departments = _unique([d.code for d in c.departments], "demo/data/departments.toml: department")
    badges = _unique([s.badge for s in c.staff], "demo/data/staff.toml: badge")
    windows = _unique([w.number for w in c.windows], "demo/data/windows.toml: window")
    _unique([s.username for s in c.staff if s.username], "demo/data/staff.toml: username")
    _unique([i.code for i in c.items], "demo/data/items: item code")
    sections = {s.kind for s in c.county.sections}
    posts = {(w.number, p.name) for w, p in c.posts}

    def need(value: str | None, known: set[str], where: str, what: str) -> None:
        if value is not None and value not in known:
            raise DemoDataError(f"{where}: {what} {value} does not exist")

    for w in c.windows:
        where = f"demo/data/windows.toml, window {w.number}"
        _unique([p.name for p in w.posts], f"{where}: post")
        for code in (w.department, *w.served):
            need(code, departments, where, "department")
        for badge in (w.head, w.chief_representative, w.deputy_in_charge):
            need(badge, badges, where, "staff badge")
        for p in w.posts:
            for badge in (p.a, *p.b):
                need(badge, badges, f"{where}, post {p.name}", "staff badge")
    for s in c.staff:
        where = f"demo/data/staff.toml, {s.badge}"
        need(s.section, sections, where, "section")
        need(s.department, departments, where, "department")
        need(s.window, windows, where, "window")
    documents = {a.document_number for a in c.authorizations}
    for a in c.authorizations:
        where = f"demo/data/authorizations.toml, {a.document_number}"
        need(a.department, departments, where, "department")
        need(a.representative, badges, where, "staff badge")
        need(a.year, {"this", "last"}, where, "year")
        need(a.replaces, documents, where, "authorisation")
    usernames = {s.username for s in c.staff if s.username}
    for login in c.logins:
        need(login.username, usernames, "demo/data/logins.toml", "username")
    for name, steps in c.procedures.items():
        for step in steps:
            if (step.window, step.post) not in posts:
                where = f"demo/data/catalogue.toml, procedure {name}"
                raise DemoDataError(f"{where}: post {step.window} {step.post} does not exist")
    for item in c.items:
        where = f"demo/data/items/{item.department}.toml, {item.code}"
        need(item.department, departments, where, "department")
        need(item.procedure, set(c.procedures), where, "procedure")
    h, where = c.history, "demo/data/history.toml"
    codes = {i.code for i in c.items}
    for badge in (h.leader, h.coordination, *(a.badge for a in h.absences)):
        need(badge, badges, where, "staff badge")
    for code, _weight in (*h.ftb_mix, *h.other_mix):
        need(code, codes, where, "item")
    for code in h.person_items:
        need(code, codes, where, "item")
    for code in h.result_prefixes:
        need(code, departments, where, "department")
    for referral in (*h.referrals_out, *h.referrals_in):
        need(referral.window, windows, where, "window")
    for absence in h.absences:
        need(absence.kind, {"leave", "outing"}, where, "absence kind")
    for month in h.inspection_season:
        need(str(month), {str(m) for m in range(1, 13)}, where, "month")
    sv, where = c.supervision, "demo/data/supervision.toml"
    for badge in (sv.assessor, sv.meeting_chair, sv.meeting_recorder, sv.meeting_owner):
        need(badge, badges, where, "staff badge")
    for badge in [d.badge for d in sv.deductions] + [c.badge for c in sv.corrections]:
        need(badge, badges, where, "staff badge")
    for complaint in sv.complaints:
        need(complaint.window, windows, where, "window")
        if complaint.badge:
            need(complaint.badge, badges, where, "staff badge")
    st, where = c.staffing, "demo/data/staffing.toml"
    _unique(list(st.terminals), f"{where}: terminal")
    for badge in (*st.duty_leaders, *st.rest_day_staff, st.spot_checker, st.spot_check_absent):
        need(badge, badges, where, "staff badge")
    need(st.spot_check_window, windows, where, "window")
    for leave in st.leaves:
        need(leave.badge, badges, where, "staff badge")
        need(leave.kind, LEAVE_KINDS, where, "leave kind")
        if c.by_badge[leave.badge].username is None:
            raise DemoDataError(f"{where}: {leave.badge} has no login and cannot ask for leave")
