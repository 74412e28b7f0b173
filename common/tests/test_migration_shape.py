"""govhall's migrations create a new model with its indexes and constraints, so that `migrate` stays quick on a
fresh database (docs/decisions.md, "A migration creates a model with its indexes and constraints")."""

from __future__ import annotations

from django.db import connection
from django.db.migrations import AddConstraint, AddIndex, CreateModel
from django.db.migrations.loader import MigrationLoader

from common.tests.own_apps import own_apps


def test_a_migration_gives_a_model_it_creates_its_indexes_and_constraints_in_the_model_itself() -> None:
    own = own_apps()
    loader = MigrationLoader(connection, load=False)
    loader.load_disk()
    late = []
    for (label, name), migration in sorted(loader.disk_migrations.items()):
        if label not in own:
            continue
        # The models created here that no other operation has touched since: an index or constraint of one of
        # them belongs in its CreateModel. (After a field added to the model, say a foreign key that had to wait
        # for another model, it may have to stay where it is.)
        untouched: set[str] = set()
        for op in migration.operations:
            if isinstance(op, CreateModel):
                untouched.add(op.name_lower)
            elif isinstance(op, AddIndex | AddConstraint) and op.model_name_lower in untouched:
                late.append(f"{label}.{name}: {type(op).__name__} on {op.model_name}")
            else:
                untouched.discard(getattr(op, "model_name_lower", None) or getattr(op, "name_lower", ""))
    assert own >= {"cases", "org", "staffing"}
    # Move each into its CreateModel's options ("indexes", "constraints"): makemigrations writes them apart.
    assert late == []
