import django.db.models
from django.db import migrations

import common.files


class Migration(migrations.Migration):
    dependencies = [("cases", "0010_list_indexes_and_current_post")]

    operations = [
        migrations.AlterField(
            model_name="casematerial",
            name="upload",
            field=django.db.models.FileField(
                blank=True, upload_to=common.files.UploadTo("case-materials/"), verbose_name="上传文件"
            ),
        ),
        migrations.AddField(
            model_name="casematerial",
            name="upload_name",
            field=django.db.models.CharField(blank=True, max_length=120, verbose_name="上传文件名"),
        ),
    ]
