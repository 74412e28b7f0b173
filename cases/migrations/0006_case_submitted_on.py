# Each submission of an application (the receipt, then each resubmission after a correction notice) has its
# own window for a correction notice before it is deemed accepted (R-CASE-3); the case stores the day the
# current one came in.

from django.db import migrations, models
from django.db.models import Max
from django.db.models.functions import TruncDate
from django.utils import timezone


def fill_submitted_on(apps, schema_editor):
    """The local day of the receipt, or of the latest resubmission where there was one."""
    Case = apps.get_model("cases", "Case")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    Case.objects.update(submitted_on=TruncDate("received_at", tzinfo=timezone.get_current_timezone()))
    latest = (
        CaseEvent.objects.filter(action="resubmitted")
        .order_by()
        .values("case_id")
        .annotate(last=Max("at"))
        .values_list("case_id", "last")
    )
    for case_id, moment in latest:
        Case.objects.filter(pk=case_id).update(submitted_on=timezone.localdate(moment))


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_extension_requests"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="submitted_on",
            field=models.DateField(blank=True, null=True, verbose_name="本次材料收到日期"),
        ),
        migrations.RunPython(fill_submitted_on, migrations.RunPython.noop),
    ]
