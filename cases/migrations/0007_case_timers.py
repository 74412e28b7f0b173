"""Each accepted case's clock becomes a working-day timer (`workdays.Timer`, kind "case"), and overdue cases get
their stored record of who answered for them (R-CLK-9).

The data step carries every accepted case over as its stored values stood (deadline, warning date, provisional
flag; the budget from the limit, extensions and green-channel target; the ledger from its special procedures and
its reported-up spans) without recomputing anything, then drops the case's own clock columns. Decided or
withdrawn cases get a finished timer; those finished after their deadline get their overdue record with the
person the assessment counted them for until now (the handler of the first step not finished by the deadline,
else the case's responsible person). Open overdue cases are recorded by the next daily sweep
(`manage.py sweep_timers`), which names the holder of the post on the day they fell overdue.
"""

from datetime import date, timedelta

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone

CLOSED = ("approved", "denied", "delivered", "archived", "withdrawn")


def _policy(PolicyValue, center_id, key, on, default):
    row = (
        PolicyValue.objects.filter(center_id=center_id, key=key, effective_from__lte=on)
        .order_by("-effective_from", "-id")
        .first()
    )
    return int(row.value) if row is not None else default


def carry_clocks_to_timers(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    CaseStep = apps.get_model("cases", "CaseStep")
    Suspension = apps.get_model("cases", "Suspension")
    Overdue = apps.get_model("cases", "Overdue")
    Timer = apps.get_model("workdays", "Timer")
    TimerSpan = apps.get_model("workdays", "TimerSpan")
    PolicyValue = apps.get_model("policy", "PolicyValue")
    now = timezone.now()
    for case in Case.objects.filter(accepted_on__isnull=False).order_by("pk").iterator():
        base = 0 if case.case_type == "immediate" else case.limit_days
        budget = base + case.extension_days
        if case.is_priority and case.priority_target_days is not None:
            budget = min(budget, case.priority_target_days)
        ratio = _policy(PolicyValue, case.center_id, "yellow_ratio_percent", case.accepted_on, 20)
        minimum = _policy(PolicyValue, case.center_id, "yellow_min_days", case.accepted_on, 1)
        yellow = max(minimum, -(-case.limit_days * ratio // 100))
        ended = case.decided_at or case.closed_at
        if case.state in CLOSED:
            state = "finished"
        elif case.deadline is None:
            state = "stopped"
        else:
            state = "running"
        finished_on = timezone.localdate(ended) if state == "finished" and ended else None
        if state == "finished" and finished_on is None:
            finished_on = case.accepted_on
        late = state == "finished" and case.deadline is not None and finished_on > case.deadline
        timer = Timer.objects.create(
            center_id=case.center_id,
            kind="case",
            subject_id=case.pk,
            started_on=case.accepted_on,
            budget_days=budget,
            yellow_days=yellow,
            state=state,
            deadline=case.deadline,
            warn_from=case.warn_from if state != "stopped" else None,
            provisional=case.deadline_provisional,
            finished_on=finished_on,
            red_since=case.deadline + timedelta(days=1) if late else None,
        )
        for suspension in Suspension.objects.filter(case=case).order_by("started_on", "pk"):
            TimerSpan.objects.create(
                timer=timer,
                stopped_on=suspension.started_on,
                resumed_on=suspension.ended_on,
                reason=suspension.kind,
            )
        sent = None
        for event in CaseEvent.objects.filter(case=case, action__in=["reported_up", "report_returned"]).order_by(
            "seq"
        ):
            if event.action == "reported_up":
                sent = date.fromisoformat(event.data["sent_on"])
            elif sent is not None:
                TimerSpan.objects.create(
                    timer=timer,
                    stopped_on=sent,
                    resumed_on=date.fromisoformat(event.data["returned_on"]),
                    reason="reported_up",
                )
                sent = None
        if sent is not None:
            TimerSpan.objects.create(timer=timer, stopped_on=sent, resumed_on=None, reason="reported_up")
        Case.objects.filter(pk=case.pk).update(timer=timer)
        if late:
            late_step = (
                CaseStep.objects.filter(case=case)
                .filter(models.Q(finished_at__isnull=True) | models.Q(finished_at__date__gt=case.deadline))
                .order_by("order")
                .first()
            )
            if late_step is not None and late_step.handler_id is not None:
                responsible_id, acting_as = late_step.handler_id, late_step.acting_as
            else:
                responsible_id, acting_as = case.responsible_id, case.responsible_acting_as
            Overdue.objects.create(
                center_id=case.center_id,
                case=case,
                deadline=case.deadline,
                overdue_on=case.deadline + timedelta(days=1),
                window_id=case.window_id,
                post_id=late_step.post_id if late_step is not None else None,
                responsible_id=responsible_id,
                acting_as=acting_as or "",
                recorded_at=now,
            )


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0006_case_submitted_on'),
        ('org', '0001_initial'),
        ('workdays', '0002_timers'),
        ('policy', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='Overdue',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('deadline', models.DateField(verbose_name='办结期限')),
                ('overdue_on', models.DateField(verbose_name='超时日')),
                ('acting_as', models.CharField(blank=True, choices=[('A', 'A角'), ('B', 'B角'), ('', '其他')], max_length=1, verbose_name='A角或B角')),
                ('recorded_at', models.DateTimeField(verbose_name='记录时间')),
            ],
            options={
                'verbose_name': '超时办件',
                'verbose_name_plural': '超时办件',
                'ordering': ['overdue_on', 'id'],
            },
        ),
        migrations.AddField(
            model_name='case',
            name='timer',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='workdays.timer', verbose_name='计时'),
        ),
        migrations.AddField(
            model_name='overdue',
            name='case',
            field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='overdue', to='cases.case'),
        ),
        migrations.AddField(
            model_name='overdue',
            name='center',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.center', verbose_name='中心'),
        ),
        migrations.AddField(
            model_name='overdue',
            name='post',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.post', verbose_name='岗位'),
        ),
        migrations.AddField(
            model_name='overdue',
            name='responsible',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.staffprofile', verbose_name='责任人'),
        ),
        migrations.AddField(
            model_name='overdue',
            name='window',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.window', verbose_name='窗口'),
        ),
        migrations.AddIndex(
            model_name='overdue',
            index=models.Index(fields=['center', 'overdue_on'], name='cases_overd_center__da7796_idx'),
        ),
        migrations.RunPython(carry_clocks_to_timers, migrations.RunPython.noop),
        migrations.RemoveIndex(
            model_name='case',
            name='cases_case_center__46e80a_idx',
        ),
        migrations.RemoveField(
            model_name='case',
            name='deadline',
        ),
        migrations.RemoveField(
            model_name='case',
            name='deadline_provisional',
        ),
        migrations.RemoveField(
            model_name='case',
            name='warn_from',
        ),
    ]
