# The foreign keys of this app that a composite index or a unique constraint already leads with lose their own
# index (`common/tests/test_indexes.py`; `common.migration_operations.KeyIndexesDropped` says why one operation).

from django.db import migrations

from common.migration_operations import KeyIndexesDropped


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0004_covered_keys_unindexed"),
        ("joint", "0001_initial"),
        ("org", "0008_covered_keys_unindexed"),
    ]

    operations = [
        KeyIndexesDropped(
            [
                ("countersignature", "item", "joint_countersignature_item_id_a90644ec"),
                ("jointflow", "item", "joint_jointflow_item_id_262ac328"),
                ("jointflowlane", "flow", "joint_jointflowlane_flow_id_936ab4e8"),
                ("jointlane", "joint_case", "joint_jointlane_joint_case_id_bf51e036"),
                ("jointlateness", "center", "joint_jointlateness_center_id_c41ced75"),
                ("reviewitem", "meeting", "joint_reviewitem_meeting_id_1cfaf78c"),
                ("reviewmeeting", "center", "joint_reviewmeeting_center_id_0637bc07"),
                ("surveysignature", "survey", "joint_surveysignature_survey_id_3fc6261a"),
            ]
        ),
    ]
