# The foreign keys of this app that a composite index or a unique constraint already leads with lose their own
# index (`common/tests/test_indexes.py`; `common.migration_operations.KeyIndexesDropped` says why one operation).

from django.db import migrations

from common.migration_operations import KeyIndexesDropped


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0008_covered_keys_unindexed"),
        ("policy", "0001_initial"),
    ]

    operations = [
        KeyIndexesDropped(
            [
                ("policyvalue", "center", "policy_policyvalue_center_id_3043e408"),
            ]
        ),
    ]
