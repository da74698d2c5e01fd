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
