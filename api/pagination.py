"""The API's one paginator (also DRF's default, so it must not import the API's views)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination

POSITION_MAX = 2**31 - 1


class ApiPagination(LimitOffsetPagination):
    """`?limit=&offset=`: a limit of 1 or more (above `max_limit` it is `max_limit`: an unbounded limit would
    reach the database as an overflowing integer, a 500 on SQLite), an offset of 0 or more. Anything else —
    a negative number, zero for the limit, text — is refused with 400 naming the parameter (DRF would quietly
    use the default instead, so a client's mistake would page wrongly without telling it)."""

    max_limit = 500

    def _parameter(self, request: Any, name: str, minimum: int) -> int | None:
        raw = request.query_params.get(name)
        if raw is None or raw == "":
            return None
        try:
            value = int(raw)
        except ValueError:
            value = minimum - 1
        if value < minimum:
            raise ValidationError({name: [gettext("须为不小于 %(minimum)d 的整数。") % {"minimum": minimum}]})
        # Past every list, and still an integer every database takes.
        return min(value, POSITION_MAX)

    def get_limit(self, request: Any) -> int | None:
        limit = self._parameter(request, self.limit_query_param, 1)
        return self.default_limit if limit is None else min(limit, self.max_limit or limit)

    def get_offset(self, request: Any) -> int:
        return self._parameter(request, self.offset_query_param, 0) or 0

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.limit_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_limit)
            else:
                parameter["schema"]["minimum"] = 0
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
