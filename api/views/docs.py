"""The API's documentation page, rendered on the server from the OpenAPI schema: no third-party script or
stylesheet reaches the public's browser (the usual Swagger/Redoc pages load theirs from a CDN)."""

from __future__ import annotations

import functools
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from drf_spectacular.generators import SchemaGenerator

METHODS = ("get", "post", "put", "patch", "delete")
TAG_LABELS = {
    "auth": _("认证"),
    "calendar": _("工作日历"),
    "organisation": _("组织机构"),
    "catalogue": _("服务事项"),
}


@functools.cache
def openapi_schema() -> dict[str, Any]:
    """The schema `/api/v1/openapi.json` serves (built once per process: the code does not change)."""
    return SchemaGenerator().get_schema(request=None, public=True)


def _type_of(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "allOf" in schema:
        return " & ".join(_type_of(s) for s in schema["allOf"])
    if "oneOf" in schema:
        return " | ".join(_type_of(s) for s in schema["oneOf"])
    kind = schema.get("type", "object")
    if kind == "array":
        return f"{_type_of(schema.get('items', {}))}[]"
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"] if v is not None)
    if "format" in schema:
        kind = f"{kind} ({schema['format']})"
    if schema.get("nullable"):
        kind += "?"
    return kind


def _component(schema: dict[str, Any], components: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """The name and fields of a request or response body."""
    ref = schema.get("$ref", "")
    name = ref.rsplit("/", 1)[-1] if ref else _type_of(schema)
    if schema.get("type") == "array":
        inner = schema.get("items", {})
        name, fields = _component(inner, components)
        return f"{name}[]", fields
    body = components.get(name, schema) if ref else schema
    required = set(body.get("required", []))
    fields = [
        {
            "name": key,
            "type": _type_of(prop),
            "required": key in required,
            "read_only": prop.get("readOnly", False),
            "description": prop.get("description", ""),
        }
        for key, prop in body.get("properties", {}).items()
    ]
    return name, fields


def operations(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """Every operation of the schema as plain rows for the template, grouped by tag."""
    components = schema.get("components", {}).get("schemas", {})
    groups: dict[str, list[dict[str, Any]]] = {}
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            parameters = [
                {
                    "name": p["name"],
                    "in": p["in"],
                    "required": p.get("required", False),
                    "type": _type_of(p.get("schema", {})),
                    "description": p.get("description", ""),
                }
                for p in op.get("parameters", [])
            ]
            body = None
            content = op.get("requestBody", {}).get("content", {})
            if content:
                media, spec = next(iter(content.items()))
                name, fields = _component(spec.get("schema", {}), components)
                body = {
                    "media_type": media,
                    "name": name,
                    "fields": fields,
                    "required": op["requestBody"].get("required", False),
                }
            responses = []
            for code, answer in op.get("responses", {}).items():
                answer_content = answer.get("content", {})
                name = ""
                if answer_content:
                    name = _component(next(iter(answer_content.values())).get("schema", {}), components)[0]
                responses.append({"code": code, "description": answer.get("description", ""), "body": name})
            secured = op.get("security", schema.get("security", []))
            public = not secured or {} in secured
            groups.setdefault((op.get("tags") or ["api"])[0], []).append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "operation_id": op.get("operationId", ""),
                    "parameters": parameters,
                    "body": body,
                    "responses": responses,
                    "public": public,
                }
            )
    return [{"tag": tag, "label": TAG_LABELS.get(tag, tag), "operations": ops} for tag, ops in groups.items()]


def api_docs(request: HttpRequest) -> HttpResponse:
    schema = openapi_schema()
    context = {"info": schema.get("info", {}), "groups": operations(schema)}
    return render(request, "api/docs.html", context)
