# The foreign keys of this app that a composite index or a unique constraint already leads with lose their own
# index (`common/tests/test_indexes.py`; `common.migration_operations.KeyIndexesDropped` says why one operation).

from django.db import migrations

from common.migration_operations import KeyIndexesDropped


class Migration(migrations.Migration):
    dependencies = [
        ("agency", "0002_agency_task_timer"),
        ("org", "0008_covered_keys_unindexed"),
    ]

    operations = [
        KeyIndexesDropped(
            [
                ("agencylicence", "project", "agency_agencylicence_project_id_1fbb4064"),
                ("agencyproject", "center", "agency_agencyproject_center_id_a5288701"),
                ("agencytask", "window", "agency_agencytask_window_id_77d09192"),
                ("agencyteammember", "project", "agency_agencyteammember_project_id_7be18b6b"),
            ]
        ),
    ]
