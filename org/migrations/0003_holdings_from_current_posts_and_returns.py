"""What the rows written before post holdings, returns and the deactivation moment existed mean now
(docs/decisions.md, "Organisation").

- Every post gets open holdings for its current A and Bs (in their cover order), from the moment of the
  post's creation entry in the history, else from 2000-01-01 00:00 in the centre's time zone. The history keeps
  former holders by name only, so a post reassigned before this migration answers for the time before with the
  people who hold it now, as it did until now.
- An absence cancelled after it had started (and before its planned end) was a return: it ends at the
  cancellation, `planned_ends_at` keeps the planned end, and it is no longer cancelled. An absence cancelled
  before it started, or after it had ended, stays cancelled (never happened).
- A deactivated staff member's `deactivated_at` is the moment of the last history entry that deactivated
  them; with none, it stays empty (off duty at every moment, as before).

Backwards: the holdings are removed, a return becomes a cancellation at its end again (returns recorded after
this migration too: before it, a return was recorded as a cancellation), `deactivated_at` is cleared.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import migrations
from django.db.models import F

EARLIEST = datetime(2000, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))


def open_holdings(apps, schema_editor):
    Post = apps.get_model("org", "Post")
    PostBackup = apps.get_model("org", "PostBackup")
    PostHolding = apps.get_model("org", "PostHolding")
    HistoryEntry = apps.get_model("common", "HistoryEntry")
    created = {}
    for subject_id, at in (
        HistoryEntry.objects.filter(subject_type="org.post", action="create")
        .order_by("at", "id")
        .values_list("subject_id", "at")
    ):
        created.setdefault(subject_id, at)
    backups = {}
    for post_id, staff_id in PostBackup.objects.order_by("post_id", "order", "id").values_list(
        "post_id", "staff_id"
    ):
        backups.setdefault(post_id, []).append(staff_id)
    rows = []
    for post_id, holder_a_id in Post.objects.exclude(holdings__isnull=False).values_list("pk", "holder_a_id"):
        since = created.get(str(post_id), EARLIEST)
        rows.append(PostHolding(post_id=post_id, staff_id=holder_a_id, role="A", order=0, valid_from=since))
        rows.extend(
            PostHolding(post_id=post_id, staff_id=staff_id, role="B", order=order, valid_from=since)
            for order, staff_id in enumerate(backups.get(post_id, []), start=1)
        )
    PostHolding.objects.bulk_create(rows, batch_size=500)


def remove_holdings(apps, schema_editor):
    apps.get_model("org", "PostHolding").objects.all().delete()


def cancellations_after_the_start_are_returns(apps, schema_editor):
    Absence = apps.get_model("org", "Absence")
    Absence.objects.filter(
        cancelled_at__isnull=False, cancelled_at__gt=F("starts_at"), cancelled_at__lt=F("ends_at")
    ).update(planned_ends_at=F("ends_at"), ends_at=F("cancelled_at"), cancelled_at=None)


def returns_are_cancellations(apps, schema_editor):
    Absence = apps.get_model("org", "Absence")
    Absence.objects.filter(planned_ends_at__isnull=False).update(
        cancelled_at=F("ends_at"), ends_at=F("planned_ends_at"), planned_ends_at=None
    )


def deactivation_moments(apps, schema_editor):
    StaffProfile = apps.get_model("org", "StaffProfile")
    HistoryEntry = apps.get_model("common", "HistoryEntry")
    inactive = {str(pk) for pk in StaffProfile.objects.filter(is_active=False).values_list("pk", flat=True)}
    if not inactive:
        return
    last = {}
    for subject_id, at, changes in (
        HistoryEntry.objects.filter(subject_type="org.staffprofile", action="update", subject_id__in=inactive)
        .order_by("at", "id")
        .values_list("subject_id", "at", "changes")
    ):
        if isinstance(changes, dict) and changes.get("is_active") == [True, False]:
            last[subject_id] = at
    for subject_id, at in last.items():
        StaffProfile.objects.filter(pk=int(subject_id)).update(deactivated_at=at)


def clear_deactivation_moments(apps, schema_editor):
    apps.get_model("org", "StaffProfile").objects.update(deactivated_at=None)


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0002_post_holdings_returns_and_deactivation_moment"),
        ("common", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(open_holdings, remove_holdings),
        migrations.RunPython(cancellations_after_the_start_are_returns, returns_are_cancellations),
        migrations.RunPython(deactivation_moments, clear_deactivation_moments),
    ]
