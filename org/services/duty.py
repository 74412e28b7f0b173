"""Who is on duty and who holds a post at a moment, past or present (R-ORG-6, R-ORG-7).

Every answer is read for the moment asked: the holdings in force then (`PostHolding`), the absences in force
then (a return ends an absence at the moment of the return; only an absence that never started can be
cancelled), and whether the staff member was active then (`StaffProfile.deactivated_at`). So the answer about
a past moment does not change when the organisation changes later.

The case services call these on hot paths; each costs one query, stated in its docstring.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby
from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet

from ..models import (
    Absence,
    AbsenceCover,
    Post,
    PostHolding,
    PostRole,
    RoleGrant,
    StaffProfile,
    Window,
    active_at,
    held_at,
)
from .absences import absence_in_force


@dataclass(frozen=True)
class Holder:
    """Who holds a post at a moment, and whether as its A or as the B covering for the A (R-ORG-7)."""

    staff: StaffProfile
    acting_as: str  # "A" or "B"


def pick_holder(
    holder_a: StaffProfile,
    backups: Sequence[StaffProfile],
    absent_ids: set[int],
    *,
    moment: datetime | None = None,
    named: frozenset[int] | set[int] = frozenset(),
) -> Holder | None:
    """R-ORG-7: A if on duty, else the B named to cover A's absence (`named`, R-ATT-5) when on duty, else the
    first B (in order) on duty, else nobody. No query.

    On duty means not in `absent_ids` and active: at `moment` when given (`StaffProfile.was_active_at`),
    else now (`is_active`)."""

    def available(staff: StaffProfile) -> bool:
        active = staff.is_active if moment is None else staff.was_active_at(moment)
        return active and staff.pk not in absent_ids

    if available(holder_a):
        return Holder(staff=holder_a, acting_as="A")
    for backup in sorted(backups, key=lambda b: b.pk not in named):
        if available(backup):
            return Holder(staff=backup, acting_as="B")
    return None


def named_cover(moment: datetime) -> Exists:
    """Whether the holding (`post_id`, `staff_id` of the outer row) is the B named to cover the post for an
    absence in force at `moment` (`AbsenceCover`, R-ATT-5)."""
    return Exists(
        AbsenceCover.objects.filter(
            post_id=OuterRef("post_id"),
            backup_id=OuterRef("staff_id"),
            absence__cancelled_at=None,
            absence__starts_at__lte=moment,
            absence__ends_at__gt=moment,
        )
    )


def holdings_at(moment: datetime) -> QuerySet[PostHolding]:
    """The holdings in force at `moment`, each with its staff member and `away` (an absence in force then),
    in the order a post is asked for: A first, then the B named to cover A's absence then (`named`), then the
    other Bs in cover order. Filter it further by post."""
    away = Absence.objects.filter(absence_in_force(moment), staff_id=OuterRef("staff_id"))
    return (
        PostHolding.objects.filter(held_at(moment))
        .select_related("staff")
        .annotate(away=Exists(away), named=named_cover(moment))
        .order_by("post_id", "role", "-named", "order", "id")
    )


def holding_on_duty(holding: PostHolding, moment: datetime) -> bool:
    """Whether the holder of a row of `holdings_at(moment)` was on duty then (no query)."""
    return not getattr(holding, "away", False) and holding.staff.was_active_at(moment)


def first_on_duty(holdings: Iterable[PostHolding], moment: datetime) -> Holder | None:
    """R-ORG-7 over rows of `holdings_at(moment)` for one post, in their order (A, then the Bs): the first
    holder on duty then, else None (no query)."""
    for holding in holdings:
        if holding_on_duty(holding, moment):
            return Holder(staff=holding.staff, acting_as=str(holding.role))
    return None


def post_holder_at(post: Post | int, moment: datetime) -> Holder | None:
    """Who held `post` at `moment` (past or present) and whether as A or as B (R-ORG-7): the A of that
    moment when on duty then, else the B named to cover A's absence (R-ATT-5) when on duty then, else the first
    B of that moment on duty then, else None. One query.

    A later reassignment, return or deactivation does not change the answer about an earlier moment."""
    post_id = post if isinstance(post, int) else post.pk
    return first_on_duty(holdings_at(moment).filter(post_id=post_id), moment)


def holders_at(posts: Iterable[Post | int], moment: datetime) -> dict[int, Holder | None]:
    """`post_holder_at` for many posts at once: {post id: Holder or None}, every post asked for present.
    One query however many posts."""
    ids = sorted({p if isinstance(p, int) else p.pk for p in posts})
    found: dict[int, Holder | None] = dict.fromkeys(ids)
    if not ids:
        return found
    rows = holdings_at(moment).filter(post_id__in=ids)
    for post_id, holdings in groupby(rows, key=lambda h: h.post_id):
        found[post_id] = first_on_duty(holdings, moment)
    return found


def acting_capacity(staff: StaffProfile, window: Window, moment: datetime) -> str:
    """In which capacity `staff` acts at `window` at `moment` (R-ORG-7, R-CASE-10). One query.

    "A" when `staff` holds an active post of the window as its A at that moment; "B" when, for an active post
    of the window whose A is not on duty at that moment, `staff` is the B actually covering (the B named for A's
    absence when on duty, else the first B on duty then); "" otherwise (not a holder, or a B while the A is at work or while another B covers). "A"
    wins over "B" when both apply."""
    mine = PostHolding.objects.filter(held_at(moment), staff_id=staff.pk, post_id=OuterRef("post_id"))
    rows = list(holdings_at(moment).filter(Exists(mine), post__window_id=window.pk, post__is_active=True))
    if any(h.staff_id == staff.pk and h.role == PostRole.A for h in rows):
        return "A"
    for _post_id, holdings in groupby(rows, key=lambda h: h.post_id):
        holder = first_on_duty(holdings, moment)
        if holder is not None and holder.acting_as == "B" and holder.staff.pk == staff.pk:
            return "B"
    return ""


def is_on_duty(staff: StaffProfile, moment: datetime) -> bool:
    """Whether `staff` was on duty at `moment`: active then and with no absence in force then. One query,
    which reads the staff member's row afresh."""
    away = Absence.objects.filter(absence_in_force(moment), staff_id=OuterRef("pk"))
    return StaffProfile.objects.filter(active_at(moment), pk=staff.pk).filter(~Exists(away)).exists()


