"""JSON bodies the API reads: bounded in depth, so that no body can exhaust the process.

Python's json module recurses once per level of nesting: a 2 kB body of a thousand `[` exhausts the
interpreter's stack (RecursionError), and one a little shallower parses but breaks whatever walks it next. The
API's bodies are never more than a few levels deep (a case's applicant inside the case, a list of material
ids), so `MAX_DEPTH` is far above any real one, and a deeper body is refused with 400 before anything reads it.

The size is bounded before this: DRF hands the JSON parser `request.body`, which Django refuses past
`DATA_UPLOAD_MAX_MEMORY_SIZE` (a 400, answered by `config.handlers` with the envelope).
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.settings import api_settings

MAX_DEPTH = 32


class UnreadableJson(ValueError):
    """The text is not JSON the API reads: malformed, too deep, or with NaN/Infinity."""


def _refuse_constant(name: str) -> Any:
    raise UnreadableJson(f"JSON 中不允许 {name}。")


def depth_of(value: Any) -> int:
    """How many arrays and objects are nested in `value` (a scalar is 0), walked without recursion."""
    deepest = 0
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        node, level = pending.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, level + 1)
        if deepest > MAX_DEPTH:
            return deepest
        pending.extend((child, level + 1) for child in children)
    return deepest


def loads(text: str | bytes) -> Any:
    """`json.loads`, refusing (UnreadableJson) what is malformed or nested deeper than `MAX_DEPTH`."""
    try:
        data = json.loads(text, parse_constant=_refuse_constant if api_settings.STRICT_JSON else None)
    except RecursionError as exc:
        raise UnreadableJson(f"JSON 嵌套过深（最多 {MAX_DEPTH} 层）。") from exc
    except UnreadableJson:
        raise
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError
        raise UnreadableJson(f"JSON 格式错误：{exc}") from exc
    if depth_of(data) > MAX_DEPTH:
        raise UnreadableJson(f"JSON 嵌套过深（最多 {MAX_DEPTH} 层）。")
    return data


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser with the depth ceiling above; a refused body answers 400 (parse_error)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            return loads(stream.read().decode(encoding))
        except UnicodeDecodeError as exc:
            raise ParseError(f"请求体不是 {encoding} 编码的文本。") from exc
        except UnreadableJson as exc:
            raise ParseError(str(exc)) from exc
