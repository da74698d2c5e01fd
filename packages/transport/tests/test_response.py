import pickle

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
