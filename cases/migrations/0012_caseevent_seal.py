"""Each case event carries a keyed seal of its hash (`common.seal`: an HMAC under the history key, kept outside
the database) and the id of the key that made it. The events already stored are sealed here as they stand: their
facts and hashes are not changed, only the two new columns are filled. A chain that was already broken stays
broken (its links are checked apart from the seals).

On PostgreSQL the append-only trigger refuses every UPDATE of an event; it is switched off for the filling only,
inside this migration's transaction, and on again before it commits.
"""

from django.db import migrations, models

TABLE = "cases_caseevent"
TRIGGER = f"{TABLE}_append_only"
BATCH = 5000


def seal_existing_events(apps, schema_editor):
    from common import seal as seals

    keys = seals.keyring()
    connection = schema_editor.connection
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {TRIGGER}")
        last = 0
        while True:
            cursor.execute(
                f"SELECT id, hash FROM {TABLE} WHERE id > %s ORDER BY id LIMIT {BATCH}",  # noqa: S608
                [last],
            )
            rows = cursor.fetchall()
            if not rows:
                break
            params = []
            for pk, digest in rows:
                key_id, seal = keys.seal(seals.CASE_EVENT, digest)
                params.append([seal, key_id, pk])
            cursor.executemany(f"UPDATE {TABLE} SET seal = %s, seal_key_id = %s WHERE id = %s", params)  # noqa: S608
            last = rows[-1][0]
        if postgres:
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER {TRIGGER}")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0011_case_material_upload_random_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="caseevent",
            name="seal",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="caseevent",
            name="seal_key_id",
            field=models.CharField(blank=True, max_length=16),
        ),
        migrations.RunPython(seal_existing_events, migrations.RunPython.noop),
    ]
