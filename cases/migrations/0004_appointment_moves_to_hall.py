"""Appointments move to the `hall` app: the table is renamed to hall_appointment here, and the model leaves
the cases app's state; `hall.0001_initial` takes it over without touching the database."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_notice_templates"),
    ]

    operations = [
        migrations.AlterModelTable(name="appointment", table="hall_appointment"),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="appointment")],
            database_operations=[],
        ),
    ]
