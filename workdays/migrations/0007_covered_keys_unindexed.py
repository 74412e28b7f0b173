# The foreign keys of this app that a composite index or a unique constraint already leads with lose their own
# index (`common/tests/test_indexes.py`; `common.migration_operations.KeyIndexesDropped` says why one operation).

from django.db import migrations

from common.migration_operations import KeyIndexesDropped


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0008_covered_keys_unindexed"),
        ("workdays", "0006_timer_warning_open_partial"),
    ]

    operations = [
        KeyIndexesDropped(
            [
                ("calendarday", "center", "workdays_calendarday_center_id_d40cac35"),
                ("calendaryear", "center", "workdays_calendaryear_center_id_d0213752"),
                ("timerwarning", "center", "workdays_timerwarning_center_id_44befa61"),
            ]
        ),
    ]
