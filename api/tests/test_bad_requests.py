"""No request can make the API answer 500, and every answer is the JSON error envelope.

Bodies nested too deep or too large for the server answer 400 before anything reads them; an unknown path
under /api/ answers 404 and an error no view handled answers 500, both as the envelope, and the 500's
traceback is logged; paging parameters out of range are refused, naming the parameter.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.urls import path
from rest_framework.test import APIClient

from api.parsers import MAX_DEPTH
from cases.models import Case
from config.urls import *  # noqa: F403  (the handlers, for the URLconf below)
from config.urls import urlpatterns as site_urlpatterns

from .helpers import token_client


def _boom(request: Any) -> Any:
    raise ZeroDivisionError("the fault of a view")


# A URLconf of the whole site plus two views that fail, under /api/ and outside it.
urlpatterns = [path("api/v1/boom", _boom), path("boom", _boom), *site_urlpatterns]


def test_a_body_nested_a_thousand_deep_answers_400_not_500(db: Any) -> None:
    body = "[" * 1000 + "]" * 1000

    response = APIClient().post("/api/v1/progress", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {
        "error": {"code": "parse_error", "message": f"JSON 嵌套过深（最多 {MAX_DEPTH} 层）。"}
    }


def test_a_body_just_past_the_depth_limit_is_refused_and_one_at_it_is_read(db: Any) -> None:
    def nested(levels: int) -> str:
        return '{"a": ' * (levels - 1) + "{}" + "}" * (levels - 1)

    too_deep = APIClient().post("/api/v1/progress", nested(MAX_DEPTH + 1), content_type="application/json")
    at_limit = APIClient().post("/api/v1/progress", nested(MAX_DEPTH), content_type="application/json")

    assert too_deep.status_code == 400 and too_deep.json()["error"]["code"] == "parse_error"
    # Read, then refused for what it says (no query code), not for its shape.
    assert at_limit.status_code == 400 and at_limit.json()["error"]["code"] == "invalid"


def test_a_body_larger_than_the_ceiling_answers_400(db: Any, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = '{"code": "' + "x" * 2000 + '"}'

    response = APIClient().post("/api/v1/progress", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {
        "error": {"code": "bad_request", "message": "请求无法处理（格式错误或过大）。"}
    }


def test_malformed_json_and_nan_are_refused(db: Any) -> None:
    for body in ('{"code": ', '{"code": NaN}', b'{"code": "\xff"}'):
        response = APIClient().post("/api/v1/progress", body, content_type="application/json")
        assert response.status_code == 400, body
        assert response.json()["error"]["code"] == "parse_error"


def test_a_deep_applicant_in_a_multipart_receive_is_refused_and_nothing_is_received(hall: Any) -> None:
    applicant = '{"name": ' + "[" * 1000 + "]" * 1000 + "}"

    response = token_client(hall.clerk).post(
        f"/api/v1/centers/{hall.center.code}/cases",
        {"window": "A01", "item": "FTB-001", "applicant": applicant},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json()["error"]["field"] == "applicant"
    assert not Case.objects.exists()


def test_an_unknown_api_path_answers_the_json_envelope_and_a_site_path_the_html_page(db: Any) -> None:
    client = APIClient()

    api = client.get("/api/v1/no-such-thing")
    site = client.get("/no-such-page/")

    assert (api.status_code, api["Content-Type"]) == (404, "application/json")
    assert api.json() == {"error": {"code": "not_found", "message": "未找到。"}}
    assert site.status_code == 404 and site["Content-Type"].startswith("text/html")


@pytest.mark.urls(__name__)
def test_an_unhandled_error_answers_500_as_the_envelope_and_is_logged_with_its_traceback(db: Any) -> None:
    client = APIClient(raise_request_exception=False)
    logger = logging.getLogger("django.request")
    records: list[logging.LogRecord] = []
    catcher = logging.Handler(level=logging.ERROR)
    catcher.emit = records.append  # type: ignore[method-assign]
    logger.addHandler(catcher)
    try:
        api = client.get("/api/v1/boom")
        site = client.get("/boom")
    finally:
        logger.removeHandler(catcher)

    assert (api.status_code, api.json()["error"]["code"]) == (500, "server_error")
    assert site.status_code == 500 and "系统繁忙" in site.content.decode()
    assert [record.exc_info[0] for record in records if record.exc_info] == [ZeroDivisionError] * 2
    # The settings send these records to the console (the server's log) with DEBUG off, as in production.
    assert any(isinstance(h, logging.StreamHandler) for h in logger.handlers)
    assert logger.isEnabledFor(logging.ERROR) and not logger.propagate


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"offset": "-1"}, "offset"),
        ({"limit": "-5"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"offset": "1.5"}, "offset"),
    ],
)
def test_paging_out_of_range_is_refused_naming_the_parameter(
    hall: Any, query: dict[str, str], field: str
) -> None:
    response = APIClient().get("/api/v1/centers", query)

    assert response.status_code == 400
    assert (response.json()["error"]["code"], response.json()["error"]["field"]) == ("invalid", field)


def test_a_case_list_with_an_offset_past_everything_is_empty(hall: Any) -> None:
    response = token_client(hall.clerk).get(
        f"/api/v1/centers/{hall.center.code}/cases", {"offset": "99999999999999999999"}
    )

    assert response.status_code == 200, response.json()
    assert response.json()["results"] == []