def on_duty(staff: StaffProfile, moment: datetime) -> bool:
    """The former name of `is_on_duty`, kept for its callers."""
    return is_on_duty(staff, moment)


# --- everything a case service asks about its actor, in one query --------------------------------------------


@dataclass(frozen=True)
class ActingFacts:
    """What the rules of who may act ask about `staff` at `window` at a moment (R-ORG-7): in which capacity
    they act there (`acting_capacity`), whether they are on duty (`is_on_duty`), and the window roles granted to
    them for that window."""

    capacity: str  # "A", "B" or ""
    on_duty: bool
    window_roles: frozenset[str]
    # Who holds each of the staff's active posts at the window at the moment, as `holder_at` answers (the same
    # rows and order): (staff id, "A" or "B"), or None when nobody is on duty. Other posts are not here.
    holders: Mapping[int, tuple[int, str] | None] = field(default_factory=dict)


_ACTING_SQL: dict[str, str] = {}


# The rules of who is at work at a moment `%(m)s`, as SQL, written once for every statement that asks them
# (`acting_facts`, `holder_at`, `org.selectors.posts_held_by`): as `holdings_at`, `absence_in_force` and the
# cover named for an absence (R-ORG-7) read them through the ORM.


def held_sql(alias: str) -> str:
    """The holding `alias` is in force at %(m)s."""
    q = connection.ops.quote_name
    until = f"{alias}.{q('valid_until')}"
    return f"{alias}.{q('valid_from')} <= %(m)s AND ({until} IS NULL OR {until} > %(m)s)"


