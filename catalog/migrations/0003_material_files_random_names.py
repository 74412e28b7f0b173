import django.db.models
from django.db import migrations

import common.files


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_published_versions_immutable_trigger")]

    operations = [
        migrations.AlterField(
            model_name="material",
            name="blank_form",
            field=django.db.models.FileField(
                blank=True, upload_to=common.files.UploadTo("forms/"), verbose_name="空白表格"
            ),
        ),
        migrations.AlterField(
            model_name="material",
            name="sample",
            field=django.db.models.FileField(
                blank=True, upload_to=common.files.UploadTo("samples/"), verbose_name="填写样本"
            ),
        ),
    ]
