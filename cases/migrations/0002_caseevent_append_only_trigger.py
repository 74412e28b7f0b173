"""On PostgreSQL, refuse UPDATE and DELETE of case history rows at the database too (R-CASE-10).

Reuses the function `govhall_refuse_change()` created by common's history trigger migration.
"""

from django.db import migrations

TABLE = "cases_caseevent"
TRIGGER = f"{TABLE}_append_only"


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON {TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION govhall_refuse_change();",
        params=None,
    )


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {TABLE};", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("common", "0002_history_append_only_trigger"),
    ]
    operations = [migrations.RunPython(create_trigger, drop_trigger)]
