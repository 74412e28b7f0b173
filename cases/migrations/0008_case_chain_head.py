"""Each case carries the head of its hash-chained history (the last event's number and hash), filled here from
the stored events, so that appending an event needs no read of the history."""

from django.db import migrations, models


def fill_chain_heads(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    last = {}
    for case_id, seq, digest in CaseEvent.objects.order_by("case_id", "seq").values_list("case_id", "seq", "hash"):
        last[case_id] = (seq, digest)
    for case_id, (seq, digest) in last.items():
        Case.objects.filter(pk=case_id).update(chain_seq=seq, chain_head=digest)


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0007_case_timers'),
    ]

    operations = [
        migrations.AddField(
            model_name='case',
            name='chain_head',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name='case',
            name='chain_seq',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(fill_chain_heads, migrations.RunPython.noop),
    ]
