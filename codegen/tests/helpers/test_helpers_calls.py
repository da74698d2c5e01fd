"""The bulk helpers stay lean: Python function calls per document, counted exactly with
cProfile (the official 9.5 helpers make about 58 per document, most of them per line)."""

from __future__ import annotations

import cProfile
import pstats
from types import ModuleType
from typing import Any

from .helpers_fake_es import Server, docs

N = 5000


def calls_per_doc(run: Any) -> float:
    profile = cProfile.Profile()
    profile.enable()
    run()
    profile.disable()
    return pstats.Stats(profile).total_calls / N  # type: ignore[attr-defined,no-any-return]


def test_function_calls_per_document(helpers: ModuleType, client: Any, server: Server) -> None:
    actions = docs(N)
    helpers.bulk(client, docs(10))  # warm: plans, connections
    per_doc_bulk = calls_per_doc(lambda: helpers.bulk(client, actions))
    per_doc_streaming = calls_per_doc(lambda: sum(1 for _ in helpers.streaming_bulk(client, actions)))
    assert server.es.count() == N
    assert per_doc_bulk < 12, per_doc_bulk
    assert per_doc_streaming < 14, per_doc_streaming


def test_helpers_name_themselves_in_the_client_meta_header(
    helpers: ModuleType, client: Any, server: Server
) -> None:
    """``h=bp`` on the bulk requests, ``h=s`` on a scan's search, scroll and clear-scroll, as
    the official clients send them (7.x through params the transport takes out of the query)."""
    helpers.bulk(client, docs(30), chunk_size=10, refresh=True)
    bulks = [r for r in server.requests if r.path.endswith("/_bulk")]
    assert len(bulks) == 3 and all(r.headers["x-elastic-client-meta"].endswith(",h=bp") for r in bulks)
    start = len(server.requests)
    assert len(list(helpers.scan(client, index="test", size=10))) == 30
    scan = server.requests[start:]
    assert {r.path.rsplit("/", 1)[-1] for r in scan} >= {"_search", "scroll"}
    assert all(r.headers["x-elastic-client-meta"].endswith(",h=s") for r in scan)
    assert not any("__elastic_client_meta" in r.target for r in server.requests)
    client.info()
    assert ",h=" not in server.requests[-1].headers["x-elastic-client-meta"]
