import pickle

import pytest
from elastic_transport import (
    ApiResponseMeta,
    BinaryApiResponse,
    HeadApiResponse,
    HttpHeaders,
    ListApiResponse,
    NodeConfig,
    ObjectApiResponse,
    TextApiResponse,
)

META = ApiResponseMeta(
    200, "1.1", HttpHeaders({"content-type": "application/json"}), 0.01, NodeConfig("http", "localhost", 9200)
)


def test_object_response_is_a_mapping() -> None:
    response = ObjectApiResponse({"a": 1, "b": [1]}, META)
    assert response == {"a": 1, "b": [1]} and response != {"a": 2}
    assert response["a"] == 1 and "b" in response and len(response) == 2
    assert dict(response) == {"a": 1, "b": [1]} and list(response.keys()) == ["a", "b"]
    assert response.get("missing", 3) == 3
    assert response.body is response.raw and response.meta is META
    assert repr(response) == "ObjectApiResponse({'a': 1, 'b': [1]})" and str(response) == "{'a': 1, 'b': [1]}"
    assert ObjectApiResponse(body={"a": 1}, meta=META) == ObjectApiResponse(raw={"a": 1}, meta=META)


def test_list_text_binary() -> None:
    assert ListApiResponse([1, 2], META) == [1, 2] and ListApiResponse([1, 2], META)[1] == 2
    text = TextApiResponse("Green\n", META)
    assert text == "Green\n" and text.lower() == "green\n" and "ee" in text
    assert bytes(BinaryApiResponse(b"\x00\x01", META)) == b"\x00\x01"


def test_head_response_truthiness_from_status() -> None:
    assert HeadApiResponse(META) and HeadApiResponse(META).body is True
    missing = ApiResponseMeta(404, "1.1", HttpHeaders(), 0.01, META.node)
    assert not HeadApiResponse(missing) and HeadApiResponse(missing) == False  # noqa: E712


def test_responses_pickle() -> None:
    response = ObjectApiResponse({"a": 1}, META)
    assert pickle.loads(pickle.dumps(response)) == {"a": 1}


def test_body_methods_work_on_the_response() -> None:
    response = ObjectApiResponse({"a": 1}, META)
    copy = response.copy()
    assert type(copy) is dict and copy == {"a": 1} and copy is not response.body
    binary = BinaryApiResponse(b"Hello", META)
    assert binary.lower() == b"hello" and binary.decode() == "Hello" and binary[:2] == b"He"
    assert ListApiResponse([3, 1, 3], META).count(3) == 2
    with pytest.raises(AttributeError):
        response._missing  # noqa: B018  private names are never looked up on the body
    # unpickling an empty instance must not recurse through the lookup
    assert pickle.loads(pickle.dumps(binary)) == b"Hello"


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((), {}),
        (({},), {}),
        (({},), {"meta": META}),
        ((), {"body": {}}),
        ((), {"raw": {}, "body": {}, "meta": META}),
        (({}, META), {"body": {}}),
        ((), {"meta": META, "body": {}, "unknown": 1}),
    ],
)
def test_constructor_rejects_other_forms(args: tuple[object, ...], kwargs: dict[str, object]) -> None:
    with pytest.raises(TypeError) as info:
        ObjectApiResponse(*args, **kwargs)
    assert str(info.value) == "Must pass 'meta' and 'body' to ApiResponse"


def test_constructor_forms() -> None:
    for response in (
        ObjectApiResponse({"a": 1}, META),
        ObjectApiResponse(meta=META, body={"a": 1}),
        ObjectApiResponse(meta=META, raw={"a": 1}),
        ObjectApiResponse(meta=META, body={"a": 1}, body_cls=dict),
    ):
        assert response == {"a": 1} and response.meta is META
