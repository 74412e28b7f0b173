# The foreign keys of this app that a composite index or a unique constraint already leads with lose their own
# index (`common/tests/test_indexes.py`; `common.migration_operations.KeyIndexesDropped` says why one operation).

from django.db import migrations

from common.migration_operations import KeyIndexesDropped


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0008_covered_keys_unindexed"),
        ("supervision", "0002_assessment_meetings"),
    ]

    operations = [
        KeyIndexesDropped(
            [
                ("assessmententry", "center", "supervision_assessmententry_center_id_a55347f1"),
                ("assessmententry", "staff", "supervision_assessmententry_staff_id_42c610ff"),
                ("assessmentmonth", "center", "supervision_assessmentmonth_center_id_534f8119"),
                ("assessmentscore", "assessment", "supervision_assessmentscore_assessment_id_b10cf0ee"),
                ("assessmentscore", "staff", "supervision_assessmentscore_staff_id_d0229416"),
                ("complaint", "center", "supervision_complaint_center_id_abc5831f"),
                ("complaintconsequence", "person", "supervision_complaintconsequence_person_id_781f2596"),
                ("meeting", "center", "supervision_meeting_center_id_b845d745"),
                ("meetingattendee", "meeting", "supervision_meetingattendee_meeting_id_61f185a0"),
                ("meetingattendee", "staff", "supervision_meetingattendee_staff_id_367f586b"),
            ]
        ),
    ]
