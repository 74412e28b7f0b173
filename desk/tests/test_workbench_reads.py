"""The workbench's and the case page's reads written out as statements (issue 8, "Speed"): they answer what
the ORM's reads answered, and nothing they keep outlives a request, so that a post handed over, an absence
registered or a return, in the same process, is seen on the next request (R-ORG-7, R-ORG-1).

The moment is 2026-09-30 10:00 (a Wednesday, a working day) unless a test says otherwise."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.access import case_for_user, cases_for_user, may_see_case, work_windows
from cases.models import (
    OPEN_STATES,
    Case,
    CaseEvent,
    CaseState,
    CaseStep,
    Inquiry,
    InquiryStatus,
    Notice,
    NoticeKind,
    Payment,
    ReferralMode,
    Suspension,
    Visit,
)
from cases.selectors.intake import workbench_inquiries, workbench_inquiry_lists
from cases.selectors.page import rows_of_case, rows_of_case_together
from cases.selectors.rows import RowQuery, case_rows
from cases.tests.factories import at, make_case, make_item_for, start_step
from catalog.tests.factories import make_published_item
from common.errors import NotFound
from desk.selectors import PANEL_LIMIT, PRE_ACCEPTANCE, open_cases_for, workbench
from hall.models import Appointment, AppointmentStatus
from hall.selectors import appointments_by_window, todays_appointments
from org import services
from org.access import grants_of, post_windows_of
from org.models import Post, PostBackup, Role, StaffProfile, Window
from org.selectors import post_board, post_window_ids, posts_held_by, windows_worked_by
from org.tests import factories as f

pytestmark = pytest.mark.usefixtures("national_calendar")

DAY = date(2026, 9, 30)
NOW = at(DAY, 10, 0)
URL = reverse("desk:workbench")


def _page(client: Client, staff: StaffProfile, when: Any = NOW) -> str:
    assert staff.user is not None
    client.force_login(staff.user)
    with time_machine.travel(when, tick=False):
        response = client.get(URL)
    assert response.status_code == 200
    return str(response.content.decode())


def _panel(html: str, panel_id: str) -> str:
    start = html.index(f'id="{panel_id}"')
    return html[start : html.index("</section>", start)]


def _listed(html: str, case: Case) -> bool:
    return f'data-case="{case.pk}"' in html


def _leave(staff: StaffProfile, day: date = DAY) -> Any:
    return services.absence_record(
        actor=None,
        staff=staff,
        kind="leave",
        starts_at=at(day, 0, 0),
        ends_at=at(day + timedelta(days=1), 0, 0),
    )


def _case_at_post(hall: Any, post: Post, window: Window | None = None) -> Case:
    """An accepted case nobody is responsible for yet, whose current step is at `post`."""
    window = window or post.window
    item = make_item_for(window, post, promised_limit_days=5)
    case = make_case(
        window=window, item=item, received_by=hall.clerk, responsible=None, accepted_on=date(2026, 9, 28)
    )
    start_step(case, post=post, name="审核", at=NOW)
    return case


# --- nothing outlives a request: the organisation changed in the same process is seen at once ------------------


def test_r_org_7_a_post_handed_over_is_seen_on_the_next_request(hall: Any) -> None:
    clerk, backup = Client(), Client()
    case = _case_at_post(hall, hall.post)
    assert _listed(_panel(_page(clerk, hall.clerk), "my-queue"), case)  # 王受理 is the post's A
    assert not _listed(_panel(_page(backup, hall.backup), "my-queue"), case)

    with time_machine.travel(NOW, tick=False):  # 李备岗 becomes the A, 王受理 the B, from now on
        services.post_assign(
            actor=hall.office.user, post=hall.post, holder_a=hall.backup, backups=[hall.clerk]
        )

    later = NOW + timedelta(minutes=1)
    assert not _listed(_panel(_page(clerk, hall.clerk, later), "my-queue"), case)
    assert _listed(_panel(_page(backup, hall.backup, later), "my-queue"), case)


def test_r_org_7_an_absence_and_a_return_are_seen_on_the_next_request(hall: Any) -> None:
    post = f.make_post(hall.other_window, a=hall.other_clerk, backups=[hall.clerk], name="审核岗")
    case = _case_at_post(hall, post)
    client = Client()
    assert "今天没有需要您顶岗的岗位。" in _panel(_page(client, hall.clerk), "covered")

    with time_machine.travel(NOW - timedelta(hours=1), tick=False):
        absence = _leave(hall.other_clerk)
    covered = _panel(_page(client, hall.clerk), "covered")  # the same client, the same process
    assert "审核岗" in covered and _listed(covered, case)

    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        services.absence_end(actor=hall.office.user, absence=absence, reason="提前返岗")
    covered = _panel(_page(client, hall.clerk, NOW + timedelta(minutes=6)), "covered")
    assert "今天没有需要您顶岗的岗位。" in covered and not _listed(covered, case)


def test_r_org_1_a_window_role_revoked_is_seen_on_the_next_request(hall: Any) -> None:
    grant = f.grant(hall.clerk.user, hall.center, Role.WINDOW_STAFF, hall.other_window)
    other_item = make_published_item(hall.center, hall.other_window.department)
    theirs = make_case(
        window=hall.other_window,
        item=other_item,
        received_by=hall.other_clerk,
        responsible=hall.other_clerk,
        accepted_on=date(2026, 9, 28),
    )
    client = Client()
    assert _listed(_panel(_page(client, hall.clerk), "window-queue"), theirs)
    with time_machine.travel(NOW, tick=False):
        grant.revoked_at = NOW
        grant.save(update_fields=["revoked_at"])
    later = NOW + timedelta(minutes=1)
    assert not _listed(_page(client, hall.clerk, later), theirs)
    assert client.get(reverse("cases:case_detail", kwargs={"pk": theirs.pk})).status_code == 404


# --- the statements answer what the ORM answered -----------------------------------------------------------------


def _rows(rows: list[Any]) -> list[tuple[Any, ...]]:
    return [
        (
            r.post.pk,
            r.post.window.number,
            r.post.holder_a.pk,
            r.holder_a.pk,
            [b.pk for b in r.backups],
            r.holder.pk if r.holder else None,
            r.acting_as,
            r.gap,
            r.absent_ids,
        )
        for r in rows
    ]


def test_r_org_7_posts_held_by_reads_the_rows_of_the_post_board(hall: Any) -> None:
    other = f.make_post(
        hall.other_window, a=hall.other_clerk, backups=[hall.clerk, hall.chief], name="审核岗"
    )
    third = f.make_post(hall.window, a=hall.chief, backups=[hall.backup, hall.clerk], name="收费岗")
    with time_machine.travel(NOW - timedelta(hours=2), tick=False):
        services.absence_record(
            actor=None,
            staff=hall.other_clerk,
            kind="leave",
            starts_at=at(DAY, 0, 0),
            ends_at=at(DAY + timedelta(days=1), 0, 0),
            covers={other: hall.chief},  # the B named to cover, before the first B
        )
        _leave(hall.backup)
    moments = [NOW, at(DAY - timedelta(days=1), 10, 0), at(DAY + timedelta(days=1), 10, 0)]
    for moment in moments:
        board = post_board(hall.center, moment)
        for staff in (hall.clerk, hall.backup, hall.chief, hall.other_clerk, hall.supervision):
            expected = [r for r in board if staff.pk in {r.holder_a.pk, *(b.pk for b in r.backups)}]
            assert _rows(posts_held_by(staff, moment)) == _rows(expected), (staff.name, moment)
    mine = {r.post.pk: r for r in posts_held_by(hall.chief, NOW)}
    assert mine[other.pk].holder == hall.chief and mine[other.pk].acting_as == "B"
    assert mine[third.pk].holder == hall.chief and mine[third.pk].acting_as == "A"
    # A post or window set inactive is no longer held.
    Post.objects.filter(pk=third.pk).update(is_active=False)
    Window.objects.filter(pk=hall.other_window.pk).update(is_active=False)
    assert posts_held_by(hall.chief, NOW) == []


def _worked_by_the_orm(staff: StaffProfile, granted: set[int], *, as_backup: bool) -> list[int]:
    where = (
        Q(pk=staff.window_id)
        | Q(pk__in=granted)
        | Q(head=staff)
        | Q(chief_representative=staff)
        | Q(deputy_in_charge=staff)
        | Q(pk__in=Post.objects.filter(holder_a=staff, is_active=True).values("window_id"))
    )
    if as_backup:
        where |= Q(pk__in=Post.objects.filter(backup_links__staff=staff, is_active=True).values("window_id"))
    windows = Window.objects.filter(where, center_id=staff.center_id, is_active=True).order_by("number", "pk")
    return list(windows.values_list("pk", flat=True))


def test_r_org_7_windows_worked_by_reads_what_the_orm_read(hall: Any) -> None:
    third = f.make_window(hall.center, number="C03")
    fourth = f.make_window(hall.center, number="D04")
    fifth = f.make_window(hall.center, number="E05")
    f.make_post(third, a=hall.supervision, backups=[hall.clerk], name="审核岗")
    f.make_post(fourth, a=hall.clerk, backups=[hall.backup], name="发证岗")
    Window.objects.filter(pk=fifth.pk).update(deputy_in_charge=hall.director)
    people = [hall.clerk, hall.backup, hall.chief, hall.director, hall.supervision, hall.other_clerk]
    for granted in (set(), {fifth.pk}, {fifth.pk, third.pk}):
        for staff in people:
            found = windows_worked_by(staff, granted)
            assert [w.pk for w in found] == _worked_by_the_orm(staff, granted, as_backup=True)
            as_a = [w.pk for w in found if w.works_as_a]  # type: ignore[attr-defined]
            assert as_a == _worked_by_the_orm(staff, granted, as_backup=False), staff.name
            assert all(w.department.pk == w.department_id for w in found)
    clerk = {w.number: w.works_as_a for w in windows_worked_by(hall.clerk, set())}  # type: ignore[attr-defined]
    assert clerk == {"A01": True, "C03": False, "D04": True}
    Post.objects.filter(window=fourth).update(is_active=False)
    assert [w.number for w in windows_worked_by(hall.clerk, set())] == ["A01", "C03"]
    user = hall.clerk.user
    assert [w.number for w in work_windows(user, hall.clerk, as_backup=False)] == ["A01"]


def test_r_case_1_the_inquiry_lists_read_the_boxes_of_the_workbench(hall: Any) -> None:
    post = f.make_post(hall.other_window, a=hall.other_clerk, backups=[hall.backup], name="审核岗")
    del post
    third = f.make_window(hall.center, number="C03")
    Window.objects.filter(pk=third.pk).update(head=hall.backup)

    def inquiry(receiver: StaffProfile, status: str, to: Window | None = None, **kw: Any) -> Inquiry:
        return Inquiry.objects.create(
            center=hall.center,
            channel="phone",
            window=hall.window,
            first_receiver=receiver,
            asked_at=NOW - timedelta(minutes=Inquiry.objects.count()),
            question="问题",
            status=status,
            referred_to=to,
            referral_mode=ReferralMode.ESCORTED if to else "",
            **kw,
        )

    for receiver in (hall.clerk, hall.backup, hall.other_clerk):
        inquiry(receiver, InquiryStatus.OPEN)
        for to in (hall.window, hall.other_window, third):
            inquiry(receiver, InquiryStatus.REFERRED, to)
            inquiry(receiver, InquiryStatus.REFERRED, to, referral_acknowledged_at=NOW)
    for staff in (hall.clerk, hall.backup, hall.other_clerk, hall.chief, hall.director):
        lists, boxes = workbench_inquiry_lists(staff), workbench_inquiries(staff)
        for name in ("open", "incoming", "sent"):
            assert [q.pk for q in getattr(lists, name)] == [q.pk for q in getattr(boxes, name)], (staff, name)
        for q in lists.incoming:
            assert q.referred_to is not None and q.window == hall.window
    # Two other receivers' referrals to each of his window, the B's post's window and the window he heads.
    assert len(workbench_inquiry_lists(hall.backup).incoming) == 6


def test_r_case_13_appointments_by_window_read_the_days_appointments(hall: Any) -> None:
    item = make_published_item(hall.center, hall.department)
    for i, (window, status) in enumerate(
        [
            (hall.window, AppointmentStatus.BOOKED),
            (hall.window, AppointmentStatus.CANCELLED),
            (hall.other_window, AppointmentStatus.BOOKED),
            (hall.window, AppointmentStatus.BOOKED),
        ]
    ):
        Appointment.objects.create(
            center=hall.center,
            window=window,
            item=item if i % 2 else None,
            applicant_name=f"预约人{i}",
            applicant_phone="13900001111",
            starts_at=at(DAY, 14 - i, 0),
            status=status,
        )
    Appointment.objects.create(
        center=hall.center,
        window=hall.window,
        applicant_name="明天",
        applicant_phone="13900001111",
        starts_at=at(DAY + timedelta(days=1), 9, 0),
    )
    windows = [hall.window, hall.other_window]
    found = appointments_by_window(windows, DAY)
    assert [w for w, _rows in found] == windows
    for window, rows in found:
        assert [a.pk for a in rows] == [a.pk for a in todays_appointments(window, DAY)]
        assert [a.item for a in rows] == [a.item for a in todays_appointments(window, DAY)]
    assert appointments_by_window([], DAY) == []


# --- the case, read by its key, then its scope checked ---------------------------------------------------------


def test_r_org_1_case_for_user_sees_exactly_the_cases_of_cases_for_user(hall: Any) -> None:
    item = make_item_for(hall.window, hall.post, promised_limit_days=5)
    other_item = make_published_item(hall.center, hall.other_window.department)
    ours = make_case(window=hall.window, item=item, received_by=hall.clerk, responsible=hall.clerk)
    theirs = make_case(
        window=hall.other_window, item=other_item, received_by=hall.other_clerk, responsible=None
    )
    people = [hall.clerk, hall.backup, hall.chief, hall.other_clerk, hall.director, hall.outsider]
    for staff in people:
        user = staff.user
        visible = set(cases_for_user(user).values_list("pk", flat=True))
        for case in (ours, theirs):
            seen = case.pk in visible
            assert may_see_case(user, case) == seen, (staff.name, case.pk)
            if seen:
                found = case_for_user(user, case.pk)
                assert found == case and found.window == case.window and found.center == case.center
                assert found.responsible == case.responsible and found.version == case.version
            else:
                with pytest.raises(NotFound):
                    case_for_user(user, case.pk)
    for key in (0, -1, 2**63, "x", None):
        with pytest.raises(NotFound):
            case_for_user(hall.director.user, key)  # type: ignore[arg-type]
    with_timer = case_for_user(hall.clerk.user, ours.pk, with_timer=True)
    assert with_timer.timer_id == ours.timer_id


def _same_rows(
    model: Any, related: tuple[str, ...], case: Case, rows: list[Any], expected: list[Any]
) -> None:
    """`rows` are `expected`, column by column and relation by relation, each with `case` itself."""
    for row, other in zip(rows, expected, strict=True):
        assert {f.attname: getattr(row, f.attname) for f in model._meta.concrete_fields} == {
            f.attname: getattr(other, f.attname) for f in model._meta.concrete_fields
        }
        for name in related:
            assert getattr(row, name) == getattr(other, name)
        assert row.case is case


def test_r_case_10_the_case_pages_rows_are_the_rows_the_orm_read(hall: Any) -> None:
    item = make_published_item(hall.center, hall.department, post=hall.post, fees=2)
    case = make_case(window=hall.window, item=item, received_by=hall.clerk, responsible=hall.clerk)
    fees = list(item.current_version.fees.order_by("order"))
    for i, fee in enumerate(fees):
        Payment.objects.create(
            case=case,
            fee=fee,
            amount=Decimal("12.50") * (i + 1),
            receipt_number=f"R{i}",
            paid_at=NOW - timedelta(hours=i),
            recorded_by=hall.clerk,
        )
        Notice.objects.create(
            center=hall.center,
            case=case,
            kind=NoticeKind.CORRECTION,
            number=f"补正-{i}",
            issued_at=NOW - timedelta(days=i),
            issued_by=hall.clerk,
            body={"materials": ["身份证", i]},
        )
        Visit.objects.create(
            case=case,
            at=NOW - timedelta(hours=i),
            purpose="咨询进度",
            responsible=hall.chief if i else None,
            recorded_by=hall.clerk,
        )
    start_step(case, post=hall.post, at=NOW)
    shapes: list[tuple[Any, Any, tuple[str, ...], tuple[str, ...]]] = [
        (
            Payment,
            case.payments.select_related("fee", "recorded_by"),
            ("fee", "recorded_by"),
            ("paid_at", "id"),
        ),
        (Notice, case.notices.select_related("issued_by"), ("issued_by",), ("issued_at", "id")),
        (
            Visit,
            case.visits.select_related("responsible", "recorded_by"),
            ("responsible", "recorded_by"),
            ("at", "id"),
        ),
        (CaseStep, case.steps.select_related("post", "handler"), ("post", "handler"), ("order", "id")),
        (CaseEvent, case.events.select_related("actor"), ("actor",), ("seq", "id")),
    ]
    for model, queryset, related, order in shapes:
        expected = list(queryset.order_by(*order))
        found = rows_of_case(model, case, related=related, order_by=order)
        assert len(found) == len(expected) and found == expected, model
        _same_rows(model, related, case, found, expected)
    assert [p.amount for p in rows_of_case(Payment, case, related=("fee",), order_by=("paid_at",))] == [
        Decimal("25.00"),
        Decimal("12.50"),
    ]
    # Read together, in one statement (the case page's lists with its checks and history): the same rows in the
    # same order, an empty list and a descending order included.
    together = [(model, related, order) for model, _queryset, related, order in shapes]
    together += [(Suspension, (), ("started_on", "id")), (Payment, ("fee",), ("-paid_at", "id"))]
    with CaptureQueriesContext(connection) as queries:
        read = rows_of_case_together(case, together)
    assert len(queries.captured_queries) == 1
    for (model, related, order), rows in zip(together, read, strict=True):
        alone = rows_of_case(model, case, related=related, order_by=order)
        assert [r.pk for r in rows] == [r.pk for r in alone], (model, order)
        _same_rows(model, related, case, rows, alone)
    assert read[-2] == [] and [p.amount for p in read[-1]] == [Decimal("12.50"), Decimal("25.00")]


def test_r_org_7_post_window_ids_are_the_windows_of_the_posts_held_as_a_or_b(hall: Any) -> None:
    third = f.make_window(hall.center, number="C03")
    inactive = f.make_post(third, a=hall.chief, backups=[hall.clerk], name="停用岗")
    Post.objects.filter(pk=inactive.pk).update(is_active=False)  # as the ORM's union read: active or not
    f.make_post(hall.other_window, a=hall.other_clerk, backups=[hall.backup, hall.clerk], name="审核岗")
    for staff in (hall.clerk, hall.backup, hall.chief, hall.other_clerk, hall.director):
        as_b = PostBackup.objects.filter(staff=staff).values_list("post__window_id", flat=True)
        as_a = Post.objects.filter(holder_a=staff).values_list("window_id", flat=True)
        assert post_window_ids(staff) == {*as_b, *as_a}, staff.name
        # Read with the user's grants, in the same statement: the same windows.
        user = type(staff.user).objects.get(pk=staff.user.pk)  # fresh: nothing kept from another read
        grants_of(user)
        with CaptureQueriesContext(connection) as queries:
            assert post_windows_of(user) == {*as_b, *as_a}, staff.name
        assert not queries.captured_queries
    assert post_window_ids(hall.clerk) == {hall.window.pk, hall.other_window.pk, third.pk}
    assert post_window_ids(hall.director) == set() and post_windows_of(hall.director.user) == set()
    assert post_windows_of(AnonymousUser()) == set()


def test_r_org_1_the_workbench_panels_read_what_the_orm_read(hall: Any) -> None:
    item = make_item_for(hall.window, hall.post, promised_limit_days=5)
    other_item = make_published_item(hall.center, hall.other_window.department)
    other_post = f.make_post(hall.other_window, a=hall.other_clerk, backups=[hall.clerk], name="审核岗")
    states = [CaseState.ACCEPTED, CaseState.SUSPENDED, CaseState.RECEIVED, CaseState.ARCHIVED]
    for i in range(24):
        window, it = (hall.window, item) if i % 2 else (hall.other_window, other_item)
        state = states[i % 4]
        clock = {} if i % 5 == 0 else {"deadline": date(2026, 10, 1) + timedelta(days=i % 7)}  # none: last
        case = make_case(
            window=window,
            item=it,
            received_by=[hall.clerk, hall.other_clerk, hall.backup][i % 3],
            state=state,
            responsible=[hall.clerk, hall.chief, None, hall.other_clerk][i % 4],
            accepted_on=None if state == CaseState.RECEIVED else date(2026, 9, 28) - timedelta(days=i % 3),
            received_on=date(2026, 9, 25) + timedelta(days=i % 4),
            **({} if state == CaseState.RECEIVED else clock),
        )
        if i % 3 == 0:
            start_step(case, post=hall.post if i % 2 else other_post, at=NOW)
    with time_machine.travel(NOW - timedelta(hours=1), tick=False):
        _leave(hall.other_clerk)
    f.grant(hall.director.user, hall.center, Role.WINDOW_STAFF, hall.other_window)
    for staff in (hall.clerk, hall.backup, hall.chief, hall.other_clerk, hall.director, hall.supervision):
        user = type(staff.user).objects.get(pk=staff.user.pk)  # fresh: nothing kept from another read
        with time_machine.travel(NOW, tick=False):
            bench = workbench(user, staff, NOW)
        orm = open_cases_for(user)
        home = [w.pk for w in bench.windows]
        held_as_a = [r.post.pk for r in posts_held_by(staff, NOW) if r.holder == staff and r.acting_as == "A"]
        mine = orm.filter(
            Q(responsible=staff)
            | Q(current_post_id__in=held_as_a)
            | Q(state__in=PRE_ACCEPTANCE, received_by=staff, responsible=None)
        )
        assert bench.mine.cases == case_rows(mine, DAY, limit=PANEL_LIMIT), staff.name
        assert bench.mine.total == mine.count()
        window_queue = orm.filter(window__in=home)
        assert bench.window_queue.cases == case_rows(window_queue, DAY, limit=PANEL_LIMIT), staff.name
        assert bench.window_queue.total == window_queue.count()
        for entry in bench.covered:
            post = entry.post
            at_post = Q(current_post_id=post.pk) | (
                Q(window_id=post.window_id)
                & (
                    Q(responsible_id=post.holder_a_id)
                    | Q(state__in=PRE_ACCEPTANCE, received_by_id=post.holder_a_id)
                )
            )
            assert [c.pk for c in entry.cases] == [
                c.pk for c in case_rows(orm.filter(at_post), DAY, limit=50)
            ]
    assert any(bench.covered for bench in [workbench(hall.clerk.user, hall.clerk, NOW)])


# --- the panels' statements are planned once per connection ----------------------------------------------------


def _panel_statements(client: Client, staff: StaffProfile) -> list[tuple[str, Any]]:
    """The statements of the workbench's case panels on one request, with their parameters."""
    seen: list[tuple[str, Any]] = []

    def spy(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if 'FROM "cases_case" c' in sql:
            seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        _page(client, staff)
    return seen


def test_the_panels_write_the_states_into_their_statements_and_bind_everything_else(hall: Any) -> None:
    """The states a panel lists are the code's own: written as literals, so that a prepared statement's
    generic plan can use the partial indexes of the open queues (`RowQuery.in_fixed`). The people, posts,
    windows and centres are bound as parameters, as before."""
    _case_at_post(hall, hall.post)
    statements = _panel_statements(Client(), hall.clerk)
    assert len(statements) >= 2  # my queue and my window's queue
    open_states = ", ".join(f"'{s}'" for s in sorted(str(s) for s in OPEN_STATES))
    for sql, params in statements:
        assert f"c.{connection.ops.quote_name('state')} IN ({open_states})" in sql, sql
        assert not any(str(value) in {str(s) for s in CaseState} for value in params.values()), params
        assert hall.clerk.pk in params.values() or hall.window.pk in params.values()


def test_in_fixed_takes_only_plain_words_of_the_code() -> None:
    where = RowQuery()
    assert where.in_fixed("state", ["received", "accepted", "received"]) == (
        f"c.{connection.ops.quote_name('state')} IN ('accepted', 'received')"
    )
    assert where.in_fixed("state", []) == "1 = 0"
    for value in ("accepted' OR 1=1 --", "Accepted", "", "a b"):
        with pytest.raises(ValueError):
            where.in_fixed("state", [value])
    assert where.params == {}
