"""Working-day timers (`workdays.Timer`) and their ledgers of stopped spans (`workdays.TimerSpan`)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0001_initial'),
        ('workdays', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='Timer',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('case', '办件'), ('joint_lane', '并联审批部门时限'), ('complaint', '投诉答复'), ('review', '差评整改'), ('action_item', '例会督办事项')], max_length=20, verbose_name='类别')),
                ('subject_id', models.PositiveBigIntegerField(verbose_name='对象编号')),
                ('started_on', models.DateField(verbose_name='起算日')),
                ('budget_days', models.PositiveIntegerField(verbose_name='时限（工作日）')),
                ('yellow_days', models.PositiveSmallIntegerField(verbose_name='预警阈值（工作日）')),
                ('state', models.CharField(choices=[('running', '计时中'), ('stopped', '暂停计时'), ('finished', '已结束')], default='running', max_length=10, verbose_name='状态')),
                ('deadline', models.DateField(blank=True, null=True, verbose_name='期限')),
                ('warn_from', models.DateField(blank=True, null=True, verbose_name='预警起始日')),
                ('provisional', models.BooleanField(default=False, verbose_name='期限为暂定')),
                ('finished_on', models.DateField(blank=True, null=True, verbose_name='结束日')),
                ('red_since', models.DateField(blank=True, null=True, verbose_name='超时起始日')),
                ('center', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.center', verbose_name='中心')),
            ],
            options={
                'verbose_name': '工作日计时',
                'verbose_name_plural': '工作日计时',
                'indexes': [models.Index(condition=models.Q(('state', 'running')), fields=['center', 'deadline'], name='timer_running_deadline'), models.Index(condition=models.Q(('state', 'running')), fields=['center', 'warn_from'], name='timer_running_warn'), models.Index(condition=models.Q(('red_since', None), models.Q(('state', 'stopped'), _negated=True)), fields=['deadline'], name='timer_unswept')],
                'constraints': [models.UniqueConstraint(fields=('kind', 'subject_id'), name='timer_one_per_subject'), models.CheckConstraint(condition=models.Q(models.Q(('state', 'stopped'), ('deadline', None), ('warn_from', None)), models.Q(('state', 'running'), ('deadline__isnull', False), ('warn_from__isnull', False)), ('state', 'finished'), _connector='OR'), name='timer_deadline_while_running'), models.CheckConstraint(condition=models.Q(models.Q(('state', 'finished'), _negated=True), ('finished_on__isnull', False), _connector='OR'), name='timer_finished_has_day')],
            },
        ),
        migrations.CreateModel(
            name='TimerSpan',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('stopped_on', models.DateField(verbose_name='暂停日')),
                ('resumed_on', models.DateField(blank=True, null=True, verbose_name='恢复日')),
                ('reason', models.CharField(max_length=30, verbose_name='事由')),
                ('timer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='spans', to='workdays.timer')),
            ],
            options={
                'ordering': ['timer', 'stopped_on', 'id'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('resumed_on', None)), fields=('timer',), name='timerspan_one_open'), models.CheckConstraint(condition=models.Q(('resumed_on', None), ('resumed_on__gte', models.F('stopped_on')), _connector='OR'), name='timerspan_period')],
            },
        ),
    ]