def _absence_in_force_sql(alias: str) -> str:
    q = connection.ops.quote_name
    return f"{alias}.{q('cancelled_at')} IS NULL AND {alias}.{q('starts_at')} <= %(m)s AND {alias}.{q('ends_at')} > %(m)s"


def active_sql(staff: str) -> str:
    """The staff member `staff` (an alias of the staff table) was active at %(m)s."""
    q = connection.ops.quote_name
    return f"({staff}.{q('is_active')} OR {staff}.{q('deactivated_at')} > %(m)s)"


def away_sql(staff_id: str) -> str:
    """The staff member whose key is the column `staff_id` was away (an absence in force) at %(m)s."""
    q = connection.ops.quote_name
    absence = q(Absence._meta.db_table)
    return f"EXISTS (SELECT 1 FROM {absence} a WHERE a.{q('staff_id')} = {staff_id} AND {_absence_in_force_sql('a')})"  # noqa: S608 - names from the models


def named_sql(holding: str) -> str:
    """The holder of the holding `holding` was named to cover its post for an absence in force at %(m)s."""
    q = connection.ops.quote_name
    absence, cover = q(Absence._meta.db_table), q(AbsenceCover._meta.db_table)
    return (
        f"EXISTS (SELECT 1 FROM {cover} c JOIN {absence} a ON a.{q('id')} = c.{q('absence_id')} "  # noqa: S608 - names from the models
        f"WHERE c.{q('post_id')} = {holding}.{q('post_id')} AND c.{q('backup_id')} = {holding}.{q('staff_id')} "
        f"AND {_absence_in_force_sql('a')})"
    )


def _acting_sql() -> str:
    """The query of `acting_facts`, written once per database vendor: the holdings in force of the window's
    active posts that the staff member holds at the moment (each with whether its holder was active and away
    then), the staff member's own row, and their window roles for the window — three parts of one UNION ALL."""
    vendor = connection.vendor
    if vendor in _ACTING_SQL:
        return _ACTING_SQL[vendor]
    q = connection.ops.quote_name
    holding, post, staff = (q(m._meta.db_table) for m in (PostHolding, Post, StaffProfile))
    grant = q(RoleGrant._meta.db_table)
    active, away, named, held = active_sql("s"), away_sql(f"s.{q('id')}"), named_sql("h"), held_sql
    flag = "CASE WHEN {} THEN 1 ELSE 0 END".format
    sql = (
        f"SELECT 'h', h.{q('post_id')}, h.{q('staff_id')}, h.{q('role')}, h.{q('order')}, h.{q('id')}, "  # noqa: S608
        f"{flag(active)}, {flag(away)}, {flag(named)} "
        f"FROM {holding} h JOIN {post} p ON p.{q('id')} = h.{q('post_id')} "
        f"JOIN {staff} s ON s.{q('id')} = h.{q('staff_id')} "
        f"WHERE p.{q('window_id')} = %(w)s AND p.{q('is_active')} AND {held('h')} "
        f"AND h.{q('post_id')} IN (SELECT mine.{q('post_id')} FROM {holding} mine "
        f"WHERE mine.{q('staff_id')} = %(s)s AND {held('mine')}) "
        f"UNION ALL SELECT 'me', NULL, s.{q('id')}, NULL, NULL, NULL, {flag(active)}, {flag(away)}, 0 "
        f"FROM {staff} s WHERE s.{q('id')} = %(s)s "
        f"UNION ALL SELECT 'role', NULL, NULL, g.{q('role')}, NULL, NULL, NULL, NULL, NULL FROM {grant} g "
        f"WHERE g.{q('user_id')} = %(u)s AND g.{q('center_id')} = %(c)s AND g.{q('window_id')} = %(w)s "
        f"AND g.{q('revoked_at')} IS NULL"
    )
    _ACTING_SQL[vendor] = sql
    return sql


def acting_facts(staff: StaffProfile, window: Window, moment: datetime) -> ActingFacts:
    """`acting_capacity`, `is_on_duty` and the window roles of `staff` at `window` at `moment`, in one query
    (the case services ask all three on every transition)."""
    text, params = acting_facts_statement(staff, window, moment)
    with connection.cursor() as cursor:
        cursor.execute(text, params)
        return acting_facts_of(staff, cursor.fetchall())


