"""The hot-path statements of `common.sql` give the rows and instances the ORM would."""

from __future__ import annotations

from contextlib import nullcontext

import pytest

from common import sql
from org.models import Department, Window
from org.tests.factories import make_center, make_department, make_window

pytestmark = pytest.mark.django_db


def _fields(obj: object, names: list[str]) -> list[object]:
    return [getattr(obj, name) for name in names]


def test_select_one_reads_a_row_with_its_relations_as_the_orm_does() -> None:
    window = make_window(make_center())
    got = sql.select_one(Window, window.pk, related=["center"])
    orm = Window.objects.select_related("center").get(pk=window.pk)
    assert got is not None
    names = [f.attname for f in Window._meta.concrete_fields]
    assert _fields(got, names) == _fields(orm, names)
    assert "center" in got._state.fields_cache and got.center.code == orm.center.code
    assert sql.select_one(Window, window.pk + 10_000) is None


def test_select_one_probed_asks_with_the_row_whether_rows_point_at_it_or_at_a_relation(
    django_assert_num_queries: object,
) -> None:
    center = make_center()
    department = make_department(center)
    make_window(center, department)
    probes = [(Window, "department", None), (Department, "center", "center"), (Window, "center", "center")]
    with django_assert_num_queries(1):  # type: ignore[operator]
        got, answers = sql.select_one_probed(Department, department.pk, related=["center"], probes=probes)
    assert got is not None and got.center.pk == center.pk
    assert answers == [True, True, True]
    empty = make_department(center)
    assert sql.select_one_probed(Department, empty.pk, probes=[(Window, "department", None)])[1] == [False]
    missing = sql.select_one_probed(Department, department.pk + 10_000, related=["center"], probes=probes)
    assert missing == (None, [False] * 3)


def test_select_where_filters_on_equal_columns_in_the_order_asked() -> None:
    center, other = make_center(), make_center()
    names = ["乙科", "甲科", "丙科"]
    for name in names:
        make_department(center, name=name)
    make_department(other, name="他处")
    got = sql.select_where(Department, center_id=center.pk, order_by=("-id",))
    orm = list(Department.objects.filter(center=center).order_by("-id"))
    assert [d.pk for d in got] == [d.pk for d in orm] and [d.name for d in got] == names[::-1]
    assert sql.select_where(Department, center=center.pk, name="甲科")[0].name == "甲科"
    assert sql.select_where(Department, center_id=center.pk, name="没有") == []


def test_insert_many_writes_every_row_in_one_statement_and_sets_their_keys(
    django_assert_num_queries: object,
) -> None:
    center = make_center()
    rows = [Department(center=center, code=f"D{i}", name=f"科室{i}") for i in range(3)]
    with django_assert_num_queries(1):  # type: ignore[operator]
        sql.insert_many(rows)
    assert all(row.pk is not None and not row._state.adding for row in rows)
    stored = {d.pk: d.name for d in Department.objects.filter(center=center)}
    assert stored == {row.pk: row.name for row in rows}
    sql.insert_many([])  # nothing to write: no statement


def test_update_writes_only_the_named_fields() -> None:
    department = make_department(make_center(), name="原名")
    department.name = "新名"
    Department.objects.filter(pk=department.pk).update(code="X1")  # changed by someone else meanwhile
    sql.update(department, ["name"])
    department.refresh_from_db()
    assert (department.name, department.code) == ("新名", "X1")


def test_deferred_writes_wait_for_the_end_of_the_block_and_run_as_one_statement_on_postgresql(
    django_assert_num_queries: object,
) -> None:
    from django.db import connection

    center = make_center()
    department = make_department(center, name="原名")
    new = [Department(center=center, code=f"N{i}", name=f"新科室{i}") for i in range(2)]
    statements = 1 if connection.vendor == "postgresql" else 3
    with django_assert_num_queries(statements), sql.deferred():  # type: ignore[operator]
        department.name = "先改"
        sql.update(department, ["name"])
        sql.insert_many(new)
        assert new[0].pk is None  # nothing written yet
        department.name = "再改"  # read when the block ends
        sql.update(department, ["name"])  # the same row: one UPDATE
    assert all(row.pk for row in new)
    assert sorted(Department.objects.filter(center=center).values_list("name", flat=True)) == [
        "再改",
        "新科室0",
        "新科室1",
    ]


