"""The table of the database cache production uses when REDIS_URL is not set (common/cache.py): the throttles'
counts, shared by every process. Django's own `createcachetable` makes it, so its columns are Django's."""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLE = "govhall_cache"  # common.cache.DATABASE_CACHE_TABLE, and LOCATION in config/settings/production.py


def create_table(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("common", "0002_history_append_only_trigger")]
    operations = [migrations.RunPython(create_table, drop_table)]
