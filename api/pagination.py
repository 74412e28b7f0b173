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


class BoundedCountPagination(ApiPagination):
    """`ApiPagination` for lists over a centre's whole history (its cases): the count is exact up to
    `COUNT_LIMIT` (or up to the end of the page asked, when that is further), and stops one past it
    (`count_capped` then says the count is a lower bound), so that a page costs what it shows, not what the
    centre holds: counting a million cases to show fifty would cost more than the fifty."""

    COUNT_LIMIT = 1000

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        # The count needs the page asked (DRF reads the offset only after counting).
        self.limit, self.offset = self.get_limit(request), self.get_offset(request)
        return super().paginate_queryset(queryset, request, view)

    def _ceiling(self) -> int:
        if self.limit is None:
            return self.COUNT_LIMIT
        return max(self.COUNT_LIMIT, (self.offset or 0) + self.limit)

    def get_count(self, queryset: Any) -> int:
        # COUNT over at most one row past the ceiling (a LIMIT inside the count).
        return int(queryset[: self._ceiling() + 1].count())

    def get_paginated_response(self, data: Any) -> Any:
        response = super().get_paginated_response(data)
        response.data["count_capped"] = (self.count or 0) > self._ceiling()
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        answer = super().get_paginated_response_schema(schema)
        properties = answer["properties"]
        properties["count"] = {
            "type": "integer",
            "example": 123,
            "description": f"符合条件的条数；超过{self.COUNT_LIMIT}条（或所取页之末）时只数到多一条（见 count_capped）",
        }
        properties["count_capped"] = {"type": "boolean", "description": "count 是否只是下限（实际条数更多）"}
        answer["required"] = [*answer.get("required", []), "count_capped"]
        return answer
