# The foreign keys of this app that a composite index or a unique constraint already leads with lose their own
# index (`common/tests/test_indexes.py`; `common.migration_operations.KeyIndexesDropped` says why one operation).

from django.db import migrations

from common.migration_operations import KeyIndexesDropped


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0003_material_files_random_names"),
        ("org", "0008_covered_keys_unindexed"),
    ]

    operations = [
        KeyIndexesDropped(
            [
                ("item", "center", "catalog_item_center_id_b1a9ce05"),
                ("itemversion", "item", "catalog_itemversion_item_id_516984f8"),
            ]
        ),
    ]
