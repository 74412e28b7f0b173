# The foreign keys of this app that a composite index or a unique constraint already leads with lose their own
# index (`common/tests/test_indexes.py`; `common.migration_operations.KeyIndexesDropped` says why one operation).

from django.db import migrations

from common.migration_operations import KeyIndexesDropped


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0007_staff_session"),
    ]

    operations = [
        KeyIndexesDropped(
            [
                ("absence", "staff", "org_absence_staff_id_a81a14e0"),
                ("absencecover", "absence", "org_absencecover_absence_id_fa91c142"),
                ("absencecover", "post", "org_absencecover_post_id_2b6dc0df"),
                ("department", "center", "org_department_center_id_50e64160"),
                ("post", "window", "org_post_window_id_acc62f78"),
                ("postbackup", "post", "org_postbackup_post_id_871ad65c"),
                ("postholding", "post", "org_postholding_post_id_cf910d58"),
                ("postholding", "staff", "org_postholding_staff_id_5519710d"),
                ("section", "center", "org_section_center_id_de19faee"),
                ("staffprofile", "center", "org_staffprofile_center_id_52c14d20"),
                ("window", "center", "org_window_center_id_a8c51f9e"),
            ]
        ),
    ]
