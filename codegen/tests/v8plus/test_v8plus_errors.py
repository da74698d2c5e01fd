"""Answers other than success: the exception class by status, its fields and text, HEAD 404,
ignore_status, and the product check (``X-Elastic-Product``).

The expected ``str()``/``repr()`` texts and attribute values are what the official client
(9.5.1 and 8.19.3) gives for the same answers from the same server.
"""

from __future__ import annotations

import re
from types import ModuleType
from typing import Any

import elastic_transport
import pytest

from .v8plus_servers import RecordingServer, Reply, resolve

ERROR_BODY = {
    "error": {
        "root_cause": [
            {
                "type": "x_exception",
                "reason": "bad thing",
                "resource.id": "idx",
                "resource.type": "index_or_alias",
            }
        ],
        "type": "x_exception",
        "reason": "bad thing",
    },
}

STATUS_CLASSES = [
    (400, "BadRequestError"),
    (401, "AuthenticationException"),
    (403, "AuthorizationException"),
    (404, "NotFoundError"),
    (409, "ConflictError"),
    (429, "ApiError"),
    (500, "ApiError"),
    (502, "ApiError"),
]

UNSUPPORTED = (
    "The client noticed that the server is not Elasticsearch and we do not support this unknown product"
)


def _without_meta(text: str) -> str:
    return re.sub(r"meta=ApiResponseMeta\(.*\), body=", "meta=..., body=", text)


@pytest.mark.parametrize(("status", "class_name"), STATUS_CLASSES)
async def test_error_class_and_fields(
    es: Any, es_module: ModuleType, server: RecordingServer, status: int, class_name: str
) -> None:
    body = {**ERROR_BODY, "status": status}
    server.route("GET", "/idx/_doc/1", Reply(status=status, body=body))
    with pytest.raises(es_module.ApiError) as info:
        await resolve(es.options(max_retries=0).get(index="idx", id="1"))
    error = info.value
    assert type(error) is getattr(es_module, class_name)
    assert isinstance(error, es_module.ApiError)
    assert (error.status_code, error.meta.status) == (status, status)
    assert error.error == error.message == "x_exception"
    assert error.info == error.body == body
    assert error.args == ("x_exception",)
    assert error.meta.headers["x-elastic-product"] == "Elasticsearch"
    assert str(error) == f"{class_name}({status}, 'x_exception', 'bad thing', idx, index_or_alias)"
    assert _without_meta(repr(error)) == f"{class_name}('x_exception', meta=..., body={body!r})"


def test_exception_hierarchy(es_module: ModuleType) -> None:
    assert es_module.RequestError is es_module.BadRequestError
    assert es_module.exceptions.RequestError is es_module.BadRequestError
    assert issubclass(es_module.ApiError, elastic_transport.ApiError)
    assert issubclass(es_module.UnsupportedProductError, es_module.ApiError)
    assert es_module.TransportError is elastic_transport.TransportError
    assert es_module.ConnectionError is elastic_transport.ConnectionError
    assert es_module.exceptions.HTTP_EXCEPTIONS[409] is es_module.ConflictError


async def test_bad_request_is_caught_as_request_error(
    es: Any, es_module: ModuleType, server: RecordingServer
) -> None:
    """Older ``except RequestError`` clauses still catch a 400."""
    server.route("POST", "/idx/_search", Reply(status=400, body={**ERROR_BODY, "status": 400}))
    with pytest.raises(es_module.RequestError):
        await resolve(es.search(index="idx", query={"bad": {}}))


@pytest.mark.parametrize(
    ("reply", "text", "message"),
    [
        # no root cause: status and type only
        (Reply(status=400, body={"error": {"type": "t", "reason": "r"}}), "BadRequestError(400, 't')", "t"),
        (
            Reply(status=400, body={"error": {"type": "t", "root_cause": []}}),
            "BadRequestError(400, 't')",
            "t",
        ),
        # a root cause without a reason is not shown
        (
            Reply(
                status=400, body={"error": {"type": "t", "root_cause": [{"type": "t", "resource.id": "r"}]}}
            ),
            "BadRequestError(400, 't')",
            "t",
        ),
        # the error is a string
        (
            Reply(status=500, body={"error": "plain", "status": 500}),
            "ApiError(500, 'plain', 'plain')",
            "plain",
        ),
        # no error key: the body as text
        (
            Reply(status=404, body={"found": False}),
            "NotFoundError(404, \"{'found': False}\")",
            "{'found': False}",
        ),
        # not JSON at all
        (Reply(status=500, body="Bad gateway text"), "ApiError(500, 'Bad gateway text')", "Bad gateway text"),
    ],
)
async def test_error_text_for_other_bodies(
    es: Any, es_module: ModuleType, server: RecordingServer, reply: Reply, text: str, message: str
) -> None:
    server.route("GET", "/idx/_doc/1", reply)
    with pytest.raises(es_module.ApiError) as info:
        await resolve(es.get(index="idx", id="1"))
    assert str(info.value) == text
    assert info.value.message == message


