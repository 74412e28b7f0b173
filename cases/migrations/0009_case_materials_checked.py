"""Each case carries how many material checks were made and whether the materials now in were checked (R-CASE-2),
filled here from the history."""

from django.db import migrations, models

SUBMITTED = ("received", "resubmitted")


def fill_checks(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    checks = {}
    checked = {}
    events = CaseEvent.objects.filter(action__in=["received", "resubmitted", "materials_checked"])
    for case_id, action in events.order_by("case_id", "seq").values_list("case_id", "action"):
        if action == "materials_checked":
            checks[case_id] = checks.get(case_id, 0) + 1
            checked[case_id] = True
        else:
            checked[case_id] = False
    for case_id, n in checks.items():
        Case.objects.filter(pk=case_id).update(materials_checks=n, materials_checked=checked[case_id])


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0008_case_chain_head'),
    ]

    operations = [
        migrations.AddField(
            model_name='case',
            name='materials_checked',
            field=models.BooleanField(default=False, verbose_name='本次材料已审查'),
        ),
        migrations.AddField(
            model_name='case',
            name='materials_checks',
            field=models.PositiveSmallIntegerField(default=0, verbose_name='材料审查次数'),
        ),
        migrations.RunPython(fill_checks, migrations.RunPython.noop),
    ]
