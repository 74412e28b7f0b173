"""The Appointment model, moved here from `cases` with its table (see `cases.0004_appointment_moves_to_hall`):
state only, the table already exists."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('cases', '0004_appointment_moves_to_hall'),
        ('catalog', '0002_published_versions_immutable_trigger'),
        ('org', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='Appointment',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('applicant_name', models.CharField(max_length=100)),
                    ('applicant_phone', models.CharField(max_length=40)),
                    ('starts_at', models.DateTimeField(db_index=True)),
                    ('outside_hours', models.BooleanField(default=False)),
                    ('status', models.CharField(choices=[('booked', '已预约'), ('served', '已办理'), ('no_show', '未到'), ('cancelled', '已取消')], default='booked', max_length=10)),
                    ('served_from', models.DateTimeField(blank=True, null=True)),
                    ('served_until', models.DateTimeField(blank=True, null=True)),
                    ('late_service_minutes', models.PositiveIntegerField(default=0)),
                    ('case', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='appointments', to='cases.case')),
                    ('center', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.center', verbose_name='中心')),
                    ('item', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='catalog.item')),
                    ('served_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.staffprofile')),
                    ('window', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='appointments', to='org.window')),
                ],
                options={
                    'ordering': ['starts_at'],
                },
            ),
            ],
            database_operations=[],
        ),
    ]
