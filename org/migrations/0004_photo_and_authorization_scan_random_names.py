import django.db.models
from django.db import migrations

import common.files


class Migration(migrations.Migration):
    dependencies = [("org", "0003_holdings_from_current_posts_and_returns")]

    operations = [
        migrations.AlterField(
            model_name="staffprofile",
            name="photo",
            field=django.db.models.ImageField(
                blank=True, upload_to=common.files.UploadTo("staff/"), verbose_name="照片"
            ),
        ),
        migrations.AlterField(
            model_name="authorization",
            name="document",
            field=django.db.models.FileField(
                blank=True, upload_to=common.files.UploadTo("authorizations/"), verbose_name="授权书扫描件"
            ),
        ),
    ]
