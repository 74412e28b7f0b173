"""Indexes that match each list's filter and order (so that a list costs what it shows, not what the centre
holds), and the post of each open case's current step stored on the case, filled here from its steps."""

import django.db.models.deletion
from django.db import migrations, models

OPEN = ["accepted", "awaiting_correction", "received", "suspended"]


def fill_current_post(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    CaseStep = apps.get_model("cases", "CaseStep")
    current = {}
    steps = CaseStep.objects.filter(finished_at=None, case__state__in=OPEN).order_by("case_id", "order")
    for case_id, post_id in steps.values_list("case_id", "post_id"):
        current.setdefault(case_id, post_id)
    for case_id, post_id in current.items():
        if post_id is not None:
            Case.objects.filter(pk=case_id).update(current_post_id=post_id)


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0009_case_materials_checked'),
        ('catalog', '0002_published_versions_immutable_trigger'),
        ('org', '0003_holdings_from_current_posts_and_returns'),
        ('workdays', '0002_timers'),
    ]

    operations = [
        migrations.AddField(
            model_name='case',
            name='current_post',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.post', verbose_name='当前环节岗位'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(models.F('center'), models.OrderBy(models.F('received_at'), descending=True), models.OrderBy(models.F('id'), descending=True), name='case_center_newest'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(models.F('window'), models.OrderBy(models.F('received_at'), descending=True), models.OrderBy(models.F('id'), descending=True), name='case_window_newest'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(condition=models.Q(('state__in', ['accepted', 'awaiting_correction', 'received', 'suspended'])), fields=['responsible'], name='case_open_by_responsible'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(condition=models.Q(('state__in', ['accepted', 'awaiting_correction', 'received', 'suspended'])), fields=['current_post'], name='case_open_by_post'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(condition=models.Q(('state__in', ['accepted', 'awaiting_correction', 'received', 'suspended'])), fields=['window'], name='case_open_by_window'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(condition=models.Q(('state__in', ['awaiting_correction', 'received'])), fields=['received_by'], name='case_unaccepted_by_receiver'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(condition=models.Q(('is_priority', True), ('state__in', ['accepted', 'awaiting_correction', 'received', 'suspended'])), fields=['center'], name='case_open_priority'),
        ),
        migrations.AddIndex(
            model_name='notice',
            index=models.Index(fields=['center', 'kind', 'issued_at'], name='notice_center_kind_issued'),
        ),
        migrations.AddIndex(
            model_name='visit',
            index=models.Index(condition=models.Q(('is_shuttle', True)), fields=['at'], name='visit_shuttles_by_day'),
        ),
        migrations.RunPython(fill_current_post, migrations.RunPython.noop),
    ]