async def test_head_404_is_a_false_response(es: Any, es_module: ModuleType, server: RecordingServer) -> None:
    server.route("HEAD", "/missing/_doc/1", Reply(status=404, body=b""))
    server.route("HEAD", "/missing", Reply(status=404, body=b""))
    response = await resolve(es.exists(index="missing", id="1"))
    assert type(response).__name__ == "HeadApiResponse"
    assert isinstance(response, elastic_transport.HeadApiResponse)
    assert (bool(response), response.body, response.meta.status, repr(response)) == (
        False,
        False,
        404,
        "HeadApiResponse(False)",
    )
    assert not await resolve(es.indices.exists(index="missing"))
    present = await resolve(es.exists(index="present", id="1"))
    assert (bool(present), repr(present)) == (True, "HeadApiResponse(True)")


@pytest.mark.parametrize(("status", "class_name"), [(403, "AuthorizationException"), (500, "ApiError")])
async def test_head_errors_other_than_404_raise(
    es: Any, es_module: ModuleType, server: RecordingServer, status: int, class_name: str
) -> None:
    server.route("HEAD", "/idx/_doc/1", Reply(status=status, body=b""))
    with pytest.raises(es_module.ApiError) as info:
        await resolve(es.options(max_retries=0).exists(index="idx", id="1"))
    assert type(info.value) is getattr(es_module, class_name)
    assert (str(info.value), info.value.body) == (f"{class_name}({status}, 'None')", None)


async def test_ping_is_false_on_errors(es: Any, server: RecordingServer) -> None:
    assert await resolve(es.ping()) is True
    server.route("HEAD", "/", Reply(status=500, body=b""))
    assert await resolve(es.options(max_retries=0).ping()) is False


async def test_ignore_status_returns_the_error_response(
    es: Any, es_module: ModuleType, server: RecordingServer
) -> None:
    body = {**ERROR_BODY, "status": 409}
    server.route("PUT", "/idx/_create/1", Reply(status=409, body=body))
    response = await resolve(
        es.options(ignore_status=[404, 409]).create(index="idx", id="1", document={"a": 1})
    )
    assert (response.meta.status, response.body) == (409, body)
    server.route("HEAD", "/idx/_doc/1", Reply(status=404, body=b""))
    assert not await resolve(es.options(ignore_status=404).exists(index="idx", id="1"))
    with pytest.raises(es_module.ConflictError):
        await resolve(es.create(index="idx", id="1", document={"a": 1}))


@pytest.mark.parametrize(
    "headers",
    [{}, {"X-Elastic-Product": "Kibana"}, {"X-Elastic-Product": "elasticsearch"}],
    ids=["absent", "other", "case"],
)
async def test_product_check_on_success(
    es: Any, es_module: ModuleType, server: RecordingServer, headers: dict[str, str]
) -> None:
    """A 2xx without ``X-Elastic-Product: Elasticsearch`` is refused, whatever the method."""
    server.route("GET", "/idx/_doc/1", Reply(body={"found": True}, headers=headers, product=False))
    server.route(
        "PUT", "/idx/_doc/1", Reply(status=201, body={"result": "created"}, headers=headers, product=False)
    )
    server.route("HEAD", "/idx", Reply(body=b"", headers=headers, product=False))
    with pytest.raises(es_module.UnsupportedProductError) as info:
        await resolve(es.get(index="idx", id="1"))
    error = info.value
    assert (str(error), error.message, error.meta.status, error.body) == (
        UNSUPPORTED,
        UNSUPPORTED,
        200,
        {"found": True},
    )
    assert (
        _without_meta(repr(error))
        == f"UnsupportedProductError({UNSUPPORTED!r}, meta=..., body={{'found': True}})"
    )
    with pytest.raises(es_module.UnsupportedProductError) as info:
        await resolve(es.index(index="idx", id="1", document={}))
    assert info.value.meta.status == 201
    with pytest.raises(es_module.UnsupportedProductError):
        await resolve(es.indices.exists(index="idx"))


@pytest.mark.parametrize(
    ("status", "class_name"),
    [(401, "AuthenticationException"), (403, "AuthorizationException"), (404, "NotFoundError")],
)
async def test_no_product_check_on_errors(
    es: Any, es_module: ModuleType, server: RecordingServer, status: int, class_name: str
) -> None:
    """A 4xx from a proxy or a secured cluster lacks the header: the status error is raised."""
    server.route("GET", "/idx/_doc/1", Reply(status=status, body={"error": "nope"}, product=False))
    with pytest.raises(es_module.ApiError) as info:
        await resolve(es.get(index="idx", id="1"))
    assert type(info.value) is getattr(es_module, class_name)
    assert str(info.value) == f"{class_name}({status}, 'nope', 'nope')"
    server.route("HEAD", "/idx/_doc/1", Reply(status=404, body=b"", product=False))
    assert not await resolve(es.exists(index="idx", id="1"))
