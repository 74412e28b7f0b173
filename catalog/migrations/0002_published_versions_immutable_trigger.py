"""On PostgreSQL, a published or superseded item version and its materials, fees and steps cannot be changed
by any path, not only through `catalog.services` (R-CAT-3): the only change a non-draft version takes is
published -> superseded. Drafts stay free to edit."""

from django.db import migrations

PARTS = ["catalog_material", "catalog_fee", "catalog_step"]

CREATE = """
CREATE OR REPLACE FUNCTION govhall_catalog_version_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.state <> 'draft' THEN
            RAISE EXCEPTION 'item version % is published and cannot be deleted (R-CAT-3)', OLD.id;
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.state <> 'draft' AND (
        (to_jsonb(NEW) - 'state') IS DISTINCT FROM (to_jsonb(OLD) - 'state')
        OR NOT (NEW.state = OLD.state OR (OLD.state = 'published' AND NEW.state = 'superseded'))
    ) THEN
        RAISE EXCEPTION 'item version % is published and cannot be changed (R-CAT-3)', OLD.id;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION govhall_catalog_part_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND EXISTS (
        SELECT 1 FROM catalog_itemversion WHERE id = OLD.version_id AND state <> 'draft'
    ) THEN
        RAISE EXCEPTION '% of published item version % cannot be changed (R-CAT-3)', TG_TABLE_NAME, OLD.version_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        IF EXISTS (SELECT 1 FROM catalog_itemversion WHERE id = NEW.version_id AND state <> 'draft') THEN
            RAISE EXCEPTION '% of published item version % cannot be changed (R-CAT-3)', TG_TABLE_NAME, NEW.version_id;
        END IF;
        RETURN NEW;
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE, params=None)
    schema_editor.execute(
        "CREATE TRIGGER catalog_itemversion_immutable BEFORE UPDATE OR DELETE ON catalog_itemversion "
        "FOR EACH ROW EXECUTE FUNCTION govhall_catalog_version_guard();"
    )
    for table in PARTS:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_immutable BEFORE INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION govhall_catalog_part_guard();"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in ["catalog_itemversion", *PARTS]:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS govhall_catalog_version_guard();")
    schema_editor.execute("DROP FUNCTION IF EXISTS govhall_catalog_part_guard();")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(create_triggers, drop_triggers)]
