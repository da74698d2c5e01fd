"""The 9.x client on a real 8.19 cluster (ci/escluster, local provider; marked ``cluster``):
the 8.x server refuses ``compatible-with=9`` with a 400, and talks to the client once
``ELASTIC_CLIENT_APIVERSIONING=negotiate`` makes it send ``compatible-with=8``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .v8plus_servers import resolve

pytestmark = pytest.mark.cluster


@pytest.fixture(scope="module")
def url_8_19() -> Iterator[str]:
    """One 8.19 node for the module; skipped where no JDK can run it."""
    escluster = pytest.importorskip("escluster")
    from escluster.jdk import NoSuitableJdkError, find_jdk

    try:
        find_jdk(escluster.resolve_version("8.19"))
    except NoSuitableJdkError as e:
        pytest.skip(f"no JDK for Elasticsearch 8.19: {e}")
    with escluster.get_provider("local") as provider:
        yield provider.start("8.19")[0]


@pytest.mark.parametrize("flavor", ["Elasticsearch", "AsyncElasticsearch"])
async def test_9x_client_on_8_19(url_8_19: str, monkeypatch: pytest.MonkeyPatch, flavor: str) -> None:
    import elasticsearch

    index = f"negotiate-{flavor.lower()}"
    plain = getattr(elasticsearch, flavor)(url_8_19)
    try:
        with pytest.raises(elasticsearch.BadRequestError) as caught:
            await resolve(plain.index(index=index, id="1", document={"title": "x"}))
    finally:
        await resolve(plain.close())
    assert caught.value.status_code == 400
    assert caught.value.error == "media_type_header_exception"

    monkeypatch.setenv("ELASTIC_CLIENT_APIVERSIONING", "negotiate")
    es = getattr(elasticsearch, flavor)(url_8_19)
    try:
        created = await resolve(es.index(index=index, id="1", document={"title": "negotiated"}, refresh=True))
        assert created["result"] == "created"
        got = await resolve(es.get(index=index, id="1"))
        assert got["_source"] == {"title": "negotiated"}
        found = await resolve(es.search(index=index, query={"match": {"title": "negotiated"}}))
        assert [hit["_id"] for hit in found["hits"]["hits"]] == ["1"]
        assert es._negotiation.mimetypes.version == 8
    finally:
        await resolve(es.options(ignore_status=404).indices.delete(index=index))
        await resolve(es.close())
