"""Each history entry carries a keyed seal of its digest (`common.seal`: an HMAC under the history key, kept
outside the database) and the id of the key that made it; its moment is set when the entry is made rather than
by the database, so that the seal covers it. The entries already stored are sealed here as they stand: their
facts are not changed, only the two new columns are filled.

On PostgreSQL the append-only trigger refuses every UPDATE of an entry; it is switched off for the filling only,
inside this migration's transaction, and on again before it commits.
"""

import django.utils.timezone
from django.db import migrations, models

TABLE = "common_historyentry"
TRIGGER = f"{TABLE}_append_only"
BATCH = 5000


def seal_existing_entries(apps, schema_editor):
    from common import seal as seals
    from common.models import DIGESTED, entry_digest

    HistoryEntry = apps.get_model("common", "HistoryEntry")
    keys = seals.keyring()
    connection = schema_editor.connection
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {TRIGGER}")
        last = 0
        while True:
            rows = list(
                HistoryEntry.objects.filter(id__gt=last).order_by("id").values("id", *DIGESTED)[:BATCH]
            )
            if not rows:
                break
            params = []
            for row in rows:
                key_id, seal = keys.seal(seals.HISTORY_ENTRY, entry_digest(row))
                params.append([seal, key_id, row["id"]])
            cursor.executemany(f"UPDATE {TABLE} SET seal = %s, seal_key_id = %s WHERE id = %s", params)  # noqa: S608
            last = rows[-1]["id"]
        if postgres:
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER {TRIGGER}")


class Migration(migrations.Migration):
    dependencies = [
        ("common", "0003_database_cache_table"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historyentry",
            name="at",
            field=models.DateTimeField(
                db_index=True, default=django.utils.timezone.now, editable=False, verbose_name="时间"
            ),
        ),
        migrations.AddField(
            model_name="historyentry",
            name="seal",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="historyentry",
            name="seal_key_id",
            field=models.CharField(blank=True, editable=False, max_length=16),
        ),
        migrations.RunPython(seal_existing_entries, migrations.RunPython.noop),
    ]