def test_deferred_writes_are_dropped_when_the_block_fails() -> None:
    center = make_center()
    with pytest.raises(ValueError), sql.deferred():
        sql.insert(Department(center=center, code="X", name="不会写入"))
        raise ValueError
    assert not Department.objects.filter(center=center).exists()


def test_deferred_insert_then_update_of_the_same_instance_is_one_insert_with_the_last_values() -> None:
    center = make_center()
    row = Department(center=center, code="Y", name="初名")
    with sql.deferred():
        sql.insert(row)
        row.name = "终名"
        sql.update(row, ["name"])
    assert Department.objects.get(pk=row.pk).name == "终名"


def test_deferred_update_of_a_row_through_another_instance_writes_what_waits_first() -> None:
    department = make_department(make_center(), name="甲")
    other = Department.objects.get(pk=department.pk)
    with sql.deferred():
        department.name, department.short_name = "乙", "乙简"
        sql.update(department, ["name", "short_name"])
        other.name = "丙"
        sql.update(other, ["name"])  # later: it wins
    department.refresh_from_db()
    assert (department.name, department.short_name) == ("丙", "乙简")


def test_deferred_insert_now_writes_at_once_and_a_nested_block_belongs_to_the_outer_one() -> None:
    center = make_center()
    first, second = (
        Department(center=center, code="A1", name="甲"),
        Department(center=center, code="A2", name="乙"),
    )
    with sql.deferred():
        sql.insert(first, now=True)
        assert first.pk is not None
        with sql.deferred():
            sql.insert(second)
        assert second.pk is None  # waits for the outer block
    assert second.pk is not None


def test_a_deferred_statement_binds_each_repeated_key_moment_and_number_once() -> None:
    """The writes of a transition repeat the same keys and moments; on PostgreSQL each is bound once, so that
    the statement stays under psycopg's limit of 50 parameters for keeping its converted form. Texts and
    NULLs are never shared (each takes its type from where it stands), nor are values of different types."""
    from datetime import UTC, date, datetime

    moment = datetime(2026, 9, 30, 2, 0, tzinfo=UTC)
    bound = sql._Bound()
    first = bound.named("UPDATE t SET a = %s, b = %s, c = %s WHERE id = %s", [7, moment, "x", 1])
    second = bound.named(
        "INSERT INTO u VALUES (%s, %s, %s, %s, %s, %s, '%%')", [1, moment, "x", None, True, 7]
    )
    assert first == "UPDATE t SET a = %(v0)s, b = %(v1)s, c = %(v2)s WHERE id = %(v3)s"
    assert second == "INSERT INTO u VALUES (%(v3)s, %(v1)s, %(v4)s, %(v5)s, %(v6)s, %(v0)s, '%%')"
    assert bound.values == {"v0": 7, "v1": moment, "v2": "x", "v3": 1, "v4": "x", "v5": None, "v6": True}
    assert bound.named("%s %s", [date(2026, 9, 30), moment.replace(hour=3)]) == "%(v7)s %(v8)s"
    with pytest.raises(ValueError):
        bound.named("%s", [1, 2])


def test_a_deferred_block_of_many_writes_writes_what_the_writes_say() -> None:
    center = make_center()
    departments = [make_department(center, name=f"科室{i}") for i in range(3)]
    windows = [
        Window(center=center, department=departments[i % 3], number=f"W{i}", name=f"窗口{i}")
        for i in range(9)
    ]
    with sql.deferred():
        for i, department in enumerate(departments):
            department.name = f"改名{i}"
            department.short_name = ""
            sql.update(department, ["name", "short_name"])
        for window in windows:
            sql.insert(window)
    assert all(window.pk for window in windows)
    assert sorted(Department.objects.filter(center=center).values_list("name", flat=True)) == [
        "改名0",
        "改名1",
        "改名2",
    ]
    stored = Window.objects.filter(center=center).values_list("number", "department_id", "name")
    assert sorted(stored) == sorted((w.number, w.department_id, w.name) for w in windows)


