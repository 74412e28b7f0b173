# The foreign keys of this app that a composite index or a unique constraint already leads with lose their own
# index (`common/tests/test_indexes.py`; `common.migration_operations.KeyIndexesDropped` says why one operation).

from django.db import migrations

from common.migration_operations import KeyIndexesDropped


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0014_case_center_decided"),
        ("org", "0008_covered_keys_unindexed"),
    ]

    operations = [
        KeyIndexesDropped(
            [
                ("case", "center", "cases_case_center_id_de7b7087"),
                ("case", "window", "cases_case_window_id_c32d5238"),
                ("caseevent", "case", "cases_caseevent_case_id_6c6031ac"),
                ("casematerial", "case", "cases_casematerial_case_id_66fd4cfb"),
                ("casestep", "case", "cases_casestep_case_id_70bbe3b6"),
                ("notice", "center", "cases_notice_center_id_173afcd8"),
                ("noticetemplate", "center", "cases_noticetemplate_center_id_931f350f"),
                ("numbersequence", "center", "cases_numbersequence_center_id_710b0ed9"),
                ("overdue", "center", "cases_overdue_center_id_b04540ce"),
            ]
        ),
    ]