def acting_facts_statement(
    staff: StaffProfile, window: Window, moment: datetime
) -> tuple[str, dict[str, Any]]:
    """The query of `acting_facts`, for a caller that sends it with other reads (`common.sql.rows_together`);
    `acting_facts_of` its rows."""
    return _acting_sql(), {
        "m": connection.ops.adapt_datetimefield_value(moment),
        "w": window.pk,
        "s": staff.pk,
        "u": staff.user_id or 0,
        "c": window.center_id,
    }


def acting_facts_of(staff: StaffProfile, rows: Iterable[Sequence[Any]]) -> ActingFacts:
    """The facts the rows of `acting_facts_statement` say about `staff`."""
    on_duty = False
    roles: set[str] = set()
    posts: dict[int, list[tuple[int, str, int, int, bool, bool]]] = {}
    for kind, post_id, staff_id, role, order, holding_id, active, away, named in rows:
        if kind == "me":
            on_duty = bool(active) and not away
        elif kind == "role":
            roles.add(str(role))
        else:
            posts.setdefault(post_id, []).append(
                (staff_id, str(role), order, holding_id, bool(active) and not away, bool(named))
            )
    capacity = ""
    holders: dict[int, tuple[int, str] | None] = {}
    for post_id, holdings in posts.items():
        # The post goes to its A when on duty, else to the named B, else to the first B on duty (R-ORG-7).
        ordered = sorted(holdings, key=lambda h: (h[1] != PostRole.A, not h[5], h[2], h[3]))
        first = next((h for h in ordered if h[4]), None)
        holders[post_id] = (first[0], first[1]) if first is not None else None
        if any(staff_id == staff.pk and role == PostRole.A for staff_id, role, *_rest in holdings):
            capacity = "A"
        elif capacity != "A" and first is not None and first[1] == PostRole.B and first[0] == staff.pk:
            capacity = "B"
    return ActingFacts(capacity=capacity, on_duty=on_duty, window_roles=frozenset(roles), holders=holders)


_HOLDER_SQL: dict[str, str] = {}


def _holder_sql() -> str:
    """The query of `holder_at`: the holdings of one post in force at the moment, A first then the Bs in cover
    order (the B named to cover an absence then first), each with whether its holder was active and away then."""
    vendor = connection.vendor
    if vendor in _HOLDER_SQL:
        return _HOLDER_SQL[vendor]
    q = connection.ops.quote_name
    holding, staff = (q(m._meta.db_table) for m in (PostHolding, StaffProfile))
    holder = f"h.{q('staff_id')}"
    sql = (
        f"SELECT {holder}, h.{q('role')}, CASE WHEN {active_sql('s')} THEN 1 ELSE 0 END, "  # noqa: S608 - names from the models
        f"CASE WHEN {away_sql(holder)} THEN 1 ELSE 0 END, "
        f"CASE WHEN {named_sql('h')} THEN 0 ELSE 1 END AS unnamed "
        f"FROM {holding} h JOIN {staff} s ON s.{q('id')} = h.{q('staff_id')} "
        f"WHERE h.{q('post_id')} = %(p)s AND {held_sql('h')} "
        f"ORDER BY h.{q('role')}, unnamed, h.{q('order')}, h.{q('id')}"
    )
    _HOLDER_SQL[vendor] = sql
    return sql


def holder_at(post: Post | int, moment: datetime) -> tuple[int, str] | None:
    """`post_holder_at` by id only — (staff id, "A" or "B") or None — for the case services' hot path, which
    compare and store ids. One query, no model built."""
    post_id = post if isinstance(post, int) else post.pk
    params = {"m": connection.ops.adapt_datetimefield_value(moment), "p": post_id}
    with connection.cursor() as cursor:
        cursor.execute(_holder_sql(), params)
        for staff_id, role, active, away, _unnamed in cursor.fetchall():
            if active and not away:
                return int(staff_id), str(role)
    return None
