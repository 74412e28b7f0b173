"""History is append-only: who, when, what changed, why (issue 2, item 6)."""

import pytest
from django.db import DatabaseError, connection, transaction

from common.history import diff, history_of, record
from common.models import HistoryEntry


@pytest.mark.django_db
def test_history_entry_records_who_what_and_why(hall):
    entry = record(
        subject=hall.window,
        action="update",
        actor=hall.office.user,
        changes=diff({"phone": "1"}, {"phone": "2"}),
        reason="号码调整",
    )
    assert list(history_of(hall.window)) == [entry]
    assert entry.center == hall.center
    assert entry.actor == hall.office.user
    assert entry.changes == {"phone": ["1", "2"]}
    assert entry.reason == "号码调整"


@pytest.mark.django_db
def test_history_cannot_be_changed_or_deleted_through_the_orm(hall):
    entry = record(subject=hall.window, action="update", actor=hall.office.user)
    entry.reason = "改写"
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        HistoryEntry.objects.filter(pk=entry.pk).update(reason="改写")
    with pytest.raises(TypeError):
        HistoryEntry.objects.all().delete()
    assert HistoryEntry.objects.get(pk=entry.pk).reason == ""


@pytest.mark.django_db
def test_history_refuses_raw_sql_changes_on_postgresql(hall):
    if connection.vendor != "postgresql":
        pytest.skip("the database trigger exists on PostgreSQL, the production database")
    entry = record(subject=hall.window, action="update", actor=hall.office.user)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE common_historyentry SET reason = 'x' WHERE id = %s", [entry.pk])
    assert HistoryEntry.objects.get(pk=entry.pk).reason == ""