def test_rows_together_reads_each_statement_as_it_reads_alone_in_order_and_logs_each(
    django_assert_num_queries: object,
) -> None:
    from django.db import transaction

    center = make_center()
    department = make_department(center, name="甲科")
    window = make_window(center, department)
    statements = [
        sql.where_statement(Department, center_id=center.pk, order_by=("name",)),
        sql.where_statement(Window, department_id=department.pk),
        sql.where_statement(Window, department_id=department.pk + 10_000),
    ]
    for atomic in (False, True):  # in a transaction, its BEGIN travels with them on PostgreSQL
        with transaction.atomic() if atomic else nullcontext(), django_assert_num_queries(3):  # type: ignore[operator]
            got = sql.rows_together(statements)
        assert [sql.instances_of(Department, got[0]), sql.instances_of(Window, got[1]), got[2]] == [
            [department],
            [window],
            [],
        ]
        assert sql.instances_of(Window, got[1])[0].number == window.number


def test_rows_together_a_failing_statement_fails_the_block_and_the_connection_goes_on() -> None:
    from django.db import DatabaseError, transaction

    center = make_center()
    statements = [
        sql.where_statement(Department, center_id=center.pk),
        ("SELECT no_such_column FROM org_department", []),
        sql.where_statement(Department, center_id=center.pk),
    ]
    with pytest.raises(DatabaseError), transaction.atomic():
        make_department(center, name="不会留下")
        sql.rows_together(statements)
    assert not Department.objects.filter(center=center).exists()  # rolled back, and the connection answers
    assert sql.rows_together(statements[:1] * 2) == [[], []]


def test_insert_values_with_ignore_conflicts_leaves_out_the_rows_a_unique_constraint_refuses(
    django_assert_num_queries: object,
) -> None:
    center = make_center()
    make_department(center, code="T1", name="原有")
    rows = [
        {"center_id": center.pk, "code": "T1", "name": "重复，不写入"},
        {"center_id": center.pk, "code": "T2", "name": "新科室"},
        {"center_id": center.pk, "code": "T2", "name": "同批重复，不写入"},
        {"center_id": center.pk, "code": "T3", "name": "又一个"},
    ]
    with django_assert_num_queries(1):  # type: ignore[operator]
        sql.insert_values(Department, rows, ignore_conflicts=True)
    assert sorted(Department.objects.filter(center=center).values_list("code", "name")) == [
        ("T1", "原有"),
        ("T2", "新科室"),
        ("T3", "又一个"),
    ]


def test_insert_values_writes_dates_and_times_as_the_orm_writes_them() -> None:
    """Aware datetimes and dates go straight to the backend's adaptation; a datetime given as text, a date
    given as a datetime and a naive datetime go through their field, as the ORM sends them."""
    from datetime import UTC, date, datetime, timedelta, timezone

    from staffing.models import AttendanceClose

    center = make_center()
    beijing = timezone(timedelta(hours=8))
    given = [
        (date(2026, 3, 2), datetime(2026, 3, 2, 18, 5, 7, 123456, tzinfo=beijing)),
        (date(2026, 3, 3), datetime(2026, 3, 3, 23, 59, tzinfo=UTC)),
        (datetime(2026, 3, 4, 9, 0, tzinfo=beijing), "2026-03-04 18:00:00+08:00"),
    ]
    by_orm = make_center(code="orm")
    for day, closed_at in given:
        AttendanceClose.objects.create(center=by_orm, day=day, closed_at=closed_at)
    sql.insert_values(AttendanceClose, [{"center_id": center.pk, "day": d, "closed_at": c} for d, c in given])
    with pytest.warns(RuntimeWarning, match="naive datetime"):
        AttendanceClose.objects.create(center=by_orm, day=date(2026, 3, 5), closed_at=datetime(2026, 3, 5, 8))
    with pytest.warns(RuntimeWarning, match="naive datetime"):
        sql.insert_values(
            AttendanceClose,
            [{"center_id": center.pk, "day": date(2026, 3, 5), "closed_at": datetime(2026, 3, 5, 8)}],
        )

    def stored(where: object) -> list[tuple[object, ...]]:
        return list(
            AttendanceClose.objects.filter(center=where)
            .order_by("day")
            .values_list("day", "closed_at", "people")
        )

    assert stored(center) == stored(by_orm)
    assert stored(center)[0] == (
        date(2026, 3, 2),
        datetime(2026, 3, 2, 10, 5, 7, 123456, tzinfo=UTC),
        0,
    )
