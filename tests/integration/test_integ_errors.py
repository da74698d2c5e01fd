"""HTTP errors mapped to each major's exception classes (404, 409, 400), and ignoring them.

7.x: ``NotFoundError``, ``ConflictError``, ``RequestError`` under ``TransportError``, with
``status_code``, ``error`` and ``info``. 8.x/9.x: ``NotFoundError``, ``ConflictError``,
``BadRequestError`` under ``ApiError``, with ``meta.status``, ``message`` and ``body``.
"""

from __future__ import annotations

from typing import Any

import pytest

SHARDS = {"number_of_shards": 1, "number_of_replicas": 0}


def check_shape(api: Any, error: Exception, status: int, error_type: str) -> None:
    assert isinstance(error, api.errors.Api)
    assert api.status(error) == status
    assert api.error_type(error) == error_type
    if api.v7:
        assert error.status_code == status and isinstance(error.info, dict)  # type: ignore[attr-defined]
    else:
        assert error.meta.status == status and isinstance(error.body, dict)  # type: ignore[attr-defined]
        assert error.message == error_type  # type: ignore[attr-defined]
    assert str(status) in str(error)


async def test_404_missing_document(es: Any, api: Any, index: str) -> None:
    await es.indices.create(index=index, **api.body(settings=SHARDS))
    with pytest.raises(api.errors.NotFound) as caught:
        await es.get(index=index, id="nope")
    error = caught.value
    assert api.status(error) == 404
    body = api.error_body(error)
    assert body["found"] is False and body["_id"] == "nope"


async def test_404_missing_index(es: Any, api: Any, names: Any) -> None:
    missing = names.index("missing")
    with pytest.raises(api.errors.NotFound) as caught:
        await es.search(index=missing)
    check_shape(api, caught.value, 404, "index_not_found_exception")
    with pytest.raises(api.errors.NotFound):
        await es.indices.delete(index=missing)


async def test_409_conflict(es: Any, api: Any, index: str) -> None:
    await es.indices.create(index=index, **api.body(settings=SHARDS))
    await es.create(index=index, id="1", **api.document({"a": 1}))
    with pytest.raises(api.errors.Conflict) as caught:
        await es.create(index=index, id="1", **api.document({"a": 2}))
    check_shape(api, caught.value, 409, "version_conflict_engine_exception")


async def test_400_invalid_index_name(es: Any, api: Any, names: Any) -> None:
    with pytest.raises(api.errors.BadRequest) as caught:
        await es.indices.create(index=names.index("UPPER"))
    check_shape(api, caught.value, 400, "invalid_index_name_exception")


async def test_400_index_exists(es: Any, api: Any, index: str) -> None:
    await es.indices.create(index=index, **api.body(settings=SHARDS))
    with pytest.raises(api.errors.BadRequest) as caught:
        await es.indices.create(index=index)
    check_shape(api, caught.value, 400, "resource_already_exists_exception")


async def test_400_malformed_query(es: Any, api: Any, index: str) -> None:
    await es.indices.create(index=index, **api.body(settings=SHARDS))
    with pytest.raises(api.errors.BadRequest) as caught:
        await es.search(index=index, **api.body(query={"no_such_query": {}}))
    check_shape(api, caught.value, 400, "parsing_exception")


async def test_ignore_status(es: Any, api: Any, names: Any) -> None:
    missing = names.index("missing")
    if api.v7:
        answer = await es.indices.delete(index=missing, ignore=404)
        assert answer["status"] == 404
        answer = await es.indices.get(index=missing, ignore=[400, 404])
        assert answer["error"]["type"] == "index_not_found_exception"
    else:
        answer = await es.options(ignore_status=404).indices.delete(index=missing)
        assert answer.meta.status == 404
        assert answer.body["error"]["type"] == "index_not_found_exception"
