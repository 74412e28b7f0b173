"""Migration operations of govhall's own, where Django's would cost a fresh database more than the change is worth.

`KeyIndexesDropped`: foreign keys lose their own single-column index (`db_index=False`) because a composite
index or a unique constraint of their table already leads with them (`common/tests/test_indexes.py`). Django
writes that change as one `AlterField` per key, which on SQLite rebuilds the whole table each time and, on
every database, renders again every model related to the key's model (through the centre: nearly all of them)
after each key. For the 66 keys of the first such change that added about 5 s to migrating a fresh database,
a third more, paid on every `make run` from a clean clone and by every test database. This operation changes
the keys of one app in one step: the fields in the migration state, with the models rendered once, and the
indexes dropped by name (the columns and the tables stay as they are).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.migrations.operations.base import Operation
from django.db.migrations.state import ProjectState


class KeyIndexesDropped(Operation):
    """Drop the own index of each foreign key in `keys`: (model name, field name, the index's name as the
    database has it). Reversible: going back creates each index again under its name."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, keys: Sequence[tuple[str, str, str]]) -> None:
        self.keys = [tuple(key) for key in keys]

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return self.__class__.__name__, [self.keys], {}

    def state_forwards(self, app_label: str, state: ProjectState) -> None:
        # As `ProjectState.alter_field` does for each field, without its re-rendering of the related models;
        # the models are rendered once, after every key (a key's index changes none of the relations).
        for model_name, name, _index in self.keys:
            model_key = (app_label, model_name)
            fields = state.models[model_key].fields
            old = fields[name]
            _name, _path, args, kwargs = old.deconstruct()
            field = old.__class__(*args, **{**kwargs, "db_index": False})
            if getattr(state, "_relations", None) is not None:  # the relations are computed: keep them true
                fields.pop(name)
                state.resolve_model_field_relations(model_key, name, old)
                fields[name] = field
                state.resolve_model_field_relations(model_key, name, field)
            else:
                fields[name] = field
        state.reload_models([(app_label, model_name) for model_name, _name, _index in self.keys])

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: ProjectState, to_state: ProjectState
    ) -> None:
        quote = schema_editor.quote_name
        for _model, _name, index in self.keys:
            schema_editor.execute(f"DROP INDEX {quote(index)}")

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: ProjectState, to_state: ProjectState
    ) -> None:
        quote = schema_editor.quote_name
        for model_name, name, index in self.keys:
            model = to_state.apps.get_model(app_label, model_name)
            table, column = model._meta.db_table, model._meta.get_field(name).column
            schema_editor.execute(f"CREATE INDEX {quote(index)} ON {quote(table)} ({quote(column)})")

    def describe(self) -> str:
        return f"Drop the own index of {len(self.keys)} foreign keys that a wider index leads with"

    @property
    def migration_name_fragment(self) -> str:
        return "covered_keys_unindexed"
