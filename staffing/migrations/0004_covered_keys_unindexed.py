# The foreign keys of this app that a composite index or a unique constraint already leads with lose their own
# index (`common/tests/test_indexes.py`; `common.migration_operations.KeyIndexesDropped` says why one operation).

from django.db import migrations

from common.migration_operations import KeyIndexesDropped


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0008_covered_keys_unindexed"),
        ("staffing", "0003_uncovered_minutes"),
    ]

    operations = [
        KeyIndexesDropped(
            [
                ("attendanceclose", "center", "staffing_attendanceclose_center_id_2ccdfeeb"),
                ("attendanceday", "center", "staffing_attendanceday_center_id_f4500469"),
                ("attendanceday", "staff", "staffing_attendanceday_staff_id_2114b400"),
                ("clockevent", "center", "staffing_clockevent_center_id_80cbfe6f"),
                ("clockevent", "staff", "staffing_clockevent_staff_id_a67ce4ff"),
                ("clockevent", "terminal", "staffing_clockevent_terminal_id_27fea8b2"),
                ("dutyentry", "center", "staffing_dutyentry_center_id_b752af60"),
                ("leaveapproval", "leave", "staffing_leaveapproval_leave_id_2668ec4a"),
                ("leavecover", "leave", "staffing_leavecover_leave_id_03aaa190"),
                ("leavehandover", "to_staff", "staffing_leavehandover_to_staff_id_8162236a"),
                ("leaverequest", "center", "staffing_leaverequest_center_id_44350d01"),
                ("leaverequest", "staff", "staffing_leaverequest_staff_id_526109a9"),
                ("pinmapping", "center", "staffing_pinmapping_center_id_7c7cc145"),
                ("spotcheck", "center", "staffing_spotcheck_center_id_2633df96"),
                ("spotcheckfinding", "center", "staffing_spotcheckfinding_center_id_a8ee7146"),
                ("spotcheckfinding", "spot_check", "staffing_spotcheckfinding_spot_check_id_67543b94"),
                ("spotcheckfinding", "staff", "staffing_spotcheckfinding_staff_id_8a869e21"),
                ("terminalupload", "terminal", "staffing_terminalupload_terminal_id_55eb3af7"),
            ]
        ),
    ]
