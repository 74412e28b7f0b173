"""The API's one paginator (also DRF's default, so it must not import the API's views)."""

from __future__ import annotations

from typing import Any

from rest_framework.pagination import LimitOffsetPagination


class ApiPagination(LimitOffsetPagination):
    """`?limit=&offset=`, with a ceiling: an unbounded limit would reach the database as an overflowing
    integer (a 500 on SQLite)."""

    max_limit = 500

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 0
            if parameter["name"] == self.limit_query_param:
                parameter["schema"]["maximum"] = self.max_limit
        return parameters
